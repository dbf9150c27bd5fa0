"""Run one op on the same inputs in ember and torch; compare outputs, grad_fn names, input
gradients and raised errors.  Used by the shape / indexing / view tests."""
import numpy as np
import pytest

import ember
from tests.oracle.harness import compare

torch = pytest.importorskip("torch")


def make_pair(a, requires_grad=False):
    """The same values as an ember tensor and a torch tensor (float arrays may require grad)."""
    a = np.asarray(a)
    e = ember.tensor(a)
    t = torch.tensor(a)
    if requires_grad and a.dtype.kind in "fc":
        e.requires_grad_()
        t.requires_grad_()
    return e, t


def _flat(v):
    return list(v) if isinstance(v, (tuple, list)) else [v]


def _name(t):
    return type(t.grad_fn).__name__ if t.grad_fn is not None else None


def check(fn, *arrays, grad=True, names=True, rtol=1e-6, atol=1e-7, seed=0):
    """``fn(lib, *tensors)``: compare ember with torch, forward and backward."""
    es, ts = zip(*[make_pair(a, grad) for a in arrays]) if arrays else ((), ())
    tout = _flat(fn(torch, *ts))
    eout = _flat(fn(ember, *es))
    assert len(tout) == len(eout)
    for t, e in zip(tout, eout):
        compare(e, t, rtol, atol)
        if names and isinstance(t, torch.Tensor):
            assert _name(e) == _name(t), (_name(e), _name(t))
    diff = [(e, t) for e, t in zip(eout, tout) if isinstance(t, torch.Tensor) and t.requires_grad]
    if not (grad and diff):
        return eout
    rng = np.random.default_rng(seed)
    tl, el = 0, 0
    for e, t in diff:
        w = rng.standard_normal(tuple(t.shape)).astype(
            "float64" if t.dtype == torch.float64 else "float32")
        tl = tl + (t * torch.tensor(w)).sum()
        el = el + (e * ember.tensor(w)).sum()
    tl.backward()
    el.backward()
    for e, t in zip(es, ts):
        if t.requires_grad:
            compare(e.grad, t.grad, 1e-5, 1e-6, "grad")
    return eout


def check_error(fn, *arrays):
    """Both libraries raise the same exception type with the same message."""
    es, ts = zip(*[make_pair(a) for a in arrays]) if arrays else ((), ())
    with pytest.raises(Exception) as et:
        fn(torch, *ts)
    with pytest.raises(type(et.value)) as ee:
        fn(ember, *es)
    assert str(ee.value).split("\n")[0] == str(et.value).split("\n")[0]


def rand(*shape, dtype="float64", seed=None):
    rng = np.random.default_rng(seed if seed is not None else sum(shape) + len(shape))
    if dtype in ("float32", "float64"):
        return rng.standard_normal(shape).astype(dtype)
    if dtype == "bool":
        return rng.random(shape) > 0.5
    return rng.integers(-5, 5, shape).astype(dtype)
