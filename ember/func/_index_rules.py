"""Batching rules of the ``index_*`` ops for a batched index (each sample its own index) and
of ``index_reduce``: the index is expanded along the op's dim and the op runs as the
equivalent ``gather`` / ``scatter*`` along the physical dim, once for the whole batch; and of
the ``*_scatter`` ops (every tensor batched, dims shifted past the batch)."""
import inspect

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
    dim-shifting rule) when the index is not batched; gather / scatter otherwise."""
    name = fn.__name__

    def rule(call, level, args, kwargs):
        a = _bound(fn, args, kwargs)
        x, index = a["input"], a["index"]
        if not is_batched(index, level):
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
