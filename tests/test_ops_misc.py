"""cdist, searchsorted, bucketize, isin, histc, histogram(dd), quantile, diff, gradient, cov,
corrcoef, block_diag, cartesian_prod, combinations, trapezoid and renorm against torch: values,
dtypes, shapes, gradients (for a random upstream gradient) and error types and messages."""
import warnings

import numpy as np
import pytest

import ember

torch = pytest.importorskip("torch")

RNG = np.random.default_rng(0)
A = RNG.standard_normal((3, 4, 5))
A_NAN = A.copy()
A_NAN[0, 1, 2] = np.nan
A_NAN[1, :, 3] = np.nan
B = RNG.standard_normal((3, 6))
X1, X2 = RNG.standard_normal((2, 4, 5)), RNG.standard_normal((3, 5))


def _result(lib, fn, arrays, grad):
    leaves = [lib.tensor(a, requires_grad=grad and a.dtype.kind == "f") for a in arrays]
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            out = fn(lib, *leaves)
    except Exception as exc:  # noqa: BLE001 - the exception is the compared result
        return exc
    outs = out if isinstance(out, (tuple, list)) else (out,)
    flat = [o for x in outs for o in (x if isinstance(x, (tuple, list)) else (x,))]
    grads = None
    diff = [o for o in flat if o.requires_grad]
    if diff:
        ws = [lib.tensor(np.random.default_rng(1).standard_normal(tuple(o.shape)))
              for o in diff]
        grads = lib.autograd.grad(sum((o * w).sum() for o, w in zip(diff, ws)),
                                  [x for x in leaves if x.requires_grad], allow_unused=True)
    return type(out).__name__, flat, grads


def check(fn, *arrays, grad=True, rtol=1e-6, atol=1e-9):
    """``fn(lib, *tensors)`` in ember and torch: same result (or the same error)."""
    t = _result(torch, fn, arrays, grad)
    e = _result(ember, fn, arrays, grad)
    if isinstance(t, Exception):
        assert isinstance(e, Exception), f"torch raised {t!r}, ember returned"
        assert type(e) is type(t) and str(e).split("\n")[0] == str(t).split("\n")[0], (e, t)
        return
    assert not isinstance(e, Exception), f"ember raised {e!r}"
    assert e[0] == t[0]
    assert len(e[1]) == len(t[1])
    for x, y in zip(e[1], t[1]):
        assert str(x.dtype) == str(y.dtype) and tuple(x.shape) == tuple(y.shape)
        np.testing.assert_allclose(x.detach().numpy(), y.detach().numpy(), rtol, atol)
    assert (e[2] is None) == (t[2] is None)
    for x, y in zip(e[2] or (), t[2] or ()):
        if x is None or y is None:
            assert (x is None or not x.numpy().any()) and (y is None or not y.numpy().any())
        else:
            np.testing.assert_allclose(x.numpy(), y.numpy(), rtol, atol)


# ---- cdist --------------------------------------------------------------------------------------
@pytest.mark.parametrize("p", [0, 0.5, 1, 1.5, 2, 3, float("inf")])
@pytest.mark.parametrize("mode", ["use_mm_for_euclid_dist_if_necessary",
                                  "use_mm_for_euclid_dist", "donot_use_mm_for_euclid_dist"])
def test_cdist(p, mode):
    check(lambda L, a, b: L.cdist(a, b, p, mode), X1, X2)


def test_cdist_many_rows_takes_mm_route():
    check(lambda L, a, b: L.cdist(a, b), RNG.standard_normal((30, 3)),
          RNG.standard_normal((4, 3)))


@pytest.mark.parametrize("fn", [
    lambda L, a, b: L.cdist(a.long(), b), lambda L, a, b: L.cdist(a, b.long()),
    lambda L, a, b: L.cdist(a, b[:, :4]), lambda L, a, b: L.cdist(a[0, 0], b),
    lambda L, a, b: L.cdist(a, b, p=-1), lambda L, a, b: L.cdist(a, b.float()),
    lambda L, a, b: L.cdist(a, b, compute_mode="bad")])
def test_cdist_errors(fn):
    check(fn, X1, X2, grad=False)


# ---- searchsorted / bucketize / isin ------------------------------------------------------------
SORTED = np.sort(RNG.integers(0, 6, (3, 7)).astype(np.float64), -1)
VALUES = RNG.integers(-1, 7, (3, 4)).astype(np.float64)


@pytest.mark.parametrize("kw", [{}, {"right": True}, {"side": "right"}, {"side": "left"},
                                {"out_int32": True}])
@pytest.mark.parametrize("rows", [True, False])
def test_searchsorted(kw, rows):
    seq = SORTED if rows else SORTED[0]
    check(lambda L, s, v: L.searchsorted(s, v, **kw), seq, VALUES, grad=False)
    check(lambda L, s, v: L.bucketize(v, s[0] if rows else s, **{k: v for k, v in kw.items()
                                                                   if k != "side"}),
          seq, VALUES, grad=False)


def test_searchsorted_scalar_sorter_and_int():
    perm = np.argsort(-SORTED[0])
    check(lambda L, s, p: L.searchsorted(s, 2.0, sorter=p), SORTED[0][perm].copy(),
          np.argsort(SORTED[0][perm]), grad=False)
    check(lambda L, s, v: L.searchsorted(s.long(), v), SORTED[0], VALUES + 0.5, grad=False)


@pytest.mark.parametrize("fn", [
    lambda L, s, v: L.searchsorted(s, v[:, :2].reshape(6)),
    lambda L, s, v: L.searchsorted(s[0], v, side="left", right=True),
    lambda L, s, v: L.searchsorted(s[0], v, side="bad"),
    lambda L, s, v: L.searchsorted(s[0], v, sorter=L.tensor([0, 1])),
    lambda L, s, v: L.searchsorted(s, 1.0),
    lambda L, s, v: L.bucketize(v, s)])
def test_searchsorted_errors(fn):
    check(fn, SORTED, VALUES, grad=False)


@pytest.mark.parametrize("kw", [{}, {"invert": True}, {"assume_unique": True}])
def test_isin(kw):
    check(lambda L, a, b: L.isin(a, b, **kw), VALUES, SORTED[0], grad=False)
    check(lambda L, a, b: L.isin(a.long(), b, **kw), VALUES, SORTED[0], grad=False)
    check(lambda L, a, b: L.isin(3, b, **kw), VALUES, SORTED[0], grad=False)
    check(lambda L, a, b: L.isin(a, 3.0, **kw), VALUES, SORTED[0], grad=False)


# ---- histograms ---------------------------------------------------------------------------------
H = np.array([0., 1, 1, 2, 5, -1, 3, 2.5, 0.25], dtype=np.float32)


@pytest.mark.parametrize("kw", [{}, {"bins": 4}, {"bins": 4, "min": 0, "max": 3},
                                {"bins": 7, "min": -0.5, "max": 2.0}])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_histc(kw, dtype):
    check(lambda L, x: L.histc(x, **kw), H.astype(dtype), grad=False)
    check(lambda L, x: x.histc(**kw), RNG.standard_normal(50).astype(dtype), grad=False)


def test_histc_constant_and_errors():
    check(lambda L, x: L.histc(x, bins=4), np.ones(3), grad=False)
    for fn in (lambda L, x: L.histc(x.long()), lambda L, x: L.histc(x, bins=0),
               lambda L, x: L.histc(x, min=2, max=1)):
        check(fn, H, grad=False)


@pytest.mark.parametrize("kw", [{"bins": 4}, {"bins": 3, "density": True},
                                {"bins": 5, "range": (0.0, 2.0)}, {"bins": "edges"},
                                {"bins": "edges", "density": True}, {"bins": 3, "weight": True},
                                {"bins": 3, "weight": True, "density": True}])
def test_histogram(kw):
    def fn(L, x, w):
        k = dict(kw)
        if k.get("bins") == "edges":
            k["bins"] = L.tensor([-1.0, 0.0, 0.5, 3.0], dtype=x.dtype)
        if k.get("weight"):
            k["weight"] = w
        return L.histogram(x, **k)
    check(fn, H, RNG.random(H.shape).astype(np.float32), grad=False)


@pytest.mark.parametrize("fn", [
    lambda L, x: L.histc(x), lambda L, x: L.histc(x, min=0, max=3),
    lambda L, x: L.histc(x[:2], min=0, max=float("inf")), lambda L, x: L.histogram(x, 3),
    lambda L, x: L.histogram(x, 3, range=(0.0, 3.0)), lambda L, x: L.histogramdd(x[:2, None], 3),
    lambda L, x: L.histogram(x.clamp(max=float("inf")) * float("inf"), 3)])
def test_histogram_non_finite(fn):
    check(fn, np.array([1.0, np.nan, 2.0, 0.5]), grad=False)


def test_searchsorted_nan_like_torch():
    seq = np.array([1.0, 2.0, 3.0, np.nan])
    vals = np.array([np.nan, 2.0, 5.0, -1.0])
    for right in (False, True):
        check(lambda L, s, v: L.searchsorted(s, v, right=right), seq, vals, grad=False)
        check(lambda L, s, v: L.searchsorted(L.stack([s, s]), L.stack([v, v]), right=right),
              seq, vals, grad=False)
    check(lambda L, s, v: L.searchsorted(s[:0], v), seq, vals, grad=False)


def test_histogram_edge_cases():
    check(lambda L, x: L.histogram(x, bins=4), np.ones(3, np.float32), grad=False)
    check(lambda L, x: L.histogram(x, bins=3), np.zeros(0, np.float32), grad=False)
    check(lambda L, x: L.histogram(x, bins=0), H, grad=False)
    check(lambda L, x: L.histogram(x, bins=3, range=(2.0, 1.0)), H, grad=False)


@pytest.mark.parametrize("kw", [{"bins": [2, 3]}, {"bins": 2, "range": [0.0, 1.0, 0.0, 2.0]},
                                {"bins": [3, 2], "density": True}, {"bins": "edges"}])
def test_histogramdd(kw):
    def fn(L, x):
        k = dict(kw)
        if k.get("bins") == "edges":
            k["bins"] = [L.tensor([0.0, 0.5, 1.0]), L.tensor([0.0, 0.2, 0.9, 1.0])]
        return L.histogramdd(x, **k)
    check(fn, RNG.random((20, 2)).astype(np.float32), grad=False)
    check(lambda L, x: L.histogramdd(x, bins=[2]), RNG.random((5, 2)), grad=False)


# ---- quantile -----------------------------------------------------------------------------------
@pytest.mark.parametrize("interp", ["linear", "lower", "higher", "midpoint", "nearest"])
@pytest.mark.parametrize("fn", ["quantile", "nanquantile"])
@pytest.mark.parametrize("q", [0.3, 1.0, [0.1, 0.5, 0.9], "0-d"])
def test_quantile(interp, fn, q):
    def call(dim, keepdim):
        def f(L, x):
            qq = L.tensor(q, dtype=x.dtype) if isinstance(q, list) else \
                L.tensor(0.4, dtype=x.dtype) if q == "0-d" else q
            return getattr(L, fn)(x, qq, dim=dim, keepdim=keepdim, interpolation=interp)
        return f
    for dim, keepdim in ((None, False), (None, True), (1, False), (-1, True)):
        check(call(dim, keepdim), A)
        check(call(dim, keepdim), A_NAN, grad=False)


@pytest.mark.parametrize("fn", [
    lambda L, x: L.quantile(x.long(), 0.5), lambda L, x: L.quantile(x, 1.5),
    lambda L, x: L.quantile(x, L.tensor([[0.5]], dtype=x.dtype)),
    lambda L, x: L.quantile(x[:0], 0.5), lambda L, x: L.quantile(x, 0.5, interpolation="foo"),
    lambda L, x: L.quantile(x, L.tensor([0.5], dtype=L.float32)),
    lambda L, x: L.quantile(x, L.tensor([1.5], dtype=x.dtype)),
    lambda L, x: L.nanquantile(x, 0.5, dim=3), lambda L, x: x.quantile(0.5, 0, True),
    lambda L, x: L.quantile(x[0, 0, 0], 0.5)])
def test_quantile_edge_cases(fn):
    check(fn, A)


# ---- cov / corrcoef -----------------------------------------------------------------------------
@pytest.mark.parametrize("fn", ["cov", "corrcoef"])
@pytest.mark.parametrize("arr", [B, B[0], B[:1], B.T[:2]], ids=["2d", "1d", "row", "tall"])
def test_cov_corrcoef(fn, arr):
    check(lambda L, x: getattr(L, fn)(x), arr)
    check(lambda L, x: getattr(x, fn)(), arr)


@pytest.mark.parametrize("correction", [0, 1, 2])
@pytest.mark.parametrize("weights", ["f", "a", "fa"])
def test_cov_weights(correction, weights):
    def fn(L, x, fw, aw):
        kw = {}
        if "f" in weights:
            kw["fweights"] = fw
        if "a" in weights:
            kw["aweights"] = aw
        return L.cov(x, correction=correction, **kw)
    check(fn, B, np.array([1, 2, 0, 3, 1, 1]), RNG.random(6))


@pytest.mark.parametrize("fn", [
    lambda L, x: L.cov(x.reshape(1, 3, 6)), lambda L, x: L.cov(x, fweights=L.ones(6)),
    lambda L, x: L.cov(x, aweights=L.ones(4)),
    lambda L, x: L.cov(x, fweights=-L.ones(6, dtype=L.long)),
    lambda L, x: L.cov(x, aweights=-L.ones(6)),
    lambda L, x: L.cov(x, aweights=L.ones(6, dtype=L.long)),
    lambda L, x: L.cov(x, fweights=L.zeros(6, dtype=L.long)),
    lambda L, x: L.cov(x, fweights=L.ones(1, 6, dtype=L.long)),
    lambda L, x: L.cov(L.tensor([[1, 2, 4], [3, 1, 0]])), lambda L, x: L.cov(x[0, :1]),
    lambda L, x: L.corrcoef(x[0, :2])])
def test_cov_edge_cases(fn):
    check(fn, B)


# ---- diff / gradient / trapezoid ----------------------------------------------------------------
@pytest.mark.parametrize("kw", [{}, {"n": 2}, {"n": 0}, {"n": 7}, {"dim": 0},
                                {"n": 2, "dim": 1, "prepend": "p", "append": "a"}])
def test_diff(kw):
    def fn(L, x, p, a):
        k = {**kw}
        if "prepend" in k:
            k["prepend"], k["append"] = p, a
        return L.diff(x, **k)
    check(fn, B, RNG.standard_normal((3, 2)), RNG.standard_normal((3, 1)))
    check(lambda L, x: x.diff(), B)


@pytest.mark.parametrize("fn", [
    lambda L, x: L.diff(x > 0), lambda L, x: L.diff(x.long(), append=L.tensor([[1.5]] * 3)),
    lambda L, x: L.diff(x[0, 0]), lambda L, x: L.diff(x, n=-1),
    lambda L, x: L.diff(x, prepend=L.zeros(3))])
def test_diff_edge_cases(fn):
    check(fn, B)


@pytest.mark.parametrize("edge_order", [1, 2])
@pytest.mark.parametrize("kw", [{}, {"spacing": 2.0}, {"spacing": [0.5, 3.0]}, {"dim": 1},
                                {"dim": [0], "spacing": [2.0]}, {"spacing": "coords"},
                                {"dim": 1, "spacing": "coords1"}])
def test_gradient(edge_order, kw):
    def fn(L, x, c0, c1):
        k = {**kw}
        if k.get("spacing") == "coords":
            k["spacing"] = [c0, c1]
        elif k.get("spacing") == "coords1":
            k["spacing"] = [c1]
        return L.gradient(x, edge_order=edge_order, **k)
    check(fn, B, np.cumsum(RNG.random(3) + 0.5), np.cumsum(RNG.random(6) + 0.5))


@pytest.mark.parametrize("fn", [
    lambda L, x: L.gradient(x.long()), lambda L, x: L.gradient(x, edge_order=3),
    lambda L, x: L.gradient(x[:1]), lambda L, x: L.gradient(x, spacing=[1.0, 2.0, 3.0]),
    lambda L, x: L.gradient(x, spacing=[1.0, 2.0], dim=0)])
def test_gradient_edge_cases(fn):
    check(fn, B)


@pytest.mark.parametrize("name", ["trapezoid", "trapz", "cumulative_trapezoid"])
@pytest.mark.parametrize("kw", [{}, {"dx": 0.5}, {"dim": 0}, {"x": "1d"}, {"x": "nd"},
                                {"x": "1d", "dim": 0}])
def test_trapezoid(name, kw):
    def fn(L, y, x1, x0, xn):
        k = {**kw}
        if "x" in k:
            k["x"] = {"1d": x0 if k.get("dim") == 0 else x1, "nd": xn}[k["x"]]
        return getattr(L, name)(y, **k)
    check(fn, B, np.cumsum(RNG.random(6)), np.cumsum(RNG.random(3)), RNG.random((3, 6)))


@pytest.mark.parametrize("name", ["trapezoid", "cumulative_trapezoid"])
@pytest.mark.parametrize("fn", [
    lambda L, f, y: f(y.long()), lambda L, f, y: f(y > 0), lambda L, f, y: f(y, y[0] > 0),
    lambda L, f, y: f(y, L.ones(2)), lambda L, f, y: f(y[:, :0]), lambda L, f, y: f(y, 2.0)])
def test_trapezoid_edge_cases(name, fn):
    check(lambda L, y: fn(L, getattr(L, name), y), B)


# ---- block_diag / cartesian_prod / combinations -------------------------------------------------
def test_block_diag():
    check(lambda L, a, b, c: L.block_diag(a, b, c), B, RNG.standard_normal(3), np.array(2.0))
    check(lambda L, a, b: L.block_diag(a, b.long()), B, VALUES)
    check(lambda L: L.block_diag())
    check(lambda L, a: L.block_diag(a.reshape(1, 3, 6)), B)


def test_cartesian_prod_and_combinations():
    v, w = RNG.standard_normal(4), RNG.standard_normal(3)
    check(lambda L, a, b: L.cartesian_prod(a, b), v, w)
    check(lambda L, a, b: L.cartesian_prod(a, b, a), v, w)
    check(lambda L, a: L.cartesian_prod(a), v)
    for r in (0, 1, 2, 3, 5):
        for rep in (False, True):
            check(lambda L, a: L.combinations(a, r, rep), v)
    check(lambda L, a: L.combinations(a.reshape(2, 2)), v)
    check(lambda L, a: L.combinations(a, -1), v)
    check(lambda L, a: L.cartesian_prod(a.reshape(2, 2)), v)


# ---- renorm -------------------------------------------------------------------------------------
@pytest.mark.parametrize("p", [1, 2, 3, float("inf")])
@pytest.mark.parametrize("dim", [0, 1, -1])
def test_renorm(p, dim):
    check(lambda L, x: L.renorm(x, p, dim, 1.0), B)
    check(lambda L, x: x.renorm(p, dim, 0.5), A)


def test_renorm_inplace_and_errors():
    check(lambda L, x: (x * 1).renorm_(2, 0, 1.0), B)
    for fn in (lambda L, x: L.renorm(x, 2, 0, -1.5), lambda L, x: L.renorm(x, 0, 0, 1.0),
               lambda L, x: L.renorm(x[0], 2, 0, 1.0), lambda L, x: L.renorm(x.long(), 2, 0, 1)):
        check(fn, B)
