"""Scans along one dim: cumsum, cumprod, logcumsumexp, cummax, cummin.

Integer and bool inputs accumulate in int64 (like PyTorch); float16/bfloat16 in float32.
"""
from .. import _dtype as D
from .. import return_types as RT
from .._tensor import _make
from ..autograd.graph import node_class, save_output
from ._core import OPS, inplace, register, record, _grad_on, grad_for, wrap
from .pointwise import complex_logaddexp
from .reduction import (_acc_dtype, _along, _const, _diag_to_one, _finish, _finish_tuple,
                        _float_dtype, _lowp, _scatter)


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
    return (((w.conj() if w.is_complex() else w) * g.unsqueeze(d)).sum(d + 1),)


CumsumBackward0 = node_class("CumsumBackward0", _cumsum_bwd)
CumprodBackward0 = node_class("CumprodBackward0", _cumprod_bwd)
LogcumsumexpBackward0 = node_class("LogcumsumexpBackward0", _logcumsumexp_bwd)


def _scan(input, dim, dtype, kernel, float_only=False):
    """Run ``kernel(x, axis, xp)`` along ``dim``; int/bool accumulate in int64 like PyTorch."""
    dt = _float_dtype(input._dtype) if float_only else _acc_dtype(input._dtype, dtype)
    x = input._data
    xp = input._device._backend.xp
    x1, axis = _along(x, dim, xp)
    r = kernel(_lowp(x1.astype(dt.np, copy=False), dt), axis, xp)
    return wrap(r.reshape(x.shape), dt, input._device), axis


@register("cumsum", autocast={"cuda": "fp32_set_opt_dtype"},
          nodes=("CumsumBackward0",), out=True, inplace=None)
def cumsum(input, dim, *, dtype=None, out=None):
    res, axis = _scan(input, dim, dtype, lambda a, ax, xp: xp.cumsum(a, axis=ax))
    if _grad_on() and input._requires_grad:
        record(res, CumsumBackward0, (input,), (), (axis, input._dtype, input._data.shape))
    return _finish(res, out)


@register("cumprod", autocast={"cuda": "fp32_set_opt_dtype"},
          nodes=("CumprodBackward0",), out=True)
def cumprod(input, dim, *, dtype=None, out=None):
    res, axis = _scan(input, dim, dtype, lambda a, ax, xp: xp.cumprod(a, axis=ax))
    if _grad_on() and input._requires_grad:
        node = record(res, CumprodBackward0, (input,), (input, None), (axis, input._dtype))
        save_output(node, res, 1)
    return _finish(res, out)


OPS["cumsum"].inplace = inplace(cumsum)
OPS["cumprod"].inplace = inplace(cumprod)


def _logcumsumexp_kernel(a, axis, xp):
    if a.dtype.kind != "c":
        return xp.logaddexp.accumulate(a, axis=axis)
    out = xp.moveaxis(a.copy(), axis, 0)     # complex has no ufunc: one step per position
    for k in range(1, out.shape[0]):
        out[k] = complex_logaddexp(out[k - 1], out[k], xp)
    return xp.moveaxis(out, 0, axis)


@register("logcumsumexp", nodes=("LogcumsumexpBackward0",), out=True)
def logcumsumexp(input, dim, *, out=None):
    res, axis = _scan(input, dim, None, _logcumsumexp_kernel, float_only=True)
    if _grad_on() and input._requires_grad:
        node = record(res, LogcumsumexpBackward0, (input,), (input, None), (axis,))
        save_output(node, res, 1)
    return _finish(res, out)


def _cum_extreme(input, dim, out, is_max):
    """Running max/min with the index of the latest element attaining it (nan propagates)."""
    x = input._data
    xp = input._device._backend.xp
    x1, axis = _along(x, dim, xp)
    vals = (xp.maximum if is_max else xp.minimum).accumulate(x1, axis=axis) if x1.size \
        else x1.copy()
    mark = (x1 == vals) | (xp.isnan(x1) if x1.dtype.kind in "fc" else False)
    pos = xp.arange(x1.shape[axis]).reshape((-1,) + (1,) * (x1.ndim - axis - 1))
    idx = xp.maximum.accumulate(xp.where(mark, pos, 0), axis=axis) if x1.size else \
        xp.zeros(x1.shape, "int64")
    values = _make(vals.reshape(x.shape), input._dtype, input._device)
    if _grad_on() and input._requires_grad:
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

