"""The long-tail nn modules against torch 2.13: the Lazy* modules and LazyModuleMixin,
FractionalMaxPool2d/3d, AdaptiveLogSoftmaxWithLoss, CrossMapLRN2d, NLLLoss2d,
LinearCrossEntropyLoss, nn.utils.skip_init, convert_conv2d/3d_weight_memory_format and the
size arguments of the conv / pooling / padding modules.

Both libraries are seeded alike and build their modules and inputs with their own RNG (Ember's
is bit-exact), so default initialisation is checked by equality of the resulting tensors."""
import copy
import importlib
import warnings

import numpy as np
import pytest

import ember
from tests.oracle.harness import compare

torch = pytest.importorskip("torch")

TOL = {"float32": dict(rtol=1e-4, atol=1e-5), "float64": dict(rtol=1e-10, atol=1e-12)}
DTYPES = ["float32", "float64"]


def _both(fn, seed=0):
    """``fn(lib)`` for ember and torch, each right after ``manual_seed(seed)``."""
    out = []
    for lib in (ember, torch):
        lib.manual_seed(seed)
        out.append(fn(lib))
    return out


def _raises_alike(fn_e, fn_t, exc):
    with pytest.raises(exc) as t_info:
        fn_t()
    with pytest.raises(exc) as e_info:
        fn_e()
    assert str(e_info.value) == str(t_info.value)


def _state(m):
    return {k: v for k, v in m.state_dict().items()}


def _compare_states(em, tm, dtype="float64"):
    assert list(em.state_dict()) == list(tm.state_dict())
    compare(_state(em), _state(tm), **TOL[dtype], path="state_dict")


def _compare_param_grads(em, tm, dtype):
    for (name, ep), (_, tp) in zip(em.named_parameters(), tm.named_parameters()):
        compare(ep.grad, tp.grad, **TOL[dtype], path=f"{name}.grad")


# ---- torch's module paths ----------------------------------------------------------------------
@pytest.mark.parametrize("path", [
    "nn.modules.lazy:LazyModuleMixin", "nn.modules.conv:LazyConv2d",
    "nn.modules.conv:LazyConvTranspose3d", "nn.modules.batchnorm:LazyBatchNorm1d",
    "nn.modules.instancenorm:LazyInstanceNorm2d", "nn.modules.pooling:FractionalMaxPool3d",
    "nn.modules.adaptive:AdaptiveLogSoftmaxWithLoss", "nn.modules.normalization:CrossMapLRN2d",
    "nn.modules._functions:CrossMapLRN2d", "nn.modules.loss:NLLLoss2d",
    "nn.modules.loss:LinearCrossEntropyLoss", "nn.utils.init:skip_init",
    "nn.utils.memory_format:convert_conv2d_weight_memory_format",
    "nn.utils:convert_conv3d_weight_memory_format", "nn.utils:skip_init"])
def test_torch_module_paths(path):
    module, name = path.split(":")
    e_obj = getattr(importlib.import_module(f"ember.{module}"), name)
    t_obj = getattr(importlib.import_module(f"torch.{module}"), name)
    assert e_obj.__name__ == t_obj.__name__


def test_lazy_mixin_lives_only_in_its_module():
    for package in ("nn", "nn.modules"):
        e_mod = importlib.import_module(f"ember.{package}")
        t_mod = importlib.import_module(f"torch.{package}")
        assert hasattr(e_mod, "LazyModuleMixin") == hasattr(t_mod, "LazyModuleMixin")


# ---- lazy modules ------------------------------------------------------------------------------
LAZY = [
    ("LazyLinear", (3,), {}, (2, 4)),
    ("LazyConv1d", (4, 3), {}, (2, 3, 6)),
    ("LazyConv1d", (4, 2), {"padding": 1}, (3, 6)),            # unbatched
    ("LazyConv2d", (4, 3), {"stride": 2, "padding": 1, "bias": False}, (2, 3, 5, 5)),
    ("LazyConv2d", (4, 3), {"groups": 2, "padding_mode": "reflect", "padding": 1}, (1, 2, 4, 4)),
    ("LazyConv3d", (2, 2), {"dilation": 1}, (1, 3, 3, 3, 3)),
    ("LazyConvTranspose1d", (4, 2), {}, (2, 3, 5)),
    ("LazyConvTranspose2d", (4, 3), {"stride": 2, "output_padding": 1}, (2, 3, 3, 3)),
    ("LazyConvTranspose3d", (2, 2), {"bias": False}, (1, 2, 2, 3, 2)),
    ("LazyBatchNorm1d", (), {}, (4, 3)),
    ("LazyBatchNorm2d", (), {"momentum": None}, (2, 3, 2, 2)),
    ("LazyBatchNorm3d", (), {"affine": False}, (2, 2, 2, 2, 2)),
    ("LazyBatchNorm2d", (), {"track_running_stats": False, "bias": False}, (2, 3, 2, 2)),
    ("LazyInstanceNorm1d", (), {"affine": True}, (2, 3, 5)),
    ("LazyInstanceNorm2d", (), {"track_running_stats": True}, (2, 3, 3, 3)),
    ("LazyInstanceNorm3d", (), {}, (2, 2, 2, 3, 2)),
]


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name,args,kwargs,shape", LAZY,
                         ids=[f"{c[0]}-{i}" for i, c in enumerate(LAZY)])
def test_lazy_module_materialises_like_torch(name, args, kwargs, shape, dtype):
    tol = TOL[dtype]

    def build(lib):
        m = getattr(lib.nn, name)(*args, dtype=getattr(lib, dtype), **kwargs)
        return m, lib.randn(*shape, dtype=getattr(lib, dtype), requires_grad=True)

    (em, ex), (tm, tx) = _both(build)
    assert isinstance(em, ember.nn.modules.lazy.LazyModuleMixin)
    assert repr(em) == repr(tm)
    assert em.has_uninitialized_params() == tm.has_uninitialized_params() is True
    assert {k: type(v).__name__ for k, v in em.state_dict().items()} == \
        {k: type(v).__name__ for k, v in tm.state_dict().items()}
    ey, ty = em(ex), tm(tx)
    assert type(em).__name__ == type(tm).__name__ == name[len("Lazy"):]
    assert repr(em) == repr(tm)
    compare(ey, ty, **tol)
    _compare_states(em, tm, dtype)
    g = np.random.default_rng(0).standard_normal(tuple(ty.shape)).astype(dtype)
    ey.backward(ember.tensor(g))
    ty.backward(torch.tensor(g))
    compare(ex.grad, tx.grad, **tol, path="input.grad")
    _compare_param_grads(em, tm, dtype)
    compare(em(ex), tm(tx), **tol, path="second call")


@pytest.mark.parametrize("name,args,shape", [("LazyLinear", (3,), (2, 4)),
                                             ("LazyConv2d", (2, 3), (1, 2, 4, 4)),
                                             ("LazyBatchNorm1d", (), (3, 4))])
def test_lazy_load_state_dict_materialises(name, args, shape):
    """Loading a checkpoint fills the placeholders; the class switches on the first call."""
    def build(lib):
        source = getattr(lib.nn, name)(*args)
        source(lib.randn(*shape))
        target = getattr(lib.nn, name)(*args)
        result = target.load_state_dict(source.state_dict())
        return target, result, lib.randn(*shape)

    (em, e_res, ex), (tm, t_res, tx) = _both(build)
    assert list(e_res.missing_keys) == list(t_res.missing_keys) == []
    assert type(em).__name__ == type(tm).__name__ == name
    assert em.has_uninitialized_params() == tm.has_uninitialized_params() is False
    _compare_states(em, tm, "float32")
    compare(em(ex), tm(tx), **TOL["float32"])
    assert type(em).__name__ == type(tm).__name__


def test_lazy_module_moved_before_init_and_forward_kwargs():
    """``.double()`` converts the placeholders; forward keyword arguments reach the hook."""
    def build(lib):
        conv = lib.nn.LazyConvTranspose1d(2, 3, stride=2).double()
        norm = lib.nn.LazyBatchNorm1d().to(lib.float64)
        x = lib.randn(1, 2, 4, dtype=lib.float64)
        return conv, norm, conv(x, output_size=[10]), norm(x)

    (ec, en, ey, ez), (tc, tn, ty, tz) = _both(build)
    compare((ey, ez), (ty, tz), **TOL["float64"])
    _compare_states(ec, tc)
    _compare_states(en, tn)


def test_lazy_module_deepcopy_before_init():
    def build(lib):
        m = copy.deepcopy(lib.nn.LazyConv1d(2, 3))
        return m, m(lib.randn(1, 3, 5))

    (em, ey), (tm, ty) = _both(build)
    assert type(em).__name__ == type(tm).__name__
    compare(ey, ty, **TOL["float32"])


def test_lazy_errors():
    _raises_alike(lambda: ember.nn.LazyConv2d(4, 3, groups=2)(ember.randn(1, 3, 4, 4)),
                  lambda: torch.nn.LazyConv2d(4, 3, groups=2)(torch.randn(1, 3, 4, 4)),
                  ValueError)
    _raises_alike(lambda: ember.nn.LazyConv2d(4, 3)(ember.randn(3, 4)),
                  lambda: torch.nn.LazyConv2d(4, 3)(torch.randn(3, 4)), RuntimeError)
    _raises_alike(lambda: ember.nn.LazyConvTranspose3d(4, 3)(ember.randn(1, 3, 4, 4, 4, 4)),
                  lambda: torch.nn.LazyConvTranspose3d(4, 3)(torch.randn(1, 3, 4, 4, 4, 4)),
                  RuntimeError)
    _raises_alike(lambda: ember.nn.LazyLinear(3).weight.shape,
                  lambda: torch.nn.LazyLinear(3).weight.shape, RuntimeError)
    _raises_alike(lambda: ember.nn.LazyBatchNorm2d()(ember.randn(2, 3)),
                  lambda: torch.nn.LazyBatchNorm2d()(torch.randn(2, 3)), ValueError)
    _raises_alike(lambda: ember.nn.modules.lazy.LazyModuleMixin.initialize_parameters(
                      ember.nn.LazyLinear(2)),
                  lambda: torch.nn.modules.lazy.LazyModuleMixin.initialize_parameters(
                      torch.nn.LazyLinear(2)), NotImplementedError)


# ---- fractional max pooling --------------------------------------------------------------------
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name,kwargs,shape", [
    ("FractionalMaxPool2d", {"kernel_size": 2, "output_ratio": 0.5}, (2, 3, 6, 6)),
    ("FractionalMaxPool2d", {"kernel_size": (2, 3), "output_size": (3, 2),
                             "return_indices": True}, (3, 7, 6)),
    ("FractionalMaxPool3d", {"kernel_size": 2, "output_size": 2}, (1, 2, 5, 5, 5)),
    ("FractionalMaxPool3d", {"kernel_size": (1, 2, 2), "output_ratio": (0.5, 0.6, 0.7),
                             "return_indices": True}, (2, 4, 5, 6)),
])
def test_fractional_max_pool(name, kwargs, shape, dtype):
    def build(lib):
        m = getattr(lib.nn, name)(**kwargs)
        x = lib.randn(*shape, dtype=getattr(lib, dtype), requires_grad=True)
        return m, x, m(x)

    (em, ex, ey), (tm, tx, ty) = _both(build)
    assert repr(em) == repr(tm)
    assert list(em.state_dict()) == list(tm.state_dict()) == []
    compare(ey, ty, **TOL[dtype])
    (ey[0] if isinstance(ey, tuple) else ey).sum().backward()
    (ty[0] if isinstance(ty, tuple) else ty).sum().backward()
    compare(ex.grad, tx.grad, **TOL[dtype], path="input.grad")


def test_fractional_max_pool_given_samples_are_a_buffer():
    def build(lib):
        samples = lib.rand(1, 2, 2, dtype=lib.float64)
        m = lib.nn.FractionalMaxPool2d(2, output_size=3, _random_samples=samples)
        return m, m(lib.randn(1, 2, 7, 7, dtype=lib.float64))

    (em, ey), (tm, ty) = _both(build)
    _compare_states(em, tm)
    compare(ey, ty, **TOL["float64"])


@pytest.mark.parametrize("name,args,kwargs", [
    ("FractionalMaxPool2d", (2,), {}),
    ("FractionalMaxPool3d", (2,), {}),
    ("FractionalMaxPool2d", (2,), {"output_size": 3, "output_ratio": 0.5}),
    ("FractionalMaxPool2d", (2,), {"output_ratio": (0.5, 1.0)}),
    ("FractionalMaxPool3d", (2,), {"output_ratio": 1.5}),
    ("FractionalMaxPool3d", (0,), {"output_size": 2}),
    ("FractionalMaxPool3d", ((2, -1, 2),), {"output_size": 2}),
])
def test_fractional_max_pool_errors(name, args, kwargs):
    _raises_alike(lambda: getattr(ember.nn, name)(*args, **kwargs),
                  lambda: getattr(torch.nn, name)(*args, **kwargs), ValueError)


# ---- losses ------------------------------------------------------------------------------------
def test_nllloss2d_is_deprecated_nllloss():
    def build(lib):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            m = lib.nn.NLLLoss2d(ignore_index=1)
        logp = lib.randn(2, 3, 4, 4).log_softmax(1)
        target = lib.randint(0, 3, (2, 4, 4))
        return m, [(w.category, str(w.message)) for w in caught], m(logp, target)

    (em, e_warn, ey), (tm, t_warn, ty) = _both(build)
    assert isinstance(em, ember.nn.NLLLoss)
    assert e_warn == t_warn and e_warn[0][0] is FutureWarning
    assert repr(em) == repr(tm)
    compare(ey, ty, **TOL["float32"])


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("kwargs,target_shape", [
    ({}, (5,)),
    ({"bias": True, "label_smoothing": 0.1, "reduction": "sum"}, (5,)),
    ({"out_features": (2,), "bias": True, "ignore_index": 1}, (5, 2)),
    ({"out_features": (3, 2), "reduction": "none"}, (5, 3, 2)),
])
def test_linear_cross_entropy_loss(kwargs, target_shape, dtype):
    def build(lib):
        dt = getattr(lib, dtype)
        m = lib.nn.LinearCrossEntropyLoss(6, 4, dtype=dt, **kwargs)
        x = lib.randn(5, 6, dtype=dt, requires_grad=True)
        return m, x, m(x, lib.randint(0, 4, target_shape))

    (em, ex, ey), (tm, tx, ty) = _both(build)
    assert repr(em) == repr(tm)
    _compare_states(em, tm, dtype)
    compare(ey, ty, **TOL[dtype])
    ey.sum().backward()
    ty.sum().backward()
    compare(ex.grad, tx.grad, **TOL[dtype], path="input.grad")
    _compare_param_grads(em, tm, dtype)


def test_linear_cross_entropy_loss_class_weight():
    def build(lib):
        w = lib.rand(3, dtype=lib.float64)
        m = lib.nn.LinearCrossEntropyLoss(4, 3, weight=w, dtype=lib.float64)
        return m, m(lib.randn(6, 4, dtype=lib.float64), lib.randint(0, 3, (6,)))

    (em, ey), (tm, ty) = _both(build)
    _compare_states(em, tm)
    compare(ey, ty, **TOL["float64"])


@pytest.mark.parametrize("kwargs", [{"weight": "bad"}, {"label_smoothing": 1.5},
                                    {"label_smoothing": -0.1}])
def test_linear_cross_entropy_loss_errors(kwargs):
    def make(lib):
        kw = dict(kwargs)
        if kw.get("weight") == "bad":
            kw["weight"] = lib.ones(2, 2)
        return lambda: lib.nn.LinearCrossEntropyLoss(4, 3, **kw)

    _raises_alike(make(ember), make(torch), RuntimeError)


# ---- adaptive log-softmax ----------------------------------------------------------------------
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("cutoffs,div_value,head_bias", [([3, 6], 2.0, True), ([4], 4.0, False)])
def test_adaptive_log_softmax(cutoffs, div_value, head_bias, dtype):
    tol = TOL[dtype]

    def build(lib):
        dt = getattr(lib, dtype)
        m = lib.nn.AdaptiveLogSoftmaxWithLoss(8, 10, cutoffs, div_value=div_value,
                                              head_bias=head_bias, dtype=dt)
        x = lib.randn(7, 8, dtype=dt, requires_grad=True)
        return m, x, m(x, lib.tensor([0, 4, 9, 2, 7, 5, 3]))

    (em, ex, eo), (tm, tx, to) = _both(build)
    assert repr(em) == repr(tm)
    _compare_states(em, tm, dtype)
    assert type(eo).__name__ == type(to).__name__ and eo._fields == to._fields
    compare(tuple(eo), tuple(to), **tol)
    eo.loss.backward()
    to.loss.backward()
    compare(ex.grad, tx.grad, **tol, path="input.grad")
    _compare_param_grads(em, tm, dtype)
    compare(em.log_prob(ex), tm.log_prob(tx), **tol, path="log_prob")
    compare(em.predict(ex), tm.predict(tx), **tol, path="predict")
    compare(tuple(em(ex[0], ember.tensor(9))), tuple(tm(tx[0], torch.tensor(9))), **tol,
            path="unbatched")


@pytest.mark.parametrize("ctor,call,exc", [
    ((8, 10, []), None, ValueError),
    ((8, 10, [5, 3]), None, ValueError),
    ((8, 10, [0, 3]), None, ValueError),
    ((8, 10, [3, 10]), None, ValueError),
    ((8, 10, [3, 3]), None, ValueError),
    ((8, 10, [3.5]), None, ValueError),
    ((8, 10, [3]), ((4, 8), [1, 2, 3]), RuntimeError),
    ((8, 10, [3]), ((3, 2, 8), [1, 2, 3]), RuntimeError),
    ((8, 10, [3]), ((3, 8), 1), RuntimeError),
    ((8, 10, [3]), ((3, 8), [[1], [2], [3]]), RuntimeError),
    ((8, 10, [3]), ((3, 8), [1, 12, 3]), RuntimeError),
])
def test_adaptive_log_softmax_errors(ctor, call, exc):
    def make(lib):
        def run():
            m = lib.nn.AdaptiveLogSoftmaxWithLoss(*ctor)
            if call is not None:
                m(lib.randn(*call[0]), lib.tensor(call[1]))
        return run

    _raises_alike(make(ember), make(torch), exc)


# ---- CrossMapLRN2d -----------------------------------------------------------------------------
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("size,channels", [(2, 3), (3, 1), (3, 6), (4, 5), (5, 7), (6, 3)])
def test_cross_map_lrn2d(size, channels, dtype):
    a = np.random.default_rng(size).standard_normal((2, channels, 3, 2)).astype(dtype)
    g = np.random.default_rng(9).standard_normal(a.shape).astype(dtype)
    outs = []
    for lib in (ember, torch):
        x = lib.tensor(a, requires_grad=True)
        m = lib.nn.CrossMapLRN2d(size, alpha=0.3, beta=0.6, k=1.5)
        y = m(x)
        y.backward(lib.tensor(g))
        outs.append((m, y, x.grad))
    (em, ey, eg), (tm, ty, tg) = outs
    assert repr(em) == repr(tm)
    assert type(ey.grad_fn).__name__ == type(ty.grad_fn).__name__
    compare(ey, ty, **TOL[dtype])
    compare(eg, tg, **TOL[dtype], path="input.grad")


def test_cross_map_lrn2d_errors():
    _raises_alike(lambda: ember.nn.CrossMapLRN2d(3)(ember.randn(2, 3, 4)),
                  lambda: torch.nn.CrossMapLRN2d(3)(torch.randn(2, 3, 4)), ValueError)


# ---- nn.utils ----------------------------------------------------------------------------------
@pytest.mark.parametrize("cls,args", [("Linear", (3, 4)), ("Conv2d", (2, 3, 3)),
                                      ("BatchNorm1d", (4,))])
def test_skip_init_draws_nothing(cls, args):
    def build(lib):
        m = lib.nn.utils.skip_init(getattr(lib.nn, cls), *args)
        return m, lib.randn(3)

    (em, e_next), (tm, t_next) = _both(build)
    assert repr(em) == repr(tm)
    compare(_state(em), _state(tm), 0, 0, values=False)
    assert str(em.weight.device) == str(tm.weight.device) == "cpu"
    compare(e_next, t_next, 0, 0, path="next draw")


@pytest.mark.parametrize("cls", ["ReLU", "int"])
def test_skip_init_errors(cls):
    def make(lib):
        module_cls = int if cls == "int" else getattr(lib.nn, cls)
        return lambda: lib.nn.utils.skip_init(module_cls)

    _raises_alike(make(ember), make(torch), RuntimeError)


@pytest.mark.parametrize("fn,layers", [
    ("convert_conv2d_weight_memory_format", lambda nn: [nn.Conv2d(2, 3, 3),
                                                        nn.ConvTranspose2d(3, 2, 2)]),
    ("convert_conv3d_weight_memory_format", lambda nn: [nn.Conv3d(2, 3, 1),
                                                        nn.ConvTranspose3d(3, 2, 2)]),
])
def test_convert_conv_weight_memory_format(fn, layers):
    """The module comes back (same object, same values), its conv weights in the format."""
    def build(lib):
        net = lib.nn.Sequential(layers(lib.nn)[0], lib.nn.Sequential(layers(lib.nn)[1]))
        fmt = lib.channels_last if "2d" in fn else lib.channels_last_3d
        return net, getattr(lib.nn.utils, fn)(net, fmt)

    (enet, eout), (tnet, tout) = _both(build)
    assert eout is enet and tout is tnet
    _compare_states(enet, tnet, "float32")
    assert [p.stride() for p in enet.parameters()] == [p.stride() for p in tnet.parameters()]


@pytest.mark.parametrize("name, args, kwargs, attrs", [
    ("Conv2d", (2, 4), dict(kernel_size=range(1, 3), stride=range(2, 0, -1), padding=1),
     ("kernel_size", "stride", "padding", "dilation")),
    ("ConvTranspose1d", (2, 4, (3,)), dict(output_padding=range(1)),
     ("kernel_size", "output_padding")),
    ("MaxUnpool2d", (range(2, 4),), {}, ("kernel_size", "stride", "padding")),
    ("AvgPool1d", ([3],), dict(padding=range(1, 2)), ("kernel_size", "stride", "padding")),
    ("FractionalMaxPool2d", (range(2, 4),), dict(output_size=range(4, 6)),
     ("kernel_size", "output_size")),
    ("ReflectionPad2d", (range(4),), {}, ("padding",)),
    ("ZeroPad1d", (2,), {}, ("padding",)),
])
def test_size_arguments_expand_like_torch(name, args, kwargs, attrs):
    """Modules keep any iterable size argument as a tuple and repeat a single number, as
    torch's ``_pair`` & co. do."""
    e, t = (getattr(lib.nn, name)(*args, **kwargs) for lib in (ember, torch))
    assert [getattr(e, a) for a in attrs] == [getattr(t, a) for a in attrs]
