"""Where equal elements go: ``sort(stable=False)``, ``argsort``, ``msort``, ``topk`` and
``kthvalue`` give ties the indices PyTorch's CPU kernels give them (their unstable introsort,
partial sort, nth_element and quickselect), compared with torch on inputs full of ties."""
import numpy as np
import pytest

import ember
from ember._backend import jit, std_order

torch = pytest.importorskip("torch")


def _tied(rng, shape, kind):
    """Few distinct values, so that nearly every row holds ties."""
    x = rng.integers(0, int(rng.integers(1, 12)), shape)
    if kind == "bool":
        return torch.tensor(x > 2)
    if kind in ("int64", "int32", "uint8"):
        return torch.tensor(x.astype(kind))
    t = torch.tensor(x, dtype=getattr(torch, kind))
    if kind.startswith("float"):
        t[torch.tensor(rng.random(shape) < 0.1)] = float("nan")
        t[torch.tensor(rng.random(shape) < 0.1)] = -0.0
    return t


def _ember(t, transposed):
    """The same values in ember, as a transposed (non-contiguous) view when asked."""
    if not transposed:
        return ember.tensor(t.numpy() if t.dtype != torch.bfloat16 else t.float().numpy(),
                            dtype=getattr(ember, str(t.dtype).split(".")[1]))
    return _ember(t.transpose(0, -1).contiguous(), False).transpose(0, -1)


CASES = [((40,), "float32"), ((17,), "float64"), ((16,), "float32"), ((300,), "int64"),
         ((7, 50), "float32"), ((50, 7), "int32"), ((3, 20, 30), "float64"),
         ((25, 4, 9), "uint8"), ((64,), "bool"), ((5, 80), "float16"), ((33, 3), "bfloat16")]


def _pairs(seed):
    rng = np.random.default_rng(seed)
    for shape, kind in CASES:
        t = _tied(rng, shape, kind)
        yield rng, t, _ember(t, False), shape, kind
        if len(shape) > 1:
            t = t.transpose(0, -1)
            yield rng, t, _ember(t.contiguous(), True), tuple(t.shape), kind


def _same(got, expected):
    """Equal element for element (NaN equal to NaN), shapes included."""
    np.testing.assert_array_equal(np.asarray(got.tolist()), np.asarray(expected.tolist()))


@pytest.mark.parametrize("seed", [0, 1])
def test_sort_and_argsort_order_ties_as_torch(seed):
    for _, t, e, shape, _ in _pairs(seed):
        for dim in range(-len(shape), len(shape)):
            for descending in (False, True):
                _same(ember.sort(e, dim, descending).indices,
                      torch.sort(t, dim, descending).indices)
                _same(ember.sort(e, stable=False, dim=dim, descending=descending).indices,
                      torch.sort(t, stable=False, dim=dim, descending=descending).indices)
                _same(ember.argsort(e, dim, descending), torch.argsort(t, dim, descending))
                _same(ember.sort(e, stable=True, dim=dim, descending=descending).indices,
                      torch.sort(t, stable=True, dim=dim, descending=descending).indices)
        _same(ember.msort(e), torch.msort(t))
        _same(e.sort().indices, t.sort().indices)


@pytest.mark.parametrize("seed", [0, 1])
def test_topk_and_kthvalue_pick_ties_as_torch(seed):
    for rng, t, e, shape, kind in _pairs(seed):
        if kind == "bool":
            continue
        dim = int(rng.integers(len(shape)))
        n = shape[dim]
        for k in sorted({0, 1, n // 64 or 1, int(rng.integers(1, n + 1)), n}):
            for largest in (True, False):
                for sorted_ in (True, False):
                    _same(ember.topk(e, k, dim, largest, sorted_).indices,
                          torch.topk(t, k, dim, largest, sorted_).indices)
            if k:
                _same(ember.kthvalue(e, k, dim).indices, torch.kthvalue(t, k, dim).indices)


def test_long_rows_with_few_ties():
    """Long rows (introsort's partitions, topk's partial sort for 64 k <= n) with one tie."""
    rng = np.random.default_rng(3)
    x = torch.tensor(rng.permutation(5000).astype("float32"))
    x[4000] = x[17]
    e = ember.tensor(x.numpy())
    _same(ember.sort(e).indices, torch.sort(x).indices)
    _same(ember.topk(e, 50).indices, torch.topk(x, 50).indices)
    _same(ember.topk(e, 3000, sorted=False).indices, torch.topk(x, 3000, sorted=False).indices)


def test_one_dimensional_integer_radix_sort_is_stable():
    """PyTorch sorts a 1-D integer tensor of 32768 or more elements ascending by radix sort,
    which is stable; shorter, descending or batched ones by introsort."""
    rng = np.random.default_rng(4)
    for n in (32767, 32768):
        t = torch.tensor(rng.integers(0, 3, n))
        for descending in (False, True):
            _same(ember.sort(ember.tensor(t.numpy()), descending=descending).indices,
                  torch.sort(t, descending=descending).indices)


@pytest.fixture
def small_budget(monkeypatch):
    monkeypatch.setattr(std_order, "PYTHON_BUDGET", 8)


def test_over_the_python_budget_without_numba(small_budget, monkeypatch):
    """Without the JIT, large calls keep a stable order: torch's values, a valid order."""
    monkeypatch.setitem(jit._loaded, "jit_order", None)
    t = torch.tensor(np.random.default_rng(5).integers(0, 4, (3, 40)))
    got = ember.sort(ember.tensor(t.numpy()), descending=True)
    _same(got.values, torch.sort(t, descending=True).values)
    _same(got.indices, torch.sort(t, descending=True, stable=True).indices)


def test_over_the_python_budget_with_numba(small_budget):
    pytest.importorskip("numba")
    if jit.load("jit_order") is None:
        pytest.skip("numba cannot build the kernels here")
    for seed in (0, 1):
        for _, t, e, shape, kind in _pairs(seed):
            _same(ember.sort(e, -1, True).indices, torch.sort(t, -1, True).indices)
            if kind != "bool":
                k = shape[-1] // 2 or 1
                _same(ember.topk(e, k, sorted=False).indices,
                      torch.topk(t, k, sorted=False).indices)
                _same(ember.kthvalue(e, k).indices, torch.kthvalue(t, k).indices)


def test_values_and_gradients_unchanged():
    t = torch.tensor(np.random.default_rng(6).integers(0, 3, (4, 30)), dtype=torch.float64,
                     requires_grad=True)
    e = ember.tensor(t.detach().numpy(), requires_grad=True)
    vt, it = torch.topk(t, 7, sorted=False)
    ve, ie = ember.topk(e, 7, sorted=False)
    _same(ve.detach(), vt.detach())
    (vt * torch.arange(7.0)).sum().backward()
    (ve * ember.arange(7.0)).sum().backward()
    _same(e.grad, t.grad)


@pytest.mark.parametrize("shape", [(0,), (0, 3), (3, 0), (2, 0, 4)])
def test_empty_tensors(shape):
    for dim in range(len(shape)):
        for call in (lambda m, x: m.sort(x, dim).indices, lambda m, x: m.argsort(x, dim),
                     lambda m, x: m.topk(x, 0, dim).indices):
            _same(call(ember, ember.zeros(shape)), call(torch, torch.zeros(shape)))
