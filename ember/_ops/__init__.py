"""Every tensor operation, grouped by family, registered once in ``_core.OPS``.

Importing this package binds each op as a Tensor method and defines the Python operators.
"""
from .._tensor import Tensor
from . import _core, views, creation, pointwise, reduction, shape, indexing, linalg, random
from ._core import OPS


def _binary_operator(fn, reflected=False):
    if reflected:
        def op(self, other):
            return fn(other, self)
    else:
        def op(self, other):
            return fn(self, other)
    return op


def _define_operators():
    P = pointwise
    T = Tensor
    T.__add__ = _binary_operator(P.add)
    T.__radd__ = _binary_operator(P.add, True)
    T.__iadd__ = P.add_
    T.__sub__ = _binary_operator(P.sub)
    T.__rsub__ = lambda self, other: P.rsub(self, other)
    T.__isub__ = P.sub_
    T.__mul__ = _binary_operator(P.mul)
    T.__rmul__ = _binary_operator(P.mul, True)
    T.__imul__ = P.mul_
    T.__truediv__ = _binary_operator(P.div)
    T.__rtruediv__ = lambda self, other: P.reciprocal(self) * other
    T.__itruediv__ = P.div_
    T.__floordiv__ = _binary_operator(P.floor_divide)
    T.__rfloordiv__ = _binary_operator(P.floor_divide, True)
    T.__ifloordiv__ = P.floor_divide_
    T.__pow__ = _binary_operator(P.pow)
    T.__rpow__ = _binary_operator(P.pow, True)
    T.__ipow__ = P.pow_
    T.__neg__ = P.neg
    T.__pos__ = lambda self: self
    T.__abs__ = P.abs
    T.__eq__ = _binary_operator(P.eq)
    T.__ne__ = _binary_operator(P.ne)
    T.__lt__ = _binary_operator(P.lt)
    T.__le__ = _binary_operator(P.le)
    T.__gt__ = _binary_operator(P.gt)
    T.__ge__ = _binary_operator(P.ge)
    T.__hash__ = object.__hash__


def _bind():
    import sys
    _define_operators()
    ns = {}
    _core.bind_methods(ns)
    return ns


functions = _bind()
