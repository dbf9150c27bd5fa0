"""Run one scenario with torch and with ember and compare what comes out.

A scenario is ``fn(T)`` where ``T`` is the module (torch or ember).  It returns any nesting of
tuples/lists/dicts of tensors, numbers, strings and bools; an exception raised by the scenario is
compared by type name and message.  Everything else goes through the oracle harness's
``compare`` (tensors by dtype, shape and values; containers by type and length).
"""
import numpy as np
import pytest

import ember
from tests.oracle.harness import compare as oracle_compare

torch = pytest.importorskip("torch")


def run(fn, T):
    """``fn(T)``, or ("raised", exception type name, message) if it raises."""
    try:
        return fn(T)
    except Exception as e:  # noqa: BLE001 - the exception itself is the result compared
        return ("raised", type(e).__name__, str(e))


def _raised(result):
    return isinstance(result, tuple) and len(result) == 3 and isinstance(result[0], str) \
        and result[0] == "raised"


def compare(fn, rtol=1e-5, atol=1e-6):
    """Run ``fn`` with torch and ember; assert equal results (the oracle's compare) or equal
    exceptions."""
    expected = run(fn, torch)
    got = run(fn, ember)
    if _raised(expected) or _raised(got):
        assert got == expected
    else:
        oracle_compare(got, expected, rtol, atol)
    return expected


def names(node):
    """The graph below ``node`` as nested (name, children) tuples; None for missing edges."""
    if node is None:
        return None
    return (node.name(), tuple(names(n) for n, _ in node.next_functions))


def leaf(T, data, dtype="float32", requires_grad=True):
    return T.tensor(np.asarray(data).tolist(), dtype=getattr(T, dtype),
                    requires_grad=requires_grad)
