"""``index_reduce`` (and ``index_reduce_``): reduce slices of ``source`` into the slices of
``input`` that ``index`` names along ``dim`` with prod, mean, amax or amin.  It is
``scatter_reduce`` with ``index`` broadcast over ``source``'s other dims; the gradient is
scatter_reduce's (the same formulas as torch's) under torch's node name."""
from .. import _dtype as D
from .. import _errors
from .._tensor import _wrap_dim
from ._core import register, inplace
from .copies import _renamed
from .indexing import scatter_reduce

_REDUCTIONS = ("prod", "mean", "amax", "amin")


def index_reduce(input, dim, index, source, reduce, *, include_self=True):
    if reduce not in _REDUCTIONS:
        raise _errors.index_reduce_reduce_arg(reduce)
    if index._dtype not in (D.int32, D.int64):
        raise _errors.index_reduce_index_dtype(index._dtype)
    nd = source._data.ndim
    d = _wrap_dim(dim, max(nd, 1))
    n = index._data.size
    size = source._data.shape[d] if nd else 1
    if n != size:
        raise _errors.index_count("index_reduce_", n, size, d)
    bound = input._data.shape[d] if input._data.ndim else 1
    if n and (index._data.min() < -bound or index._data.max() >= bound):
        raise _errors.index_out_of_range_self()
    shape = [1] * nd
    if nd:
        shape[d] = n
    spread = index.to(D.int64).reshape(shape).expand(source._data.shape) if nd else \
        index.to(D.int64).reshape(())
    res = scatter_reduce(input, d, spread % bound, source, reduce, include_self=include_self)
    if res._grad_fn is not None:
        res._grad_fn = _renamed(res._grad_fn, "IndexReduceBackward0")
    return res


index_reduce_ = inplace(index_reduce)
index_reduce = register("index_reduce", nodes=("IndexReduceBackward0",),
                        inplace=index_reduce_)(index_reduce)
