"""Python's operator methods for array wrapper types, built from two factories.

The strict test array (``strict.py``) and the recording array of ``ember.compile``
(``ember/_compile/tape.py``) both forward ``a + b``, ``a += b``, ``a < b``, ... to the NumPy
ufunc of the same meaning; ``install(cls, binary, inplace)`` gives ``cls`` the whole set, with
``binary(ufunc_name, reflected=False)`` and ``inplace(ufunc_name)`` making each method.
"""

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
