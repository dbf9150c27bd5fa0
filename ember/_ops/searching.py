"""Searching sorted sequences and testing membership: ``searchsorted``, ``bucketize``,
``isin`` (integer / bool results, no gradients)."""
import numpy as np

from .. import _dtype as D
from .. import _errors
from .._tensor import Tensor
from ._core import register, wrap, write_out, as_array


def _insertion_points(seq, values, right, xp):
    """torch's binary search, run for all values at once: the first index whose boundary is
    ``>= value`` (``> value`` when ``right``), over ``seq``'s last axis (1-D: one shared
    sequence; otherwise one per leading index).  Comparisons with NaN fail, as in torch."""
    n = seq.shape[-1]
    lo = xp.zeros(values.shape, dtype=np.int64)
    hi = xp.full(values.shape, n, dtype=np.int64)
    for _ in range(n.bit_length()):
        mid = (lo + hi) >> 1
        safe = xp.minimum(mid, n - 1)
        at = seq[safe] if seq.ndim == 1 else xp.take_along_axis(seq, safe, -1)
        go_right = ~(at > values) if right else ~(at >= values)
        active = lo < hi
        lo = xp.where(active & go_right, mid + 1, lo)
        hi = xp.where(active & ~go_right, mid, hi)
    return lo


def _side(side, right):
    if side is None:
        return right
    if side not in ("left", "right"):
        raise _errors.searchsorted_side(side)
    if right and side == "left":
        raise _errors.searchsorted_side_right(side, right)
    return side == "right"


@register("searchsorted", method=False, out=True, differentiable=False)
def searchsorted(sorted_sequence, input, *, out_int32=False, right=False, side=None,
                 sorter=None, out=None):
    right = _side(side, right)
    seq = sorted_sequence._data
    scalar = not isinstance(input, Tensor)
    if scalar and seq.ndim != 1:
        raise _errors.searchsorted_scalar(seq.ndim)
    if not scalar and seq.ndim != 1 and seq.shape[:-1] != input._data.shape[:-1]:
        raise _errors.searchsorted_shape(seq.shape, input._data.shape)
    if sorter is not None:
        if sorter._data.shape != seq.shape:
            raise _errors.searchsorted_sorter(seq.shape, sorter._data.shape)
        xp = sorted_sequence._device._backend.xp
        seq = xp.take_along_axis(seq, sorter._data, -1)
    dev = sorted_sequence._device
    dt = D.result_type(sorted_sequence, input) if not scalar else sorted_sequence._dtype
    values = as_array(input, dt, dev)
    r = _insertion_points(seq.astype(dt.np, copy=False), values, right, dev._backend.xp)
    res = wrap(r, D.int32 if out_int32 else D.int64, dev)
    return res if out is None else write_out(out, res)


@register("bucketize", method=False, out=True, differentiable=False)
def bucketize(input, boundaries, *, out_int32=False, right=False, out=None):
    if boundaries._data.ndim != 1:
        raise _errors.bucketize_dims(boundaries._data.ndim)
    return searchsorted(boundaries, input, out_int32=out_int32, right=right, out=out)


@register("isin", method=False, out=True, differentiable=False)
def isin(elements, test_elements, *, assume_unique=False, invert=False, out=None):
    ref = elements if isinstance(elements, Tensor) else test_elements
    dev = ref._device
    dt = D.result_type(elements, test_elements)
    a, b = as_array(elements, dt, dev), as_array(test_elements, dt, dev)
    r = dev._backend.xp.isin(a, b, assume_unique=assume_unique, invert=invert)
    res = wrap(r, D.bool_, dev)
    return res if out is None else write_out(out, res)
