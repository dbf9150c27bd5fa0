"""repr/str of tensors must equal PyTorch 2.13's character for character."""
import numpy as np
import pytest

import ember
from ember._tensor_str import tensor_repr

torch = pytest.importorskip("torch")

FLOATS = ("float32", "float64", "float16", "bfloat16")


def _pair(a, dtype):
    """The same values in both libraries (built from one host array of the final dtype)."""
    t = torch.tensor(a).to(getattr(torch, dtype))
    return t, ember.tensor(t.float().numpy() if dtype == "bfloat16" else t.numpy(),
                           dtype=getattr(ember, dtype))


def _same(t, e):
    assert str(e) == str(t), f"\n{t}\n---\n{e}"
    assert repr(e) == repr(t)


def _random_array(rng):
    nd = int(rng.integers(0, 5))
    big = rng.random() < 0.2
    shape = tuple(int(s) for s in rng.integers(1, 40 if big else 6, nd))
    if nd == 1 and rng.random() < 0.3:
        shape = (int(rng.integers(1, 3000)),)
    a = rng.standard_normal(shape) * 10.0 ** rng.integers(-9, 10)
    if rng.random() < 0.3:
        a = np.round(a)
    if rng.random() < 0.2:
        a = np.abs(a)
    flat = a.reshape(-1)
    for value, p in ((np.nan, 0.1), (-np.inf, 0.1), (-0.0, 0.1), (0.0, 0.1)):
        if flat.size and rng.random() < p:
            flat[int(rng.integers(flat.size))] = value
    return a


@pytest.fixture(autouse=True)
def _reset_options():
    yield
    ember.set_printoptions(profile="default")
    torch.set_printoptions(profile="default")


@pytest.mark.parametrize("seed", range(25))
def test_random_floats(seed):
    rng = np.random.default_rng(seed)
    for _ in range(6):
        a = _random_array(rng)
        for dt in FLOATS:
            _same(*_pair(a, dt))


@pytest.mark.parametrize("seed", range(10))
def test_random_ints_bools_complex(seed):
    rng = np.random.default_rng(100 + seed)
    for _ in range(6):
        a = _random_array(rng)
        a = np.nan_to_num(a, posinf=7, neginf=-7)
        ai = np.round(a).clip(-1e15, 1e15).astype(np.int64)
        for dt in ("int64", "int32", "int8", "uint8"):
            _same(torch.tensor(ai).to(getattr(torch, dt)),
                  ember.tensor(ai).to(getattr(ember, dt)))
        _same(torch.tensor(ai > 0), ember.tensor(ai > 0))
        c = a + 1j * rng.standard_normal(a.shape)
        for dt in ("complex64", "complex128"):
            _same(torch.tensor(c, dtype=getattr(torch, dt)),
                  ember.tensor(c, dtype=getattr(ember, dt)))


SPECIAL = [[0.0, 0.0], [float("nan"), float("inf")], [0.0, float("nan")], [-0.0, 1.0],
           [-0.0], [1e-5, 1.0], [1e8, 1.0], [1e9], [123456789.0], [0.1, 100.0], [1.5, -2.25],
           [1e-300, 1e300], [-1e-120, 3.0], 3.5, 0.0, float("nan"), -7.0, [[1.0]]]


@pytest.mark.parametrize("vals", SPECIAL, ids=str)
@pytest.mark.parametrize("dt", ("float32", "float64"))
def test_special_values(vals, dt):
    _same(torch.tensor(vals, dtype=getattr(torch, dt)),
          ember.tensor(vals, dtype=getattr(ember, dt)))


@pytest.mark.parametrize("shape,dt", [((0,), "float32"), ((0, 3), "float32"), ((0,), "bool"),
                                      ((2, 0, 1), "int64"), ((0,), "int64"), ((0, 2), "float64")])
def test_empty(shape, dt):
    _same(torch.zeros(shape, dtype=getattr(torch, dt)),
          ember.zeros(shape, dtype=getattr(ember, dt)))


@pytest.mark.parametrize("opts", [dict(precision=2), dict(precision=8), dict(threshold=5),
                                  dict(edgeitems=1, threshold=10), dict(linewidth=40),
                                  dict(linewidth=200), dict(sci_mode=True),
                                  dict(sci_mode=False), dict(profile="short"),
                                  dict(profile="full"), dict(edgeitems=0, threshold=4),
                                  dict(precision=0)])
def test_printoptions(opts):
    rng = np.random.default_rng(7)
    torch.set_printoptions(**opts)
    ember.set_printoptions(**opts)
    for _ in range(12):
        a = _random_array(rng)
        if opts.get("profile") == "full" and a.size > 20_000:
            # every element is printed: a corner of at most 12 per dim (still past the default
            # summarising threshold) checks as much as all of a 4-d array of up to 39^4
            a = np.ascontiguousarray(a[(slice(0, 12),) * a.ndim])
        _same(*_pair(a, "float32"))
        _same(torch.tensor(np.round(a * 100).astype(np.int64) if np.isfinite(a).all() else 1),
              ember.tensor(np.round(a * 100).astype(np.int64) if np.isfinite(a).all() else 1))


def test_get_printoptions():
    ember.set_printoptions(precision=3, sci_mode=True)
    assert ember.get_printoptions() == {"precision": 3, "threshold": 1000, "edgeitems": 3,
                                        "linewidth": 80, "sci_mode": True}
    ember.set_printoptions(linewidth=100)
    assert ember.get_printoptions()["sci_mode"] is None


def test_default_dtype_float64():
    torch.set_default_dtype(torch.float64)
    ember.set_default_dtype(ember.float64)
    try:
        for dt in ("float32", "float64"):
            _same(torch.tensor([1.5, 2.0], dtype=getattr(torch, dt)),
                  ember.tensor([1.5, 2.0], dtype=getattr(ember, dt)))
        _same(torch.tensor([1j]), ember.tensor([1j]))
    finally:
        torch.set_default_dtype(torch.float32)
        ember.set_default_dtype(ember.float32)


def test_autograd_suffixes():
    outs = {}
    for lib in (torch, ember):
        x = lib.tensor([1.0, 2.0], requires_grad=True)
        outs[lib] = (x, x + 1, (x * 2).sum(),
                     lib.ones(40, 3, dtype=lib.float64, requires_grad=True) * 2)
    for t, e in zip(outs[torch], outs[ember]):
        _same(t, e)


def test_suffix_wraps_to_new_line():
    a = np.arange(1, 17, dtype=np.float64).reshape(2, 8) * 1.123456
    t = torch.tensor(a, requires_grad=True) * 1
    e = ember.tensor(a, requires_grad=True) * 1
    _same(t, e)
    _same(torch.tensor(a[0, :7]), ember.tensor(a[0, :7]))
    _same(torch.tensor(a[0, :6], dtype=torch.float64), ember.tensor(a[0, :6], dtype=ember.float64))


def test_fake_cuda_device(fake_cuda):
    e = ember.tensor([1.0, 2.5], device="cuda")
    assert repr(e) == "tensor([1.0000, 2.5000], device='cuda:0')"
    e = ember.tensor([1, 2], device="cuda:1", dtype=ember.int32)
    assert repr(e) == "tensor([1, 2], device='cuda:1', dtype=torch.int32)"
    assert repr(ember.zeros(0, 2, device="cuda")) == "tensor([], device='cuda:0', size=(0, 2))"


def test_prefix_helper():
    e = ember.tensor([1.0, 2.0], requires_grad=True)
    assert tensor_repr(e, prefix="Parameter(") == "Parameter([1., 2.], requires_grad=True)"


def test_noncontiguous_view():
    a = np.random.default_rng(3).standard_normal((5, 6))
    _same(torch.tensor(a)[::2, 1::2].t(), ember.tensor(a)[::2, 1::2].t())


def test_printoptions_context_manager_restores_the_options():
    torch.set_printoptions(profile="default")
    ember.set_printoptions(profile="default")
    got = []
    for lib in (torch, ember):
        x = lib.tensor([1.123456, 2.0, 3e-5])
        with lib._tensor_str.printoptions(precision=2, sci_mode=False):
            inside = repr(x)
        got.append((inside, repr(x), lib._tensor_str.get_printoptions()["precision"]))
    assert got[1] == got[0]
