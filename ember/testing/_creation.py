"""``torch.testing.make_tensor``: random tensors over a dtype's value range for tests."""
import math
import warnings

from .. import _dtype as D
from .. import _errors

__all__ = ["make_tensor"]

_FLOATING = (D.float16, D.bfloat16, D.float32, D.float64)
_COMPLEX = (D.complex64, D.complex128)


def _bounds(low, high, dtype, lowest, highest, default_low, default_high):
    low = default_low if low is None else low
    high = default_high if high is None else high
    if any(isinstance(v, float) and math.isnan(v) for v in (low, high)):
        raise _errors.make_tensor_nan_bounds(low, high)
    if low == high and dtype in _FLOATING + _COMPLEX:
        warnings.warn(_errors.MAKE_TENSOR_LOW_EQ_HIGH, FutureWarning, stacklevel=3)
    elif low >= high:
        raise _errors.make_tensor_low_high(low, high)
    elif high < lowest or low >= highest:
        raise _errors.make_tensor_interval(low, high, dtype, lowest, highest)
    low, high = min(max(low, lowest), highest), min(max(high, lowest), highest)
    if not (dtype.is_floating_point or dtype.is_complex):
        return math.ceil(low), math.ceil(high)
    return low, high


def _uniform(shape, dtype, device, low, high):
    import ember
    t = ember.empty(shape, dtype=dtype, device=device)
    if high - low >= ember.finfo(dtype).max:
        return t.uniform_(low / 2, high / 2).mul_(2)
    return t.uniform_(low, high)


def make_tensor(*shape, dtype, device, low=None, high=None, requires_grad=False,
                noncontiguous=False, exclude_zero=False, memory_format=None):
    """A tensor of ``shape`` with values uniform in ``[low, high)`` (defaults: [-9, 9] for
    floating and complex dtypes, [-9, 10) clamped to the range for integers, {0, 1} for bool)."""
    import ember
    if len(shape) == 1 and isinstance(shape[0], (list, tuple)):
        shape = shape[0]
    shape = tuple(shape)
    if noncontiguous and memory_format is not None:
        raise _errors.make_tensor_noncontiguous(noncontiguous, memory_format)
    if requires_grad and not (dtype.is_floating_point or dtype.is_complex):
        raise _errors.make_tensor_requires_grad(dtype)
    noncontiguous = noncontiguous and math.prod(shape) > 1
    if noncontiguous:
        shape = shape[:-1] + (2 * shape[-1],)
    if dtype is D.bool_:
        low, high = _bounds(low, high, dtype, 0, 2, 0, 2)
        result = ember.randint(low, high, shape, device=device, dtype=dtype)
    elif not (dtype.is_floating_point or dtype.is_complex):
        info = ember.iinfo(dtype)
        low, high = _bounds(low, high, dtype, info.min,
                            info.max + (1 if dtype is not D.int64 else 0), -9, 10)
        result = ember.randint(low, high, shape, device=device, dtype=dtype)
    else:
        info = ember.finfo(dtype)
        low, high = _bounds(low, high, dtype, info.min, info.max, -9, 9)
        if dtype.is_complex:
            real = dtype.to_real()
            result = (_uniform(shape, real, device, low, high).to(dtype)
                      + _uniform(shape, real, device, low, high).to(dtype) * 1j)
        else:
            result = _uniform(shape, dtype, device, low, high)
    if noncontiguous:
        result = result[..., 1::2]
    elif memory_format is not None:
        result = result.clone(memory_format=memory_format)
    if exclude_zero:
        tiny = 1 if not (dtype.is_floating_point or dtype.is_complex) else ember.finfo(dtype).tiny
        result[result == 0] = tiny
    if dtype.is_floating_point or dtype.is_complex:
        result.requires_grad = requires_grad
    return result
