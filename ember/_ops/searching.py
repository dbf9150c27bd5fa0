"""Searching sorted sequences and testing membership: ``searchsorted``, ``bucketize``,
``isin`` (integer / bool results, no gradients)."""
from .. import _dtype as D
from .. import _errors
from .._tensor import Tensor
from ._core import register, wrap, write_out, as_array


def _insertion_points(seq, values, right, xp):
    """Insertion indices of ``values`` into the last axis of ``seq`` (1-D: one shared sequence;
    otherwise one sequence per leading index, values shaped ``seq.shape[:-1] + (m,)``)."""
    side = "right" if right else "left"
    if seq.ndim == 1:
        return xp.searchsorted(seq, values, side=side)
    # count, per row, the boundaries before each value (equal to a binary search on sorted rows)
    s, v = seq[..., None, :], values[..., :, None]
    return ((s <= v) if right else (s < v)).sum(-1)


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
