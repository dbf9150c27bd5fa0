"""Reductions over ``dim`` (int, tuple or None) with ``keepdim``: sum, mean, prod, max/min
and their arg/a- forms, var/std, logsumexp, all/any.  Scans live in ``scan.py``, sorting and
order statistics in ``sorting.py``, softmax in ``softmax.py``; they share the helpers here.

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
from ..autograd import grad_mode
from ._core import register, record, _grad_on, write_out, grad_for, wrap
from .size_args import int_list

_FLOAT = 2


# ---- dims ---------------------------------------------------------------------------------------
def norm_dims(dim, ndim, fn):
    """``dim`` (None, int, or sequence; empty means all) of the reduction ``fn`` -> sorted
    tuple of non-negative dims."""
    if dim is None:
        return tuple(range(ndim))
    if isinstance(dim, int):
        return (_wrap_dim(dim, ndim),) if ndim else _scalar_dims(dim)
    if isinstance(dim, (tuple, list)):
        dim = int_list((dim,), fn, "dim")
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
    return type(res)._out(*out) if hasattr(res, "_out") else tuple(out)


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


def _along(x, dim, xp=None):
    """(array with >= 1 dims, wrapped axis) for ops along one dim (0-d is treated as 1 element).
    With ``xp``, the array is also C-contiguous: the ops whose torch kernels write a fresh
    contiguous result whatever the input's layout (softmax, the scans) pass it."""
    if x.ndim == 0:
        _wrap_dim(dim, 0)
        return x.reshape(1), 0
    if xp is not None and not x.flags.c_contiguous:
        x = xp.ascontiguousarray(x)
    return x, _wrap_dim(dim, x.ndim)


def _lowp(x, dt):
    return x.astype("float32") if dt is D.float16 or dt is D.bfloat16 else x


def _acc_np(dt):
    """The NumPy dtype a reduction to ``dt`` accumulates in: float32 for float16/bfloat16
    (as PyTorch does), else ``dt`` itself."""
    return "float32" if dt is D.float16 or dt is D.bfloat16 else dt.np


# ---- gather / scatter along a dim (gradients of index-selecting ops) ----------------------------
def _gather(t, idx, axis):
    xp = t._device._backend.xp
    res = _make(xp.take_along_axis(t._data, idx, axis), t._dtype, t._device)
    if _grad_on() and t._requires_grad:
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
    if _grad_on() and g._requires_grad:
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
    if _grad_on() and input._requires_grad:
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
        r = xp.sum(x, dtype=_acc_np(odt) if odt.category > 1 or odt is not input._dtype
                   else None)
        cls = SumBackward0
    else:
        dims = norm_dims(dim, nd, "sum")
        r = xp.sum(x, axis=_axes(dims, nd), keepdims=keepdim, dtype=_acc_np(odt))
        cls = SumBackward1
    if not isinstance(r, xp.ndarray):
        r = xp.asarray(r)
    if r.dtype != odt.np:
        r = r.astype(odt.np)
    res = _make(r, odt, input._device)
    if _grad_on() and input._requires_grad:
        record(res, cls, (input,), (), (x.shape, dims, keepdim, input._dtype))
    if out is not None:
        return write_out(out, res)
    return res


def _mean_bwd(node, g):
    shape, dims, keepdim, n, dt = node._args
    # (divided after the expansion, as torch's formula: the gradient is a tensor of its own,
    # not a broadcast view that refuses in-place use)
    return (grad_for(expand_reduced(g, shape, dims, keepdim) / n, shape, dt),)


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
    dims = norm_dims(dim, nd, "mean")
    cls = MeanBackward0 if dim is None else MeanBackward1
    n = _count(x.shape, dims)
    work = x if x.dtype == dt.np else x.astype(dt.np)
    with _quiet(xp):
        r = xp.mean(_lowp(work, dt), axis=_axes(dims, nd), keepdims=keepdim)
    res = wrap(r, dt, input._device)
    if _grad_on() and input._requires_grad:
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
    dims = norm_dims(dim, nd, "nansum")
    xp = input._device._backend.xp
    res = wrap(xp.nansum(_lowp(x, odt), axis=_axes(dims, nd), keepdims=keepdim, dtype=None
                         if odt in (D.float16, D.bfloat16) else odt.np), odt, input._device)
    if _grad_on() and input._requires_grad:
        record(res, NansumBackward0, (input,), (input,), (x.shape, dims, keepdim))
    return _finish(res, out)


@register("nanmean", nodes=("DivBackward0",), out=True)
def nanmean(input, dim=None, keepdim=False, *, dtype=None, out=None):
    """nansum / (number of non-nan elements), as PyTorch composes it (grad_fn DivBackward0)."""
    dt = input._dtype if dtype is None else D.to_dtype(dtype)
    if dt.category < _FLOAT:
        raise _errors.mean_dtype("nanmean", dt)
    x = input._data
    dims = norm_dims(dim, x.ndim, "nanmean")
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
        r, cls = xp.prod(x, dtype=_acc_np(odt)), ProdBackward0
    else:
        dim = _wrap_dim(dim, x.ndim)
        r = xp.prod(x, axis=_axes((dim,), x.ndim), keepdims=keepdim, dtype=_acc_np(odt))
        cls = ProdBackward1
    res = wrap(r, odt, input._device)
    if _grad_on() and input._requires_grad:
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
    if _grad_on() and input._requires_grad:
        record(res, cls, (input,), (input,), (res._data, dims, keepdim))
    return res


@register("amax", nodes=("AmaxBackward0",), out=True)
def amax(input, dim=(), keepdim=False, *, out=None):
    return _finish(_extreme(input, norm_dims(dim, input._data.ndim, "amax"), keepdim, True,
                            AmaxBackward0, "amax"), out)


@register("amin", nodes=("AminBackward0",), out=True)
def amin(input, dim=(), keepdim=False, *, out=None):
    return _finish(_extreme(input, norm_dims(dim, input._data.ndim, "amin"), keepdim, False,
                            AminBackward0, "amin"), out)


def _arg_along(x, axis, is_max, name):
    if x.shape[axis] == 0:
        raise _errors.reduction_zero_size(name, axis)
    return (x.argmax if is_max else x.argmin)(axis=axis, keepdims=True)


def _dim_or_other(dim, other, name):
    """``max(a, other=b)`` is ``max(a, b)`` (the elementwise overload); with a dim too, no
    overload takes the call."""
    if other is None:
        return dim
    if dim is not None:
        raise _errors.unexpected_kwarg(name, "other")
    return other


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
def max(input, dim=None, keepdim=False, *, out=None, other=None):
    return _max_min(input, _dim_or_other(dim, other, "max"), keepdim, out, True)


@register("min", nodes=("MinBackward0", "MinBackward1"), out=True)
def min(input, dim=None, keepdim=False, *, out=None, other=None):
    return _max_min(input, _dim_or_other(dim, other, "min"), keepdim, out, False)


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
    dims = norm_dims(dim, x.ndim, "aminmax")
    if x.size == 0 and (dim is None or x.shape[dims[0]] == 0):
        raise _errors.aminmax_empty()
    xp = input._device._backend.xp
    ax = _axes(dims, x.ndim)
    lo = wrap(xp.amin(x, axis=ax, keepdims=keepdim), input._dtype, input._device)
    hi = wrap(xp.amax(x, axis=ax, keepdims=keepdim), input._dtype, input._device)
    if _grad_on() and input._requires_grad:
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
def _var_args(input, dim, unbiased, correction, fn):
    """Resolve PyTorch's overloads: std(dim, unbiased, keepdim) / std(unbiased) /
    std(dim, *, correction)."""
    if isinstance(dim, bool):
        unbiased, dim = dim, None
    if input._dtype.category < _FLOAT:
        raise _errors.std_var_dtype()
    if correction is None:
        correction = 1 if unbiased is None or unbiased else 0
    x = input._data
    dims = norm_dims(dim, x.ndim, fn)
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


def _var_std(input, dim, unbiased, keepdim, correction, take_sqrt, fn):
    dims, n, c = _var_args(input, dim, unbiased, correction, fn)
    xp = input._device._backend.xp
    x = input._data
    v, m = _var_array(_lowp(x, input._dtype), dims, n, c, xp)
    if take_sqrt:
        v = xp.sqrt(v)
    v = v if keepdim else v.reshape(tuple(s for i, s in enumerate(x.shape) if i not in dims))
    res = wrap(v, input._dtype.to_real(), input._device)
    if _grad_on() and input._requires_grad:
        node = record(res, StdBackward0 if take_sqrt else VarBackward0, (input,), (input, None),
                      (dims, keepdim, n, c))
        save_output(node, res, 1)
    return res, m, (dims, keepdim, n, c)


@register("var", nodes=("VarBackward0",), out=True)
def var(input, dim=None, unbiased=None, keepdim=False, *, correction=None, out=None):
    return _finish(_var_std(input, dim, unbiased, keepdim, correction, False, "var")[0], out)


@register("std", nodes=("StdBackward0",), out=True)
def std(input, dim=None, unbiased=None, keepdim=False, *, correction=None, out=None):
    return _finish(_var_std(input, dim, unbiased, keepdim, correction, True, "std")[0], out)


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
        s, m, meta = _var_std(input, dim, unbiased, keepdim, correction, take_sqrt,
                              "std_mean" if take_sqrt else "var_mean")
    mean_t = wrap(m if keepdim else m.reshape(s._data.shape), input._dtype, input._device)
    if _grad_on() and input._requires_grad:
        node = record(s, StdMeanBackward0 if take_sqrt else VarMeanBackward0, (input,),
                      (input, None), meta + (take_sqrt,))
        save_output(node, s, 1)
        set_output(node, mean_t, nr=1)
        node._nout = 2
    return s, mean_t


class _grad_off:
    """Run the shared forward without recording its single-output node."""
    def __enter__(self):
        self.token = grad_mode._set_enabled(False)

    def __exit__(self, *exc):
        grad_mode._enabled_var.reset(self.token)


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
    w = (x - expand_reduced(y, shape, dims, keepdim)).exp()
    return (expand_reduced(g, shape, dims, keepdim) * (w.conj() if w.is_complex() else w),)


LogsumexpBackward0 = node_class("LogsumexpBackward0", _logsumexp_bwd)


def _logsumexp_array(x, ax, xp, rounding=None):
    """log(sum(exp(x))) over ``ax`` with kept dims, shifted by the (finite) max for stability.

    ``rounding`` (float16/bfloat16): PyTorch composes this from ops that each round to that
    dtype (the sum accumulating in float32); rounding at the same steps gives its results."""
    def r(a):
        return a if rounding is None else a.astype(rounding).astype(a.dtype)
    with _quiet(xp):
        # complex: shift by the largest real part, so the result's imaginary part is the
        # principal log's, as PyTorch's
        top = x.real if x.dtype.kind == "c" else x
        m = xp.max(top, axis=ax, keepdims=True, initial=-xp.inf) if x.size else \
            xp.zeros(tuple(1 if i in ax else s for i, s in enumerate(x.shape)), top.dtype)
        m = xp.where(xp.isfinite(m), m, 0)
        return r(xp.log(r(xp.sum(r(xp.exp(r(x - m))), axis=ax, keepdims=True)))) + m


@register("logsumexp", autocast={"cuda": "fp32"}, nodes=("LogsumexpBackward0",), out=True)
def logsumexp(input, dim=(), keepdim=False, *, out=None):
    dt = _float_dtype(input._dtype)
    x = _lowp(input._data.astype(dt.np, copy=False), dt)
    dims = norm_dims(dim, x.ndim, "logsumexp")
    xp = input._device._backend.xp
    r = _logsumexp_array(x, _axes(dims, x.ndim), xp,
                         dt.np if dt is D.float16 or dt is D.bfloat16 else None)
    if not keepdim:
        r = r.reshape(tuple(s for i, s in enumerate(x.shape) if i not in dims))
    res = wrap(r, dt, input._device)
    if _grad_on() and input._requires_grad:
        node = record(res, LogsumexpBackward0, (input,), (input, None), (dims, keepdim))
        save_output(node, res, 1)
    return _finish(res, out)


# ---- all / any / count_nonzero ------------------------------------------------------------------
def _logical_reduce(input, dim, keepdim, out, fn, name):
    x = input._data
    dims = norm_dims(dim, x.ndim, name)
    r = fn(x, axis=_axes(dims, x.ndim), keepdims=keepdim)
    dt = D.uint8 if input._dtype is D.uint8 else D.bool_
    return _finish(wrap(r, dt, input._device), out)


@register("all", out=True, differentiable=False)
def all(input, dim=None, keepdim=False, *, out=None):
    return _logical_reduce(input, dim, keepdim, out, input._device._backend.xp.all, "all")


@register("any", out=True, differentiable=False)
def any(input, dim=None, keepdim=False, *, out=None):
    return _logical_reduce(input, dim, keepdim, out, input._device._backend.xp.any, "any")


@register("count_nonzero", differentiable=False)
def count_nonzero(input, dim=None):
    x = input._data
    dims = norm_dims(dim, x.ndim, "count_nonzero")
    xp = input._device._backend.xp
    return wrap(xp.count_nonzero(x, axis=_axes(dims, x.ndim)), D.int64, input._device)
