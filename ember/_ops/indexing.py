"""Indexing ops: ``Tensor.__getitem__`` / ``__setitem__``, gather/scatter, index_*, masked_*,
take/put, nonzero.

Advanced indexing is expressed as a *key*: a tuple with one entry per leading dim of the
indexed tensor, each ``slice(None)`` or a backend int array (NumPy's advanced-indexing rules
are PyTorch's).  Gradients of index-selecting ops scatter with accumulation
(``backend.scatter_add``) so repeated indices add up.
"""
import numpy as np

from .. import _dtype as D
from .. import _errors
from .._tensor import Tensor, _make, _wrap_dim
from ..autograd.graph import node_class
from ._core import register, record, _grad_on, needs_grad, inplace, grad_for, write_out, wrap
from . import views as V
from .pointwise import where

_FULL = slice(None)
_INDEX_DTYPES = (D.int64, D.int32, D.int16, D.int8, D.uint8, D.bool_)


# ---- index keys ----------------------------------------------------------------------------
def _as_index_array(obj, dev):
    """A list / ndarray / tensor index as a backend array (bool or integer)."""
    if isinstance(obj, Tensor):
        if obj._dtype not in _INDEX_DTYPES:
            raise _errors.index_tensor_dtype()
        arr = obj._data
        if obj._dtype is D.uint8:
            arr = arr.astype(bool)
        return arr
    arr = dev._backend.xp.asarray(np.asarray(obj))
    if arr.size == 0 and arr.dtype.kind not in "bi":
        arr = arr.astype(np.int64)
    if arr.dtype.kind not in "biu":
        raise _errors.index_tensor_dtype()
    return arr


def _expand_bool(arr, shape, pos):
    """A boolean mask covering dims ``pos..``: its nonzero() arrays (PyTorch's error on misfit)."""
    for k, s in enumerate(arr.shape):
        if pos + k >= len(shape) or shape[pos + k] != s:
            raise _errors.mask_shape(k, shape, pos, arr)
    return arr.nonzero()


def _check_bounds(arr, size, dim, exc=None):
    if arr.size and (arr.min() < -size or arr.max() >= size):
        bad = arr[(arr < -size) | (arr >= size)].reshape(-1)[0]
        err = _errors.index_out_of_bounds(int(bad), dim, size)
        raise err if exc is None else exc(str(err))


def _key_from(indices, shape, dev):
    """A sequence of optional index tensors (``index_put`` style) -> key tuple."""
    key = []
    for idx in indices:
        if idx is None:
            key.append(_FULL)
            continue
        arr = _as_index_array(idx, dev)
        if arr.dtype == np.bool_:
            key.extend(_expand_bool(arr, shape, len(key)))
        else:
            key.append(arr)
    if len(key) > len(shape):
        raise _errors.too_many_indices(len(shape))
    _check_key(key, shape)
    return tuple(key)


def _check_key(key, shape):
    """Bounds (reported by the index's position among the index arrays) and broadcastability."""
    n = 0
    for d, k in enumerate(key):
        if k is not _FULL:
            _check_bounds(k, shape[d], n)
            n += 1
    _check_broadcast(key)


def _check_broadcast(key):
    arrs = [k.shape for k in key if k is not _FULL]
    if len(arrs) > 1:
        try:
            np.broadcast_shapes(*arrs)
        except ValueError:
            raise _errors.index_broadcast(arrs) from None


def _indexed_shape(xp, shape, key):
    """Shape of ``a[key]`` for an array of ``shape`` (only the result is materialised, as
    int8)."""
    return xp.broadcast_to(xp.empty((), np.int8), shape)[key].shape


def _same_dtype(input, src, fmt):
    """PyTorch's same-dtype check of ops that write ``src`` into a copy of ``input``."""
    if isinstance(src, Tensor) and src._dtype is not input._dtype:
        raise _errors.index_dtype_mismatch(fmt, input, src)


# ---- index / index_put (the advanced-indexing kernels) -------------------------------------------
def _index_bwd(node, g):
    shape, key = node._args
    return (g.new_zeros(shape).index_put_(_key_tensors(key, g), g, accumulate=True),)


IndexBackward0 = node_class("IndexBackward0", _index_bwd)


def _key_tensors(key, like):
    return tuple(None if k is _FULL else _make(k.astype(np.int64, copy=False), D.int64,
                                                like._device) for k in key)


def _index(t, key):
    arr = t._data[key]
    if not arr.flags.c_contiguous:      # a slice before the index: torch's result is contiguous
        arr = t._device._backend.xp.ascontiguousarray(arr)
    res = _make(arr, t._dtype, t._device)
    if _grad_on() and t._requires_grad:
        record(res, IndexBackward0, (t,), (), (t._data.shape, key))
    return res


def _index_put_bwd(node, g):
    key, accumulate, vshape, vdtype = node._args
    gs = gv = None
    if node.next_functions[0][0] is not None:
        gs = g if accumulate else g.index_put(_key_tensors(key, g), g.new_zeros(()))
    if node.next_functions[1][0] is not None:
        gv = grad_for(_index(g, key), vshape, vdtype)
    return gs, gv


IndexPutBackward0 = node_class("IndexPutBackward0", _index_put_bwd)


def _value_array(values, t):
    """``values`` (tensor or scalar) as an array of ``t``'s dtype."""
    if isinstance(values, Tensor):
        return values._data.astype(t._dtype.np, copy=False)
    return t._device._backend.xp.asarray(values, dtype=t._dtype.np)


def _put_key(t, key, values, accumulate, strict=False):
    """Return a copy of ``t`` with ``values`` written (or added) at ``key``.  ``strict``:
    index_put's dtype check (``__setitem__`` casts instead)."""
    arr = t._device._backend.copy(t._data)
    v = _value_array(values, t)
    xp = t._device._backend.xp
    target = _indexed_shape(xp, arr.shape, key)
    try:
        v = xp.broadcast_to(v, target) if v.shape != target else v
    except ValueError:
        raise _errors.index_put_value_shape(target, v) from None
    if strict:
        _same_dtype(t, values, "Index put requires the source and destination dtypes match, "
                    "got {s} for the destination and {o} for the source.")
    if accumulate:
        t._device._backend.scatter_add(arr, key, v)
    else:
        arr[key] = v
    res = _make(arr, t._dtype, t._device)
    if needs_grad(t, values):
        record(res, IndexPutBackward0, (t, values if isinstance(values, Tensor) else None), (),
               (key, accumulate, _shape(values), _dtype_of(values, t)))
    return res


_put_key_ = inplace(_put_key)


def _shape(v):
    return v._data.shape if isinstance(v, Tensor) else ()


def _dtype_of(v, t):
    return v._dtype if isinstance(v, Tensor) else t._dtype


@register("index_put", autocast={"cuda": "promote"}, nodes=("IndexPutBackward0",))
def index_put(input, indices, values, accumulate=False):
    key = _key_from(indices, input._data.shape, input._device)
    return _put_key(input, key, values, accumulate, strict=True)


index_put_ = inplace(index_put)


# ---- __getitem__ / __setitem__ --------------------------------------------------------------------
def _norm_key(key):
    if type(key) is tuple:
        return key
    if isinstance(key, list) and any(k is None or k is Ellipsis or isinstance(k, (slice, list,
                                                                                 Tensor))
                                     for k in key):
        return tuple(key)
    return (key,)


def _consumed(k):
    if k is None or k is Ellipsis or isinstance(k, (bool, np.bool_)):
        return 0
    if isinstance(k, Tensor):
        return k._data.ndim if k._dtype is D.bool_ or k._dtype is D.uint8 else 1
    if isinstance(k, np.ndarray):
        return k.ndim if k.dtype == np.bool_ else 1
    return 1


def _slice_view(t, d, s, dim_label):
    step = 1 if s.step is None else int(s.step)
    if step <= 0:
        raise _errors.negative_step()
    start, stop, _ = slice(s.start, s.stop, step).indices(t._data.shape[d])
    stop = max(stop, start)
    return V.slice_dim(t, d, start, stop, step)


def _select_int(t, d, i, dim_label):
    size = t._data.shape[d]
    if i < -size or i >= size:
        raise _errors.index_out_of_bounds(i, dim_label, size)
    return V.select(t, d, i)


def _apply_basic(t, key):
    """Apply ints/slices/None/Ellipsis as views; return (view, advanced key or None)."""
    nd = t._data.ndim
    used = sum(_consumed(k) for k in key)
    if used > nd:
        raise _errors.too_many_indices(nd)
    d = 0          # current dim of the result
    orig = 0       # dim of the original tensor (for error messages)
    adv = []       # (dim, array or bool-scalar)
    for k in key:
        if k is None:
            t = V.unsqueeze(t, d)
            d += 1
        elif k is Ellipsis:
            skip = nd - used
            d += skip
            orig += skip
        elif isinstance(k, slice):
            if not (k.start is None and k.stop is None and k.step is None) or len(key) == 1:
                t = _slice_view(t, d, k, orig)
            d += 1
            orig += 1
        elif isinstance(k, (bool, np.bool_)):
            t = V.unsqueeze(t, d)
            adv.append((d, np.zeros(1 if k else 0, np.int64)))
            d += 1
        elif isinstance(k, (int, np.integer)) or isinstance(k, Tensor) and k._data.ndim == 0 and \
                k._dtype.category == D._INT:
            t = _select_int(t, d, int(k), orig)
            orig += 1
        elif isinstance(k, (Tensor, list, tuple, np.ndarray, range)):
            arr = _as_index_array(k, t._device)
            if arr.dtype == np.bool_:
                if arr.ndim == 0:
                    t = V.unsqueeze(t, d)
                    adv.append((d, np.zeros(1 if arr else 0, np.int64)))
                    d += 1
                    continue
                for j, a in enumerate(_expand_bool(arr, t._data.shape, d)):
                    adv.append((d + j, a))
                d += arr.ndim
                orig += arr.ndim
            else:
                adv.append((d, arr))
                d += 1
                orig += 1
        else:
            raise _errors.invalid_index_type(k)
    if not adv:
        return t, None
    shape = t._data.shape
    akey = [_FULL] * (adv[-1][0] + 1)
    for dd, a in adv:
        akey[dd] = a
    _check_key(akey, shape)
    return t, tuple(akey)


AliasBackward0 = node_class("AliasBackward0", lambda node, g: (g,))


def _alias_fn(t):
    return t[...]


def getitem(self, key):
    key = _norm_key(key)
    if len(key) == 1 and key[0] is Ellipsis:
        return V.make_view(self, self._data[...], AliasBackward0, None, _alias_fn)
    t, akey = _apply_basic(self, key)
    if akey is None:
        return t
    return _index(t, akey)


def setitem(self, key, value):
    key = _norm_key(key)
    t, akey = _apply_basic(self, key)
    if isinstance(value, Tensor):
        value = _strip_leading_ones(value, t._data.ndim)
    if akey is not None:
        if not isinstance(value, Tensor):
            value = wrap(t._device._backend.xp.asarray(value), t._dtype, t._device)
        _put_key_(t, akey, value, False)
    elif isinstance(value, Tensor):
        t.copy_(value)
    else:
        t.fill_(value)


def _strip_leading_ones(v, nd):
    shape = v._data.shape
    k = 0
    while len(shape) - k > nd and shape[k] == 1:
        k += 1
    return v.view(shape[k:]) if k else v


Tensor.__getitem__ = getitem
Tensor.__setitem__ = setitem


# ---- gather / scatter ------------------------------------------------------------------------------
def _gather_args(input, dim, index, name):
    if index._dtype is not D.int64 and index._dtype is not D.int32 and index._data.size:
        raise _errors.gather_index_dtype(name)   # torch checks the dtype of non-empty indices
    nd = input._data.ndim
    d = _wrap_dim(dim, nd)
    if index._data.ndim != nd and index._data.size and not (index._data.ndim <= 1 and nd <= 1):
        raise _errors.gather_index_ndim("input" if name == "gather" else "self")
    return d


def _gkey(input, d, index):
    ishape = input._data.shape
    idx = index._data
    if not idx.size:   # any dtype and rank: selects nothing, shaped like the index
        return (input._device._backend.xp.zeros(idx.shape, dtype=np.int64),) * max(len(ishape), 1)
    if not ishape:
        _check_bounds(idx, 1, d, RuntimeError)
        return idx.reshape(idx.shape)
    xp = input._device._backend.xp
    idx = idx.reshape(1) if not idx.ndim else idx   # a 0-d index counts as 1-d, as in torch
    key = list(xp.ix_(*[xp.arange(s) for s in idx.shape]))
    _check_bounds(idx, ishape[d], d, RuntimeError)
    key[d] = idx
    return tuple(key)


def _gather_bwd(node, g):
    shape, d, index = node._args
    return (g.new_zeros(shape).scatter_add(d, index, g),)


GatherBackward0 = node_class("GatherBackward0", _gather_bwd)


@register("gather", nodes=("GatherBackward0",), out=True)
def gather(input, dim, index, *, sparse_grad=False, out=None):
    d = _gather_args(input, dim, index, "gather")
    arr = input._data
    key = _gkey(input, d, index)
    r = arr[key] if arr.ndim else arr.reshape(1)[key]
    res = wrap(r.reshape(index._data.shape), input._dtype, input._device)
    if _grad_on() and input._requires_grad:
        record(res, GatherBackward0, (input,), (), (arr.shape, d, index))
    return res if out is None else write_out(out, res)


_SCATTER_DTYPE = "scatter(): Expected self.dtype to be equal to src.dtype"


def _scatter_core(input, d, index, src, mode):
    """Copy of ``input`` with ``src`` (array, already index-shaped) written / reduced at index."""
    be = input._device._backend
    arr = be.copy(input._data)
    flat = arr if arr.ndim else arr.reshape(1)
    key = _gkey(input, d, index)
    if mode is None:
        flat[key] = src
    elif mode == "add" or mode == "sum":
        be.scatter_add(flat, key, src)
    elif mode == "multiply" or mode == "prod":
        be.scatter_reduce(flat, key, src, "multiply")
    elif mode == "amax":
        be.scatter_reduce(flat, key, src, "maximum")
    elif mode == "amin":
        be.scatter_reduce(flat, key, src, "minimum")
    return arr


def _src_array(src, index, input):
    if isinstance(src, Tensor):
        a = src._data.astype(input._dtype.np, copy=False)
        return a[tuple(slice(0, s) for s in index._data.shape or (1,))] if a.ndim else a
    return input._device._backend.xp.asarray(src, dtype=input._dtype.np)


def _scatter_bwd(node, g):
    d, index = node._args
    gs = g.scatter(d, index, 0) if node.next_functions[0][0] is not None else None
    if len(node.next_functions) > 1 and node.next_functions[1][0] is not None:
        return gs, g.gather(d, index)
    return (gs,) if len(node.next_functions) == 1 else (gs, None)


ScatterBackward0 = node_class("ScatterBackward0", _scatter_bwd)
ScatterBackward1 = node_class("ScatterBackward1", _scatter_bwd)


def _no_grad_bwd(node, g):
    raise _errors.scatter_reduce_no_grad()


ScatterReduceNotImplemented = node_class("NotImplemented", _no_grad_bwd)


@register("scatter", nodes=("ScatterBackward0", "ScatterBackward1"), out=True)
def scatter(input, dim, index, src=None, *, value=None, reduce=None, out=None):
    if src is None:
        src = value
    d = _gather_args(input, dim, index, "scatter")
    _same_dtype(input, src, _SCATTER_DTYPE)
    mode = None
    if reduce is not None:
        if reduce not in ("add", "multiply"):
            raise _errors.scatter_reduce_arg(reduce)
        mode = reduce
    res = wrap(_scatter_core(input, d, index, _src_array(src, index, input), mode),
               input._dtype, input._device)
    is_t = isinstance(src, Tensor)
    if needs_grad(input, src):
        if mode is not None:
            record(res, ScatterReduceNotImplemented, (input, src if is_t else None))
        elif is_t:
            record(res, ScatterBackward0, (input, src), (), (d, index))
        else:
            record(res, ScatterBackward1, (input,), (), (d, index))
    return res if out is None else write_out(out, res)


def _scatter_add_bwd(node, g):
    d, index = node._args
    gsrc = g.gather(d, index) if node.next_functions[1][0] is not None else None
    return g, gsrc


ScatterAddBackward0 = node_class("ScatterAddBackward0", _scatter_add_bwd)


@register("scatter_add", autocast={"cuda": "promote"}, nodes=("ScatterAddBackward0",), out=True)
def scatter_add(input, dim, index, src, *, out=None):
    d = _gather_args(input, dim, index, "scatter_add")
    _same_dtype(input, src, _SCATTER_DTYPE)
    res = wrap(_scatter_core(input, d, index, _src_array(src, index, input), "add"),
               input._dtype, input._device)
    if needs_grad(input, src):
        record(res, ScatterAddBackward0, (input, src), (), (d, index))
    return res if out is None else write_out(out, res)


_REDUCE_INIT = {"sum": 0, "prod": 1, "mean": 0}


def _scatter_reduce_fwd(input, d, index, src, reduce, include_self):
    be = input._device._backend
    if include_self:
        base = input
    else:
        fill = _REDUCE_INIT.get(reduce)
        if fill is None:
            if input._dtype.category >= D._FLOAT:
                fill = np.inf if reduce == "amin" else -np.inf
            else:
                lim = np.iinfo(input._dtype.np)
                fill = lim.max if reduce == "amin" else lim.min
        base = wrap(_scatter_core(input, d, index,
                                  be.xp.asarray(fill, input._dtype.np), None), input._dtype,
                    input._device)
    s = _src_array(src, index, input)
    arr = _scatter_core(base, d, index, s, "sum" if reduce == "mean" else reduce)
    if reduce == "mean":
        cnt = _scatter_core(wrap(be.xp.full(input._data.shape, 1 if include_self else 0,
                                            input._dtype.np), input._dtype, input._device),
                            d, index, be.xp.ones(s.shape, input._dtype.np), "sum")
        cnt[cnt == 0] = 1
        arr = arr / cnt if input._dtype.category >= D._FLOAT else arr // cnt
    return wrap(arr, input._dtype, input._device)


def _scatter_reduce_bwd(node, g):
    d, index, reduce, include_self = node._args
    x, src, result = node.saved()
    gs, gsrc = _SCATTER_REDUCE_GRADS[reduce](g, x, d, index, src, result, include_self)
    if not include_self:
        gs = gs.scatter(d, index, 0)
    return gs, gsrc


def _sr_sum(g, x, d, index, src, result, include_self):
    return g, g.gather(d, index)


def _sr_mean(g, x, d, index, src, result, include_self):
    n = x.new_full(x.shape, 1. if include_self else 0.).scatter_add(d, index, src.new_ones(
        index.shape))
    n = n.masked_fill(n == 0, 1)
    gn = g / n
    return gn, gn.gather(d, index)


def _sr_prod(g, x, d, index, src, result, include_self):
    """PyTorch's formula: exact when an output position has at most one zero factor."""
    masked_self = x.masked_fill(x == 0, 1)
    gs = g * masked_self.scatter_reduce(d, index, src, "prod", include_self=include_self) \
        / masked_self
    src_zero = src == 0
    nzero = x.new_zeros(x.shape).scatter_add(d, index, src_zero.to(x.dtype)).gather(d, index)
    single = _make(src_zero._data & (nzero._data == 1), D.bool_, g._device)
    masked_src_result = x.scatter_reduce(d, index, src.masked_fill(single, 1), "prod",
                                         include_self=include_self)
    gsrc = where(single, (g * masked_src_result).gather(d, index),
                 (g * result).gather(d, index) / src.masked_fill(src_zero, 1))
    return gs, gsrc


def _sr_minmax(g, x, d, index, src, result, include_self):
    value = result.gather(d, index)
    self_is = (x == result).to(g.dtype)
    src_is = (src == value).to(g.dtype)
    n = self_is.scatter_add(d, index, src_is)
    gd = g / n
    return self_is * gd, src_is * gd.gather(d, index)


_SCATTER_REDUCE_GRADS = {"sum": _sr_sum, "mean": _sr_mean, "prod": _sr_prod, "amax": _sr_minmax,
                         "amin": _sr_minmax}
ScatterReduceBackward0 = node_class("ScatterReduceBackward0", _scatter_reduce_bwd)


@register("scatter_reduce", nodes=("ScatterReduceBackward0",), out=True)
def scatter_reduce(input, dim, index, src, reduce, *, include_self=True, out=None):
    if reduce not in _SCATTER_REDUCE_GRADS:
        raise _errors.scatter_reduce_reduce_arg(reduce)
    d = _gather_args(input, dim, index, "scatter_reduce")
    _same_dtype(input, src, _SCATTER_DTYPE)
    res = _scatter_reduce_fwd(input, d, index, src, reduce, include_self)
    if needs_grad(input, src):
        n = record(res, ScatterReduceBackward0, (input, src), (input, src, None),
                   (d, index, reduce, include_self))
        from ..autograd.graph import save_output
        save_output(n, res, 2)
    return res if out is None else write_out(out, res)


# ---- index_select / index_add / index_copy / index_fill ------------------------------------------
def _index_vector(index, name, dim, size):
    if index._dtype is not D.int64 and index._dtype is not D.int32:
        raise _errors.index_select_dtype(name)
    if index._data.ndim > 1:
        raise _errors.index_not_vector(name)
    idx = index._data.reshape(-1)
    if idx.size and (idx.min() < -size or idx.max() >= size):
        raise _errors.index_out_of_range_self()
    return idx


def _dim_key_1d(nd, d, idx):
    return (_FULL,) * d + (idx,)


def _index_select_bwd(node, g):
    shape, d, index = node._args
    return (g.new_zeros(shape).index_add(d, index, g),)


IndexSelectBackward0 = node_class("IndexSelectBackward0", _index_select_bwd)


@register("index_select", nodes=("IndexSelectBackward0",), out=True)
def index_select(input, dim, index, *, out=None):
    nd = input._data.ndim
    d = _wrap_dim(dim, nd)
    arr = input._data if nd else input._data.reshape(1)
    idx = _index_vector(index, "index_select", d, arr.shape[d])
    if not nd:   # a 0-d input gives a 0-d result and takes exactly one index
        if idx.size != 1:
            raise _errors.index_select_scalar(idx.size)
        idx = idx.reshape(())
    r = arr.take(idx, axis=d)
    res = wrap(r, input._dtype, input._device)
    if _grad_on() and input._requires_grad:
        record(res, IndexSelectBackward0, (input,), (), (input._data.shape, d, index))
    return res if out is None else write_out(out, res)


def _index_source(input, d, idx, source, name):
    """``source`` as an array shaped like ``input`` indexed by ``idx`` along ``d``, after
    PyTorch's checks (index_copy's and index_add's differ; a 0-d source or self is compared
    whole)."""
    s = source._data.astype(input._dtype.np, copy=False)
    shape, sshape = input._data.shape, s.shape
    nd = len(shape)
    if name == "index_copy_":
        _check_index_copy(shape, sshape, d, idx)
    else:
        if d != 0 and d >= s.ndim:
            raise _errors.index_add_source_dim(name, d, s.ndim)
        n = sshape[d] if s.ndim else 1
        if n != idx.size:
            raise _errors.index_count(name, idx.size, n, d)
        if (_drop(shape, d) != _drop(sshape, d)) if nd and s.ndim else shape != sshape:
            raise _errors.index_add_shape(shape, sshape)
    return s if nd else s.reshape(-1)


def _drop(shape, d):
    return shape[:d] + shape[d + 1:]


def _check_index_copy(shape, sshape, d, idx):
    if not sshape and idx.size != 1:
        raise _errors.index_copy_scalar_source(idx.size)
    if sshape and shape and len(sshape) != len(shape):
        raise _errors.index_copy_ndim(len(sshape), len(shape))
    if _drop(shape, d) != _drop(sshape, d):
        raise _errors.index_copy_slice(_drop(shape, d), _drop(sshape, d), d)
    if sshape and idx.size != sshape[d]:
        raise _errors.index_copy_count(idx.size, sshape[d])


def _index_add_bwd(node, g):
    d, index, alpha, sshape = node._args
    gsrc = None
    if node.next_functions[1][0] is not None:
        gsrc = g.index_select(d, index)
        if alpha != 1:
            gsrc = gsrc * alpha
        gsrc = gsrc.reshape(sshape)
    return g, gsrc


IndexAddBackward0 = node_class("IndexAddBackward0", _index_add_bwd)


def _index_write(input, dim, index, source, name, accumulate, alpha=1):
    nd = input._data.ndim
    d = _wrap_dim(dim, nd)
    be = input._device._backend
    arr = be.copy(input._data)
    flat = arr if nd else arr.reshape(1)
    idx = _index_vector(index, name, d, flat.shape[d])
    s = _index_source(input, d, idx, source, name)
    key = _dim_key_1d(nd, d, idx)
    if accumulate:
        be.scatter_add(flat, key, s * alpha if alpha != 1 else s)
    else:
        flat[key] = s
    return wrap(arr, input._dtype, input._device), d


@register("index_add", nodes=("IndexAddBackward0",), out=True)
def index_add(input, dim, index, source, *, alpha=1, out=None):
    _same_dtype(input, source, "index_add_(): self ({s}) and source ({o}) must have the same "
                "scalar type")
    res, d = _index_write(input, dim, index, source, "index_add_", True, alpha)
    if needs_grad(input, source):
        record(res, IndexAddBackward0, (input, source), (),
               (d, index, alpha, source._data.shape))
    return res if out is None else write_out(out, res)


def _index_copy_bwd(node, g):
    d, index, sshape = node._args
    gs = g.index_fill(d, index, 0) if node.next_functions[0][0] is not None else None
    gsrc = g.index_select(d, index).reshape(sshape) \
        if node.next_functions[1][0] is not None else None
    return gs, gsrc


IndexCopyBackward0 = node_class("IndexCopyBackward0", _index_copy_bwd)


@register("index_copy", autocast={"cpu": "promote"}, nodes=("IndexCopyBackward0",), out=True)
def index_copy(input, dim, index, source, *, out=None):
    _same_dtype(input, source, "index_copy_(): self and source expected to have the same dtype, "
                "but got (self) {s} and (source) {o}")
    res, d = _index_write(input, dim, index, source, "index_copy_", False)
    if needs_grad(input, source):
        record(res, IndexCopyBackward0, (input, source), (), (d, index, source._data.shape))
    return res if out is None else write_out(out, res)


def _index_fill_bwd(node, g):
    d, index = node._args
    gs = g.index_fill(d, index, 0) if node.next_functions[0][0] is not None else None
    if len(node.next_functions) == 1:
        return (gs,)
    gv = None
    if node.next_functions[1][0] is not None:   # each filled slot once, however often indexed
        uniq = index._device._backend.xp.unique(index._data.reshape(-1))
        gv = g.index_select(d, wrap(uniq, D.int64, index._device)).sum()
    return gs, gv


IndexFillBackward0 = node_class("IndexFillBackward0", _index_fill_bwd)
IndexFillBackward1 = node_class("IndexFillBackward1", _index_fill_bwd)


def _scalar_value(value, name):
    if isinstance(value, Tensor) and value._data.ndim:
        raise _errors.masked_fill_value_dim(name, value)


@register("index_fill", nodes=("IndexFillBackward0", "IndexFillBackward1"))
def index_fill(input, dim, index, value):
    _scalar_value(value, "index_fill_")
    nd = input._data.ndim
    d = _wrap_dim(dim, nd)
    arr = input._device._backend.copy(input._data)
    flat = arr if nd else arr.reshape(1)
    idx = _index_vector(index, "index_fill_", d, flat.shape[d])
    flat[_dim_key_1d(nd, d, idx)] = _value_array(value, input)
    res = wrap(arr, input._dtype, input._device)
    if needs_grad(input, value):
        if isinstance(value, Tensor):
            record(res, IndexFillBackward1, (input, value), (), (d, index))
        else:
            record(res, IndexFillBackward0, (input,), (), (d, index))
    return res


# ---- masked_fill / masked_select / masked_scatter ----------------------------------------------
def _check_mask(mask, name):
    if mask._dtype is not D.bool_:
        if name == "masked_select":
            raise _errors.masked_select_mask_dtype()
        raise _errors.masked_mask_dtype(name, mask)


def _masked_fill_bwd(node, g):
    mask, shape, dtype = node._args
    m = _make(mask, D.bool_, g._device)
    gs = grad_for(g.masked_fill(m, 0), shape, dtype) \
        if node.next_functions[0][0] is not None else None
    if len(node.next_functions) == 1:
        return (gs,)
    gv = where(m, g, 0).sum() if node.next_functions[1][0] is not None else None
    return gs, gv


MaskedFillBackward0 = node_class("MaskedFillBackward0", _masked_fill_bwd)
MaskedFillBackward1 = node_class("MaskedFillBackward1", _masked_fill_bwd)


@register("masked_fill", nodes=("MaskedFillBackward0", "MaskedFillBackward1"))
def masked_fill(input, mask, value):
    _check_mask(mask, "masked_fill_")
    _scalar_value(value, "masked_fill_")
    xp = input._device._backend.xp
    try:
        r = xp.where(mask._data, _value_array(value, input), input._data)
    except ValueError:
        raise _errors.broadcast_mismatch(input._data.shape, mask._data.shape) from None
    if not r.flags.c_contiguous:    # torch fills a contiguous clone, whatever the layout
        r = xp.ascontiguousarray(r)
    res = wrap(r, input._dtype, input._device)
    if needs_grad(input, value):
        args = (mask._data, input._data.shape, input._dtype)
        if isinstance(value, Tensor):
            record(res, MaskedFillBackward1, (input, value), (), args)
        else:
            record(res, MaskedFillBackward0, (input,), (), args)
    return res


def _masked_select_bwd(node, g):
    mask, shape, dtype = node._args
    m = _make(mask, D.bool_, g._device)
    full = g.new_zeros(mask.shape).masked_scatter(m, g)
    return (grad_for(full, shape, dtype),)


MaskedSelectBackward0 = node_class("MaskedSelectBackward0", _masked_select_bwd)


@register("masked_select", nodes=("MaskedSelectBackward0",), out=True)
def masked_select(input, mask, *, out=None):
    _check_mask(mask, "masked_select")
    xp = input._device._backend.xp
    try:
        a, m = xp.broadcast_arrays(input._data, mask._data)
    except ValueError:
        raise _errors.broadcast_mismatch(input._data.shape, mask._data.shape) from None
    res = wrap(a[m], input._dtype, input._device)
    if _grad_on() and input._requires_grad:
        record(res, MaskedSelectBackward0, (input,), (), (m, input._data.shape, input._dtype))
    return res if out is None else write_out(out, res)


def _masked_scatter_bwd(node, g):
    mask, sshape, shape, dtype = node._args
    m = _make(mask, D.bool_, g._device)
    gs = grad_for(g.masked_fill(m, 0), shape, dtype) \
        if node.next_functions[0][0] is not None else None
    gsrc = None
    if node.next_functions[1][0] is not None:
        n = 1
        for s in sshape:
            n *= s
        sel = g.masked_select(m)
        if sel._data.size != n:
            from .shape import cat
            sel = cat([sel, sel.new_zeros(n - sel._data.size)])
        gsrc = sel.reshape(sshape)
    return gs, gsrc


MaskedScatterBackward0 = node_class("MaskedScatterBackward0", _masked_scatter_bwd)


@register("masked_scatter", nodes=("MaskedScatterBackward0",))
def masked_scatter(input, mask, source):
    _same_dtype(input, source, "masked_scatter: expected self and source to have same dtypes "
                "but got{s} and {o}")
    _check_mask(mask, "masked_scatter_")
    xp = input._device._backend.xp
    try:   # the out-of-place op broadcasts self and mask together (the in-place one checks)
        m, arr = xp.broadcast_arrays(mask._data, input._data)
    except ValueError:
        raise _errors.broadcast_mismatch(input._data.shape, mask._data.shape) from None
    n = int(m.sum())
    src = source._data.reshape(-1)
    if src.size < n:
        raise _errors.masked_scatter_source()
    arr = arr.copy()
    arr[m] = src[:n].astype(input._dtype.np, copy=False)
    res = wrap(arr, input._dtype, input._device)
    if needs_grad(input, source):
        record(res, MaskedScatterBackward0, (input, source), (),
               (m, source._data.shape, input._data.shape, input._dtype))
    return res


# ---- take / take_along_dim / put -----------------------------------------------------------------------
def _flat_index(index, numel):
    if index._dtype is not D.int64:
        raise _errors.take_index_dtype(index)
    idx = index._data
    if idx.size and (idx.min() < -numel or idx.max() >= numel):
        bad = idx[(idx < -numel) | (idx >= numel)].reshape(-1)[0]
        raise _errors.take_out_of_range(numel, bad)
    return idx


def _take_bwd(node, g):
    shape, index = node._args
    return (g.new_zeros(shape).put_(index, g, accumulate=True),)


TakeBackward0 = node_class("TakeBackward0", _take_bwd)


@register("take", nodes=("TakeBackward0",), out=True)
def take(input, index, *, out=None):
    idx = _flat_index(index, input._data.size)
    res = wrap(input._data.reshape(-1)[idx], input._dtype, input._device)
    if _grad_on() and input._requires_grad:
        record(res, TakeBackward0, (input,), (), (input._data.shape, index))
    return res if out is None else write_out(out, res)


@register("take_along_dim", nodes=("GatherBackward0",), out=True)
def take_along_dim(input, indices, dim=None, *, out=None):
    if dim is None:
        res = gather(input.reshape(-1), 0, indices.reshape(-1))
    else:
        d = _wrap_dim(dim, input._data.ndim)
        if indices._data.ndim != input._data.ndim:
            raise _errors.take_along_dim_ndim(input._data.ndim, indices._data.ndim)
        si, ii = list(input._data.shape), list(indices._data.shape)
        si[d] = ii[d] = 1
        b = np.broadcast_shapes(tuple(si), tuple(ii))
        ti, tx = list(b), list(b)
        ti[d] = indices._data.shape[d]
        tx[d] = input._data.shape[d]
        res = gather(input.expand(tx), d, indices.expand(ti))
    return res if out is None else write_out(out, res)


def _put_bwd(node, g):
    index, accumulate, sshape = node._args
    gs = None
    if node.next_functions[0][0] is not None:
        gs = g if accumulate else g.put(index, g.new_zeros(sshape))
    gsrc = g.take(index).reshape(sshape) if node.next_functions[1][0] is not None else None
    return gs, gsrc


PutBackward0 = node_class("PutBackward0", _put_bwd)


@register("put", nodes=("PutBackward0",))
def put(input, index, source, accumulate=False):
    _same_dtype(input, source, "put_(): self and source expected to have the same dtype, but "
                "got self.dtype = {s} and source.dtype = {o}")
    be = input._device._backend
    arr = be.copy(input._data)
    idx = _flat_index(index, arr.size).reshape(-1)
    src = source._data.astype(input._dtype.np, copy=False).reshape(-1)
    if src.size != idx.size:
        raise _errors.put_count(src, idx)
    flat = arr.reshape(-1)
    if accumulate:
        be.scatter_add(flat, idx, src)
    else:
        flat[idx] = src
    res = wrap(arr, input._dtype, input._device)
    if needs_grad(input, source):
        record(res, PutBackward0, (input, source), (), (index, accumulate, source._data.shape))
    return res


put_ = inplace(put)


# ---- nonzero / argwhere -------------------------------------------------------------------------------
@register("nonzero", differentiable=False, out=True)
def nonzero(input, *, out=None, as_tuple=False):
    xp = input._device._backend.xp
    a = input._data
    if as_tuple:
        nz = xp.nonzero(a.reshape(1) if a.ndim == 0 else a)
        return tuple(_make(i.astype(np.int64), D.int64, input._device) for i in nz)
    res = _make(xp.argwhere(a).astype(np.int64), D.int64, input._device)
    return res if out is None else write_out(out, res)


@register("argwhere", differentiable=False)
def argwhere(input):
    return nonzero(input)


def _bind_inplace():
    from ._core import OPS
    for name, fn in (("index_put", index_put_), ("put", put_), ("index_add", index_add_),
                     ("index_copy", index_copy_), ("index_fill", index_fill_),
                     ("masked_fill", masked_fill_), ("masked_scatter", masked_scatter_),
                     ("scatter", scatter_), ("scatter_add", scatter_add_),
                     ("scatter_reduce", scatter_reduce_)):
        OPS[name].inplace = fn


index_add_ = inplace(index_add)
index_copy_ = inplace(index_copy)
index_fill_ = inplace(index_fill)
masked_fill_ = inplace(masked_fill)
masked_scatter_ = inplace(masked_scatter)
scatter_ = inplace(scatter)
scatter_add_ = inplace(scatter_add)
scatter_reduce_ = inplace(scatter_reduce)
_bind_inplace()
