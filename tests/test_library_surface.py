"""PyTorch surface that libraries touch beyond the core (found running kornia, pyro, gpytorch,
captum, skorch and accelerate): each name behaves as torch 2.13's does."""
import pickle

import numpy as np
import pytest

import ember

torch = pytest.importorskip("torch")


def test_torch_module_reaches_itself():
    assert ember.torch is ember
    assert torch.torch is torch


@pytest.mark.parametrize("name,args", [
    ("sym_max", (2, 3.0)), ("sym_max", (2, 3)), ("sym_min", (2.5, 1)), ("sym_min", (4, 1)),
    ("sym_int", (2.7,)), ("sym_int", (-2.7,)), ("sym_float", (3,)), ("sym_not", (0,)),
    ("sym_ite", (True, 1, 2)), ("sym_ite", (False, 1, 2)), ("sym_sum", ([1, 2, 3.5],)),
    ("sym_sum", ((0.1, 0.2, 0.3),)), ("sym_sum", ((1, 2),))])
def test_sym_helpers_on_plain_numbers(name, args):
    got, want = getattr(ember, name)(*args), getattr(torch, name)(*args)
    assert type(got) is type(want) and got == want


def test_sym_ite_needs_a_bool():
    for args in ((0, 1, 2), (True, 1, 2.0)):
        msgs = []
        for lib in (ember, torch):
            with pytest.raises(AssertionError) as e:
                lib.sym_ite(*args)
            msgs.append(str(e.value))
        assert msgs[0] == msgs[1]


def test_symbolic_classes_are_not_plain_numbers():
    for name in ("SymInt", "SymFloat", "SymBool"):
        cls = getattr(ember, name)
        assert isinstance(cls, type)
        assert not isinstance(3, cls) and not isinstance(3.0, cls) and not isinstance(True, cls)
    assert not isinstance(3, (float, ember.SymInt))


def test_complex32_is_known_but_not_storable():
    for name in ("complex32", "chalf"):
        d, t = getattr(ember, name), getattr(torch, name)
        assert repr(d) == repr(t)
        assert (d.itemsize, d.is_complex, d.is_floating_point) == \
            (t.itemsize, t.is_complex, t.is_floating_point)
    assert ember.complex32 is ember.chalf
    assert ember.complex32 not in (ember.complex64, ember.complex128)
    assert pickle.loads(pickle.dumps(ember.complex32)) is ember.complex32
    for make in (lambda: ember.empty(2, dtype=ember.complex32),
                 lambda: ember.ones(2).to(ember.chalf)):
        with pytest.raises(ember.UnsupportedError, match="complex32"):
            make()


def test_types_aliases():
    import ember.types as et
    import torch.types as tt
    for name in ("Number", "Device", "FileLike", "_size", "_int", "_float", "_bool",
                 "_dtype", "_device", "_layout", "IntLikeType", "FloatLikeType",
                 "BoolLikeType", "py_sym_types", "Storage"):
        assert hasattr(et, name) and hasattr(tt, name), name
    assert et._dtype is ember.dtype and et._device is ember.device
    assert et._layout is ember.layout


def test_serialization_annotation_aliases():
    import ember.serialization as es
    assert es.FileLike is not None and es.MAP_LOCATION is not None


def test_nn_modules_utils_match_torch():
    import ember.nn.modules.utils as eu
    import torch.nn.modules.utils as tu
    for name in ("_single", "_pair", "_triple", "_quadruple"):
        for v in (3, (1, 2), [4, 5, 6], "ab"):
            assert getattr(eu, name)(v) == getattr(tu, name)(v)
        assert getattr(eu, name).__name__ == getattr(tu, name).__name__
    assert eu._reverse_repeat_tuple((1, 2, 3), 2) == tu._reverse_repeat_tuple((1, 2, 3), 2)
    assert eu._list_with_default([None, 5], [1, 2, 3, 4]) == \
        tu._list_with_default([None, 5], [1, 2, 3, 4])
    assert eu._list_with_default(7, [1, 2]) == tu._list_with_default(7, [1, 2])
    with pytest.raises(ValueError) as ee:
        eu._list_with_default([1, 2, 3], [1, 2])
    with pytest.raises(ValueError) as et:
        tu._list_with_default([1, 2, 3], [1, 2])
    assert str(ee.value) == str(et.value)
    sd_e = {"module.a": 1, "module.b.c": 2, "x": 3}
    sd_t = dict(sd_e)
    eu.consume_prefix_in_state_dict_if_present(sd_e, "module.")
    tu.consume_prefix_in_state_dict_if_present(sd_t, "module.")
    assert sd_e == sd_t


def test_state_dict_prefix_metadata():
    import ember.nn.modules.utils as eu
    import torch.nn.modules.utils as tu
    results = []
    for lib, utils in ((ember, eu), (torch, tu)):
        sd = lib.nn.DataParallel(lib.nn.Linear(2, 2)).state_dict()
        utils.consume_prefix_in_state_dict_if_present(sd, "module.")
        results.append((list(sd), sorted(sd._metadata)))
    assert results[0] == results[1]


def _grad_of(lib, backward_value, x_shape):
    class F(lib.autograd.Function):
        @staticmethod
        def forward(ctx, k, x, y):
            return x * 2 + y

        @staticmethod
        def backward(ctx, g):
            return None, backward_value(lib), lib.ones(x_shape)

    x = lib.ones(x_shape, requires_grad=True)
    y = lib.ones(x_shape, dtype=lib.float64, requires_grad=True)
    F.apply(3, x, y).sum().backward()
    return x.grad, y.grad


@pytest.mark.parametrize("x_shape,grad_shape", [((1, 4), (3, 4)), ((), (2, 3)), ((4, 1), (4, 5)),
                                                ((2, 1, 3), (2, 4, 3))])
def test_custom_function_gradient_summed_to_input_shape(x_shape, grad_shape):
    rng = np.random.default_rng(0)
    g = rng.standard_normal(grad_shape)
    ge, ye = _grad_of(ember, lambda lib: lib.tensor(g, dtype=lib.float32), x_shape)
    gt, yt = _grad_of(torch, lambda lib: lib.tensor(g, dtype=lib.float32), x_shape)
    assert tuple(ge.shape) == tuple(gt.shape) and ge.dtype == ember.float32
    np.testing.assert_allclose(ge.numpy(), gt.numpy(), rtol=1e-6)
    assert ye.dtype == ember.float64 and yt.dtype == torch.float64


def test_custom_function_gradient_of_wrong_shape():
    msgs = []
    for lib in (ember, torch):
        with pytest.raises(RuntimeError) as e:
            _grad_of(lib, lambda lib: lib.ones(5), (4,))
        msgs.append(str(e.value).replace("torch.", ""))
    assert msgs[0] == msgs[1]


def test_register_kl_accepts_any_class():
    from ember.distributions import kl as ekl
    from torch.distributions import kl as tkl

    class Other:
        pass
    for kl in (ekl, tkl):
        kl.register_kl(Other, Other)(lambda p, q: 0)
        kl._KL_REGISTRY.pop((Other, Other))
    msgs = []
    for kl in (ekl, tkl):
        with pytest.raises(TypeError) as e:
            kl.register_kl(3, Other)
        msgs.append(str(e.value))
    assert msgs[0] == msgs[1]


def test_future_is_generic():
    assert ember.futures.Future[int] is not None
    f = ember.futures.Future[int]()
    f.set_result(3)
    assert f.wait() == 3


def test_fake_tensor_probes():
    from ember._subclasses.fake_tensor import FakeTensor, is_fake
    from ember.fx.experimental.proxy_tensor import get_proxy_mode
    assert not is_fake(ember.ones(2)) and not is_fake(ember.nn.Parameter(ember.ones(2)))
    assert not isinstance(ember.ones(2), FakeTensor)
    assert get_proxy_mode() is None
    with pytest.raises(ember.UnsupportedError):
        FakeTensor()


def test_scatter_gather_need_cuda_like_torch():
    from ember.nn.parallel import scatter_gather as es
    from torch.nn.parallel import scatter_gather as ts
    for mod, lib in ((es, ember), (ts, torch)):
        assert sorted(mod.__all__) == ["gather", "scatter", "scatter_kwargs"]
    errors = []
    for mod, lib in ((es, ember), (ts, torch)):
        with pytest.raises(ValueError) as e:
            mod.scatter(lib.arange(4.0), ["cpu"])
        errors.append(str(e.value))
        with pytest.raises(AssertionError) as e:
            mod.gather([lib.ones(2), lib.ones(2)], "cpu")
        errors.append(str(e.value))
    assert errors[:2] == errors[2:]


def test_scatter_gather_on_fake_cuda():
    """Nested arguments split over two devices and gathered back, gradients included."""
    from ember import _backend
    from ember.nn.parallel.scatter_gather import gather, scatter, scatter_kwargs
    prev = _backend.fake_cuda_enabled()
    _backend.enable_fake_cuda(True)
    try:
        x = ember.arange(10.0, requires_grad=True)
        parts = scatter((x, 3, {"k": x}), [0, 1])
        assert len(parts) == 2
        assert [p[0].device for p in parts] == [ember.device("cuda", 0), ember.device("cuda", 1)]
        assert [p[1] for p in parts] == [3, 3]
        assert [p[2]["k"].shape[0] for p in parts] == [5, 5]
        args, kwargs = scatter_kwargs((x,), {"k": x}, [0, 1])
        assert len(args) == len(kwargs) == 2
        out = gather([p[0] * 2 for p in parts], 0)
        assert out.device == ember.device("cuda", 0)
        out.sum().backward()
        np.testing.assert_array_equal(x.grad.numpy(), np.full(10, 2.0))
    finally:
        _backend.enable_fake_cuda(prev)


def test_config_reports_the_build():
    text = ember.__config__.show()
    assert "USE_MKL=OFF" in text and "TORCH_VERSION=2.13.0" in text
    assert "torch.get_num_threads() : " in ember.__config__.parallel_info()
    assert callable(torch.__config__.show) and callable(torch.__config__.parallel_info)


@pytest.mark.parametrize("factory", ["zeros", "ones", "empty", "rand", "randn"])
def test_factories_take_size_keyword(factory):
    for size in ((2, 3), [4], ()):
        assert tuple(getattr(ember, factory)(size=size).shape) == \
            tuple(getattr(torch, factory)(size=size).shape)
    msgs = []
    for lib in (ember, torch):
        with pytest.raises(TypeError) as e:
            getattr(lib, factory)(2, size=(2,))
        msgs.append(str(e.value))
    if factory not in ("rand", "randn"):    # torch lists the overloads of these two instead
        assert msgs[0] == msgs[1]


def test_seeded_rand_size_keyword_matches_torch():
    ember.manual_seed(3)
    torch.manual_seed(3)
    np.testing.assert_array_equal(ember.randn(size=(5,)).numpy(), torch.randn(size=(5,)).numpy())


def test_collate_module_constants():
    import ember.utils.data._utils.collate as ec
    import torch.utils.data._utils.collate as tc
    assert ec.np_str_obj_array_pattern.pattern == tc.np_str_obj_array_pattern.pattern
    assert ec.default_collate_err_msg_format == tc.default_collate_err_msg_format
    for name in ("collate_tensor_fn", "collate_numpy_array_fn", "collate_str_fn",
                 "collate_int_fn", "collate_float_fn", "collate_numpy_scalar_fn"):
        assert callable(getattr(ec, name))


def test_model_zoo_is_hub_loader():
    import ember.hub
    import ember.utils.model_zoo
    assert ember.utils.model_zoo.load_url is ember.hub.load_state_dict_from_url


def test_jit_runtime_surface():
    ej, tj = ember.jit, torch.jit

    class Iface:
        def f(self, x):
            pass
    assert ej.interface(Iface) is Iface and Iface.__torch_script_interface__
    msgs = []
    for jit in (ej, tj):
        with pytest.raises(RuntimeError) as e:
            jit.interface(3)
        msgs.append(str(e.value))
    assert msgs[0] == msgs[1]
    assert ej.Attribute(0, int) == tj.Attribute(0, int) and ej.Attribute(0, int).value == 0
    assert ej.wait(ej.fork(lambda a, b: a + b, 2, b=3)) == 5
    failed = ej.fork(lambda: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        ej.wait(failed)
    assert issubclass(ej.Error, RuntimeError)
    assert ej.onednn_fusion_enabled() == tj.onednn_fusion_enabled()
    with ej.optimized_execution(True), ej.fuser("fuser1"):
        pass
    errs = []
    for jit in (ej, tj):
        with pytest.raises(Exception) as e:
            with jit.fuser("bogus"):
                pass
        errs.append((type(e.value), str(e.value)))
    assert errs[0] == errs[1]
    before = ej.set_fusion_strategy([("DYNAMIC", 3)])
    assert before == [("STATIC", 2), ("DYNAMIC", 10)]
    assert ej.set_fusion_strategy(before) == [("DYNAMIC", 3)]


_HINTS = [([1, 2], "List[int]"), ([1, "a"], "List[int]"), ({"a": [1.0]}, "Dict[str, List[float]]"),
          ({"a": 1}, "Dict[int, int]"), ((1, "a"), "Tuple[int, str]"), ((1,), "Tuple[int, str]"),
          (None, "Optional[int]"), (3, "Optional[int]"), ("x", "Optional[int]"), (3, "int"),
          ([[1], [2]], "List[List[int]]"), (3, "(str, int)"), ([3], "list[int]")]


@pytest.mark.parametrize("obj,hint", _HINTS)
def test_jit_isinstance_matches_torch(obj, hint):
    import typing
    scope = {n: getattr(typing, n) for n in ("List", "Dict", "Tuple", "Optional")}
    target = eval(hint, scope)
    assert ember.jit.isinstance(obj, target) == torch.jit.isinstance(obj, target)


@pytest.mark.parametrize("target", ["list", "List", "Dict", "[int]"])
def test_jit_isinstance_errors_match_torch(target):
    import typing
    target = eval(target, {"List": typing.List, "Dict": typing.Dict})
    msgs = []
    for jit in (ember.jit, torch.jit):
        with pytest.raises(RuntimeError) as e:
            jit.isinstance([1], target)
        msgs.append(str(e.value))
    assert msgs[0] == msgs[1]


def test_jit_isinstance_warns_on_empty_container():
    import typing
    with pytest.warns(UserWarning, match="inner type of a container is lost"):
        assert ember.jit.isinstance([], typing.List[int])


def test_generic_stream_and_event_on_cpu():
    es, ts = ember.Stream(), torch.Stream()
    assert repr(es) == repr(ts) and str(es.device) == str(ts.device)
    assert (es.device_type, es.device_index, es.stream_id) == \
        (ts.device_type, ts.device_index, ts.stream_id)
    assert es.query() is ts.query() is True
    assert es == ember.Stream() and hash(es) == hash(ember.Stream())
    with es:
        es.synchronize()
    ee, te = ember.Event(), torch.Event()
    assert repr(ee) == repr(te) and ee.query() is te.query()
    ee.synchronize()
    ee.wait()
    es.wait_event(ee)
    for calls in ((lambda s, e: s.record_event()), (lambda s, e: e.record(s)),
                  (lambda s, e: s.wait_stream(s))):
        msgs = []
        for s, e in ((es, ee), (ts, te)):
            with pytest.raises(RuntimeError) as err:
                calls(s, e)
            msgs.append(str(err.value))
        assert msgs[0] == msgs[1]
    msgs = []
    for lib in (ember, torch):
        with pytest.raises(ValueError) as err:
            lib.Event().elapsed_time(lib.Event())
        msgs.append(str(err.value))
        with pytest.raises(RuntimeError) as err:
            lib.Stream(device="cuda")
        msgs.append(str(err.value).replace("PyTorch", "X"))
    assert msgs[:2] == msgs[2:] or ember.cuda.is_available()


def test_distributed_submodules_are_attributes():
    import ember.distributed as dist
    assert dist.device_mesh.DeviceMesh is not None
    assert dist.algorithms.Join is not None
    with pytest.raises(AttributeError):
        dist.no_such_submodule


def test_split_keyword_names():
    x = np.arange(7.0)
    for kw in ({"split_size": 3}, {"split_size_or_sections": [2, 5]}):
        got = ember.tensor(x).split(**kw) if "split_size" in kw else \
            ember.split(ember.tensor(x), **kw)
        want = torch.tensor(x).split(**kw) if "split_size" in kw else \
            torch.split(torch.tensor(x), **kw)
        assert [g.tolist() for g in got] == [w.tolist() for w in want]


_INPLACE_FUNCS = [("relu_", ()), ("sigmoid_", ()), ("tanh_", ()), ("exp_", ()), ("abs_", ()),
                  ("clamp_", (-0.5, 0.5)), ("neg_", ()), ("sqrt_", ()), ("round_", ()),
                  ("nan_to_num_", ()), ("logit_", ()), ("square_", ()), ("trunc_", ())]


@pytest.mark.parametrize("name,args", _INPLACE_FUNCS)
def test_top_level_inplace_functions(name, args):
    x = np.random.default_rng(0).uniform(0.1, 0.9, (3, 4)).astype(np.float32)
    e, t = ember.tensor(x), torch.tensor(x)
    assert getattr(ember, name)(e, *args) is e and getattr(torch, name)(t, *args) is t
    np.testing.assert_allclose(e.numpy(), t.numpy(), rtol=1e-6)


def test_top_level_functional_aliases():
    a = np.random.default_rng(1).standard_normal((4, 5))
    b = np.random.default_rng(2).standard_normal((4, 5))
    for name, args in (("cosine_similarity", (a, b)), ("pairwise_distance", (a, b)),
                       ("pdist", (a,)), ("celu_", (a,)), ("selu_", (a,)),
                       ("threshold_", (a, 0.1, -1.0))):
        e = getattr(ember, name)(*[ember.tensor(v) for v in args[:2] if isinstance(v, np.ndarray)],
                                 *[v for v in args if not isinstance(v, np.ndarray)])
        t = getattr(torch, name)(*[torch.tensor(v) for v in args[:2] if isinstance(v, np.ndarray)],
                                 *[v for v in args if not isinstance(v, np.ndarray)])
        np.testing.assert_allclose(e.numpy(), t.numpy(), rtol=1e-6, err_msg=name)
    for lib in (ember, torch):
        assert lib.dropout_(lib.ones(3), 0.0, True).tolist() == [1.0, 1.0, 1.0]


@pytest.mark.parametrize("method,args", [("t_", ()), ("transpose_", (0, 2)), ("swapaxes_", (1, 2)),
                                         ("squeeze_", ()), ("squeeze_", (1,)),
                                         ("unsqueeze_", (0,)), ("as_strided_", ((3, 2), (1, 3))),
                                         ("cumsum_", (1,)), ("cumprod_", (0,))])
def test_inplace_view_and_scan_methods(method, args):
    shape = (2, 3) if method == "t_" else (2, 1, 3)
    x = np.random.default_rng(3).standard_normal(shape)
    results = []
    for lib in (ember, torch):
        leaf = lib.tensor(x, requires_grad=True)
        y = leaf * 1
        assert getattr(y, method)(*args) is y
        w = lib.tensor(np.arange(y.numel(), dtype=np.float64).reshape(tuple(y.shape)))
        (y * w).sum().backward()
        results.append((y.detach().numpy(), tuple(y.shape), type(y.grad_fn).__name__,
                        leaf.grad.numpy()))
    (ev, es, en, eg), (tv, ts, tn, tg) = results
    assert es == ts and en == tn
    np.testing.assert_allclose(ev, tv, rtol=1e-12)
    np.testing.assert_allclose(eg, tg, rtol=1e-12)
    msgs = []
    for lib in (ember, torch):
        with pytest.raises(RuntimeError) as err:
            getattr(lib.tensor(x, requires_grad=True), method)(*args)
        msgs.append(str(err.value))
    assert msgs[0] == msgs[1]


def test_legacy_new_and_elementwise_callables():
    for args in ((2, 2), ([1, 2],), ((2, 2),), ()):
        e, t = ember.ones(3).new(*args), torch.ones(3).new(*args)
        assert tuple(e.shape) == tuple(t.shape) and str(e.dtype) == str(t.dtype)
        if args and isinstance(args[0], (list, tuple)):
            assert e.tolist() == t.tolist()
    assert tuple(ember.ones(3).new(ember.Size([2, 1])).shape) == (2, 1)
    for lib in (ember, torch):
        x = lib.arange(4.0)
        x.apply_(lambda v: v * 2)
        x.map_(lib.ones(4), lambda a, b: a + b)
        assert x.tolist() == [1.0, 3.0, 5.0, 7.0]
    msgs = []
    for lib in (ember, torch):
        with pytest.raises(RuntimeError) as err:
            lib.ones(2, requires_grad=True).apply_(lambda v: v)
        msgs.append(str(err.value))
    assert msgs[0] == msgs[1]
    t = ember.ones(2)
    assert t.const_data_ptr() == t.data_ptr()


def test_predicates_and_switches():
    for lib in (ember, torch):
        assert lib.is_nonzero(lib.tensor([1])) and not lib.is_nonzero(lib.tensor([0.0]))
        assert lib.is_same_size(lib.ones(2), lib.zeros(2)) and lib.get_device(lib.ones(1)) == -1
    class Local:
        def method(self):
            pass
    for obj in (3, "s", Local, Local(), Local.method, np.float32, len):
        assert ember.typename(obj) == torch.typename(obj)
    assert ember.typename(ember.ones(2, dtype=ember.int64)) == \
        torch.typename(torch.ones(2, dtype=torch.int64))
    for bad in ([1, 2], []):
        msgs = []
        for lib in (ember, torch):
            with pytest.raises(RuntimeError) as err:
                lib.is_nonzero(lib.tensor(bad))
            msgs.append(str(err.value))
        assert msgs[0] == msgs[1]
    assert issubclass(ember.OutOfMemoryError, RuntimeError)
    # torch.cuda's is the same class (libraries catch it there: PyKEEN's batch-size search)
    assert (ember.cuda.OutOfMemoryError is ember.OutOfMemoryError) == \
        (torch.cuda.OutOfMemoryError is torch.OutOfMemoryError) is True
    assert ember.GradScaler is ember.amp.GradScaler
    assert ember.is_storage(ember.ones(1).untyped_storage()) and not ember.is_storage(3)
    ember.set_warn_always(True)
    assert ember.is_warn_always_enabled()
    ember.set_warn_always(False)
    assert not ember.is_anomaly_enabled()
    ember.set_anomaly_enabled(True)
    assert ember.is_anomaly_enabled() and ember.is_anomaly_check_nan_enabled()
    ember.set_anomaly_enabled(False)


@pytest.mark.parametrize("args,kwargs", [((0, 4), {}), ((0, 1, 0.25), {}), ((1, 4), {"dtype": "int64"}),
                                         ((2, -1, -0.5), {})])
def test_deprecated_range(args, kwargs):
    got, want = [], []
    for lib, out in ((ember, got), (torch, want)):
        kw = {k: getattr(lib, v) for k, v in kwargs.items()}
        with pytest.warns(UserWarning, match="torch.range is deprecated"):
            r = lib.range(*args, **kw)
        out.append((r.tolist(), str(r.dtype)))
    assert got == want


def test_range_needs_an_end():
    for lib in (ember, torch):
        with pytest.raises(TypeError):
            lib.range(5)


def test_typed_storage_like_torch():
    import warnings
    results = []
    for lib in (ember, torch):
        t = lib.arange(6.0).reshape(2, 3)[1]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            s = t.storage()
        results.append((s.size(), len(s), str(s.dtype), s.tolist(), s.element_size(), s.nbytes(),
                        s.type(), s.pickle_storage_type(), s[4], s.is_shared(),
                        s.data_ptr() == t.untyped_storage().data_ptr(),
                        isinstance(s, lib.FloatStorage), isinstance(s, lib.DoubleStorage),
                        lib.is_storage(s), t.storage_type().__name__, lib.Storage.__name__,
                        repr(s).splitlines()[-1].replace("ember", "torch")))
        s[0] = 7.0
        assert t.tolist() == [3.0, 4.0, 5.0]
        made = lib.DoubleStorage([1, 2, 3])
        results.append((made.tolist(), str(made.dtype), lib.FloatStorage(4).size()))
    assert results[0] == results[2] and results[1] == results[3]


def test_typed_storage_warns():
    with pytest.warns(UserWarning, match="TypedStorage is deprecated"):
        import ember.storage as es
        es._warned.clear()
        ember.ones(2).storage()


def _joinable(lib):
    from importlib import import_module
    join = import_module(lib.__name__ + ".distributed.algorithms.join")

    class Uninitialised(join.Joinable):
        def __init__(self):     # skips Joinable.__init__
            pass

        def join_hook(self, **kwargs):
            return join.JoinHook()

        @property
        def join_device(self):
            return lib.device("cpu")

        @property
        def join_process_group(self):
            return None
    return join, Uninitialised()


def test_join_errors_like_torch():
    msgs = []
    for lib in (ember, torch):
        join, bad = _joinable(lib)
        with pytest.raises(ValueError) as e:
            join.Join([])
        msgs.append(str(e.value))
        with pytest.raises(AssertionError) as e:
            join.Join.notify_join_context(bad)
        msgs.append(str(e.value).replace("ember", "torch"))
    assert msgs[:2] == msgs[2:]


@pytest.mark.parametrize("call", [
    lambda lib, x, y: lib.add(x, 2, y), lambda lib, x, y: x.add(2, y),
    lambda lib, x, y: x.clone().add_(2, y), lambda lib, x, y: lib.sub(x, 2, y),
    lambda lib, x, y: x.clone().sub_(2, y), lambda lib, x, y: lib.addcmul(x, 0.5, y, y),
    lambda lib, x, y: x.clone().addcmul_(0.5, y, y), lambda lib, x, y: lib.addcdiv(x, 0.5, y, y + 1),
    lambda lib, x, y: x.clone().addcdiv_(0.5, y, y + 1)])
def test_deprecated_scalar_first_overloads(call):
    x, y = np.linspace(-1, 1, 6).reshape(2, 3), np.linspace(0, 2, 6).reshape(2, 3)
    got = call(ember, ember.tensor(x), ember.tensor(y)).numpy()
    want = call(torch, torch.tensor(x), torch.tensor(y)).numpy()
    np.testing.assert_allclose(got, want, rtol=1e-12)


def test_deprecated_overload_warns_once_with_torchs_text():
    import warnings

    from ember._ops import pointwise
    pointwise._deprecated_warned.clear()
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        ember.add(ember.ones(2), 2, ember.ones(2))
        ember.sub(ember.ones(2), 2, ember.ones(2))
    assert len(seen) == 1
    assert str(seen[0].message) == (
        "This overload of add is deprecated:\n\tadd(Tensor input, Number alpha, Tensor other, *, "
        "Tensor out = None)\nConsider using one of the following signatures instead:\n\t"
        "add(Tensor input, Tensor other, *, Number alpha = 1, Tensor out = None)")


def test_private_utils_match_torch():
    """``torch._utils``' gradient-bucket helpers and device-index parsing."""
    for mod in (ember, torch):
        a, b, c = mod.ones(2, 3), mod.arange(4.0).view(2, 2).t(), mod.ones(0, 2)
        flat = mod._utils._flatten_dense_tensors([a, b, c])
        assert flat.tolist() == [1.0] * 6 + [0.0, 2.0, 1.0, 3.0]
        parts = mod._utils._unflatten_dense_tensors(flat, [a, b, c])
        assert type(parts) is tuple and [p.shape for p in parts] == [a.shape, b.shape, c.shape]
        assert [p._base is flat for p in parts] == [True, True, False]
        assert mod._utils._flatten_dense_tensors([a])._base is a
        g = mod._utils._get_device_index
        assert (g("cpu", allow_cpu=True), g("cuda:1"), g(3),
                g(None, optional=True)) == (-1, 1, 3, None)
        with pytest.raises(ValueError, match="Expected a non cpu device, but got: cpu"):
            g(mod.device("cpu"))
        with pytest.raises(ValueError, match="with a specified index or an integer, but got:None"):
            g(None)


@pytest.mark.parametrize("args, kwargs", [((), {"end": 5}), ((2,), {"end": 5}),
                                          ((0, 5), {"step": 2}), ((), {"start": 1, "end": 4}),
                                          ((), {"end": 2.5, "dtype": "float64"})])
def test_arange_keyword_forms(args, kwargs):
    def run(mod):
        kw = {k: getattr(mod, v) if k == "dtype" else v for k, v in kwargs.items()}
        t = mod.arange(*args, **kw)
        return t.tolist(), str(t.dtype).split(".")[1]
    assert run(ember) == run(torch)
    for mod in (ember, torch):
        with pytest.raises(TypeError):
            mod.arange()


def test_tile_method_takes_unpacked_sizes():
    for mod in (ember, torch):
        x = mod.arange(3)
        assert x.tile(2, 1).tolist() == x.tile((2, 1)).tolist() == mod.tile(x, (2, 1)).tolist()
        assert mod.tile(x, dims=(2,)).tolist() == [0, 1, 2, 0, 1, 2]


def test_parameter_subclass_with_extra_new_arguments():
    """A Parameter subclass whose ``__new__`` takes more arguments (geoopt's ManifoldParameter)."""
    for mod in (ember, torch):
        class Tagged(mod.nn.Parameter):
            def __new__(cls, data=None, tag=None, requires_grad=True):
                instance = super().__new__(cls, data, requires_grad)
                instance.tag = tag
                return instance
        p = Tagged(mod.ones(2), tag="ball")
        assert p.tag == "ball" and p.requires_grad and isinstance(p, mod.nn.Parameter)


@pytest.mark.parametrize("module, name, args", [("ReLU", "relu", ()), ("Dropout", "dropout", ()),
                                                ("MaxPool2d", "max_pool2d", (2,)),
                                                ("GELU", "gelu", ())])
def test_modules_call_the_functional_in_place_at_run_time(module, name, args, monkeypatch):
    """FLOP counters replace ``F.relu`` & co.; torch's modules call them through ``F``."""
    for mod in (ember, torch):
        calls = []
        original = getattr(mod.nn.functional, name)

        def spy(*a, **k):
            calls.append(name)
            return original(*a, **k)
        monkeypatch.setattr(mod.nn.functional, name, spy)
        getattr(mod.nn, module)(*args)(mod.ones(1, 1, 4, 4))
        monkeypatch.undo()
        assert calls == [name], mod.__name__


def test_function_names_are_torchs():
    """Libraries and fx's generated code print functions by ``__name__``; only aliases (which
    share their target's function, e.g. ``absolute`` and ``abs``) may differ."""
    aliases = {"absolute", "clip", "concat", "concatenate", "divide", "fix", "ger", "greater",
               "greater_equal", "less", "less_equal", "moveaxis", "multiply", "negative",
               "not_equal", "row_stack", "subtract", "swapaxes", "swapdims", "true_divide",
               "native_channel_shuffle", "to_dlpack"}
    aliases |= {n + "_" for n in aliases} | {"square_"}
    differ = []
    for name in dir(torch):
        theirs, ours = getattr(torch, name, None), getattr(ember, name, None)
        if (name.startswith("_") or name in aliases or name.startswith("arc")
                or not callable(ours) or isinstance(ours, type)
                or not hasattr(theirs, "__name__") or not hasattr(ours, "__name__")):
            continue
        if ours.__name__ != theirs.__name__:
            differ.append(name)
    assert differ == []


@pytest.mark.parametrize("call", [
    lambda R: R.get_enum("none"), lambda R: R.get_enum("mean"), lambda R: R.get_enum("sum"),
    lambda R: R.get_enum("elementwise_mean"), lambda R: R.get_enum("avg"),
    lambda R: R.legacy_get_string(None, None), lambda R: R.legacy_get_string(False, None),
    lambda R: R.legacy_get_string(True, False), lambda R: R.legacy_get_enum(False, True, False),
])
def test_nn_reduction_helpers(call):
    """``torch.nn._reduction`` (torchbnn imports it): values, warnings and errors as torch's."""
    import warnings

    import ember.nn._reduction as ember_reduction
    import torch.nn._reduction as torch_reduction
    results = []
    for module in (ember_reduction, torch_reduction):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                value = call(module)
            except ValueError as e:
                value = str(e)
        results.append((value, [(w.category, str(w.message)) for w in caught]))
    assert results[0] == results[1]
