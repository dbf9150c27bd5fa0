"""Reductions over ``dim`` (int, tuple or None) with ``keepdim``."""
from .. import _dtype as D
from .._tensor import _make, _wrap_dim
from ..autograd.graph import node_class
from ._core import register, record, _grad, write_out


def norm_dims(dim, ndim):
    """``dim`` (None, int, or sequence) -> sorted tuple of non-negative dims."""
    if dim is None:
        return tuple(range(ndim))
    if isinstance(dim, int):
        return (_wrap_dim(dim, ndim),)
    dims = tuple(_wrap_dim(d, ndim) for d in dim)
    if len(set(dims)) != len(dims):
        raise RuntimeError(f"dim {dims[0]} appears multiple times in the list of dims")
    return tuple(sorted(dims)) if dims else tuple(range(ndim))


def expand_reduced(g, shape, dims, keepdim):
    """Broadcast a reduced gradient back over the reduced ``dims`` of ``shape``."""
    if not keepdim and dims and len(shape):
        kshape = tuple(1 if i in dims else s for i, s in enumerate(shape))
        g = g.reshape(kshape)
    return g.expand(shape)


def _sum_bwd(node, g):
    shape, dims, keepdim = node._args
    return (expand_reduced(g, shape, dims, keepdim),)


SumBackward0 = node_class("SumBackward0", _sum_bwd)
SumBackward1 = node_class("SumBackward1", _sum_bwd)


def _acc_dtype(dt, dtype):
    if dtype is not None:
        return D.to_dtype(dtype)
    if dt.category <= 1:
        return D.int64
    return dt


@register("sum", nodes=("SumBackward0", "SumBackward1"), out=True)
def sum(input, dim=None, keepdim=False, *, dtype=None, out=None):
    x = input._data
    nd = x.ndim
    odt = _acc_dtype(input._dtype, dtype)
    xp = input._device._backend.xp
    if dim is None and not keepdim:
        dims = tuple(range(nd))
        r = xp.sum(x, dtype=odt.np if odt.category > 1 or odt is not input._dtype else None)
        cls = SumBackward0
    else:
        dims = norm_dims(dim, nd) if not (isinstance(dim, (tuple, list)) and len(dim) == 0) \
            else tuple(range(nd))
        r = xp.sum(x, axis=dims, keepdims=keepdim, dtype=odt.np)
        cls = SumBackward1
    if not isinstance(r, xp.ndarray):
        r = xp.asarray(r)
    if r.dtype != odt.np:
        r = r.astype(odt.np)
    res = _make(r, odt, input._device)
    if _grad[0] and input._requires_grad:
        record(res, cls, (input,), (), (x.shape, dims, keepdim))
    if out is not None:
        return write_out(out, res)
    return res


def _mean_bwd(node, g):
    shape, dims, keepdim, n = node._args
    return (expand_reduced(g / n, shape, dims, keepdim),)


MeanBackward0 = node_class("MeanBackward0", _mean_bwd)
MeanBackward1 = node_class("MeanBackward1", _mean_bwd)


@register("mean", nodes=("MeanBackward0", "MeanBackward1"), out=True)
def mean(input, dim=None, keepdim=False, *, dtype=None, out=None):
    dt = input._dtype if dtype is None else D.to_dtype(dtype)
    if dt.category < 2:
        raise RuntimeError("mean(): could not infer output dtype. Input dtype must be either a "
                           "floating point or complex dtype. Got: "
                           f"{dt.name.capitalize() if dt is not D.int64 else 'Long'}")
    x = input._data
    xp = input._device._backend.xp
    nd = x.ndim
    if dim is None:
        dims = tuple(range(nd))
        cls = MeanBackward0
    else:
        dims = norm_dims(dim, nd)
        cls = MeanBackward1
    n = 1
    for d in dims:
        n *= x.shape[d]
    work = x if x.dtype == dt.np else x.astype(dt.np)
    if dt is D.float16 or dt is D.bfloat16:
        r = xp.mean(work.astype("float32"), axis=dims, keepdims=keepdim)
    else:
        r = xp.mean(work, axis=dims, keepdims=keepdim) if n else \
            xp.full(tuple(1 if i in dims else s for i, s in enumerate(x.shape)) if keepdim
                    else tuple(s for i, s in enumerate(x.shape) if i not in dims), float("nan"),
                    dt.np)
    if not isinstance(r, xp.ndarray):
        r = xp.asarray(r)
    res = _make(r.astype(dt.np, copy=False), dt, input._device)
    if _grad[0] and input._requires_grad:
        record(res, cls, (input,), (), (x.shape, dims, keepdim, n))
    if out is not None:
        return write_out(out, res)
    return res
