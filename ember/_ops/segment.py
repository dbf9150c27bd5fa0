"""``torch.segment_reduce``: reduce consecutive segments of ``data`` along ``axis``, the
segments given by their ``lengths`` or ``offsets`` (one row of them per index of the dims
before ``axis``).

Empty segments hold the reduction's identity (0 for sum, 1 for prod, -inf / inf for max /
min, nan for mean) or ``initial``, which also joins every non-empty segment (mean divides by
the segment's length only, as torch's does).  The gradient reaches ``data`` through the
segment each element lies in: prod's is the product of the others (exact with zeros in the
segment); elements tied for max / min (or nan) each get it, a positive one shared evenly
among them, as torch's kernel does.  As in torch, that gradient has no derivative."""
import math

from .. import _dtype as D
from .. import _errors
from .._tensor import Tensor
from ..autograd.graph import node_class, save_output
from ._core import register, record, _grad_on, wrap
from .pointwise import _not_implemented

_UFUNCS = {"sum": "add", "mean": "add", "prod": "multiply", "max": "maximum", "min": "minimum"}
_IDENTITY = {"sum": 0.0, "prod": 1.0, "max": -math.inf, "min": math.inf, "mean": math.nan}
_NAMES = {"amax": "max", "amin": "min"}


class _Segments:
    """The segments of ``data`` (viewed as (B, N, T): the dims before ``axis``, ``axis``, the
    dims after) as ``offsets`` (B, S + 1) and each element's segment ``ids`` (B, N)."""

    def __init__(self, shape, axis, offsets, xp):
        self.shape, self.axis, self.xp = shape, axis, xp
        self.lead = math.prod(shape[:axis])
        self.offsets = offsets.reshape(self.lead, -1)
        self.count = self.offsets.shape[1] - 1
        self.lengths = xp.diff(self.offsets, axis=1)
        n = shape[axis]
        self.ids = xp.stack([xp.searchsorted(row[1:], xp.arange(n), side="right")
                             for row in self.offsets]).reshape(self.lead, n)

    def out_shape(self):
        return self.shape[:self.axis] + (self.count,) + self.shape[self.axis + 1:]

    def reduce(self, arr, ufunc_name, empty):
        """``ufunc`` over each segment of ``arr`` (data-shaped); ``empty`` fills empty ones."""
        ufunc = getattr(self.xp, ufunc_name)
        flat = arr.reshape(self.lead, self.shape[self.axis], -1)
        out = self.xp.full((self.lead, self.count, flat.shape[2]), empty, arr.dtype)
        for b in range(self.lead):
            full = self.lengths[b] > 0
            if full.any():      # (each non-empty segment runs to the next one's start)
                out[b, full] = ufunc.reduceat(flat[b], self.offsets[b, :-1][full], axis=0)
        return out.reshape(self.out_shape())

    def per_segment(self, arr):
        """``arr`` (B, S) shaped to broadcast against an output-shaped array."""
        return arr.reshape(self.out_shape()[:self.axis + 1] +
                           (1,) * (len(self.shape) - self.axis - 1))

    def spread(self, seg_arr):
        """A per-segment array (output-shaped) read at each element's segment (data-shaped)."""
        flat = seg_arr.reshape(self.lead, self.count, -1)
        idx = self.ids.reshape(self.lead, -1, 1)
        return self.xp.take_along_axis(flat, idx, axis=1).reshape(self.shape)


def _offsets(data, lengths, offsets, axis, unsafe, xp):
    if lengths is None and offsets is None:
        raise _errors.segment_reduce_arguments("Either lengths or offsets must be defined.")
    given = lengths if lengths is not None else offsets
    if not isinstance(given, Tensor) or given._dtype not in (D.int32, D.int64):
        raise _errors.kernel_not_implemented("_segment_reduce_lengths_cpu_kernel1",
                                             data._dtype)
    arr = given._data.astype("int64")
    if lengths is not None:
        if (arr < 0).any():
            raise _errors.segment_lengths_negative()
        zeros = xp.zeros(arr.shape[:-1] + (1,), "int64")
        arr = xp.concatenate([zeros, xp.cumsum(arr, axis=-1)], axis=-1)
    if not unsafe and (arr[..., -1] != data._data.shape[axis]).any():
        raise _errors.segment_reduce_arguments(
            "Expected all rows of lengths along axis to sum to data.size(lengths.dim()-1) "
            "when !unsafe.")
    return arr


def _segment_reduce_bwd(node, g):
    x, y = node.saved()
    reduce, segs, initial = node._args
    xp = segs.xp
    ga, xa, ya = g._data, x._data, y._data
    if reduce == "mean":
        ga = ga / segs.per_segment(xp.maximum(segs.lengths, 1)).astype(ga.dtype)
    grad = segs.spread(ga)
    if reduce in ("max", "min"):
        hit = ((xa == segs.spread(ya)) | xp.isnan(xa)).astype(xa.dtype)
        ties = segs.spread(segs.reduce(hit, "add", 0.0))
        grad = grad * hit
        # torch's kernel shares only a positive gradient among tied elements
        grad = xp.where((grad > 0) & (ties > 1), grad / xp.maximum(ties, 1), grad)
    elif reduce == "prod":
        zero = xa == 0
        zeros = segs.spread(segs.reduce(zero.astype(xa.dtype), "add", 0.0))
        with_initial = 1.0 if initial is None else initial
        nonzero = segs.spread(segs.reduce(xp.where(zero, 1, xa), "multiply", 1.0)) * \
            with_initial
        with xp.errstate(divide="ignore", invalid="ignore"):
            others = xp.where(zeros == 0, segs.spread(ya) / xa,
                              xp.where(zero & (zeros == 1), nonzero, 0))
        grad = grad * others
    res = wrap(grad.astype(xa.dtype, copy=False), x._dtype, x._device)
    if _grad_on() and (g._requires_grad or x._requires_grad):
        record(res, _SegmentReduceBackwardNotImplemented, (g, x))
    return (res,)


SegmentReduceBackward0 = node_class("SegmentReduceBackward0", _segment_reduce_bwd)
_SegmentReduceBackwardNotImplemented = _not_implemented("_segment_reduce_backward")


@register("segment_reduce", method=False, nodes=("SegmentReduceBackward0",))
def segment_reduce(data, reduce, *, lengths=None, indices=None, offsets=None, axis=0,
                   unsafe=False, initial=None):
    """``torch.segment_reduce``: see the module docstring."""
    name = _NAMES.get(reduce, reduce)
    if name not in _UFUNCS:
        raise _errors.segment_reduce_name(reduce)
    if indices is not None:
        raise _errors.segment_reduce_arguments("indices based reduction is not supported yet.")
    if data._dtype.category < 2:
        raise _errors.kernel_not_implemented("_segment_reduce_cpu", data._dtype)
    xp = data._device._backend.xp
    axis = axis + data._data.ndim if axis < 0 else axis
    segs = _Segments(data._data.shape, axis,
                     _offsets(data, lengths, offsets, axis, unsafe, xp), xp)
    work = data._data.astype("float32") if data._dtype in (D.float16, D.bfloat16) else \
        data._data
    out = segs.reduce(work, _UFUNCS[name], 0.0 if name == "mean" else _IDENTITY[name])
    if initial is not None:
        out = getattr(xp, _UFUNCS[name])(out, initial)
    if name == "mean":
        lengths = segs.per_segment(segs.lengths)
        with xp.errstate(divide="ignore", invalid="ignore"):
            out = xp.where(lengths == 0, math.nan if initial is None else initial,
                           out / lengths)
    res = wrap(out.astype(data._dtype.np, copy=False), data._dtype, data._device)
    if _grad_on() and data._requires_grad:
        node = record(res, SegmentReduceBackward0, (data,), (data, None), (name, segs, initial))
        save_output(node, res, 1)
    return res
