"""Run one scenario with torch and with ember and compare what comes out.

A scenario is ``fn(T)`` where ``T`` is the module (torch or ember).  It returns any nesting of
tuples/lists/dicts of tensors, numbers, strings and bools; an exception raised by the scenario is
compared by type name and message.  Tensors compare by dtype, shape and values.
"""
import numpy as np
import pytest

import ember

torch = pytest.importorskip("torch")


TENSOR = object()  # tag of a normalized tensor


def normalize(v):
    if isinstance(v, (torch.Tensor, ember.Tensor)):
        arr = v.detach().cpu().numpy() if isinstance(v, torch.Tensor) else v.detach().numpy()
        return (TENSOR, str(v.dtype).replace("torch.", ""), tuple(v.shape), np.asarray(arr))
    if isinstance(v, (tuple, list)):
        return tuple(normalize(x) for x in v)
    if isinstance(v, dict):
        return {k: normalize(x) for k, x in v.items()}
    return v


def run(fn, T):
    try:
        return normalize(fn(T))
    except Exception as e:  # noqa: BLE001 - the exception itself is the result compared
        return ("raised", type(e).__name__, str(e))


def assert_same(a, b, rtol=1e-5, atol=1e-6):
    if isinstance(a, tuple) and a and a[0] is TENSOR:
        assert isinstance(b, tuple) and b and b[0] is TENSOR, (a, b)
        assert a[1:3] == b[1:3], (a, b)
        np.testing.assert_allclose(b[3], a[3], rtol=rtol, atol=atol, equal_nan=True)
    elif isinstance(a, tuple):
        assert isinstance(b, tuple) and len(a) == len(b), (a, b)
        for x, y in zip(a, b):
            assert_same(x, y, rtol, atol)
    elif isinstance(a, dict):
        assert a.keys() == b.keys()
        for k in a:
            assert_same(a[k], b[k], rtol, atol)
    elif isinstance(a, float):
        assert b == pytest.approx(a, rel=rtol, abs=atol) or (np.isnan(a) and np.isnan(b))
    else:
        assert a == b


def compare(fn, rtol=1e-5, atol=1e-6):
    """Run ``fn`` with torch and ember; assert equal results (or equal exceptions)."""
    expected = run(fn, torch)
    got = run(fn, ember)
    assert_same(expected, got, rtol, atol)
    return expected


def names(node):
    """The graph below ``node`` as nested (name, children) tuples; None for missing edges."""
    if node is None:
        return None
    return (node.name(), tuple(names(n) for n, _ in node.next_functions))


def leaf(T, data, dtype="float32", requires_grad=True):
    return T.tensor(np.asarray(data).tolist(), dtype=getattr(T, dtype),
                    requires_grad=requires_grad)
