"""Normalization kernels: batch, layer and group norm.

All three are one computation seen through different reshapes of the input:

* the *statistics view* ``sview`` and its reduced axes ``saxes`` — the mean and inverse
  standard deviation are taken over ``saxes`` (batch norm: ``(N, C, L)`` over ``(0, 2)``;
  layer norm: ``(M, K)`` over ``(1,)``; group norm: ``(N, G, C/G*L)`` over ``(2,)``);
* the *affine view* ``aview`` in which the weight/bias (reshaped to ``wview``) broadcast, and
  the axes ``aaxes`` their gradients are summed over.

The forward is one fused pass on raw arrays; the backward is a single formula in ember ops (so
double backward works): with ``xhat = (x - mean) * invstd`` and ``gy = grad * weight``,
``grad_input = invstd * (gy - mean(gy) - xhat * mean(gy * xhat))`` when the statistics come
from the input (just ``invstd * gy`` when they are running statistics).  When a higher-order
graph is being built the statistics are recomputed from the input with ember ops so that their
dependence on the input is differentiated too.
"""
import math

from .. import _dtype as D
from .. import _errors
from .._tensor import _make
from ..autograd.graph import node_class, set_output
from ._core import register, record, _grad_on, needs_grad
from . import memory_format as M

_LOWP = (D.float16, D.bfloat16)


class _Geom:
    """How one norm views its input (see the module docstring)."""
    __slots__ = ("sview", "saxes", "aview", "aaxes", "wview", "pshape")

    def __init__(self, sview, saxes, aview, aaxes, wview, pshape):
        self.sview, self.saxes, self.aview, self.aaxes = sview, saxes, aview, aaxes
        self.wview, self.pshape = wview, pshape


def _compute_dtype(dt):
    return D.float32 if dt in _LOWP else dt


def _param(p, cdt):
    return None if p is None else p._data.astype(cdt.np, copy=False)




def _affine(y, g, weight, bias, cdt):
    """y (statistics view) scaled and shifted in the affine view, in place where possible."""
    w, b = _param(weight, cdt), _param(bias, cdt)
    if w is None and b is None:
        return y
    ya = y.reshape(g.aview)
    if w is not None:
        ya *= w.reshape(g.wview)
    if b is not None:
        ya += b.reshape(g.wview)
    return ya


def _mean_of_sum(s, n):
    """``s / n``, ``xp.mean``'s value without its per-call overhead (its float64 division of a
    float32 sum rounds to the same float32), in place for a floating sum."""
    if n and s.dtype.kind == "f":
        s /= n
        return s
    return s / n


def _normalize(input, weight, bias, g, eps):
    """The input normalised over its own statistics: (out array, mean, invstd, biased var),
    the statistics kept in the statistics view."""
    xp = input._device._backend.xp
    cdt = _compute_dtype(input._dtype)
    xs = input._data.astype(cdt.np, copy=False).reshape(g.sview)
    n = 1
    for ax in g.saxes:
        n *= g.sview[ax]
    mean = _mean_of_sum(xs.sum(axis=g.saxes, keepdims=True), n)
    d = xs - mean
    var = _mean_of_sum(xp.square(d).sum(axis=g.saxes, keepdims=True), n)
    invstd = 1.0 / xp.sqrt(var + eps)
    d *= invstd
    out = _affine(d, g, weight, bias, cdt)
    return out.reshape(input._data.shape).astype(input._dtype.np, copy=False), mean, invstd, var


def _const(arr, like):
    return _make(arr, _compute_dtype(like._dtype), like._device)


def _norm_backward(node, grad, grad_mean=None, grad_rstd=None):
    """Gradients of (input, weight, bias); ``grad_mean``/``grad_rstd`` flow in only for group
    norm, whose statistics outputs are differentiable.  Like PyTorch, they count only together
    with an output gradient (without one every gradient is undefined)."""
    if grad is None:
        return None, None, None
    x, w = node.saved()
    mean, invstd, g, training, eps = node._args
    need_x, need_w, need_b = (node.next_functions[i][0] is not None for i in range(3))
    if g.saxes == g.aaxes and not _grad_on():
        return _batch_norm_backward(x, w, grad, mean, invstd, g, training, need_x, need_w,
                                    need_b)
    like = (x, w, x if w is None else w)         # the gradients' dtypes (bias: as the weight)
    if x._dtype in _LOWP:
        x, grad = x.float(), grad.float()
        w = None if w is None else w.float()
    xs = x.reshape(g.sview)
    if training and _grad_on() and x._requires_grad:
        mean = xs.mean(g.saxes, keepdim=True)
        invstd = (xs.var(g.saxes, keepdim=True, correction=0) + eps).rsqrt()
    else:
        mean, invstd = _const(mean, x), _const(invstd, x)
    xhat = (xs - mean) * invstd
    ga = grad.reshape(g.aview)
    gx = gw = gb = None
    if need_w:
        gw = (ga * xhat.reshape(g.aview)).sum(g.aaxes).reshape(g.pshape)
    if need_b:
        gb = ga.sum(g.aaxes).reshape(g.pshape)
    if need_x:
        gy = (ga if w is None else ga * w.reshape(g.wview)).reshape(g.sview)
        if training:
            gy = gy - gy.mean(g.saxes, keepdim=True) - xhat * (gy * xhat).mean(g.saxes,
                                                                              keepdim=True)
        gy = gy * invstd
        if grad_mean is not None or grad_rstd is not None:
            gy = gy + _statistics_grad(xhat, invstd, grad_mean, grad_rstd)
        # torch's batch and group norm kernels write it in the format the input suggests
        gx = M.tensor_into(gy.reshape(x.shape), M.suggest(like[0]._data))
    return tuple(_like(r, t) for r, t in zip((gx, gw, gb), like))


def _batch_norm_backward(x, w, grad, mean, invstd, g, training, need_x, need_w, need_b):
    """``_norm_backward`` on raw arrays where statistics and parameters share the reduced axes
    (batch norm) and no graph is built: the backend's kernel."""
    cdt = _compute_dtype(x._dtype)
    c = g.sview[1]
    gx, gw, gb = x._device._backend.nn.batch_norm_backward(
        grad._data.astype(cdt.np, copy=False).reshape(g.sview),
        x._data.astype(cdt.np, copy=False).reshape(g.sview), mean.reshape(c),
        invstd.reshape(c), _param(w, cdt), training, need_x, need_w)
    if need_x:
        gx = M.into(x._device._backend.xp, gx.reshape(x._data.shape), M.suggest(x._data))
        gx = _make(gx.astype(x._dtype.np, copy=False), x._dtype, x._device)
    gw = _like(_const(gw.reshape(g.pshape), x), w) if need_w else None
    gb = _like(_const(gb.reshape(g.pshape), x), x if w is None else w) if need_b else None
    return gx, gw, gb


def _statistics_grad(xhat, invstd, grad_mean, grad_rstd):
    """The input gradient through the mean and rstd outputs (statistics view): each group's
    mean moves by ``1/K`` per element and its rstd by ``-rstd**2 * xhat / K``."""
    k = xhat.numel() // max(invstd.numel(), 1)
    total = None
    if grad_mean is not None:
        total = grad_mean.reshape(invstd.shape).to(xhat.dtype) / k
    if grad_rstd is not None:
        gr = grad_rstd.reshape(invstd.shape).to(xhat.dtype) * (-invstd * invstd / k) * xhat
        total = gr if total is None else total + gr
    return total


def _like(grad, t):
    return grad if grad is None or t is None or grad._dtype is t._dtype else grad.to(t._dtype)


NativeBatchNormBackward0 = node_class("NativeBatchNormBackward0", _norm_backward)
NativeGroupNormBackward0 = node_class("NativeGroupNormBackward0", _norm_backward)


def _record(out, cls, input, weight, bias, args):
    if needs_grad(input, weight, bias):
        record(out, cls, (input, weight, bias), (input, weight), args)


def _wrap(arr, input):
    """A statistic as a tensor (float32 for half-precision inputs, as PyTorch's CPU kernels)."""
    return _make(arr, _compute_dtype(input._dtype), input._device)


# ---- batch norm -----------------------------------------------------------------------------
def _check_channels(name, t, c):
    if t is not None and t.numel() != c:
        raise _errors.norm_param_size(name, c, t.numel())


def _update_running(buf, stat, momentum):
    """buf = (1 - momentum) * buf + momentum * stat, in place (a buffer update, not autograd)."""
    a = buf._data
    a *= 1.0 - momentum
    a += (momentum * stat).astype(a.dtype, copy=False)
    buf._vc[0] += 1


@register("native_batch_norm", method=False, nodes=("NativeBatchNormBackward0",))
def native_batch_norm(input, weight, bias, running_mean, running_var, training, momentum, eps):
    """Returns (output, save_mean, save_invstd); in evaluation mode the saved statistics are
    empty, as in PyTorch.  In training mode the running statistics (if given) are updated with
    the unbiased variance."""
    shape = input._data.shape
    if len(shape) < 2:
        raise _errors.dim_out_of_range(1, -1, 0)
    n, c = shape[0], shape[1]
    L = input.numel() // (n * c) if n * c else 0
    g = _Geom((n, c, L), (0, 2), (n, c, L), (0, 2), (c, 1), (c,))
    xp = input._device._backend.xp
    cdt = _compute_dtype(input._dtype)
    if training:
        out, mean, invstd, var = input._device._backend.nn.batch_norm_train(
            input._data.astype(cdt.np, copy=False).reshape(g.sview), _param(weight, cdt),
            _param(bias, cdt), eps)
        out = out.reshape(shape).astype(input._dtype.np, copy=False)
        mean, invstd = mean.reshape(1, c, 1), invstd.reshape(1, c, 1)
        if running_mean is not None:
            _update_running(running_mean, mean.reshape(c), momentum)
        if running_var is not None:
            count = n * L
            _update_running(running_var, var.reshape(c) * (count / max(count - 1, 1)), momentum)
        saved = (mean.reshape(c), invstd.reshape(c))
    else:
        if running_mean is None or running_var is None:
            raise _errors.norm_running_undefined("running_mean" if running_mean is None
                                                 else "running_var")
        mean = _param(running_mean, cdt).reshape(1, c, 1)
        invstd = 1.0 / xp.sqrt(_param(running_var, cdt).reshape(1, c, 1) + eps)
        out = input._device._backend.nn.batch_norm_eval(
            input._data.astype(cdt.np, copy=False).reshape(g.sview), mean.reshape(c),
            invstd.reshape(c), _param(weight, cdt), _param(bias, cdt))
        out = out.reshape(shape).astype(input._dtype.np, copy=False)
        saved = (xp.empty(0, cdt.np), xp.empty(0, cdt.np))
    res = _make(out, input._dtype, input._device)
    _record(res, NativeBatchNormBackward0, input, weight, bias,
            (mean, invstd, g, bool(training), eps))
    return res, _wrap(saved[0], input), _wrap(saved[1], input)


@register("batch_norm", method=False, nodes=("NativeBatchNormBackward0",))
def batch_norm(input, weight, bias, running_mean, running_var, training, momentum, eps,
               cudnn_enabled=True):
    c = input.shape[1] if input.dim() > 1 else 0
    for name, t in (("weight", weight), ("bias", bias), ("running_mean", running_mean),
                    ("running_var", running_var)):
        _check_channels(name, t, c)
    if input.numel() == 0:
        # Nothing to normalise (any rank, no statistics updated); still a fresh tensor on the
        # graph, scaled and shifted by the first channel's parameters as PyTorch does.
        out = input.clone()
        if weight is not None:
            out = out * weight[0]
        if bias is not None:
            out = out + bias[0]
        return out
    return native_batch_norm(input, weight, bias, running_mean, running_var, training,
                             momentum, eps)[0]


# ---- layer norm -----------------------------------------------------------------------------
# Layer norm reduces over the trailing (contiguous) dims: on its (M, K) view every row sum is a
# matrix-vector product, which BLAS does several times faster than a strided ``sum(axis=1)``,
# and the weight/bias gradients are column sums, also products with a vector of ones.
def _row_sum(xp, a):
    return (a @ xp.ones(a.shape[1], a.dtype)).reshape(-1, 1)


def _layer_norm_rows(xp, x, w, b, eps):
    """Layer norm of the rows of ``x`` (M, K): (out, mean, rstd), the statistics (M, 1)."""
    k = x.shape[1]
    mean = _row_sum(xp, x) / max(k, 1)             # empty rows: mean 0 and rstd nan, as torch
    d = x - mean
    rstd = 1.0 / xp.sqrt(_row_sum(xp, d * d) / k + eps)
    d *= rstd
    if w is not None:
        d *= w.reshape(-1)
    if b is not None:
        d += b.reshape(-1)
    return d, mean, rstd


def _layer_norm_grads(xp, x, grad, mean, rstd, w, need_x, need_w, need_b):
    """Gradients (input, weight, bias) of layer norm on (M, K) rows from the saved statistics:
    with xhat = (x - mean) * rstd and gy = grad * w, grad_input = rstd * (gy - mean(gy) -
    xhat * mean(gy * xhat)); the row means of gy and gy * xhat are products with w."""
    xhat = x - mean
    xhat *= rstd
    gw = gb = gx = None
    ones = xp.ones(x.shape[0], x.dtype)
    if need_b:
        gb = ones @ grad
    if need_w or need_x:
        gxhat = grad * xhat
        if need_w:
            gw = ones @ gxhat
    if need_x:
        k = max(x.shape[1], 1)
        if w is None:
            c1, c2 = _row_sum(xp, grad) / k, _row_sum(xp, gxhat) / k
            gy = grad - c1
        else:
            w = w.reshape(-1)
            c1, c2 = (grad @ w).reshape(-1, 1) / k, (gxhat @ w).reshape(-1, 1) / k
            gy = grad * w
            gy -= c1
        xhat *= c2
        gy -= xhat
        gy *= rstd
        gx = gy
    return gx, gw, gb


def _layer_norm_backward(node, grad):
    """The fused array kernel when no graph is being built; the general formula otherwise
    (its statistics recomputed with ember ops, so double backward works)."""
    if grad is None or _grad_on():
        return _norm_backward(node, grad)
    x, w = node.saved()
    mean, rstd, g = node._args[:3]
    cdt = _compute_dtype(x._dtype)
    gx, gw, gb = _layer_norm_grads(
        x._device._backend.xp, x._data.astype(cdt.np, copy=False).reshape(g.sview),
        grad._data.astype(cdt.np, copy=False).reshape(g.sview), mean, rstd, _param(w, cdt),
        *(node.next_functions[i][0] is not None for i in range(3)))
    if gx is not None:
        gx = _make(gx.reshape(x._data.shape).astype(x._dtype.np, copy=False), x._dtype,
                   x._device)
    gw = None if gw is None else _like(_const(gw.reshape(g.pshape), x), w)
    gb = None if gb is None else _like(_const(gb.reshape(g.pshape), x), x if w is None else w)
    return gx, gw, gb


NativeLayerNormBackward0 = node_class("NativeLayerNormBackward0", _layer_norm_backward)


@register("native_layer_norm", method=False, nodes=("NativeLayerNormBackward0",))
def native_layer_norm(input, normalized_shape, weight, bias, eps):
    """Returns (output, mean, rstd); the statistics have the input's shape with the normalised
    dims kept as size 1."""
    ns = (normalized_shape,) if isinstance(normalized_shape, int) else tuple(normalized_shape)
    shape = input._data.shape
    k = len(ns)
    if k == 0 or shape[len(shape) - k:] != ns or len(shape) < k:
        raise _errors.layer_norm_shape(ns, shape)
    for name, p in (("weight", weight), ("bias", bias)):
        if p is not None and p._data.shape != ns:
            raise _errors.layer_norm_param(name, p._data.shape, ns)
    lead = shape[:len(shape) - k]
    m, kk = math.prod(lead), math.prod(ns)
    g = _Geom((m, kk), (1,), (m, kk), (0,), (kk,), ns)
    cdt = _compute_dtype(input._dtype)
    out, mean, rstd = _layer_norm_rows(input._device._backend.xp,
                                       input._data.astype(cdt.np, copy=False).reshape(m, kk),
                                       _param(weight, cdt), _param(bias, cdt), eps)
    res = _make(out.reshape(shape).astype(input._dtype.np, copy=False), input._dtype,
                input._device)
    _record(res, NativeLayerNormBackward0, input, weight, bias, (mean, rstd, g, True, eps))
    sshape = lead + (1,) * k
    return res, _wrap(mean.reshape(sshape), input), _wrap(rstd.reshape(sshape), input)


@register("layer_norm", autocast={"cuda": "fp32"},
          method=False, nodes=("NativeLayerNormBackward0",))
def layer_norm(input, normalized_shape, weight=None, bias=None, eps=1e-5, cudnn_enable=True):
    return native_layer_norm(input, normalized_shape, weight, bias, eps)[0]


# ---- group norm -----------------------------------------------------------------------------
@register("native_group_norm", method=False, nodes=("NativeGroupNormBackward0",))
def native_group_norm(input, weight, bias, N, C, HxW, group, eps):
    """Returns (output, mean, rstd) with statistics of shape (N, group)."""
    g = _Geom((N, group, (C // group) * HxW), (2,), (N, C, HxW), (0, 2), (C, 1), (C,))
    out, mean, rstd, _ = _normalize(input, weight, bias, g, eps)
    res = _make(M.into(input._device._backend.xp, out, M.suggest(input._data)), input._dtype,
                input._device)
    mean_t, rstd_t = _wrap(mean.reshape(N, group), input), _wrap(rstd.reshape(N, group), input)
    if needs_grad(input, weight, bias):
        node = record(res, NativeGroupNormBackward0, (input, weight, bias), (input, weight),
                      (mean, rstd, g, True, eps))
        set_output(node, mean_t, nr=1)
        set_output(node, rstd_t, nr=2)
        node._nout = 3
    return res, mean_t, rstd_t


@register("group_norm", autocast={"cuda": "fp32"},
          method=False, nodes=("NativeGroupNormBackward0",))
def group_norm(input, num_groups, weight=None, bias=None, eps=1e-5, cudnn_enabled=True):
    shape = input._data.shape
    if len(shape) < 2:
        raise _errors.norm_min_dims(len(shape))
    n, c = shape[0], shape[1]
    if c % num_groups:
        raise _errors.group_norm_groups(shape, num_groups)
    for name, p in (("weight", weight), ("bias", bias)):
        if p is not None and (p._data.ndim != 1 or p._data.shape[0] != c):
            raise _errors.group_norm_param(name, p._data.shape, shape)
    hxw = input.numel() // (n * c) if n * c else 0
    return native_group_norm(input, weight, bias, n, c, hxw, num_groups, eps)[0]
