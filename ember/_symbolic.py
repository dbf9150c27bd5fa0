"""``torch.SymInt`` / ``SymFloat`` / ``SymBool`` and the ``torch.sym_*`` helpers.

PyTorch's symbolic sizes exist only while its compiler traces with dynamic shapes; Ember's
``compile`` specialises every program to the shapes it saw, so sizes are always plain Python
numbers.  The classes are here for the ``isinstance(n, (int, torch.SymInt))`` checks libraries
write (never true for a plain number), and the helpers compute on plain numbers exactly as
torch's do when no symbolic value is involved."""
import builtins
import math

__all__ = ["SymInt", "SymFloat", "SymBool", "sym_int", "sym_float", "sym_max", "sym_min",
           "sym_not", "sym_ite", "sym_sum", "sym_sqrt", "sym_constrain_range",
           "sym_constrain_range_for_size", "sym_fresh_size"]
_INT64_MAX = 2 ** 63 - 1


class _SymNode:
    """A symbolic value wrapping a tracer's node (Ember's tracers never make one)."""
    __slots__ = ("node",)

    def __init__(self, node):
        self.node = node

    def __repr__(self):
        return f"{type(self).__name__}({self.node!r})"


class SymInt(_SymNode):
    """A symbolic integer (a size under dynamic-shape tracing)."""


class SymFloat(_SymNode):
    """A symbolic float."""


class SymBool(_SymNode):
    """A symbolic boolean."""


def sym_int(a):
    """``int(a)`` (floats truncate toward zero)."""
    return a if isinstance(a, SymInt) else builtins.int(a)


def sym_float(a):
    """``float(a)``."""
    return a if isinstance(a, SymFloat) else builtins.float(a)


def _extreme(pick, a, b):
    value = pick(a, b)
    return builtins.float(value) if isinstance(a, float) or isinstance(b, float) else value


def sym_max(a, b):
    """``max(a, b)``, a float when either is one."""
    return _extreme(builtins.max, a, b)


def sym_min(a, b):
    """``min(a, b)``, a float when either is one."""
    return _extreme(builtins.min, a, b)


def sym_not(a):
    """``not a``."""
    return not a


def sym_ite(b, t, f):
    """``t if b else f`` for a boolean ``b`` and two values of one type."""
    from . import _errors
    if not isinstance(b, (bool, SymBool)):
        raise _errors.sym_ite_condition(b)
    if type(t) is not type(f):
        raise _errors.sym_ite_types(t, f)
    return t if b else f


def sym_sum(args):
    """``sum(args)``."""
    return builtins.sum(args)


def _sym_sqrt(a):
    """``math.sqrt(a)``, a float."""
    return math.sqrt(a)


sym_sqrt = _sym_sqrt     # (torch's function is named so)


def sym_constrain_range(size, *, min=None, max=None):
    """Check that the size ``size`` lies in ``[min, max]`` (a bound None is open); the tracers
    record the range, eager code only checks it."""
    low = -_INT64_MAX - 1 if min is None else min
    high = _INT64_MAX if max is None else max
    if not low <= size <= high:
        from . import _errors
        raise _errors.sym_value_range(size, low, high)


def sym_constrain_range_for_size(size, *, min=None, max=None):
    """``sym_constrain_range`` for a value used as a size: at least 0 by default."""
    sym_constrain_range(size, min=0 if min is None else min, max=max)


def sym_fresh_size(expr):
    """A fresh size equal to ``expr`` (a new symbol under tracing; the value itself here)."""
    return expr
