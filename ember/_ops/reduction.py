"""Reductions over ``dim`` (int, tuple or None) with ``keepdim``; scans (cumsum...); selection
(max(dim), sort, topk, median...); softmax; unique.

Conventions: ``dims`` is a sorted tuple of non-negative dims; NumPy gets ``axis=dims`` except on
0-d inputs (where PyTorch accepts dim 0/-1 but NumPy has no axis), see ``_axes``.  Ops that
pick elements by index (max(dim), sort, topk, median(dim)...) route their gradient through the
private gather/scatter nodes below; ops that tie-break evenly (amax, max(), median()) weight
the gradient by ``(x == result) / count``.
"""
import warnings

from .. import _dtype as D
from .. import _errors
from .. import return_types as RT
from .._tensor import Tensor, _make, _wrap_dim
from ..autograd.graph import node_class, set_output, save_output
from . import pointwise as P
from ._core import register, record, _grad, write_out, grad_for, wrap

_FLOAT = 2


# ---- dims ---------------------------------------------------------------------------------------
def norm_dims(dim, ndim):
    """``dim`` (None, int, or sequence; empty means all) -> sorted tuple of non-negative dims."""
    if dim is None:
        return tuple(range(ndim))
    if isinstance(dim, int):
        return (_wrap_dim(dim, ndim),) if ndim else _scalar_dims(dim)
    dims = tuple(_wrap_dim(d, ndim) for d in dim)
    if len(set(dims)) != len(dims):
        dup = next(d for d in dims if dims.count(d) > 1)
        raise _errors.dim_repeated(dup)
    return tuple(sorted(dims)) if dims and ndim else tuple(range(ndim))


def _scalar_dims(dim):
    """A 0-d tensor accepts dim 0 / -1 and has nothing to reduce."""
    _wrap_dim(dim, 0)
    return ()


def _axes(dims, ndim):
    return dims if ndim else ()


def _count(shape, dims):
    n = 1
    for d in dims:
        n *= shape[d]
    return n


def _kshape(shape, dims):
    return tuple(1 if i in dims else s for i, s in enumerate(shape))


def expand_reduced(g, shape, dims, keepdim):
    """Broadcast a reduced gradient back over the reduced ``dims`` of ``shape``."""
    if not keepdim and dims and len(shape):
        g = g.reshape(_kshape(shape, dims))
    return g.expand(shape)


def _keep(arr, shape, dims, keepdim):
    """A reduced raw array with the reduced dims kept (size 1)."""
    return arr if keepdim or not shape else arr.reshape(_kshape(shape, dims))


def _finish(res, out):
    return res if out is None else write_out(out, res)


def _finish_tuple(res, out):
    if out is None:
        return res
    for o, r in zip(out, res):
        write_out(o, r)
    return type(res)(*out) if hasattr(res, "_fields") else tuple(out)


def _const(arr, like):
    """A constant (non-differentiable) tensor on ``like``'s device."""
    return _make(arr, D.from_numpy_dtype(arr.dtype), like._device)


def _float_dtype(dt):
    return dt if dt.category >= _FLOAT else D.get_default_dtype()


def _acc_dtype(dt, dtype):
    if dtype is not None:
        return D.to_dtype(dtype)
    if dt.category <= 1:
        return D.int64
    return dt


def _along(x, dim):
    """(array with >= 1 dims, wrapped axis) for ops along one dim (0-d is treated as 1 element)."""
    if x.ndim == 0:
        _wrap_dim(dim, 0)
        return x.reshape(1), 0
    return x, _wrap_dim(dim, x.ndim)


def _lowp(x, dt):
    return x.astype("float32") if dt is D.float16 or dt is D.bfloat16 else x


# ---- gather / scatter along a dim (gradients of index-selecting ops) ----------------------------
def _gather(t, idx, axis):
    xp = t._device._backend.xp
    res = _make(xp.take_along_axis(t._data, idx, axis), t._dtype, t._device)
    if _grad[0] and t._requires_grad:
        record(res, GatherBackward0, (t,), (), (idx, axis, t._data.shape))
    return res


def _scatter(g, idx, axis, shape, accumulate=False):
    """zeros(shape) with ``g`` written (or, with ``accumulate``, added) at ``idx`` along axis."""
    xp = g._device._backend.xp
    z = xp.zeros(shape, g._dtype.np)
    if accumulate:
        pos = list(xp.indices(idx.shape, sparse=True))
        pos[axis] = idx
        xp.add.at(z, tuple(pos), g._data)
    else:
        xp.put_along_axis(z, idx, g._data, axis)
    res = _make(z, g._dtype, g._device)
    if _grad[0] and g._requires_grad:
        record(res, ScatterAddBackward0 if accumulate else ScatterBackward0, (g,), (),
               (idx, axis))
    return res


def _gather_bwd(node, g):
    idx, axis, shape = node._args
    return (_scatter(g, idx, axis, shape, accumulate=True),)


def _scatter_bwd(node, g):
    idx, axis = node._args
    return (_gather(g, idx, axis),)


GatherBackward0 = node_class("GatherBackward0", _gather_bwd)
ScatterBackward0 = node_class("ScatterBackward0", _scatter_bwd)
ScatterAddBackward0 = node_class("ScatterAddBackward0", _scatter_bwd)


def _select_bwd(node, g):
    """Gradient of an op that picked elements ``idx`` (kept dims) along ``axis``."""
    shape, idx, axis, keepdim = node._args
    if not shape:
        return (g.reshape(()),)
    if not keepdim and g._data.ndim < len(shape):
        g = g.unsqueeze(axis)
    return (_scatter(g, idx, axis, shape),)


def _select_record(values, input, cls, idx, axis, keepdim):
    if _grad[0] and input._requires_grad:
        record(values, cls, (input,), (), (input._data.shape, idx, axis, keepdim))


# ---- sum / mean / nansum / nanmean --------------------------------------------------------------
def _sum_bwd(node, g):
    shape, dims, keepdim, dt = node._args
    g = expand_reduced(g, shape, dims, keepdim)
    return (g if g._dtype is dt else g.to(dt),)


SumBackward0 = node_class("SumBackward0", _sum_bwd)
SumBackward1 = node_class("SumBackward1", _sum_bwd)


@register("sum", autocast={"cuda": "fp32_set_opt_dtype"},
          nodes=("SumBackward0", "SumBackward1"), out=True)
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
        dims = norm_dims(dim, nd)
        r = xp.sum(x, axis=_axes(dims, nd), keepdims=keepdim, dtype=odt.np)
        cls = SumBackward1
    if not isinstance(r, xp.ndarray):
        r = xp.asarray(r)
    if r.dtype != odt.np:
        r = r.astype(odt.np)
    res = _make(r, odt, input._device)
    if _grad[0] and input._requires_grad:
        record(res, cls, (input,), (), (x.shape, dims, keepdim, input._dtype))
    if out is not None:
        return write_out(out, res)
    return res


def _mean_bwd(node, g):
    shape, dims, keepdim, n, dt = node._args
    return (grad_for(expand_reduced(g / n, shape, dims, keepdim), shape, dt),)


MeanBackward0 = node_class("MeanBackward0", _mean_bwd)
MeanBackward1 = node_class("MeanBackward1", _mean_bwd)


def _check_mean_dtype(dt):
    if dt.category < _FLOAT:
        raise _errors.mean_dtype("mean", dt)


@register("mean", nodes=("MeanBackward0", "MeanBackward1"), out=True)
def mean(input, dim=None, keepdim=False, *, dtype=None, out=None):
    dt = input._dtype if dtype is None else D.to_dtype(dtype)
    _check_mean_dtype(dt)
    x = input._data
    xp = input._device._backend.xp
    nd = x.ndim
    dims = norm_dims(dim, nd)
    cls = MeanBackward0 if dim is None else MeanBackward1
    n = _count(x.shape, dims)
    work = x if x.dtype == dt.np else x.astype(dt.np)
    with _quiet(xp):
        r = xp.mean(_lowp(work, dt), axis=_axes(dims, nd), keepdims=keepdim)
    res = wrap(r, dt, input._device)
    if _grad[0] and input._requires_grad:
        record(res, cls, (input,), (), (x.shape, dims, keepdim, n, input._dtype))
    return _finish(res, out)


def _quiet(xp):
    """NumPy warns on empty means / 0/0; PyTorch silently gives nan."""
    return xp.errstate(all="ignore") if hasattr(xp, "errstate") else warnings.catch_warnings()


def _nansum_bwd(node, g):
    (x,) = node.saved()
    shape, dims, keepdim = node._args
    keep = _const(~x._device._backend.xp.isnan(x._data), x)
    return (expand_reduced(g, shape, dims, keepdim) * keep,)


NansumBackward0 = node_class("NansumBackward0", _nansum_bwd)


@register("nansum", nodes=("NansumBackward0",), out=True)
def nansum(input, dim=None, keepdim=False, *, dtype=None, out=None):
    x = input._data
    nd = x.ndim
    odt = _acc_dtype(input._dtype, dtype)
    dims = norm_dims(dim, nd)
    xp = input._device._backend.xp
    res = wrap(xp.nansum(_lowp(x, odt), axis=_axes(dims, nd), keepdims=keepdim, dtype=None
                         if odt in (D.float16, D.bfloat16) else odt.np), odt, input._device)
    if _grad[0] and input._requires_grad:
        record(res, NansumBackward0, (input,), (input,), (x.shape, dims, keepdim))
    return _finish(res, out)


@register("nanmean", nodes=("DivBackward0",), out=True)
def nanmean(input, dim=None, keepdim=False, *, dtype=None, out=None):
    """nansum / (number of non-nan elements), as PyTorch composes it (grad_fn DivBackward0)."""
    dt = input._dtype if dtype is None else D.to_dtype(dtype)
    if dt.category < _FLOAT:
        raise _errors.mean_dtype("nanmean", dt)
    x = input._data
    dims = norm_dims(dim, x.ndim)
    xp = input._device._backend.xp
    cnt = xp.sum(~xp.isnan(x), axis=_axes(dims, x.ndim), keepdims=keepdim)
    return _finish(nansum(input, dim, keepdim, dtype=dtype) / _const(xp.asarray(cnt), input),
                   out)


# ---- prod ---------------------------------------------------------------------------------------
def _others_product(x, d):
    """prod_{i != k} x_i along dim ``d`` for every k, without division (correct with zeros):
    an n x n copy of x along d with the diagonal set to 1, multiplied along the copy axis."""
    xp = x._device._backend.xp
    n = x._data.shape[d]
    eye = xp.eye(n, dtype=bool).reshape((1,) * d + (n, n) + (1,) * (x._data.ndim - d - 1))
    return _diag_to_one(x, d, eye).prod(d + 1)


def _diag_to_one(x, d, eye):
    """x along a new axis d with entry [k, k] replaced by 1 (mul/add only: differentiable
    to any order)."""
    dt = x._data.dtype
    return x.unsqueeze(d) * _const((~eye).astype(dt), x) + _const(eye.astype(dt), x)


def _prod_bwd(node, g):
    x, y = node.saved()
    shape, dim, keepdim = node._args
    xp = x._device._backend.xp
    dims = tuple(range(len(shape))) if dim is None else (dim,)
    g = expand_reduced(g, shape, dims, keepdim)
    if xp.all(x._data):
        return (g * expand_reduced(y, shape, dims, keepdim) / x,)
    if dim is None:
        return (g * _others_product(x.reshape(-1), 0).reshape(shape),)
    return (g * _others_product(x, dim) if shape else g,)


ProdBackward0 = node_class("ProdBackward0", _prod_bwd)
ProdBackward1 = node_class("ProdBackward1", _prod_bwd)


@register("prod", autocast={"cpu": "fp32", "cuda": "fp32_set_opt_dtype"},
          nodes=("ProdBackward0", "ProdBackward1"), out=True)
def prod(input, dim=None, keepdim=False, *, dtype=None, out=None):
    x = input._data
    odt = _acc_dtype(input._dtype, dtype)
    xp = input._device._backend.xp
    if dim is None:
        r, cls = xp.prod(_lowp(x, odt), dtype=odt.np), ProdBackward0
    else:
        dim = _wrap_dim(dim, x.ndim)
        r = xp.prod(_lowp(x, odt), axis=_axes((dim,), x.ndim), keepdims=keepdim, dtype=odt.np)
        cls = ProdBackward1
    res = wrap(r, odt, input._device)
    if _grad[0] and input._requires_grad:
        node = record(res, cls, (input,), (input, None), (x.shape, dim, keepdim))
        save_output(node, res, 1)
    return _finish(res, out)


# ---- max / min / amax / amin / aminmax / argmax / argmin ----------------------------------------
def _even_weights(x, y, shape, dims, keepdim):
    """(x == y) / count over the reduced dims: PyTorch splits a max's gradient evenly on ties."""
    xp = x._device._backend.xp
    mask = x._data == _keep(y, shape, dims, keepdim)
    return _const(mask / xp.sum(mask, axis=_axes(dims, len(shape)), keepdims=True), x)


def _even_grad(g, x, y, dims, keepdim):
    shape = x._data.shape
    w = _even_weights(x, y, shape, dims, keepdim)
    return expand_reduced(g, shape, dims, keepdim) * w.to(g._dtype)


def _even_bwd(node, g):
    (x,) = node.saved()
    y, dims, keepdim = node._args
    return (_even_grad(g, x, y, dims, keepdim),)


AmaxBackward0 = node_class("AmaxBackward0", _even_bwd)
AminBackward0 = node_class("AminBackward0", _even_bwd)
MaxBackward1 = node_class("MaxBackward1", _even_bwd)
MinBackward1 = node_class("MinBackward1", _even_bwd)
MaxBackward0 = node_class("MaxBackward0", _select_bwd)
MinBackward0 = node_class("MinBackward0", _select_bwd)


def _check_nonempty(name, shape, dims):
    for d in dims:
        if shape[d] == 0:
            raise _errors.reduction_zero_size(name, d)


def _extreme(input, dims, keepdim, is_max, cls, name):
    """amax/amin over ``dims`` with even tie-splitting gradient node ``cls``."""
    x = input._data
    _check_nonempty(name, x.shape, dims)
    xp = input._device._backend.xp
    r = (xp.amax if is_max else xp.amin)(x, axis=_axes(dims, x.ndim), keepdims=keepdim)
    res = wrap(r, input._dtype, input._device)
    if _grad[0] and input._requires_grad:
        record(res, cls, (input,), (input,), (res._data, dims, keepdim))
    return res


@register("amax", nodes=("AmaxBackward0",), out=True)
def amax(input, dim=(), keepdim=False, *, out=None):
    return _finish(_extreme(input, norm_dims(dim, input._data.ndim), keepdim, True,
                            AmaxBackward0, "amax"), out)


@register("amin", nodes=("AminBackward0",), out=True)
def amin(input, dim=(), keepdim=False, *, out=None):
    return _finish(_extreme(input, norm_dims(dim, input._data.ndim), keepdim, False,
                            AminBackward0, "amin"), out)


def _arg_along(x, axis, is_max, name):
    if x.shape[axis] == 0:
        raise _errors.reduction_zero_size(name, axis)
    return (x.argmax if is_max else x.argmin)(axis=axis, keepdims=True)


def _max_min(input, dim, keepdim, out, is_max):
    name = "max" if is_max else "min"
    if isinstance(dim, Tensor):
        return (P.maximum if is_max else P.minimum)(input, dim, out=out)
    if dim is None:
        if input._data.size == 0:
            raise _errors.reduction_no_dim(name)
        return _finish(_extreme(input, tuple(range(input._data.ndim)), False, is_max,
                                MaxBackward1 if is_max else MinBackward1, name), out)
    x, axis = _along(input._data, dim)
    idx = _arg_along(x, axis, is_max, name)
    xp = input._device._backend.xp
    vals = xp.take_along_axis(x, idx, axis)
    res = _pack(RT.max if is_max else RT.min, input, vals, idx, axis, keepdim,
                MaxBackward0 if is_max else MinBackward0)
    return _finish_tuple(res, out)


def _pack(rtype, input, vals, idx, axis, keepdim, cls):
    """Build (values, indices) from kept-dim arrays and record the index-selecting node."""
    shape = input._data.shape
    if not shape:
        v, i = vals.reshape(()), idx.reshape(())
    elif keepdim:
        v, i = vals, idx
    else:
        v, i = vals.squeeze(axis), idx.squeeze(axis)
    values = _make(v, input._dtype, input._device)
    _select_record(values, input, cls, idx, axis, keepdim)
    return rtype(values, _make(i.astype("int64", copy=False), D.int64, input._device))


@register("max", nodes=("MaxBackward0", "MaxBackward1"), out=True)
def max(input, dim=None, keepdim=False, *, out=None):
    return _max_min(input, dim, keepdim, out, True)


@register("min", nodes=("MinBackward0", "MinBackward1"), out=True)
def min(input, dim=None, keepdim=False, *, out=None):
    return _max_min(input, dim, keepdim, out, False)


def _aminmax_bwd(node, gmin, gmax):
    (x,) = node.saved()
    ymin, ymax, dims, keepdim = node._args
    grads = [_even_grad(g, x, y, dims, keepdim) for g, y in ((gmin, ymin), (gmax, ymax))
             if g is not None]
    return (grads[0] + grads[1] if len(grads) == 2 else grads[0],)


AminmaxBackward0 = node_class("AminmaxBackward0", _aminmax_bwd)


@register("aminmax", nodes=("AminmaxBackward0",), out=True)
def aminmax(input, *, dim=None, keepdim=False, out=None):
    x = input._data
    dims = norm_dims(dim, x.ndim)
    if x.size == 0 and (dim is None or x.shape[dims[0]] == 0):
        raise _errors.aminmax_empty()
    xp = input._device._backend.xp
    ax = _axes(dims, x.ndim)
    lo = wrap(xp.amin(x, axis=ax, keepdims=keepdim), input._dtype, input._device)
    hi = wrap(xp.amax(x, axis=ax, keepdims=keepdim), input._dtype, input._device)
    if _grad[0] and input._requires_grad:
        node = record(lo, AminmaxBackward0, (input,), (input,),
                      (lo._data, hi._data, dims, keepdim))
        set_output(node, hi, nr=1)
        node._nout = 2
    return _finish_tuple(RT.aminmax(lo, hi), out)


def _argext(input, dim, keepdim, out, is_max):
    name = "argmax" if is_max else "argmin"
    x = input._data
    if input._dtype is D.bool_:
        raise _errors.arg_reduction_bool(name)
    if dim is None:
        if x.size == 0:
            raise _errors.reduction_no_dim(name, index_error=True)
        r = (x.argmax if is_max else x.argmin)()
        r = r.reshape((1,) * x.ndim) if keepdim else r
    else:
        xa, axis = _along(x, dim)
        r = _arg_along(xa, axis, is_max, name)
        r = r.reshape(x.shape[:axis] + ((1,) if keepdim else ()) + x.shape[axis + 1:]
                      if x.ndim else ())
    return _finish(wrap(r, D.int64, input._device), out)


@register("argmax", out=True, differentiable=False)
def argmax(input, dim=None, keepdim=False, *, out=None):
    return _argext(input, dim, keepdim, out, True)


@register("argmin", out=True, differentiable=False)
def argmin(input, dim=None, keepdim=False, *, out=None):
    return _argext(input, dim, keepdim, out, False)


# ---- var / std ----------------------------------------------------------------------------------
def _var_args(input, dim, unbiased, correction):
    """Resolve PyTorch's overloads: std(dim, unbiased, keepdim) / std(unbiased) /
    std(dim, *, correction)."""
    if isinstance(dim, bool):
        unbiased, dim = dim, None
    if input._dtype.category < _FLOAT:
        raise _errors.std_var_dtype()
    if correction is None:
        correction = 1 if unbiased is None or unbiased else 0
    x = input._data
    dims = norm_dims(dim, x.ndim)
    n = _count(x.shape, dims)
    if n - correction <= 0:
        warnings.warn(_errors.std_dof_warning(), stacklevel=4)
    return dims, n, correction


def _var_array(x, dims, n, correction, xp):
    ax = _axes(dims, x.ndim)
    with _quiet(xp):
        m = xp.mean(x, axis=ax, keepdims=True)
        d = x - m
        sq = (d * d.conj()).real if x.dtype.kind == "c" else d * d
        return xp.sum(sq, axis=ax, keepdims=True) / (n - correction if n > correction else 0), m


def _var_grad(g, x, dims, keepdim, n, correction):
    """d var / dx = 2 (x - mean) / (n - correction), in ember ops (double backward works)."""
    dof = n - correction
    centered = x - x.mean(dims, keepdim=True)
    return expand_reduced(g, x._data.shape, dims, keepdim) * centered * (
        2.0 / dof if dof > 0 else float("inf"))


def _var_bwd(node, g):
    x, _ = node.saved()
    return (_var_grad(g, x, *node._args),)


def _std_bwd(node, g):
    x, std = node.saved()
    return (_var_grad(g / (2 * std), x, *node._args),)


VarBackward0 = node_class("VarBackward0", _var_bwd)
StdBackward0 = node_class("StdBackward0", _std_bwd)


def _var_std(input, dim, unbiased, keepdim, correction, take_sqrt):
    dims, n, c = _var_args(input, dim, unbiased, correction)
    xp = input._device._backend.xp
    x = input._data
    v, m = _var_array(_lowp(x, input._dtype), dims, n, c, xp)
    if take_sqrt:
        v = xp.sqrt(v)
    v = v if keepdim else v.reshape(tuple(s for i, s in enumerate(x.shape) if i not in dims))
    res = wrap(v, input._dtype.to_real(), input._device)
    if _grad[0] and input._requires_grad:
        node = record(res, StdBackward0 if take_sqrt else VarBackward0, (input,), (input, None),
                      (dims, keepdim, n, c))
        save_output(node, res, 1)
    return res, m, (dims, keepdim, n, c)


@register("var", nodes=("VarBackward0",), out=True)
def var(input, dim=None, unbiased=None, keepdim=False, *, correction=None, out=None):
    return _finish(_var_std(input, dim, unbiased, keepdim, correction, False)[0], out)


@register("std", nodes=("StdBackward0",), out=True)
def std(input, dim=None, unbiased=None, keepdim=False, *, correction=None, out=None):
    return _finish(_var_std(input, dim, unbiased, keepdim, correction, True)[0], out)


def _stat_mean_bwd(node, gs, gm):
    x, std = node.saved()
    dims, keepdim, n, correction, take_sqrt = node._args
    shape = x._data.shape
    total = None
    if gs is not None:
        if take_sqrt:
            gs = gs / (2 * std)
        total = _var_grad(gs, x, dims, keepdim, n, correction)
    if gm is not None:
        gmx = expand_reduced(gm / n, shape, dims, keepdim)
        total = gmx if total is None else total + gmx
    return (total,)


StdMeanBackward0 = node_class("StdMeanBackward0", _stat_mean_bwd)
VarMeanBackward0 = node_class("VarMeanBackward0", _stat_mean_bwd)


def _stat_mean(input, dim, unbiased, keepdim, correction, take_sqrt):
    with _grad_off():
        s, m, meta = _var_std(input, dim, unbiased, keepdim, correction, take_sqrt)
    mean_t = wrap(m if keepdim else m.reshape(s._data.shape), input._dtype, input._device)
    if _grad[0] and input._requires_grad:
        node = record(s, StdMeanBackward0 if take_sqrt else VarMeanBackward0, (input,),
                      (input, None), meta + (take_sqrt,))
        save_output(node, s, 1)
        set_output(node, mean_t, nr=1)
        node._nout = 2
    return s, mean_t


class _grad_off:
    """Run the shared forward without recording its single-output node."""
    def __enter__(self):
        self.prev = _grad[0]
        _grad[0] = False

    def __exit__(self, *exc):
        _grad[0] = self.prev


@register("std_mean", method=False, nodes=("StdMeanBackward0",))
def std_mean(input, dim=None, unbiased=None, keepdim=False, *, correction=None):
    return _stat_mean(input, dim, unbiased, keepdim, correction, True)


@register("var_mean", method=False, nodes=("VarMeanBackward0",))
def var_mean(input, dim=None, unbiased=None, keepdim=False, *, correction=None):
    return _stat_mean(input, dim, unbiased, keepdim, correction, False)


# ---- logsumexp (norm lives in norms.py with linalg_vector_norm) -------------------------------
def _logsumexp_bwd(node, g, ):
    x, y = node.saved()
    dims, keepdim = node._args
    shape = x._data.shape
    return (expand_reduced(g, shape, dims, keepdim) *
            (x - expand_reduced(y, shape, dims, keepdim)).exp(),)


LogsumexpBackward0 = node_class("LogsumexpBackward0", _logsumexp_bwd)


def _logsumexp_array(x, ax, xp):
    """log(sum(exp(x))) over ``ax`` with kept dims, shifted by the (finite) max for stability."""
    with _quiet(xp):
        m = xp.max(x, axis=ax, keepdims=True, initial=-xp.inf) if x.size else \
            xp.zeros(tuple(1 if i in ax else s for i, s in enumerate(x.shape)), x.dtype)
        m = xp.where(xp.isfinite(m), m, 0)
        return xp.log(xp.sum(xp.exp(x - m), axis=ax, keepdims=True)) + m


@register("logsumexp", autocast={"cuda": "fp32"}, nodes=("LogsumexpBackward0",), out=True)
def logsumexp(input, dim=(), keepdim=False, *, out=None):
    dt = _float_dtype(input._dtype)
    x = _lowp(input._data.astype(dt.np, copy=False), dt)
    dims = norm_dims(dim, x.ndim)
    xp = input._device._backend.xp
    r = _logsumexp_array(x, _axes(dims, x.ndim), xp)
    if not keepdim:
        r = r.reshape(tuple(s for i, s in enumerate(x.shape) if i not in dims))
    res = wrap(r, dt, input._device)
    if _grad[0] and input._requires_grad:
        node = record(res, LogsumexpBackward0, (input,), (input, None), (dims, keepdim))
        save_output(node, res, 1)
    return _finish(res, out)


# ---- softmax / log_softmax / softmin ------------------------------------------------------------
def _softmax_bwd(node, g):
    (y,) = node.saved()
    d, dt = node._args
    return (grad_for(y * (g - (g * y).sum(d, keepdim=True)), y._data.shape, dt),)


def _log_softmax_bwd(node, g):
    (y,) = node.saved()
    d, dt = node._args
    return (grad_for(g - y.exp() * g.sum(d, keepdim=True), y._data.shape, dt),)


SoftmaxBackward0 = node_class("SoftmaxBackward0", _softmax_bwd)
LogSoftmaxBackward0 = node_class("LogSoftmaxBackward0", _log_softmax_bwd)


def _softmax_common(input, dim, dtype, log):
    dt = input._dtype if dtype is None else D.to_dtype(dtype)
    x = input._data
    x1, axis = _along(x, dim)
    if dt.category < _FLOAT:
        last = "lastdim_" if axis == x1.ndim - 1 else ""
        raise _errors.kernel_not_implemented(
            f"{'log_' if log else ''}softmax_{last}kernel_impl", dt)
    xp = input._device._backend.xp
    x1 = _lowp(x1.astype(dt.np, copy=False), dt)
    with _quiet(xp):
        m = xp.max(x1, axis=axis, keepdims=True, initial=-xp.inf) if x1.size else 0
        z = x1 - xp.where(xp.isfinite(m), m, 0)
        e = xp.exp(z)
        s = xp.sum(e, axis=axis, keepdims=True)
        r = z - xp.log(s) if log else e / s
    res = wrap(r.reshape(x.shape), dt, input._device)
    if _grad[0] and input._requires_grad:
        node = record(res, LogSoftmaxBackward0 if log else SoftmaxBackward0, (input,), (None,),
                      (axis if x.ndim else (), input._dtype))
        save_output(node, res, 0)
    return res


@register("softmax", autocast={"cuda": "fp32_set_opt_dtype"}, nodes=("SoftmaxBackward0",))
def softmax(input, dim, dtype=None):
    return _softmax_common(input, dim, dtype, False)


@register("log_softmax", autocast={"cuda": "fp32_set_opt_dtype"}, nodes=("LogSoftmaxBackward0",))
def log_softmax(input, dim, dtype=None):
    return _softmax_common(input, dim, dtype, True)


@register("softmin", method=False, nodes=("SoftmaxBackward0",), function=False)
def softmin(input, dim, dtype=None):
    """softmax(-input): what ``nn.functional.softmin`` computes (not a torch function)."""
    if dtype is not None:
        input = input.to(dtype)
    return _softmax_common(-input, dim, None, False)


# ---- cumulative ops -----------------------------------------------------------------------------
def _rev_cumsum(g, d):
    """sum_{j >= k} g_j along ``d`` (no flip needed)."""
    return g.sum(d, keepdim=True) - g.cumsum(d) + g


def _tri(n, d, ndim, xp, upper):
    """[k, j] mask (j >= k if ``upper``) placed at dims (d, d+1) of an ndim+1 tensor."""
    m = xp.triu(xp.ones((n, n), dtype=bool)) if upper else xp.eye(n, dtype=bool)
    return m.reshape((1,) * d + (n, n) + (1,) * (ndim - d - 1))


def _cumsum_bwd(node, g):
    d, dt, shape = node._args
    if not shape:
        return (grad_for(g, (), dt),)
    return (grad_for(_rev_cumsum(g, d), shape, dt),)


def _cumprod_bwd(node, g):
    """sum_{j >= k} g_j prod_{i <= j, i != k} x_i; divides by x only when x has no zeros."""
    x, y = node.saved()
    d, dt = node._args
    shape = x._data.shape
    xp = x._device._backend.xp
    if not shape:
        return (g,)
    if xp.all(x._data):
        return (_rev_cumsum(g * y, d) / x,)
    n, nd = shape[d], len(shape)
    others = _diag_to_one(x, d, _tri(n, d, nd, xp, False)).cumprod(d + 1)
    upper = _const(_tri(n, d, nd, xp, True).astype(x._data.dtype), x)
    return ((others * g.unsqueeze(d) * upper).sum(d + 1),)


def _logcumsumexp_bwd(node, g):
    """sum_{j >= k} g_j exp(x_k - y_j) over an n x n table (each term <= g_j: no overflow)."""
    x, y = node.saved()
    (d,) = node._args
    shape = x._data.shape
    if not shape:
        return (g,)
    xp = x._device._backend.xp
    upper = _tri(shape[d], d, len(shape), xp, True)
    lower_inf = _const(xp.where(upper, 0, -xp.inf).astype(x._data.dtype), x)
    w = (x.unsqueeze(d + 1) - y.unsqueeze(d) + lower_inf).exp()
    return ((w * g.unsqueeze(d)).sum(d + 1),)


CumsumBackward0 = node_class("CumsumBackward0", _cumsum_bwd)
CumprodBackward0 = node_class("CumprodBackward0", _cumprod_bwd)
LogcumsumexpBackward0 = node_class("LogcumsumexpBackward0", _logcumsumexp_bwd)


def _scan(input, dim, dtype, kernel, float_only=False):
    """Run ``kernel(x, axis, xp)`` along ``dim``; int/bool accumulate in int64 like PyTorch."""
    dt = _float_dtype(input._dtype) if float_only else _acc_dtype(input._dtype, dtype)
    x = input._data
    x1, axis = _along(x, dim)
    xp = input._device._backend.xp
    r = kernel(_lowp(x1.astype(dt.np, copy=False), dt), axis, xp)
    return wrap(r.reshape(x.shape), dt, input._device), axis


@register("cumsum", autocast={"cuda": "fp32_set_opt_dtype"}, nodes=("CumsumBackward0",), out=True)
def cumsum(input, dim, *, dtype=None, out=None):
    res, axis = _scan(input, dim, dtype, lambda a, ax, xp: xp.cumsum(a, axis=ax))
    if _grad[0] and input._requires_grad:
        record(res, CumsumBackward0, (input,), (), (axis, input._dtype, input._data.shape))
    return _finish(res, out)


@register("cumprod", autocast={"cuda": "fp32_set_opt_dtype"}, nodes=("CumprodBackward0",), out=True)
def cumprod(input, dim, *, dtype=None, out=None):
    res, axis = _scan(input, dim, dtype, lambda a, ax, xp: xp.cumprod(a, axis=ax))
    if _grad[0] and input._requires_grad:
        node = record(res, CumprodBackward0, (input,), (input, None), (axis, input._dtype))
        save_output(node, res, 1)
    return _finish(res, out)


@register("logcumsumexp", nodes=("LogcumsumexpBackward0",), out=True)
def logcumsumexp(input, dim, *, out=None):
    res, axis = _scan(input, dim, None, lambda a, ax, xp: xp.logaddexp.accumulate(a, axis=ax),
                      float_only=True)
    if _grad[0] and input._requires_grad:
        node = record(res, LogcumsumexpBackward0, (input,), (input, None), (axis,))
        save_output(node, res, 1)
    return _finish(res, out)


def _cum_extreme(input, dim, out, is_max):
    """Running max/min with the index of the latest element attaining it (nan propagates)."""
    x = input._data
    x1, axis = _along(x, dim)
    xp = input._device._backend.xp
    vals = (xp.maximum if is_max else xp.minimum).accumulate(x1, axis=axis) if x1.size \
        else x1.copy()
    mark = (x1 == vals) | (xp.isnan(x1) if x1.dtype.kind in "fc" else False)
    pos = xp.arange(x1.shape[axis]).reshape((-1,) + (1,) * (x1.ndim - axis - 1))
    idx = xp.maximum.accumulate(xp.where(mark, pos, 0), axis=axis) if x1.size else \
        xp.zeros(x1.shape, "int64")
    values = _make(vals.reshape(x.shape), input._dtype, input._device)
    if _grad[0] and input._requires_grad:
        record(values, CummaxBackward0 if is_max else CumminBackward0, (input,), (),
               (x.shape, idx, axis))
    res = (RT.cummax if is_max else RT.cummin)(
        values, _make(idx.reshape(x.shape).astype("int64"), D.int64, input._device))
    return _finish_tuple(res, out)


def _cum_extreme_bwd(node, g):
    shape, idx, axis = node._args
    if not shape:
        return (g,)
    return (_scatter(g, idx, axis, shape, accumulate=True),)


CummaxBackward0 = node_class("CummaxBackward0", _cum_extreme_bwd)
CumminBackward0 = node_class("CumminBackward0", _cum_extreme_bwd)


@register("cummax", nodes=("CummaxBackward0",), out=True)
def cummax(input, dim, *, out=None):
    return _cum_extreme(input, dim, out, True)


@register("cummin", nodes=("CumminBackward0",), out=True)
def cummin(input, dim, *, out=None):
    return _cum_extreme(input, dim, out, False)


# ---- all / any / count_nonzero ------------------------------------------------------------------
def _logical_reduce(input, dim, keepdim, out, fn):
    x = input._data
    dims = norm_dims(dim, x.ndim)
    r = fn(x, axis=_axes(dims, x.ndim), keepdims=keepdim)
    dt = D.uint8 if input._dtype is D.uint8 else D.bool_
    return _finish(wrap(r, dt, input._device), out)


@register("all", out=True, differentiable=False)
def all(input, dim=None, keepdim=False, *, out=None):
    return _logical_reduce(input, dim, keepdim, out, input._device._backend.xp.all)


@register("any", out=True, differentiable=False)
def any(input, dim=None, keepdim=False, *, out=None):
    return _logical_reduce(input, dim, keepdim, out, input._device._backend.xp.any)


@register("count_nonzero", differentiable=False)
def count_nonzero(input, dim=None):
    x = input._data
    dims = norm_dims(dim, x.ndim)
    xp = input._device._backend.xp
    return wrap(xp.count_nonzero(x, axis=_axes(dims, x.ndim)), D.int64, input._device)


# ---- sorting and selection ----------------------------------------------------------------------
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


def _sorted_pack(rtype, input, idx, axis, keepdim, cls):
    x1, _ = _along(input._data, axis)
    vals = input._device._backend.xp.take_along_axis(x1, idx, axis)
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
    idx = _argsort_array(x1, axis, descending, input._device._backend.xp)
    cls = SortBackward0 if stable is None else SortBackward1
    return _finish_tuple(_sorted_pack(RT.sort, input, idx, axis, True, cls), out)


@register("argsort", differentiable=False)
def argsort(input, dim=-1, descending=False, stable=False):
    x1, axis = _along(input._data, dim)
    idx = _argsort_array(x1, axis, descending, input._device._backend.xp)
    return _make(idx.reshape(input._data.shape), D.int64, input._device)


@register("msort", nodes=("SortBackward0",), out=True)
def msort(input, *, out=None):
    return _finish(sort(input, 0).values, out)


@register("topk", nodes=("TopkBackward0",), out=True)
def topk(input, k, dim=-1, largest=True, sorted=True, *, out=None):
    x1, axis = _along(input._data, dim)
    if k < 0 or k > x1.shape[axis]:
        raise _errors.kth_out_of_range("topk")
    idx = _argsort_array(x1, axis, largest, input._device._backend.xp)
    idx = idx[(slice(None),) * axis + (slice(0, k),)]
    return _finish_tuple(_sorted_pack(RT.topk, input, idx, axis, True, TopkBackward0), out)


def _kth_index(x1, axis, pos, xp):
    """Index (kept dim) of the element at sorted position ``pos`` (int or kept-dim array)."""
    order = xp.argsort(x1.view("uint8") if x1.dtype.kind == "b" else x1, axis=axis,
                       kind="stable")
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
    idx = _kth_index(x1, axis, k - 1, input._device._backend.xp)
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
        if _grad[0] and input._requires_grad:
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
