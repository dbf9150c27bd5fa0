"""Normalization layers and functions against torch 2.13: outputs, input and parameter
gradients, running statistics over several steps, eval mode, state dicts, reprs, errors."""
import warnings

import numpy as np
import pytest

import ember
import ember.nn as enn
import ember.nn.functional as EF
from ember.autograd import gradcheck, gradgradcheck

torch = pytest.importorskip("torch")
tnn = torch.nn
TF = torch.nn.functional

TOL = {"float64": 1e-10, "float32": 1e-4}


def _np(t):
    return t.detach().cpu().numpy()


def _copy_state(tm, em):
    em.load_state_dict({k: ember.tensor(v.cpu().numpy()) for k, v in tm.state_dict().items()})


def _run_steps(tm, em, shape, dtype, steps=3, seed=0):
    """Forward+backward the same inputs through both modules; compare every step."""
    rng = np.random.default_rng(seed)
    tol = TOL[dtype]
    for _ in range(steps):
        xn = rng.standard_normal(shape).astype(dtype) * 2 + 0.5
        gn = rng.standard_normal(shape).astype(dtype)
        xt = torch.tensor(xn, requires_grad=True)
        xe = ember.tensor(xn, requires_grad=True)
        yt, ye = tm(xt), em(xe)
        assert type(ye.grad_fn).__name__ == type(yt.grad_fn).__name__
        np.testing.assert_allclose(_np(ye), _np(yt), atol=tol, rtol=tol)
        yt.backward(torch.tensor(gn))
        ye.backward(ember.tensor(gn))
        np.testing.assert_allclose(xe.grad.cpu().numpy(), xt.grad.cpu().numpy(), atol=tol, rtol=tol)
    for (kt, pt), (ke, pe) in zip(tm.named_parameters(), em.named_parameters()):
        assert kt == ke
        np.testing.assert_allclose(pe.grad.cpu().numpy(), pt.grad.cpu().numpy(), atol=tol * 10,
                                   rtol=tol)
    for (kt, bt), (ke, be) in zip(tm.state_dict().items(), em.state_dict().items()):
        assert kt == ke
        np.testing.assert_allclose(be.cpu().numpy(), bt.cpu().numpy(), atol=tol, rtol=tol)


def _pair(name, *args, dtype="float64", **kwargs):
    tm = getattr(tnn, name)(*args, **kwargs).to(getattr(torch, dtype))
    em = getattr(enn, name)(*args, **kwargs).to(getattr(ember, dtype))
    assert repr(em) == repr(tm)
    assert list(em.state_dict()) == list(tm.state_dict())
    with torch.no_grad():
        for p in tm.parameters():
            p.uniform_(-1.5, 1.5)
    _copy_state(tm, em)
    return tm, em


BN_CASES = [("BatchNorm1d", (6, 3)), ("BatchNorm1d", (4, 3, 5)), ("BatchNorm2d", (4, 3, 3, 2)),
            ("BatchNorm3d", (2, 3, 2, 3, 2)), ("SyncBatchNorm", (4, 3, 5))]
BN_KWARGS = [{}, {"momentum": None}, {"momentum": 0.3, "eps": 1e-3}, {"affine": False},
             {"track_running_stats": False}, {"bias": False}]


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("kwargs", BN_KWARGS, ids=str)
@pytest.mark.parametrize("name,shape", BN_CASES)
def test_batchnorm_train_then_eval(name, shape, kwargs, dtype):
    if name == "SyncBatchNorm" and "bias" in kwargs:
        pytest.skip("SyncBatchNorm has no bias argument")
    tm, em = _pair(name, 3, dtype=dtype, **kwargs)
    _run_steps(tm, em, shape, dtype)
    tm.eval()
    em.eval()
    _run_steps(tm, em, shape, dtype, seed=1)


def test_batchnorm_num_batches_tracked_and_cma():
    tm, em = _pair("BatchNorm1d", 3, momentum=None)
    _run_steps(tm, em, (5, 3), "float64", steps=4)
    assert int(em.num_batches_tracked) == 4
    assert em.num_batches_tracked.dtype is ember.int64


def test_batchnorm_reset_and_default_init():
    em = enn.BatchNorm2d(4)
    assert em.weight.tolist() == [1.0] * 4 and em.bias.tolist() == [0.0] * 4
    em.running_mean.fill_(3.0)
    em.reset_running_stats()
    assert em.running_mean.tolist() == [0.0] * 4 and em.running_var.tolist() == [1.0] * 4


def test_batchnorm_old_checkpoint_without_num_batches_tracked():
    em = enn.BatchNorm1d(3)
    sd = em.state_dict()
    del sd["num_batches_tracked"]
    sd._metadata[""]["version"] = 1
    em.load_state_dict(sd)


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("name,shape,kwargs", [
    ("InstanceNorm1d", (3, 4, 6), {}), ("InstanceNorm1d", (4, 6), {}),
    ("InstanceNorm2d", (2, 4, 3, 3), {"affine": True}),
    ("InstanceNorm2d", (2, 4, 3, 3), {"affine": True, "track_running_stats": True}),
    ("InstanceNorm3d", (2, 4, 2, 3, 2), {"track_running_stats": True, "momentum": 0.5})])
def test_instancenorm(name, shape, kwargs, dtype):
    tm, em = _pair(name, 4, dtype=dtype, **kwargs)
    _run_steps(tm, em, shape, dtype)
    tm.eval()
    em.eval()
    _run_steps(tm, em, shape, dtype, seed=2)


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("name,args,kwargs,shape", [
    ("LayerNorm", (5,), {}, (4, 3, 5)), ("LayerNorm", ((3, 5),), {"bias": False}, (4, 3, 5)),
    ("LayerNorm", ([5],), {"elementwise_affine": False, "eps": 1e-3}, (2, 5)),
    ("GroupNorm", (2, 4), {}, (3, 4, 5)), ("GroupNorm", (1, 4), {"affine": False}, (3, 4, 2, 2)),
    ("GroupNorm", (4, 4), {"bias": False, "eps": 1e-3}, (3, 4, 2)),
    ("RMSNorm", (5,), {}, (4, 3, 5)), ("RMSNorm", ([3, 5],), {"eps": 1e-3}, (4, 3, 5)),
    ("RMSNorm", (5,), {"elementwise_affine": False}, (2, 5)),
    ("LocalResponseNorm", (3,), {}, (2, 6, 4)),
    ("LocalResponseNorm", (4,), {"alpha": 0.1, "beta": 0.5, "k": 2.0}, (2, 6, 3, 2)),
    ("LocalResponseNorm", (2,), {}, (2, 5, 2, 2, 2))])
def test_other_norm_modules(name, args, kwargs, shape, dtype):
    tm, em = _pair(name, *args, dtype=dtype, **kwargs)
    _run_steps(tm, em, shape, dtype)


def _f64(a, rg=True):
    return ember.tensor(a, requires_grad=rg)


def test_double_backward():
    rng = np.random.default_rng(0)
    x = _f64(rng.standard_normal((4, 3, 5)))
    w, b = _f64(rng.standard_normal(3)), _f64(rng.standard_normal(3))
    w5 = _f64(rng.standard_normal(5))
    rm, rv = ember.zeros(3, dtype=ember.float64), ember.ones(3, dtype=ember.float64)
    cases = [(lambda x, w, b: EF.batch_norm(x, None, None, w, b, training=True), (x, w, b)),
             (lambda x, w, b: EF.batch_norm(x, rm, rv, w, b), (x, w, b)),
             (lambda x, w: EF.layer_norm(x, (5,), w, w), (x, w5)),
             (lambda x, w, b: EF.group_norm(x, 3, w, b), (x, w, b)),
             (lambda x: EF.instance_norm(x), (x,)),
             (lambda x, w: EF.rms_norm(x, [5], w), (x, w5))]
    for fn, inputs in cases:
        assert gradcheck(fn, inputs)
        assert gradgradcheck(fn, inputs)


def test_functional_composites_match_torch():
    rng = np.random.default_rng(3)
    a, b = rng.standard_normal((4, 6, 5)), rng.standard_normal((4, 6, 5))
    cases = [("normalize", lambda F, x, y: F.normalize(x, p=3.0, dim=2)),
             ("cosine_similarity", lambda F, x, y: F.cosine_similarity(x, y, dim=1)),
             ("pairwise_distance", lambda F, x, y: F.pairwise_distance(x[0], y[0], keepdim=True)),
             ("pdist", lambda F, x, y: F.pdist(x[0] + 0 * y[0], p=2))]
    for name, fn in cases:
        xt, yt = torch.tensor(a, requires_grad=True), torch.tensor(b, requires_grad=True)
        xe, ye = _f64(a), _f64(b)
        rt, re_ = fn(TF, xt, yt), fn(EF, xe, ye)
        np.testing.assert_allclose(_np(re_), _np(rt), atol=1e-10, err_msg=name)
        g = rng.standard_normal(tuple(rt.shape))
        rt.backward(torch.tensor(g))
        re_.backward(ember.tensor(g))
        for te, tt in ((xe, xt), (ye, yt)):
            assert (te.grad is None) == (tt.grad is None), name
            if tt.grad is not None:
                np.testing.assert_allclose(te.grad.cpu().numpy(), tt.grad.cpu().numpy(), atol=1e-10,
                                           err_msg=name)


def test_native_ops_return_statistics():
    rng = np.random.default_rng(4)
    xn = rng.standard_normal((4, 3, 5))
    for call in (lambda L, x: L.native_batch_norm(x, None, None, None, None, True, 0.1, 1e-5),
                 lambda L, x: L.native_layer_norm(x, [5], None, None, 1e-5),
                 lambda L, x: L.native_group_norm(x, None, None, 4, 3, 5, 3, 1e-5)):
        rt, re_ = call(torch, torch.tensor(xn)), call(ember, ember.tensor(xn))
        for t, e in zip(rt, re_):
            assert tuple(e.shape) == tuple(t.shape)
            np.testing.assert_allclose(_np(e), _np(t), atol=1e-10)


def test_half_precision_batch_norm_computes_in_float32():
    xn = np.random.default_rng(5).standard_normal((4, 3, 5)).astype(np.float32)
    yt = TF.batch_norm(torch.tensor(xn).half(), None, None, training=True)
    ye = EF.batch_norm(ember.tensor(xn).half(), None, None, training=True)
    assert ye.dtype is ember.float16
    np.testing.assert_allclose(_np(ye.float()), _np(yt.float()), atol=2e-3)


@pytest.mark.parametrize("create_graph", [False, True])
@pytest.mark.parametrize("params", ["both", "none", "bias"])
@pytest.mark.parametrize("training", [True, False])
@pytest.mark.parametrize("dtype", ["float32", "bfloat16"])
def test_batch_norm_gradients_and_their_dtypes(dtype, training, params, create_graph):
    """Batch norm's input, weight and bias gradients (raw-array backward, and the ember-op
    one that builds a graph): values and dtypes as torch's, half precision included."""
    rng = np.random.default_rng(7)
    arrays = [rng.standard_normal(s) for s in ((4, 3, 5, 2), (3,), (3,), (3,), (4, 3, 5, 2))]
    arrays.append(rng.random(3) + 0.5)
    res = []
    for lib in (torch, ember):
        x, w, b, rm, g, rv = (lib.tensor(a, dtype=getattr(lib, dtype)) for a in arrays)
        w = w.requires_grad_() if params == "both" else None
        b = b.requires_grad_() if params != "none" else None
        x.requires_grad_()
        lib.nn.functional.batch_norm(x, rm, rv, w, b, training=training).backward(
            g, create_graph=create_graph)
        res.append([t.grad for t in (x, w, b) if t is not None])
    tol = 1e-5 if dtype == "float32" else 2e-2
    for t, e in zip(*res):
        assert str(e.dtype) == str(t.dtype)
        np.testing.assert_allclose(_np(e.float()), _np(t.float()), rtol=tol, atol=tol)


def _err(fn_t, fn_e):
    with pytest.raises(Exception) as et:
        fn_t()
    with pytest.raises(Exception) as ee:
        fn_e()
    assert type(ee.value) is type(et.value)
    assert str(ee.value) == str(et.value)


@pytest.mark.parametrize("case", [
    lambda L, F, nn: nn.BatchNorm1d(3)(L.ones(1, 3)),
    lambda L, F, nn: nn.BatchNorm2d(3)(L.ones(2, 3, 4)),
    lambda L, F, nn: nn.BatchNorm1d(3)(L.ones(2, 3, 4, 5)),
    lambda L, F, nn: nn.BatchNorm3d(3)(L.ones(2, 3, 4, 5)),
    lambda L, F, nn: nn.SyncBatchNorm(3)(L.ones(3)),
    lambda L, F, nn: nn.InstanceNorm2d(3)(L.ones(3, 1, 1)),
    lambda L, F, nn: nn.InstanceNorm2d(3, affine=True)(L.ones(2, 4, 3, 3)),
    lambda L, F, nn: nn.InstanceNorm1d(3)(L.ones(2, 3, 4, 5)),
    lambda L, F, nn: nn.GroupNorm(2, 3),
    lambda L, F, nn: nn.LayerNorm(5)(L.ones(4, 3, 4)),
    lambda L, F, nn: nn.LayerNorm((3, 4))(L.ones(4, 4, 4)),
    lambda L, F, nn: nn.RMSNorm(4)(L.ones(4, 3, 5)),
    lambda L, F, nn: F.batch_norm(L.ones(4, 3, 5), L.zeros(4), L.ones(3), training=True),
    lambda L, F, nn: F.batch_norm(L.ones(4, 3, 5), L.zeros(3), L.ones(3), L.ones(4)),
    lambda L, F, nn: F.batch_norm(L.ones(4, 3, 5), L.zeros(3), L.ones(3), None, L.ones(2)),
    lambda L, F, nn: F.batch_norm(L.ones(4, 3), None, None, training=False),
    lambda L, F, nn: F.batch_norm(L.ones(4, 3), None, None, training=True, eps=0.0),
    lambda L, F, nn: F.batch_norm(L.ones(4, 3), L.zeros(3), L.ones(3), eps=-1.0),
    lambda L, F, nn: F.layer_norm(L.ones(4, 3, 5), (5,), L.ones(4)),
    lambda L, F, nn: F.layer_norm(L.ones(4, 3, 5), (5,), None, L.ones(4)),
    lambda L, F, nn: F.group_norm(L.ones(4, 3, 5), 2),
    lambda L, F, nn: F.group_norm(L.ones(4, 3, 5), 3, L.ones(4)),
    lambda L, F, nn: F.group_norm(L.ones(3), 3),
    lambda L, F, nn: F.local_response_norm(L.ones(3, 4), 2),
])
def test_errors_match_torch(case):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        _err(lambda: case(torch, TF, tnn), lambda: case(ember, EF, enn))


def test_instance_norm_num_features_mismatch_warns():
    with pytest.warns(UserWarning, match="does not match num_features"):
        enn.InstanceNorm2d(3)(ember.ones(2, 4, 3, 3))


def test_eval_mode_without_running_stats_uses_batch_stats():
    tm, em = _pair("BatchNorm2d", 3, track_running_stats=False)
    tm.eval()
    em.eval()
    _run_steps(tm, em, (4, 3, 2, 2), "float64")


# ---- OpInfo regressions ---------------------------------------------------------------------------
def test_native_group_norm_statistics_are_differentiable():
    """mean and rstd require grad and carry gradient back into the input (as in torch)."""
    from tests._compare_ops import check, rand
    check(lambda lib, x, w: lib.native_group_norm(x, w, None, 2, 6, 3, 2, 1e-5),
          rand(2, 6, 3), rand(6))
    check(lambda lib, x: lib.native_group_norm(x, None, None, 2, 6, 3, 3, 1e-5)[2],
          rand(2, 6, 3))


@pytest.mark.parametrize("shape", [(0,), (0, 3), (0, 3, 4)])
def test_batch_norm_empty_input(shape):
    from tests._compare_ops import check, rand
    c = shape[1] if len(shape) > 1 else 0
    check(lambda lib, x: lib.nn.functional.batch_norm(x, lib.zeros(c), lib.ones(c), None,
                                                      None, training=True), rand(*shape))
    if c:
            check(lambda lib, x, w, b: lib.nn.functional.batch_norm(x, None, None, w, b,
                                                                training=True),
              rand(*shape), rand(c), rand(c))
