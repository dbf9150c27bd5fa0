"""Ember dtypes, the default dtype, and PyTorch's type-promotion rules.

Each dtype wraps the NumPy dtype that stores it (bfloat16 comes from ml_dtypes).  Dtypes are
singletons, so ops compare them with ``is``.
"""
import numpy as np
import ml_dtypes

# Promotion categories: bool < integer < floating < complex.
_BOOL, _INT, _FLOAT, _COMPLEX = 0, 1, 2, 3


class dtype:
    __slots__ = ("name", "np", "itemsize", "is_floating_point", "is_complex", "is_signed",
                 "category", "storage_name", "_aliases")

    def __init__(self, name, np_dtype, category, storage_name):
        self.name = name
        self.np = np.dtype(np_dtype)
        self.itemsize = self.np.itemsize
        self.category = category
        self.is_floating_point = category == _FLOAT
        self.is_complex = category == _COMPLEX
        self.is_signed = not name.startswith("uint") and name != "bool"
        self.storage_name = storage_name

    def __repr__(self):
        return "torch." + self.name

    def __reduce__(self):
        return (_dtype_by_name, (self.name,))

    def to_real(self):
        return {complex64: float32, complex128: float64}.get(self, self)

    def to_complex(self):
        return {float64: complex128, complex128: complex128}.get(self, complex64)

    @property
    def is_bool(self):
        return self.category == _BOOL


float16 = dtype("float16", np.float16, _FLOAT, "HalfStorage")
bfloat16 = dtype("bfloat16", ml_dtypes.bfloat16, _FLOAT, "BFloat16Storage")
float32 = dtype("float32", np.float32, _FLOAT, "FloatStorage")
float64 = dtype("float64", np.float64, _FLOAT, "DoubleStorage")
complex64 = dtype("complex64", np.complex64, _COMPLEX, "ComplexFloatStorage")
complex128 = dtype("complex128", np.complex128, _COMPLEX, "ComplexDoubleStorage")
uint8 = dtype("uint8", np.uint8, _INT, "ByteStorage")
int8 = dtype("int8", np.int8, _INT, "CharStorage")
int16 = dtype("int16", np.int16, _INT, "ShortStorage")
int32 = dtype("int32", np.int32, _INT, "IntStorage")
int64 = dtype("int64", np.int64, _INT, "LongStorage")
bool_ = dtype("bool", np.bool_, _BOOL, "BoolStorage")
# Storage-and-cast dtypes (no legacy storage class: checkpoints write them untyped).  Torch
# promotes them with nothing but themselves (the unsigned ones also with floating types).
uint16 = dtype("uint16", np.uint16, _INT, None)
uint32 = dtype("uint32", np.uint32, _INT, None)
uint64 = dtype("uint64", np.uint64, _INT, None)
float8_e4m3fn = dtype("float8_e4m3fn", ml_dtypes.float8_e4m3fn, _FLOAT, None)
float8_e5m2 = dtype("float8_e5m2", ml_dtypes.float8_e5m2, _FLOAT, None)
float8_e4m3fnuz = dtype("float8_e4m3fnuz", ml_dtypes.float8_e4m3fnuz, _FLOAT, None)
float8_e5m2fnuz = dtype("float8_e5m2fnuz", ml_dtypes.float8_e5m2fnuz, _FLOAT, None)
# ComplexHalf: PyTorch names it (``torch.complex32`` / ``torch.chalf``) but NumPy can neither
# store nor compute it, so Ember knows the dtype (for dtype checks) and makes no tensor of it.
complex32 = dtype("complex32", [("real", np.float16), ("imag", np.float16)], _COMPLEX, None)
# The quantized dtypes of PyTorch's (deprecated) quantized tensors: named, for the dtype tables
# libraries build (tensordict lists every torch dtype), but Ember makes no quantized tensor.
qint8 = dtype("qint8", np.int8, _INT, None)
quint8 = dtype("quint8", np.uint8, _INT, None)
qint32 = dtype("qint32", np.int32, _INT, None)
quint4x2 = dtype("quint4x2", np.uint8, _INT, None)
quint2x4 = dtype("quint2x4", np.uint8, _INT, None)
_NO_TENSORS = {d.name: d for d in (complex32, qint8, quint8, qint32, quint4x2, quint2x4)}
_WIDE_UINTS = frozenset((uint16, uint32, uint64))
_FLOAT8 = frozenset((float8_e4m3fn, float8_e5m2, float8_e4m3fnuz, float8_e5m2fnuz))

ALL_DTYPES = (float16, bfloat16, float32, float64, complex64, complex128,
              uint8, int8, int16, int32, int64, bool_,
              uint16, uint32, uint64, float8_e4m3fn, float8_e5m2, float8_e4m3fnuz, float8_e5m2fnuz)

# PyTorch's aliases, exported as ember.half, ember.long, ...
ALIASES = {"half": float16, "float": float32, "double": float64, "cfloat": complex64,
           "cdouble": complex128, "short": int16, "int": int32, "long": int64,
           "bool": bool_}

_BY_NAME = {d.name: d for d in ALL_DTYPES}
_BY_NP = {d.np: d for d in ALL_DTYPES}


def _dtype_by_name(name):
    return _NO_TENSORS.get(name) or _BY_NAME[name]


def from_numpy_dtype(np_dtype):
    """The ember dtype storing ``np_dtype``; TypeError for dtypes PyTorch has no tensor for."""
    try:
        return _BY_NP[np.dtype(np_dtype)]
    except KeyError:
        from . import _errors
        raise _errors.numpy_dtype_unsupported(np_dtype) from None


def to_dtype(d):
    """Accept an ember dtype, a NumPy dtype/type, or a Python type (float/int/bool/complex)."""
    if type(d) is dtype:
        if d.name in _NO_TENSORS:
            from . import _errors
            raise _errors.complex32_unsupported() if d is complex32 else \
                _errors.unsupported(f"torch.{d.name} (quantized) tensors")
        return d
    if d is float:
        return float64
    if d is int:
        return int64
    if d is bool:
        return bool_
    if d is complex:
        return complex128
    if isinstance(d, str):
        d = d[6:] if d.startswith("torch.") else d
        if d in _BY_NAME:
            return _BY_NAME[d]
        if d in ALIASES:
            return ALIASES[d]
    return from_numpy_dtype(d)


# ---- default dtype -------------------------------------------------------------------------
_default = [float32]


def get_default_dtype():
    return _default[0]


def set_default_dtype(d):
    d = to_dtype(d)
    if d not in (float16, bfloat16, float32, float64):
        from . import _errors
        raise _errors.default_dtype_not_float()
    _default[0] = d


def default_complex():
    return complex128 if _default[0] is float64 else complex64


# ---- promotion ----------------------------------------------------------------------------
def promote_types(type1, type2):
    """PyTorch's ``promote_types`` for two dtypes."""
    if type1 is type2:
        return type1
    if type1 in _FLOAT8 or type2 in _FLOAT8:
        from . import _errors
        raise _errors.promote_unsupported("Float8 Types", type1, type2)
    if type1 in _WIDE_UINTS or type2 in _WIDE_UINTS:
        other = type2 if type1 in _WIDE_UINTS else type1
        if other.category != _FLOAT:
            from . import _errors
            raise _errors.promote_unsupported("uint16, uint32, uint64 types", type1, type2)
        return other
    ca, cb = type1.category, type2.category
    if ca != cb:
        hi, lo = (type1, type2) if ca > cb else (type2, type1)
        if hi.category == _COMPLEX and lo is float64:
            return complex128
        return hi
    if ca == _FLOAT and {type1, type2} == {float16, bfloat16}:
        return float32
    return _BY_NP[np.promote_types(type1.np, type2.np)]


def scalar_dtype(v):
    """The dtype PyTorch gives a Python scalar when it is promoted as a 'wrapped number'."""
    t = type(v)
    if t is bool:
        return bool_
    if t is int:
        return int64
    if t is float:
        return _default[0]
    if t is complex:
        return default_complex()
    if isinstance(v, np.generic):
        return from_numpy_dtype(v.dtype)
    if isinstance(v, (bool, np.bool_)):
        return bool_
    if isinstance(v, int):
        return int64
    if isinstance(v, float):
        return _default[0]
    from . import _errors
    raise _errors.scalar_type_unsupported(t)


def _to_complex(d):
    return complex128 if d is float64 else complex64


def _combine(higher, lower):
    """Merge two promotion states the way PyTorch's ResultTypeState does."""
    if higher is None:
        return lower
    if lower is None:
        return higher
    if higher.category == _COMPLEX:
        return higher
    if lower.category == _COMPLEX:
        return _to_complex(higher) if higher.category == _FLOAT else lower
    if higher.category == _FLOAT:
        return higher
    if higher is bool_ or lower.category == _FLOAT:
        return promote_types(higher, lower)
    return higher


def result_type(*operands):
    """PyTorch's result_type over tensors and Python scalars.

    Dimensioned tensors take priority; 0-d tensors and then Python scalars change the result
    only when they belong to a higher category (bool < integer < floating < complex).
    A tensor is recognised by its ``_dtype`` slot: the tensor layer sits above this one.
    """
    dim_t = zero_t = wrapped = None
    for x in operands:
        d = getattr(x, "_dtype", None)
        if d is not None:
            if x._data.ndim:
                dim_t = d if dim_t is None else promote_types(dim_t, d)
            else:
                zero_t = d if zero_t is None else promote_types(zero_t, d)
        elif x is not None:
            d = scalar_dtype(x)
            wrapped = d if wrapped is None else promote_types(wrapped, d)
    return _combine(dim_t, _combine(zero_t, wrapped))


def can_cast(from_, to):
    """PyTorch's casting rule for in-place results: no lowering of category."""
    return from_.category <= to.category
