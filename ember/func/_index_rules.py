"""Batching rules written as one ``gather`` / ``scatter*`` over the whole batch: the
``index_*`` ops with a batched index (each sample its own index) and ``index_reduce`` (the
index expanded along the op's dim), ``put``, ``masked_scatter``, ``histc`` and ``bincount``
(each sample's flattened data); and the ``*_scatter`` ops (every tensor batched, dims shifted
past the batch)."""
import inspect

from .. import _dtype as D, _errors
from .._tensor import Tensor
from ._batched import wrap, is_batched
from ._batching import _batched_value, _shift, _size


def _along(index, level, target, dim):
    """The batched index (logical 0-d or 1-d) as a ``(batch, 1.., k, 1..)`` tensor expanded to
    ``target``'s physical shape except along physical ``dim``."""
    iv = _batched_value(index, level).reshape(_size(level), -1)
    shape = [1] * target.dim()
    shape[0], shape[dim] = iv.shape[0], iv.shape[1]
    sizes = list(target.shape)
    sizes[dim] = iv.shape[1]
    return iv.reshape(tuple(shape)).expand(tuple(sizes))


def _bound(fn, args, kwargs):
    ba = inspect.signature(fn).bind(*args, **kwargs)
    ba.apply_defaults()
    return ba.arguments


def index_rule(fn, dim_rule):
    """``index_select`` / ``index_add`` / ``index_copy`` / ``index_fill``: ``dim_rule`` (the
    dim-shifting rule) when the index is not batched; gather / scatter otherwise (and for a
    logical 0-d input, run as 1-d)."""
    name = fn.__name__

    def rule(call, level, args, kwargs):
        a = _bound(fn, args, kwargs)
        x, index = a["input"], a["index"]
        if not is_batched(index, level) and x.dim():
            return dim_rule(call, level, args, kwargs)
        v = _batched_value(x, level)
        d = _shift(a["dim"], max(x.dim(), 1))
        b = v.shape[0]
        if x.dim() == 0:     # as 1-d of one element
            v = v.reshape(b, 1)
        if name == "index_select":
            out = v.gather(d, _along(index, level, v, d))
        elif name == "index_fill":
            out = _fill(v, d, index, a["value"], level)
        else:
            src = _batched_value(a["source"], level).reshape(tuple(v.shape[:1]) + (
                tuple(a["source"].shape) or (1,)))
            idx = _along(index, level, src, d)
            if name == "index_add":
                alpha = a.get("alpha", 1)
                out = v.scatter_add(d, idx, src if alpha == 1 else src * alpha)
            else:
                out = v.scatter(d, idx, src)
        return wrap(out.reshape((b,) + tuple(out.shape[1:])) if x.dim() else out.reshape(b),
                    level)
    return rule


def _fill(v, d, index, value, level):
    from .._ops import creation, pointwise as P
    n = v.shape[d]
    iv = _batched_value(index, level).reshape(_size(level), -1, 1)
    hit = P.eq(iv, creation.arange(n, device=v.device)).any(1)
    shape = [1] * v.dim()
    shape[0], shape[d] = hit.shape[0], n
    if isinstance(value, Tensor):
        value = _batched_value(value, level).reshape((-1,) + (1,) * (v.dim() - 1)) \
            if is_batched(value, level) else value
        value = value.to(v.dtype)
    return P.where(hit.reshape(tuple(shape)), value, v)


def index_reduce(call, level, args, kwargs):
    """``index_reduce(input, dim, index, source, reduce, include_self)`` as ``scatter_reduce``
    with the index expanded along ``dim`` (batched or not)."""
    from .._ops import indexing
    a = dict(zip(("input", "dim", "index", "source", "reduce"), args), **kwargs)
    x = a["input"]
    v, src = _batched_value(x, level), _batched_value(a["source"], level)
    d = _shift(a["dim"], max(x.dim(), 1))
    if x.dim() == 0:
        v, src = v.unsqueeze(1), src.reshape(_size(level), 1)
    idx = _along(a["index"], level, src, d)
    out = indexing.scatter_reduce(v, d, idx, src, a["reduce"],
                                  include_self=a.get("include_self", True))
    return wrap(out.reshape(tuple(v.shape[:1]) + tuple(x.shape)), level)


_SCATTER_DIMS = {"select_scatter": (0,), "slice_scatter": (0,), "diagonal_scatter": (1, 2)}


def view_scatter(name):
    """``select_scatter`` / ``slice_scatter`` / ``diagonal_scatter(input, src, ...)``: both
    batched (expanded if need be), the dim arguments shifted past the batch."""
    from .._ops.copies import _PARAMS, _DEFAULTS
    params, defaults, dims = _PARAMS[name], _DEFAULTS[name], _SCATTER_DIMS[name]

    def rule(call, level, args, kwargs):
        x, src = args[0], args[1]
        values = list(args[2:]) + list(defaults[len(args) - 2:])
        for k, val in kwargs.items():
            values[params.index(k)] = val
        n = x.dim()
        for i in dims:
            values[i] = _shift(values[i], n)
        return wrap(call(_batched_value(x, level), _batched_value(src, level), *values),
                    level)
    return rule


def put(call, level, args, kwargs):
    """``put(input, index, source, accumulate)``: a scatter into each sample's flattened input
    (negative indices count from the end)."""
    a = dict(zip(("input", "index", "source", "accumulate"), args), **kwargs)
    x = a["input"]
    b = _size(level)
    v = _batched_value(x, level).reshape(b, -1)
    idx = _batched_value(a["index"], level).reshape(b, -1)
    idx = idx.remainder(max(v.shape[1], 1))
    src = _batched_value(a["source"], level).reshape(b, -1).to(v.dtype)
    out = v.scatter_add(1, idx, src) if a.get("accumulate") else v.scatter(1, idx, src)
    return wrap(out.reshape((b,) + tuple(x.shape)), level)


def masked_scatter(call, level, args, kwargs):
    """``masked_scatter(input, mask, source)``: each sample's masked positions take its
    source's leading elements in order (a cumulative count of the mask indexes them)."""
    from .._ops import pointwise as P
    x, mask, source = (dict(zip(("input", "mask", "source"), args), **kwargs)[k]
                       for k in ("input", "mask", "source"))
    from .._ops import shape as S
    b, shape = _size(level), S.broadcast_shapes(tuple(x.shape), tuple(mask.shape))
    v = _batched_value(x.expand(shape), level).reshape(b, -1)
    m = _batched_value(mask.expand(shape), level).reshape(b, -1)
    pos = (m.to(D.int64).cumsum(1) - 1).clamp_min(0)
    src = _batched_value(source, level).reshape(b, -1)
    picked = src.gather(1, pos.clamp_max(max(src.shape[1] - 1, 0))).to(v.dtype)
    return wrap(P.where(m, picked, v).reshape((b,) + tuple(shape)), level)


def histc(call, level, args, kwargs):
    """``histc(input, bins, min, max)`` per sample: with ``min == max`` each sample's own
    range (widened by 1 both ways when its values are all equal), as torch's."""
    from .._ops import creation, pointwise as P
    a = dict(zip(("input", "bins", "min", "max"), args), **kwargs)
    bins, lo, hi = a.get("bins", 100), a.get("min", 0), a.get("max", 0)
    b = _size(level)
    v = _batched_value(a["input"], level).reshape(b, -1)
    if lo == hi:
        lo_t, hi_t = v.amin(1, keepdim=True), v.amax(1, keepdim=True)
        same = P.eq(lo_t, hi_t)
        lo_t, hi_t = P.where(same, lo_t - 1, lo_t), P.where(same, hi_t + 1, hi_t)
    else:
        lo_t, hi_t = v.new_full((b, 1), lo), v.new_full((b, 1), hi)
    inside = P.logical_and(v >= lo_t, v <= hi_t)
    pos = ((v - lo_t) * bins / (hi_t - lo_t)).floor().to(D.int64).clamp(0, bins - 1)
    counts = creation.zeros(b, bins, dtype=v.dtype, device=v.device)
    return wrap(counts.scatter_add(1, P.where(inside, pos, 0), inside.to(v.dtype)), level)


def bincount(call, level, args, kwargs):
    """``bincount(input, weights, minlength)``: one length for the batch (torch stacks the
    samples' results, so they must agree); a scatter-add per sample."""
    from .._ops import creation
    a = dict(zip(("input", "weights", "minlength"), args), **kwargs)
    b = _size(level)
    v = _batched_value(a["input"], level).reshape(b, -1)
    lengths = {max(int(n) + 1, a.get("minlength", 0)) if v.shape[1] else a.get("minlength", 0)
               for n in (v.amax(1).tolist() if v.shape[1] else [0] * b)}
    if len(lengths) != 1:
        raise _errors.vmap_dynamic_shape("bincount")
    w = a.get("weights")
    dtype = D.int64 if w is None else (w.dtype if w.dtype.is_floating_point else D.float64)
    src = creation.ones(v.shape, dtype=dtype, device=v.device) if w is None else \
        _batched_value(w, level).reshape(b, -1).to(dtype)
    counts = creation.zeros(b, lengths.pop(), dtype=dtype, device=v.device)
    return wrap(counts.scatter_add(1, v, src), level)
