"""The fused paths of layer norm (array-level forward and backward) and of gelu / silu / mish
(the CDF, sigmoid or tanh(softplus) kept from forward; gelu's CDF evaluated in float32) against
torch 2.13: values, gradients, statistics, node names, higher-order gradients, special values."""
import numpy as np
import pytest

import ember
import ember.nn.functional as EF
from ember._backend import special
from ember.autograd import gradcheck, gradgradcheck

torch = pytest.importorskip("torch")
TF = torch.nn.functional

TOL = {np.float32: dict(rtol=2e-5, atol=2e-5), np.float64: dict(rtol=1e-10, atol=1e-12)}


def _pair(a, grad=True):
    return ember.tensor(a, requires_grad=grad), torch.tensor(a, requires_grad=grad)


def _close(e, t, dtype, **kw):
    np.testing.assert_allclose(e.detach().numpy(), t.detach().numpy(), **{**TOL[dtype], **kw})


def _noncontig(a, noncontig):
    """``a`` itself, or a transposed copy transposed back (same values, not contiguous)."""
    return np.ascontiguousarray(a.swapaxes(0, 1)).swapaxes(0, 1) if noncontig else a


# ---- layer norm ---------------------------------------------------------------------------------
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("shape,ndims", [((6, 7), 1), ((3, 4, 5), 2), ((2, 3, 4, 5), 3),
                                         ((4, 3, 5), 1)])
@pytest.mark.parametrize("affine", ["both", "weight", "bias", "none"])
@pytest.mark.parametrize("noncontig", [False, True])
def test_layer_norm_matches_torch(dtype, shape, ndims, affine, noncontig):
    rng = np.random.default_rng(len(shape) * 10 + ndims)
    ns = shape[len(shape) - ndims:]
    x = _noncontig((rng.standard_normal(shape) * 3 + 1).astype(dtype), noncontig)
    g = rng.standard_normal(shape).astype(dtype)
    xe, xt = _pair(x)
    we, wt = _pair(rng.standard_normal(ns).astype(dtype)) if affine in ("both", "weight") \
        else (None, None)
    be, bt = _pair(rng.standard_normal(ns).astype(dtype)) if affine in ("both", "bias") \
        else (None, None)
    (ye, me, re_), (yt, mt, rt) = (L.native_layer_norm(x_, ns, w_, b_, 1e-5) for L, x_, w_, b_ in
                                   ((ember, xe, we, be), (torch, xt, wt, bt)))
    assert type(ye.grad_fn).__name__ == type(yt.grad_fn).__name__ == "NativeLayerNormBackward0"
    for e, t in ((ye, yt), (me, mt), (re_, rt)):
        assert tuple(e.shape) == tuple(t.shape) and str(e.dtype) == str(t.dtype)
        _close(e, t, dtype)
    ye.backward(ember.tensor(g))
    yt.backward(torch.tensor(g))
    for e, t in ((xe, xt), (we, wt), (be, bt)):
        if t is not None:
            assert e.grad.dtype == e.dtype
            _close(e.grad, t.grad, dtype)


@pytest.mark.parametrize("dtype", ["float16", "bfloat16"])
def test_layer_norm_half_precision_computes_in_float32(dtype):
    rng = np.random.default_rng(1)
    x, w, g = (rng.standard_normal(s).astype(np.float32) for s in ((4, 6), (6,), (4, 6)))
    out = []
    for L in (ember, torch):
        xl = L.tensor(x).to(getattr(L, dtype)).requires_grad_()
        wl = L.tensor(w).to(getattr(L, dtype)).requires_grad_()
        y = L.nn.functional.layer_norm(xl, (6,), wl, wl)
        y.backward(L.tensor(g).to(getattr(L, dtype)))
        out.append([t.float().detach().numpy() for t in (y, xl.grad, wl.grad)])
        assert y.dtype == xl.grad.dtype == wl.grad.dtype == getattr(L, dtype)
    for e, t in zip(*out):
        np.testing.assert_allclose(e, t, rtol=2e-2, atol=2e-2)


def test_layer_norm_empty_rows_statistics():
    e, t = (L.native_layer_norm(L.zeros(3, 0), [0], None, None, 1e-5) for L in (ember, torch))
    for a, b in zip(e, t):
        np.testing.assert_array_equal(a.numpy(), b.numpy())


@pytest.mark.parametrize("affine", ["both", "weight", "bias", "none"])
def test_layer_norm_double_backward(affine):
    rng = np.random.default_rng(2)
    x = ember.tensor(rng.standard_normal((3, 2, 4)), requires_grad=True)
    w = ember.tensor(rng.standard_normal((2, 4)), requires_grad=True)
    b = ember.tensor(rng.standard_normal((2, 4)), requires_grad=True)
    params = {"both": (w, b), "weight": (w,), "bias": (b,), "none": ()}[affine]

    def fn(x, *p):
        return EF.layer_norm(x, (2, 4), w if p and affine != "bias" else None,
                             p[-1] if p and affine in ("both", "bias") else None)
    assert gradcheck(fn, (x, *params))
    assert gradgradcheck(fn, (x, *params))


def test_layer_norm_second_order_values_match_torch():
    # The gradient penalty |d out / d x|^2 differentiated again, as WGAN-GP training does.
    rng = np.random.default_rng(3)
    xn, wn = rng.standard_normal((4, 5)), rng.standard_normal(5)
    res = []
    for L in (ember, torch):
        x, w = L.tensor(xn, requires_grad=True), L.tensor(wn, requires_grad=True)
        y = L.nn.functional.layer_norm(x, (5,), w, w)
        (gx,) = L.autograd.grad((y * y).sum(), x, create_graph=True)
        (gx * gx).sum().backward()
        res.append((x.grad.numpy(), w.grad.numpy()))
    for e, t in zip(*res):
        np.testing.assert_allclose(e, t, rtol=1e-9, atol=1e-10)


# ---- gelu and silu ------------------------------------------------------------------------------
ACTS = [("gelu", {}), ("gelu", {"approximate": "tanh"}), ("silu", {}), ("mish", {})]


def _inputs(dtype):
    rng = np.random.default_rng(4)
    return np.concatenate([rng.uniform(-12, 12, 3000), rng.standard_normal(1000) * 1e-3,
                           [0.0, -0.0, 1e-30, -1e-30, 5.0, -5.0, 40.0, -40.0]]).astype(dtype)


@pytest.mark.parametrize("name,kw", ACTS)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_activation_values_and_grads_match_torch(name, kw, dtype):
    x = _inputs(dtype)
    g = np.random.default_rng(5).standard_normal(x.shape).astype(dtype)
    # torch's float32 gelu is 0.5 x (1 + erf) in float32: up to ~1.2e-6 off the exact value
    tol = dict(rtol=2e-6, atol=3e-6) if dtype == np.float32 else TOL[dtype]
    for shape in ((4000 + 8,), (8, 501)):      # a large flat array and a 2-d non-contiguous view
        xe, xt = _pair(x.reshape(shape))
        ve, vt = (xe, xt) if len(shape) == 1 else (xe.t(), xt.t())
        ye, yt = getattr(EF, name)(ve, **kw), getattr(TF, name)(vt, **kw)
        assert type(ye.grad_fn).__name__ == type(yt.grad_fn).__name__
        _close(ye, yt, dtype, **tol)
        gs = g.reshape(shape).T if len(shape) > 1 else g
        ye.backward(ember.tensor(np.ascontiguousarray(gs)))
        yt.backward(torch.tensor(np.ascontiguousarray(gs)))
        _close(xe.grad, xt.grad, dtype, **tol)


@pytest.mark.parametrize("name,kw", ACTS)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_activation_special_values_and_0d(name, kw, dtype):
    x = np.array([-np.inf, np.nan, 0.0, -0.0, 3.0, -40.0, -1e30] * 3, dtype)
    xe, xt = _pair(x)
    ye, yt = getattr(EF, name)(xe, **kw), getattr(TF, name)(xt, **kw)
    ye.sum().backward()
    yt.sum().backward()
    for e, t in ((ye, yt), (xe.grad, xt.grad)):
        e, t = e.detach().numpy(), t.detach().numpy()
        np.testing.assert_allclose(e, t, rtol=1e-6, atol=1e-30)
        num = ~np.isnan(t)
        if name == "gelu" and dtype is np.float32:
            # torch's vectorised float32 erf gives gelu(-40) as -0 with AVX-512 and +0 with
            # AVX2: the sign of a zero result is the CPU's, not torch's to specify
            num &= t != 0
        np.testing.assert_array_equal(np.signbit(e[num]), np.signbit(t[num]))   # gelu(-40): -0
    # gelu(+inf) is inf in torch's float64 and scalar float32 kernels (its vectorised float32
    # erf kernel gives nan): Ember gives inf in all.
    assert getattr(EF, name)(ember.tensor([np.inf] * 9, dtype=ember.float32), **kw)[0].item() \
        == getattr(TF, name)(torch.tensor([np.inf], dtype=torch.float64), **kw).item()
    s = getattr(EF, name)(ember.tensor(0.75, requires_grad=True), **kw)
    st = getattr(TF, name)(torch.tensor(0.75, requires_grad=True), **kw)
    assert s.shape == () and abs(s.item() - st.item()) < 1e-6


@pytest.mark.parametrize("dtype", ["float16", "bfloat16"])
@pytest.mark.parametrize("name,kw", ACTS)
def test_activation_half_precision(name, kw, dtype):
    x = np.random.default_rng(6).uniform(-6, 6, 200).astype(np.float32)
    res = []
    for L, F in ((ember, EF), (torch, TF)):
        xl = L.tensor(x).to(getattr(L, dtype)).requires_grad_()
        y = getattr(F, name)(xl, **kw)
        y.sum().backward()
        assert y.dtype == xl.grad.dtype == getattr(L, dtype)
        res.append((y.float().detach().numpy(), xl.grad.float().numpy()))
    for e, t in zip(*res):
        np.testing.assert_allclose(e, t, rtol=1e-2, atol=1e-2)


@pytest.mark.parametrize("name,kw", ACTS)
def test_activation_double_backward(name, kw):
    x = ember.tensor(np.random.default_rng(7).uniform(-3, 3, (3, 4)), requires_grad=True)
    fn = lambda t: getattr(EF, name)(t, **kw)                                   # noqa: E731
    assert gradcheck(fn, (x,))
    assert gradgradcheck(fn, (x,))


@pytest.mark.parametrize("name,kw", ACTS)
def test_activation_in_place_forms(name, kw):
    x = np.random.default_rng(8).standard_normal((5, 6)).astype(np.float32)
    res = []
    for L, F in ((ember, EF), (torch, TF)):
        leaf = L.tensor(x, requires_grad=True)
        y = leaf * 1
        out = getattr(F, name)(y, inplace=True, **kw) if name in ("silu", "mish") else \
            getattr(F, name)(y, **kw)
        out.sum().backward()
        res.append((out.detach().numpy(), leaf.grad.numpy()))
    for e, t in zip(*res):
        np.testing.assert_allclose(e, t, rtol=2e-6, atol=3e-6)


@pytest.mark.parametrize("name,kw", ACTS)
def test_activation_kept_array_goes_through_saved_tensor_hooks(name, kw):
    # The CDF / sigmoid the node keeps is a saved tensor: hooks pack it (save_on_cpu,
    # non-reentrant checkpoint recompute it) and gradients stay torch's.
    x = np.random.default_rng(9).standard_normal((4, 5)).astype(np.float32)
    res, packed = [], {ember: [], torch: []}
    for L in (ember, torch):
        xl = L.tensor(x, requires_grad=True)

        def pack(t, store=packed[L]):
            store.append(t)
            return t.clone()
        with L.autograd.graph.saved_tensors_hooks(pack, lambda t: t):
            y = getattr(L.nn.functional, name)(xl, **kw)
        y.sum().backward()
        ck = L.tensor(x, requires_grad=True)
        L.utils.checkpoint.checkpoint(lambda t: getattr(L.nn.functional, name)(t, **kw), ck,
                                      use_reentrant=False).sum().backward()
        res.append((xl.grad.numpy(), ck.grad.numpy()))
    assert len(packed[ember]) == len(packed[torch]) + 1 == 2       # the input, the kept array
    for e, t in zip(*res):
        np.testing.assert_allclose(e, t, rtol=2e-6, atol=3e-6)


# ---- ndtr_fast ----------------------------------------------------------------------------------
def test_ndtr_fast_float32_accuracy_and_float64_formula():
    x = np.concatenate([np.linspace(-7, 7, 400_001), np.float32(2.0) ** -np.arange(150),
                        -np.float32(2.0) ** -np.arange(150),
                        [np.inf, -np.inf, 40, -40, -0.0]]).astype(np.float32)
    got = special.ndtr_fast(x)
    assert got.dtype == np.float32 and got.min() >= 0 and got.max() <= 1
    want = special.ndtr(x.astype(np.float64))
    assert np.abs(got - want).max() < 3e-7
    assert np.isnan(special.ndtr_fast(np.float32([np.nan]))).all()
    ends = np.float32([-np.inf, -6, 6, np.inf] * 20)
    for a in (ends, ends[:4]):                   # the float32 passes, the small-array path
        np.testing.assert_array_equal(special.ndtr_fast(a), np.tile([0, 0, 1, 1], len(a) // 4))
    for chunk in np.array_split(x[::97], 100):  # small arrays: erf's matrix-product path
        assert np.abs(special.ndtr_fast(chunk) - special.ndtr(chunk.astype(np.float64))).max() \
            < 3e-7
    x64 = x.astype(np.float64)
    np.testing.assert_array_equal(special.ndtr_fast(x64),
                                  0.5 * (1 + special.erf(x64 * np.sqrt(0.5))))
