"""Every tensor operation, grouped by family, registered once in ``_core.OPS``.

Importing this package binds each op as a Tensor method and defines the Python operators.
"""
import numbers

from .. import _errors
from .._tensor import Tensor
from . import _core, views, creation, pointwise, reduction, shape, indexing, linalg, random
from . import decompositions, packed, norms, matrix_functions, parts  # noqa: F401
from . import scan, sorting, softmax  # noqa: F401
from . import nn_norm  # noqa: F401
from . import nn_loss  # noqa: F401
from . import nn_basic  # noqa: F401
from . import nn_conv, nn_pool, nn_resample  # noqa: F401
from . import nn_rnn  # noqa: F401
from . import special  # noqa: F401
from . import random_dist  # noqa: F401
from . import pinned  # noqa: F401
from . import fft, distance, searching, histogram, statistics  # noqa: F401
from . import calculus, combinatorics, renorm, windows, spectral  # noqa: F401
from . import copies, polynomials, misc, index_math, strided, index_reduce  # noqa: F401
from . import nn_grid, nn_fractional_pool, segment  # noqa: F401
from . import fake_quantize  # noqa: F401
from ._core import OPS


def _binary_operator(fn, reflected=False):
    if reflected:
        def op(self, other):
            return fn(other, self)
    else:
        def op(self, other):
            return fn(self, other)
    return op


def _rtruediv(self, other):
    """``scalar / t`` is ``reciprocal(t) * scalar`` in PyTorch (a MulBackward0 node)."""
    return pointwise.mul(pointwise.reciprocal(self), other)


def _invert(self):
    if self._dtype.category > 1:
        raise _errors.invert_float()
    return pointwise.bitwise_not(self)


def _where_method(self, condition, y):
    """``Tensor.where(condition, y)``: self where condition, else y."""
    return pointwise.where(condition, self, y)


_COMPARABLE = (Tensor, numbers.Number)     # numbers: NumPy scalars register as Number


def _comparison(name):
    """``t == other`` etc.: the op for tensors and numbers; NotImplemented otherwise, so that,
    as with torch, ``t == None`` is False, ``t != "a"`` True and ``t < None`` Python's
    TypeError.  The op is looked up in ``pointwise`` at each call, so that transforms that
    rebind it (vmap, forward AD) see comparisons too."""
    ops = vars(pointwise)

    def operator(self, other):
        cls = other.__class__
        if cls is Tensor or cls is float or cls is int or cls is bool \
                or isinstance(other, _COMPARABLE):
            return ops[name](self, other)
        return NotImplemented
    operator.__name__ = operator.__qualname__ = name     # torch names it "gt"
    return operator


def _define_operators():
    P = pointwise
    T = Tensor
    forward = (("add", P.add), ("sub", P.sub), ("mul", P.mul), ("truediv", P.div),
               ("floordiv", P.floor_divide), ("mod", P.remainder), ("pow", P.pow),
               ("and", P.bitwise_and), ("or", P.bitwise_or), ("xor", P.bitwise_xor),
               ("lshift", P.bitwise_left_shift), ("rshift", P.bitwise_right_shift))
    for name, fn in forward:
        setattr(T, f"__{name}__", fn)  # fn(self, other): no wrapper frame on the hot path
        setattr(T, f"__i{name}__", getattr(P, fn.__name__ + "_"))
        setattr(T, f"__r{name}__", _binary_operator(fn, True))
    T.__add__ = P._add  # operators never take alpha
    T.__isub__ = P.sub_
    T.__itruediv__ = P.div_
    T.__rsub__ = lambda self, other: P.rsub(self, other)
    T.__rtruediv__ = T.__rdiv__ = _rtruediv
    T.__div__, T.__idiv__ = T.__truediv__, T.__itruediv__    # torch keeps Python 2's names
    T.__neg__ = P.neg
    T.__pos__ = P.positive
    T.__abs__ = P.abs
    T.__invert__ = _invert
    for name in ("eq", "ne", "lt", "le", "gt", "ge"):
        setattr(T, f"__{name}__", _comparison(name))
    T.__hash__ = object.__hash__
    T.__array_priority__ = 1000  # NumPy defers to our reflected operators, as with torch
    T.where = _where_method


def _bind():
    import sys
    _define_operators()
    ns = {}
    _core.bind_methods(ns)
    return ns


functions = _bind()
# after _bind: creating SparseTensor routes the Tensor methods bound there through its protocol
from . import sparse  # noqa: E402,F401


def __getattr__(name):
    # torch._ops's operator classes (``isinstance(f, torch._ops.OpOverload)``): they live in
    # ``ember.library``, which this package must not import at load time
    if name in ("OpOverload", "OpOverloadPacket"):
        from .. import library
        return getattr(library, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
