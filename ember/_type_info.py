"""``ember.finfo`` / ``ember.iinfo``: numerical limits of a dtype, as PyTorch reports them.

Values come from NumPy's (and, for bfloat16, ml_dtypes') tables and are plain Python numbers.
"""
import ml_dtypes

from . import _dtype as D
from . import _errors


def _dtype_of(type):
    """A dtype, or the one a Python number type stands for (``float`` is float64)."""
    return D.to_dtype(type) if type in (bool, int, float, complex) else type


class finfo:
    """Limits of a floating-point dtype (a complex dtype reports its real part's)."""

    def __init__(self, type=None):
        dt = D.get_default_dtype() if type is None else _dtype_of(type)
        if not isinstance(dt, D.dtype) or not (dt.is_floating_point or dt.is_complex):
            raise _errors.type_info_kind("finfo", "a floating point", "iinfo")
        if dt.is_complex:
            dt = dt.to_real()
        info = ml_dtypes.finfo(dt.np)     # NumPy's finfo, extended to bfloat16
        self.bits = int(info.bits)
        self.eps = float(info.eps)
        self.max = float(info.max)
        self.min = float(info.min)
        self.tiny = self.smallest_normal = float(info.smallest_normal)
        self.resolution = 10.0 ** -int(info.precision)
        self.dtype = dt.name

    def __repr__(self):
        return (f"finfo(resolution={self.resolution:g}, min={self.min:g}, max={self.max:g}, "
                f"eps={self.eps:g}, smallest_normal={self.smallest_normal:g}, "
                f"tiny={self.tiny:g}, dtype={self.dtype})")


class iinfo:
    """Limits of an integer dtype."""

    def __init__(self, type):
        type = _dtype_of(type)
        if type is D.bool_:
            raise _errors.type_info_bool()
        if not isinstance(type, D.dtype) or type.is_floating_point or type.is_complex:
            raise _errors.type_info_kind("iinfo", "an integer", "finfo")
        info = ml_dtypes.iinfo(type.np)
        self.bits = int(info.bits)
        self.max = int(info.max)
        self.min = int(info.min)
        self.dtype = type.name

    def __repr__(self):
        return f"iinfo(min={self.min:g}, max={self.max:g}, dtype={self.dtype})"
