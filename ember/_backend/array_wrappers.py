"""What array wrapper types over NumPy share: the strict test array (``strict.py``) and the
recording array of ``ember.compile`` (``ember/_compile/tape.py``).

* ``install(cls, binary, inplace)`` gives ``cls`` Python's operator methods (``a + b``,
  ``a += b``, ``a < b``, ...), each forwarding to the NumPy ufunc of the same meaning, made by
  ``binary(ufunc_name, reflected=False)`` and ``inplace(ufunc_name)``.
* ``layout_properties()`` reads ``dtype``, ``strides``, ... through to the wrapped array.
* ``ArrayModule`` is NumPy (or a submodule) seen through a wrapper type: its ufuncs,
  functions and ``ndarray`` are replaced by the wrapper's, each name resolved once.
"""
import operator
import types

import numpy as np

_ARITHMETIC = (("add", "add"), ("sub", "subtract"), ("mul", "multiply"),
               ("truediv", "true_divide"), ("floordiv", "floor_divide"), ("mod", "remainder"),
               ("pow", "power"), ("and", "bitwise_and"), ("or", "bitwise_or"),
               ("xor", "bitwise_xor"))
_BINARY_ONLY = (("lshift", "left_shift"), ("rshift", "right_shift"), ("eq", "equal"),
                ("ne", "not_equal"), ("lt", "less"), ("le", "less_equal"), ("gt", "greater"),
                ("ge", "greater_equal"))


def install(cls, binary, inplace):
    for name, uf in _ARITHMETIC:
        setattr(cls, f"__{name}__", binary(uf))
        setattr(cls, f"__r{name}__", binary(uf, True))
        setattr(cls, f"__i{name}__", inplace(uf))
    for name, uf in _BINARY_ONLY:
        setattr(cls, f"__{name}__", binary(uf))
    cls.__matmul__, cls.__rmatmul__ = binary("matmul"), binary("matmul", True)


def layout_properties():
    """Properties ``dtype, ndim, size, strides, itemsize, nbytes`` read from the wrapped NumPy
    array ``self._a``."""
    return tuple(property(operator.attrgetter("_a." + name))
                 for name in ("dtype", "ndim", "size", "strides", "itemsize", "nbytes"))


def is_kept_type(obj):
    """Scalar types, dtype and exceptions pass through as they are (CuPy re-exports NumPy's);
    other classes (``broadcast``, ``finfo``) are called like functions."""
    return isinstance(obj, type) and issubclass(obj, (np.generic, np.dtype, BaseException))


class ArrayModule:
    """A NumPy (sub)module for wrapper type ``array_type``: a subclass says how a ufunc
    (``wrap_ufunc``) and a function (``wrap_function``) are wrapped."""
    array_type = None

    def __init__(self, mod):
        self._mod = mod

    def wrap_ufunc(self, uf):
        raise NotImplementedError

    def wrap_function(self, fn, name):
        raise NotImplementedError

    def __getattr__(self, name):
        obj = getattr(self._mod, name)
        if isinstance(obj, np.ufunc):
            obj = self.wrap_ufunc(obj)
        elif isinstance(obj, types.ModuleType):
            obj = type(self)(obj)
        elif obj is np.ndarray:
            obj = self.array_type
        elif callable(obj) and not is_kept_type(obj):
            obj = self.wrap_function(obj, name)
        setattr(self, name, obj)   # resolved once
        return obj
