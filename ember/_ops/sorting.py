"""Sorting and order statistics: sort, argsort, msort, topk, kthvalue, median, nanmedian,
mode; unique and unique_consecutive.

On the CPU, ``sort(stable=False)``, ``argsort``, ``topk`` and ``kthvalue`` give equal elements
the indices PyTorch's unstable CPU kernels give them (``_backend/std_order.py`` replays those
algorithms on rows that hold ties); ``stable=True`` and other devices sort stably.  Ops that
pick elements by index route their gradient through
reduction's gather/scatter nodes (``_select_bwd``); median() without a dim splits its
gradient evenly over ties (``_even_bwd``), like PyTorch.
"""
from .. import _dtype as D
from .. import _errors
from .. import return_types as RT
from .._tensor import _make, _wrap_dim
from ..autograd.graph import node_class
from ._core import register, record, _grad_on, wrap
from .reduction import _along, _even_bwd, _finish, _finish_tuple, _pack, _select_bwd


def _argsort_array(x, axis, descending, xp):
    """Stable argsort; descending keeps equal elements in original order and puts nan first."""
    if x.dtype.kind == "b":
        x = x.view("uint8")
    if not descending:
        return xp.argsort(x, axis=axis, kind="stable")
    n = x.shape[axis]
    rev = [slice(None)] * x.ndim
    rev[axis] = slice(None, None, -1)
    rev = tuple(rev)
    return (n - 1) - xp.argsort(x[rev], axis=axis, kind="stable")[rev]


def _sort_order(input, x1, axis, descending, stable):
    """argsort along ``axis``: stable, or with ties where PyTorch's unstable sort puts them.
    (A 1-D integer ascending sort of 32768 elements or more is a radix sort there: stable.)"""
    idx = _argsort_array(x1, axis, descending, input._device._backend.xp)
    radix = (x1.ndim == 1 and x1.dtype.kind in "iu" and not descending
             and x1.shape[0] >= 32768)
    if stable or radix:
        return idx
    return _tie_order("sort_order", input, x1.view("uint8") if x1.dtype.kind == "b" else x1,
                      idx, axis)


def _tie_order(fn, input, x, order, axis, *args):
    """``order`` (the stable order along ``axis``) with ties arranged as the backend's
    unstable kernels arrange them (``backend.order``; None keeps the stable order).  ``fn``
    names a row function of that module; its result replaces ``order`` along ``axis``."""
    kernels = input._device._backend.order
    if kernels is None or x.size == 0:
        return order
    xp = input._device._backend.xp
    n = x.shape[axis]
    moved = xp.moveaxis(order, axis, -1)
    rows = getattr(kernels, fn)(xp.moveaxis(x, axis, -1).reshape(-1, n),
                                xp.ascontiguousarray(moved).reshape(-1, n), *args, xp)
    return xp.moveaxis(rows.reshape(moved.shape), -1, axis)


def _contiguous(xp, a):
    return a if a.flags.c_contiguous else xp.ascontiguousarray(a)    # (keeps a 0-d array 0-d)


def _sorted_pack(rtype, input, idx, axis, keepdim, cls):
    """(values, indices) at ``idx``, both contiguous as torch's (NumPy's argsort along an outer
    axis returns another layout)."""
    xp = input._device._backend.xp
    x1, _ = _along(input._data, axis)
    idx = _contiguous(xp, idx)
    vals = _contiguous(xp, xp.take_along_axis(x1, idx, axis))
    return _pack(rtype, input, vals, idx, axis, keepdim, cls)


SortBackward0 = node_class("SortBackward0", _select_bwd)
SortBackward1 = node_class("SortBackward1", _select_bwd)
TopkBackward0 = node_class("TopkBackward0", _select_bwd)
KthvalueBackward0 = node_class("KthvalueBackward0", _select_bwd)
ModeBackward0 = node_class("ModeBackward0", _select_bwd)
MedianBackward1 = node_class("MedianBackward1", _select_bwd)
NanmedianBackward1 = node_class("NanmedianBackward1", _select_bwd)
MedianBackward0 = node_class("MedianBackward0", _even_bwd)
NanmedianBackward0 = node_class("NanmedianBackward0", _even_bwd)


@register("sort", nodes=("SortBackward0", "SortBackward1"), out=True)
def sort(input, dim=-1, descending=False, stable=None, *, out=None):
    """Always stable (a valid result for stable=False too); passing ``stable`` selects
    PyTorch's ``sort.stable`` overload, hence SortBackward1."""
    x1, axis = _along(input._data, dim)
    idx = _sort_order(input, x1, axis, descending, stable)
    cls = SortBackward0 if stable is None else SortBackward1
    return _finish_tuple(_sorted_pack(RT.sort, input, idx, axis, True, cls), out)


@register("argsort", differentiable=False)
def argsort(input, dim=-1, descending=False, stable=False):
    x1, axis = _along(input._data, dim)
    idx = _sort_order(input, x1, axis, descending, stable)
    xp = input._device._backend.xp
    return _make(_contiguous(xp, idx.reshape(input._data.shape)), D.int64, input._device)


@register("msort", nodes=("SortBackward0",), out=True)
def msort(input, *, out=None):
    return _finish(sort(input, 0).values, out)


@register("topk", nodes=("TopkBackward0",), out=True)
def topk(input, k, dim=-1, largest=True, sorted=True, *, out=None):
    x1, axis = _along(input._data, dim)
    if k < 0 or k > x1.shape[axis]:
        raise _errors.kth_out_of_range("topk")
    idx = _argsort_array(x1, axis, largest, input._device._backend.xp)
    if x1.dtype.kind == "b":
        x1 = x1.view("uint8")
    idx = _tie_order("topk_order", input, x1, idx, axis, k, sorted)
    idx = idx[(slice(None),) * axis + (slice(0, k),)]
    return _finish_tuple(_sorted_pack(RT.topk, input, idx, axis, True, TopkBackward0), out)


def _kth_index(x1, axis, pos, xp, input=None):
    """Index (kept dim) of the element at sorted position ``pos`` (int or kept-dim array);
    given ``input``, a tie at an int ``pos`` resolves as PyTorch's quickselect does."""
    if x1.dtype.kind == "b":
        x1 = x1.view("uint8")
    order = xp.argsort(x1, axis=axis, kind="stable")
    if input is not None:
        order = _tie_order("kth_order", input, x1, order, axis, pos)
    pos = xp.broadcast_to(xp.asarray(pos, dtype="int64"), order.shape[:axis] + (1,) +
                          order.shape[axis + 1:])
    return xp.take_along_axis(order, pos, axis)


@register("kthvalue", nodes=("KthvalueBackward0",), out=True)
def kthvalue(input, k, dim=-1, keepdim=False, *, out=None):
    x1, axis = _along(input._data, dim)
    if x1.shape[axis] == 0:
        raise _errors.reduction_zero_size("kthvalue", axis)
    if k < 1 or k > x1.shape[axis]:
        raise _errors.kth_out_of_range("kthvalue", axis)
    idx = _kth_index(x1, axis, k - 1, input._device._backend.xp, input)
    return _finish_tuple(_sorted_pack(RT.kthvalue, input, idx, axis, keepdim,
                                      KthvalueBackward0), out)


def _median_pos(x1, axis, ignore_nan, xp):
    """Sorted position of the lower median; with nan present: the first nan (median) or the
    median of the non-nan values (nanmedian)."""
    n = x1.shape[axis]
    if x1.dtype.kind not in "fc":
        return (n - 1) // 2
    nans = xp.sum(xp.isnan(x1), axis=axis, keepdims=True)
    if ignore_nan:
        return xp.maximum((n - nans - 1) // 2, 0)
    return xp.where(nans > 0, n - nans, (n - 1) // 2)


def _median(input, dim, keepdim, out, ignore_nan):
    name = "nanmedian" if ignore_nan else "median"
    xp = input._device._backend.xp
    x = input._data
    if dim is None:
        if x.size == 0:
            return wrap(xp.asarray(float("nan")), input._dtype, input._device)
        flat = x.reshape(-1)
        idx = _kth_index(flat, 0, _median_pos(flat, 0, ignore_nan, xp), xp)
        res = wrap(flat[idx.reshape(())], input._dtype, input._device)
        if _grad_on() and input._requires_grad:
            record(res, NanmedianBackward0 if ignore_nan else MedianBackward0, (input,),
                   (input,), (res._data, tuple(range(x.ndim)), False))
        return _finish(res, out)
    x1, axis = _along(x, dim)
    if x1.shape[axis] == 0:
        raise _errors.reduction_zero_size(name, axis)
    idx = _kth_index(x1, axis, _median_pos(x1, axis, ignore_nan, xp), xp)
    return _finish_tuple(_sorted_pack(
        RT.nanmedian if ignore_nan else RT.median, input, idx, axis, keepdim,
        NanmedianBackward1 if ignore_nan else MedianBackward1), out)


@register("median", nodes=("MedianBackward0", "MedianBackward1"), out=True)
def median(input, dim=None, keepdim=False, *, out=None):
    return _median(input, dim, keepdim, out, False)


@register("nanmedian", nodes=("NanmedianBackward0", "NanmedianBackward1"), out=True)
def nanmedian(input, dim=None, keepdim=False, *, out=None):
    return _median(input, dim, keepdim, out, True)


@register("mode", nodes=("ModeBackward0",), out=True)
def mode(input, dim=-1, keepdim=False, *, out=None):
    """Most frequent value (smallest on ties) and the last index where it occurs."""
    x1, axis = _along(input._data, dim)
    n = x1.shape[axis]
    if n == 0:
        raise _errors.reduction_zero_size("mode", axis)
    xp = input._device._backend.xp
    s = xp.sort(x1, axis=axis)
    pos = xp.arange(n).reshape((-1,) + (1,) * (x1.ndim - axis - 1))
    first = xp.concatenate([xp.ones_like(xp.take(s, [0], axis), dtype=bool),
                            xp.take(s, range(1, n), axis) != xp.take(s, range(n - 1), axis)],
                           axis=axis)
    run = pos - xp.maximum.accumulate(xp.where(first, pos, 0), axis=axis)
    best = xp.take_along_axis(s, xp.argmax(run, axis=axis, keepdims=True), axis)
    idx = xp.argmax(xp.where(x1 == best, pos, -1), axis=axis, keepdims=True)
    return _finish_tuple(_sorted_pack(RT.mode, input, idx, axis, keepdim, ModeBackward0), out)


# ---- unique -------------------------------------------------------------------------------------
def _unique_result(input, vals, inverse, counts, return_inverse, return_counts):
    dev = input._device
    res = [_make(vals, input._dtype, dev)]
    if return_inverse:
        res.append(wrap(inverse, D.int64, dev))
    if return_counts:
        res.append(wrap(counts, D.int64, dev))
    return res[0] if len(res) == 1 else tuple(res)


@register("unique", differentiable=False)
def unique(input, sorted=True, return_inverse=False, return_counts=False, dim=None):
    x = input._data
    xp = input._device._backend.xp
    if dim is None:
        vals, inv, cnt = xp.unique(x.reshape(-1), return_inverse=True, return_counts=True)
        inv = inv.reshape(x.shape)
    else:
        vals, inv, cnt = xp.unique(x, return_inverse=True, return_counts=True,
                                   axis=_wrap_dim(dim, x.ndim))
        inv = inv.reshape(-1)
    return _unique_result(input, vals, inv, cnt, return_inverse, return_counts)


@register("unique_consecutive", differentiable=False)
def unique_consecutive(input, return_inverse=False, return_counts=False, dim=None):
    x = input._data
    xp = input._device._backend.xp
    if dim is None:
        flat, axis = x.reshape(-1), 0
    else:
        flat, axis = xp.moveaxis(x, _wrap_dim(dim, x.ndim), 0), 0
        if not x.size and flat.shape[0]:
            raise _errors.unique_zero_sized()
    n = flat.shape[0]
    diff = flat[1:] != flat[:-1]
    if diff.ndim > 1:   # slices along dim differ where any element does
        diff = diff.any(axis=tuple(range(1, diff.ndim)))
    start = xp.concatenate([xp.ones(1 if n else 0, bool), diff])
    inv = xp.cumsum(start) - 1
    bounds = xp.concatenate([xp.nonzero(start)[0], xp.asarray([n])])
    vals = flat[start]
    if dim is not None:
        vals = xp.moveaxis(vals, 0, _wrap_dim(dim, x.ndim))
    else:
        inv = inv.reshape(x.shape)
    return _unique_result(input, vals, inv, xp.diff(bounds), return_inverse, return_counts)
