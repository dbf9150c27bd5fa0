"""Fused loss kernels: one autograd node per loss where PyTorch has one (MseLossBackward0,
NllLossBackward0, BinaryCrossEntropyBackward0, CtcLossBackward0, ...).

Signatures follow ATen's (``torch.binary_cross_entropy_with_logits(input, target, weight,
pos_weight, reduction)``); ``reduction`` is a name ('none' / 'mean' / 'sum') or ATen's enum
(0 / 1 / 2).  ``nn.functional`` adds the Python-level checks, legacy arguments and the
composite losses.

Backward formulas are ember ops (double backward works).  The NLL gradient is linear in the
incoming gradient with a constant one-hot coefficient, so it is built with one scatter: plain
arrays when no graph is being built (the training hot path), ``g * coefficient`` otherwise.
"""
import numpy as np

from .. import _dtype as D
from .. import _errors
from .._tensor import Tensor, _make
from ..autograd.graph import node_class
from ._core import register, record, _grad_on, prep2, wrap, as_array
from .pointwise import _not_implemented
from .reduction import _acc_np

_NAMES = ("none", "mean", "sum")


def reduction_name(reduction):
    """'none' / 'mean' / 'sum' from a name or ATen's enum value."""
    if reduction.__class__ is str:
        if reduction in _NAMES:
            return reduction
    elif isinstance(reduction, int) and 0 <= reduction <= 2:
        return _NAMES[reduction]
    raise _errors.reduction_invalid(reduction)


def _quiet(xp):
    return xp.errstate(all="ignore")


def _finish(loss, reduction, dt, dev):
    """Reduce an elementwise loss array and wrap it as a tensor (float16/bfloat16 losses
    accumulate in float32, like PyTorch's sum and mean)."""
    acc = _acc_np(dt)
    if reduction == "mean":
        loss = loss.mean(dtype=acc) if loss.size else loss.dtype.type(np.nan)
    elif reduction == "sum":
        loss = loss.sum(dtype=acc)
    return wrap(loss, dt, dev)


def _scaled(g, reduction, n):
    """The incoming gradient of a reduced loss, divided by the element count for 'mean'."""
    return g / n if reduction == "mean" else g


def _float_operands(input, target, kernel):
    """Promoted arrays of a float loss; ``kernel`` names the kernel in PyTorch's dtype error."""
    x, y, dt, dev = prep2(input, target)
    if dt.category < 2:
        raise _errors.kernel_not_implemented(kernel, dt)
    return x, y, dt, dev


def _pointwise_loss(kernel, node_name, forward, derivative):
    """``apply(input, target, reduction, params)`` for a loss ``reduce(f(input - target))``
    with one node; ``forward(d, xp, *params)`` is f on arrays, ``derivative(d, *params)`` is
    f'(d) in ember ops."""
    def backward(node, g):
        x, y = node.saved()
        reduction, params = node._args
        dx = derivative(x - y, *params) * _scaled(g, reduction, x.numel())
        gx = dx if node.next_functions[0][0] is not None else None
        gy = -dx if node.next_functions[1][0] is not None else None
        return gx, gy

    cls = node_class(node_name, backward)

    def apply(input, target, reduction, params):
        reduction = reduction_name(reduction)
        x, y, dt, dev = _float_operands(input, target, kernel)
        with _quiet(dev._backend.xp):
            out = _finish(forward(x - y, dev._backend.xp, *params), reduction, dt, dev)
        if _grad_on() and (input._requires_grad or target._requires_grad):
            record(out, cls, (input, target), (input, target), (reduction, params))
        return out
    return apply


def _smooth_l1_fwd(d, xp, beta):
    z = xp.abs(d)
    return xp.where(z < beta, (0.5 / beta) * z * z, z - 0.5 * beta)


def _huber_fwd(d, xp, delta):
    z = xp.abs(d)
    return xp.where(z < delta, 0.5 * z * z, delta * (z - 0.5 * delta))


_mse = _pointwise_loss("mse_cpu", "MseLossBackward0", lambda d, xp: d * d, lambda d: d * 2)
_smooth_l1 = _pointwise_loss("smooth_l1_cpu", "SmoothL1LossBackward0", _smooth_l1_fwd,
                             lambda d, beta: d.clamp(-beta, beta) / beta)
_huber = _pointwise_loss("huber_cpu", "HuberLossBackward0", _huber_fwd,
                         lambda d, delta: d.clamp(-delta, delta))


@register("mse_loss", autocast="fp32", method=False, nodes=("MseLossBackward0",), function=False)
def mse_loss(input, target, reduction="mean"):
    return _mse(input, target, reduction, ())


@register("smooth_l1_loss", autocast="fp32",
          method=False, nodes=("SmoothL1LossBackward0",), function=False)
def smooth_l1_loss(input, target, reduction="mean", beta=1.0):
    return _smooth_l1(input, target, reduction, (float(beta),))


@register("huber_loss", autocast="fp32",
          method=False, nodes=("HuberLossBackward0",), function=False)
def huber_loss(input, target, reduction="mean", delta=1.0):
    return _huber(input, target, reduction, (float(delta),))


def _soft_margin_fwd(x, y, xp):
    return xp.log1p(xp.exp(-y * x))


def _soft_margin_bwd(node, g):
    x, y = node.saved()
    (reduction,) = node._args
    return (-y * (-y * x).sigmoid() * _scaled(g, reduction, x.numel()), None)


SoftMarginLossBackward0 = node_class("SoftMarginLossBackward0", _soft_margin_bwd)


@register("soft_margin_loss", autocast="fp32",
          method=False, nodes=("SoftMarginLossBackward0",), function=False)
def soft_margin_loss(input, target, reduction="mean"):
    reduction = reduction_name(reduction)
    x, y, dt, dev = _float_operands(input, target, "soft_margin_loss")
    with _quiet(dev._backend.xp):
        out = _finish(_soft_margin_fwd(x, y, dev._backend.xp), reduction, dt, dev)
    if _grad_on() and input._requires_grad:
        record(out, SoftMarginLossBackward0, (input, target), (input, target), (reduction,))
    return out


# ---- binary cross-entropy ------------------------------------------------------------------------
def _bce_grad_scale(node, g, x, w):
    """The incoming gradient spread over the reduction and multiplied by the weight."""
    (reduction,) = node._args
    g = _scaled(g, reduction, x.numel())
    return g if w is None else g * w


def _bce_bwd(node, g):
    x, y, w = node.saved()
    g = _bce_grad_scale(node, g, x, w)
    gx = gy = None
    if node.next_functions[0][0] is not None:
        gx = (x - y) / ((1 - x) * x).clamp_min(1e-12) * g
    if node.next_functions[1][0] is not None:
        gy = ((-x).log1p().clamp_min(-100) - x.log().clamp_min(-100)) * g
    return gx, gy


BinaryCrossEntropyBackward0 = node_class("BinaryCrossEntropyBackward0", _bce_bwd)


def _check_probabilities(x, y, xp):
    """Input and target must lie in [0, 1] (nan fails); like PyTorch's element loop, the first
    bad element decides which of the two is reported."""
    bad_x = ~((x >= 0) & (x <= 1))
    bad_y = ~((y >= 0) & (y <= 1))
    if bad_x.any() or bad_y.any():
        bad_x, bad_y = xp.broadcast_arrays(bad_x, bad_y)
        first = xp.argmax((bad_x | bad_y).reshape(-1))
        if bad_x.reshape(-1)[first]:
            raise _errors.bce_range("input")
        raise _errors.bce_range("target")


@register("binary_cross_entropy", autocast={"cpu": "fp32", "cuda": "banned"},
          method=False, nodes=("BinaryCrossEntropyBackward0",),
          function=False)
def binary_cross_entropy(input, target, weight=None, reduction="mean"):
    """-w (t log x + (1 - t) log(1 - x)), each log clamped at -100 like PyTorch."""
    reduction = reduction_name(reduction)
    if target._dtype is not input._dtype:
        raise _errors.bce_dtype_mismatch(target._dtype, input._dtype)
    x, y, dt, dev = _float_operands(input, target, "binary_cross_entropy")
    xp = dev._backend.xp
    _check_probabilities(x, y, xp)
    with _quiet(xp):
        loss = (y - 1) * xp.maximum(xp.log1p(-x), -100) - y * xp.maximum(xp.log(x), -100)
        if weight is not None:
            loss = loss * as_array(weight, dt, dev)
    out = _finish(loss, reduction, dt, dev)
    if _grad_on() and (input._requires_grad or target._requires_grad):
        record(out, BinaryCrossEntropyBackward0, (input, target), (input, target, weight),
               (reduction,))
    return out


def _bce_logits_bwd(node, g):
    x, y, w, pw = node.saved()
    g = _bce_grad_scale(node, g, x, w)
    gx = gy = None
    if node.next_functions[0][0] is not None:
        if pw is None:
            gx = (x.sigmoid() - y) * g
        else:
            t = pw * y
            gx = ((t + 1 - y) * x.sigmoid() - t) * g
        gx = gx.to(x.dtype)
    if node.next_functions[1][0] is not None:
        gy = -x * g if pw is None else (log_sigmoid(-x) - log_sigmoid(x) * pw) * g
        gy = gy.to(y.dtype)
    return gx, gy


def log_sigmoid(x):
    """log(sigmoid(x)) = -softplus(-x), stable for both signs (ember ops)."""
    return x.clamp_max(0) - (-x.abs()).exp().log1p()


BinaryCrossEntropyWithLogitsBackward0 = node_class("BinaryCrossEntropyWithLogitsBackward0",
                                                   _bce_logits_bwd)


@register("binary_cross_entropy_with_logits", autocast="fp32", method=False,
          nodes=("BinaryCrossEntropyWithLogitsBackward0",))
def binary_cross_entropy_with_logits(input, target, weight=None, pos_weight=None,
                                     reduction="mean"):
    """Sigmoid + binary cross-entropy in one numerically stable step:
    (1 - t) x - (1 + (pos_weight - 1) t) log(sigmoid(x)), times ``weight``."""
    reduction = reduction_name(reduction)
    x, y, dt, dev = _float_operands(input, target, "log_sigmoid_cpu")
    xp = dev._backend.xp
    with _quiet(xp):
        log_sig = xp.minimum(x, 0) - xp.log1p(xp.exp(-xp.abs(x)))
        if pos_weight is not None:
            log_sig = log_sig * ((as_array(pos_weight, dt, dev) - 1) * y + 1)
        loss = (1 - y) * x - log_sig
        if weight is not None:
            loss = loss * as_array(weight, dt, dev)
    # computed in the operands' common dtype, returned in the target's (as PyTorch does)
    out = _finish(loss, reduction, dt, dev)
    if target._dtype is not dt and target._dtype.category == dt.category:
        out = _make(out._data.astype(target._dtype.np), target._dtype, dev)
    if _grad_on() and (input._requires_grad or target._requires_grad):
        record(out, BinaryCrossEntropyWithLogitsBackward0, (input, target),
               (input, target, weight, pos_weight), (reduction,))
    return out


# ---- negative log-likelihood --------------------------------------------------------------------
def _pick(x, t, xp):
    """x[n, t[n, ...], ...] along the class axis 1."""
    if x.ndim == 2:
        return x[xp.arange(x.shape[0]), t]
    return xp.take_along_axis(x, t[:, None], 1)[:, 0]


def _place(shape, dtype, t, values, xp):
    """Zeros of ``shape`` with ``values`` written at class t[n, ...] (the one scatter)."""
    out = xp.zeros(shape, dtype)
    if len(shape) == 2:
        out[xp.arange(shape[0]), t] = values
    else:
        xp.put_along_axis(out, t[:, None], xp.broadcast_to(values, t.shape)[:, None], 1)
    return out


def _nll_targets(t, c, ignore_index, xp):
    """(targets with ignored entries set to class 0, mask of kept entries or None if all are
    kept); raises PyTorch's IndexError for a target outside [0, C)."""
    oob = t.view(np.uint64) >= c                  # negatives wrap to huge unsigned values
    if not (0 <= ignore_index < c or oob.any()):
        return t, None
    valid = t != ignore_index
    bad = oob & valid
    if bad.any():
        raise _errors.target_out_of_bounds(t, bad)
    if valid.all():
        return t, None
    return xp.where(valid, t, 0), valid


def _nll_bwd(node, g):
    shape, dt, t, coef, reduction, unbatched = node._args
    dev = g._device
    xp = dev._backend.xp
    if not _grad_on():
        gv = g._data if reduction != "none" or not unbatched else g._data.reshape(1)
        gx = _place(shape, dt.np, t, coef * gv, xp)
        return (_make(gx.reshape(shape[1:]) if unbatched else gx, dt, dev), None)
    onehot = _make(_place(shape, dt.np, t, coef, xp), dt, dev)
    gx = onehot * (g if reduction != "none" else g.reshape((shape[0], 1) + shape[2:]))
    return (gx.reshape(shape[1:]) if unbatched else gx, None)


NllLossBackward0 = node_class("NllLossBackward0", _nll_bwd)
NllLoss2DBackward0 = node_class("NllLoss2DBackward0", _nll_bwd)


@register("nll_loss", autocast="fp32",
          method=False, nodes=("NllLossBackward0", "NllLoss2DBackward0"),
          function=False)
def nll_loss(input, target, weight=None, reduction="mean", ignore_index=-100):
    """-weight[t] * input[n, t, ...] over (C,), (N, C) or (N, C, d1, ...) inputs; 'mean' divides
    by the total weight of the non-ignored targets.  Checks mirror ATen's nll_loss(2d)."""
    reduction = reduction_name(reduction)
    x, t = input._data, target._data
    dt, dev = input._dtype, input._device
    xp = dev._backend.xp
    check_nll(input, target, weight)
    unbatched = x.ndim == 1
    if unbatched:
        x, t = x.reshape(1, -1), t.reshape(1)
    c = x.shape[1]
    if t.dtype != np.int64:
        t = t.astype(np.int64)
    tt, valid = _nll_targets(t, c, ignore_index, xp)
    picked = _pick(x, tt, xp)
    if weight is None and valid is None:         # the hot path: a few array calls
        w, loss, total = -1, -picked, tt.size
    else:
        w = -as_array(weight, dt, dev)[tt] if weight is not None else -xp.ones(tt.shape, x.dtype)
        if valid is not None:
            w = w * valid
        loss = w * picked
        if valid is not None:
            loss = xp.where(valid, loss, 0)
        total = -w.sum()
    coef = w                                      # d loss_i / d input[i, t_i]
    if reduction == "none":
        out = loss.reshape(()) if unbatched else loss
    elif reduction == "sum":
        out = loss.sum()
    else:
        with _quiet(xp):
            out = loss.sum() / total
        if total:
            coef = w / total
    res = wrap(out, dt, dev)
    if _grad_on() and input._requires_grad:
        cls = NllLoss2DBackward0 if x.ndim == 4 else NllLossBackward0
        record(res, cls, (input, target), (), (x.shape, dt, tt, coef, reduction, unbatched))
    return res


def check_nll(input, target, weight):
    tdt = target._dtype
    if tdt is not D.int64 and tdt is not D.uint8:
        raise _errors.nll_target_dtype(tdt)
    nd = input._data.ndim
    if nd == 0:
        raise _errors.nll_input_dims()
    shape, ts = input._data.shape, target._data.shape
    if nd != 1 and shape[0] != (ts[0] if ts else 1):
        raise _errors.nll_batch_size(shape, ts)
    if nd <= 2 and len(ts) > 1:
        raise _errors.target_multi_dim()
    if nd == 4 and len(ts) != 3:
        raise _errors.nll2d_target_dims(ts)
    if nd == 4 and ts[1:] != shape[2:]:
        raise _errors.nll2d_size_mismatch(shape, ts)
    if nd > 2 and ts[1:] != shape[2:]:
        raise _errors.nll_target_size(ts, shape)
    c = input._data.shape[0 if nd == 1 else 1]
    if weight is not None and (weight._data.ndim != 1 or weight._data.shape[0] != c):
        raise _errors.nll_weight_size(c, weight)



# ---- margin losses over classes ------------------------------------------------------------------
def _const(arr, like):
    return _make(arr, like._dtype, like._device)


def _row_grad(g, reduction, n):
    """The incoming gradient as an (N, 1) column (or a 0-d scalar for mean / sum)."""
    if reduction == "none":
        return g.reshape((n, 1))
    return g / n if reduction == "mean" else g


def _multi_margin_bwd(node, g):
    (x,) = node.saved()
    t, coef, onehot, p, margin, reduction = node._args
    n, c = onehot.shape
    x2 = x.reshape((n, c))
    if p == 1:
        gz = _const(coef, x) * _row_grad(g, reduction, n)
    else:
        z = margin - x2.gather(1, _const(t, x).long()) + x2
        gz = z * _const(2 * coef, x) * _row_grad(g, reduction, n)
    gx = gz - _const(onehot, x) * gz.sum(1, keepdim=True)
    return (gx.reshape(x.shape), None)


MultiMarginLossBackward0 = node_class("MultiMarginLossBackward0", _multi_margin_bwd)


@register("multi_margin_loss", autocast="fp32",
          method=False, nodes=("MultiMarginLossBackward0",), function=False)
def multi_margin_loss(input, target, p=1, margin=1, weight=None, reduction="mean"):
    """sum_{j != y} w[y] max(0, margin - x[y] + x[j])^p / C per sample."""
    reduction = reduction_name(reduction)
    dt, dev = input._dtype, input._device
    xp = dev._backend.xp
    x, t = input._data, target._data
    if x.ndim > 2 or x.size == 0:
        raise _errors.multi_margin_input_dims(x)
    x2 = x.reshape(-1, x.shape[-1] if x.ndim else 1)   # a 0-d input is one sample, one class
    n, c = x2.shape
    if t.ndim > 1 or t.size != n:
        raise _errors.multi_margin_target_size(n, t, x)
    t = t.reshape(n)
    if ((t < 0) | (t >= c)).any():
        raise _errors.target_out_of_range()
    onehot = _place((n, c), x.dtype, t, xp.ones(n, x.dtype), xp)
    z = margin - _pick(x2, t, xp)[:, None] + x2
    active = (z > 0) & (onehot == 0)
    w = (as_array(weight, dt, dev)[t] if weight is not None else xp.ones(n, x.dtype)) / c
    h = xp.where(active, z if p == 1 else z * z, 0)
    loss = h.sum(1) * w
    out = _finish(loss.reshape(target.shape) if reduction == "none" else loss, reduction, dt, dev)
    if _grad_on() and input._requires_grad:
        coef = active * w[:, None]
        record(out, MultiMarginLossBackward0, (input, target), (input,),
               (t[:, None], coef, onehot, p, margin, reduction))
    return out


def _multilabel_margin_bwd(node, g):
    shape, dt, coef, reduction = node._args
    gx = _make(coef, dt, g._device) * _row_grad(g, reduction, coef.shape[0])
    return (gx.reshape(shape), None)


MultilabelMarginLossBackward0 = node_class("MultilabelMarginLossBackward0",
                                           _multilabel_margin_bwd)


@register("multilabel_margin_loss", autocast="fp32",
          method=False, nodes=("MultilabelMarginLossBackward0",),
          function=False)
def multilabel_margin_loss(input, target, reduction="mean"):
    """sum over listed targets j (up to the first -1) and non-targets k of
    max(0, 1 - (x[j] - x[k])) / C.  The loss is piecewise linear, so its gradient is a constant
    coefficient array times the incoming gradient."""
    reduction = reduction_name(reduction)
    dt, dev = input._dtype, input._device
    xp = dev._backend.xp
    x, t = input._data, target._data
    if x.ndim > 2 or t.shape != x.shape:
        raise _errors.multilabel_target_size(t, x)
    c = x.shape[-1] if x.ndim else 1   # a 0-d input is one sample with one class
    x2, t2 = x.reshape(-1, c), t.reshape(-1, c)
    n = x2.shape[0]
    listed = xp.cumprod(t2 != -1, axis=1).astype(bool)
    if ((t2 < -1) | (t2 >= c)).any():
        raise _errors.target_arg_out_of_range()
    rows = xp.arange(n)[:, None]
    is_target = xp.zeros((n, c + 1), bool)   # unlisted slots write into the spare column c
    is_target[rows, xp.where(listed, t2, c)] = True
    is_target = is_target[:, :c]
    tt = xp.where(listed, t2, 0)
    z = 1 - xp.take_along_axis(x2, tt, 1)[:, :, None] + x2[:, None, :]
    active = listed[:, :, None] & ~is_target[:, None, :] & (z > 0)
    out = _finish(xp.where(active, z, 0).sum((1, 2)).reshape(t.shape[:-1]) / c, reduction,
                  dt, dev)
    if _grad_on() and input._requires_grad:
        act = active.astype(x.dtype) / c
        coef = act.sum(1)
        dev._backend.scatter_add(coef, (xp.broadcast_to(rows, tt.shape), tt), -act.sum(2))
        record(out, MultilabelMarginLossBackward0, (input, target), (),
               (x.shape, dt, coef, reduction))
    return out


# ---- CTC -----------------------------------------------------------------------------------------
def _lse(xp, *arrays):
    """Elementwise log(sum(exp(.))) of same-shaped arrays; all -inf gives -inf."""
    m = arrays[0]
    for a in arrays[1:]:
        m = xp.maximum(m, a)
    m = xp.where(xp.isfinite(m), m, 0)
    s = xp.exp(arrays[0] - m)
    for a in arrays[1:]:
        s = s + xp.exp(a - m)
    return xp.log(s) + m


def _shift(a, k, fill, xp):
    """``a`` moved k positions right (k > 0) or left (k < 0) along the last axis."""
    pad = xp.full(a.shape[:-1] + (abs(k),), fill, a.dtype)
    return xp.concatenate((pad, a[..., :-k]), -1) if k > 0 else \
        xp.concatenate((a[..., -k:], pad), -1)


def _ctc_alpha(lpe, skip, il, tl, xp):
    """Forward variables log alpha (T, N, L) over the blank-extended labels, vectorised over
    batch and labels (loop over time only); alpha stays frozen after each input's length."""
    t_max, n, width = lpe.shape
    ninf = -np.inf
    alpha = xp.full(lpe.shape, ninf, lpe.dtype)
    alpha[0, :, 0] = lpe[0, :, 0]
    if width > 1:
        alpha[0, :, 1] = xp.where(tl > 0, lpe[0, :, 1], ninf)
    for t in range(1, t_max):
        prev = alpha[t - 1]
        new = _lse(xp, prev, _shift(prev, 1, ninf, xp),
                   xp.where(skip, _shift(prev, 2, ninf, xp), ninf)) + lpe[t]
        alpha[t] = xp.where((t < il)[:, None], new, prev)
    return alpha


def _ctc_beta(lpe, skip, il, lens, xp):
    """Backward variables log beta (T, N, L), -inf outside each input's length and labels."""
    t_max, n, width = lpe.shape
    ninf = -np.inf
    rows = xp.arange(n)
    s = xp.arange(width)[None, :]
    last = xp.clip(il - 1, 0, None)
    init = xp.where((s == lens[:, None] - 1) | (s == lens[:, None] - 2),
                    lpe[last, rows], ninf)
    in_labels = s < lens[:, None]
    skip_next = _shift(skip, -2, False, xp)
    beta = xp.full(lpe.shape, ninf, lpe.dtype)
    nxt = beta[0]
    for t in range(t_max - 1, -1, -1):
        rec = _lse(xp, nxt, _shift(nxt, -1, ninf, xp),
                   xp.where(skip_next, _shift(nxt, -2, ninf, xp), ninf)) + lpe[t]
        rec = xp.where(in_labels, rec, ninf)
        beta[t] = xp.where((t == last)[:, None], init, xp.where((t < last)[:, None], rec, ninf))
        nxt = beta[t]
    return beta


def _ctc_bwd(node, g):
    lp, ext, lpe, alpha, skip, il, lens, nll, zero_inf = node._args
    xp = g._device._backend.xp
    with _quiet(xp):
        ab = alpha + _ctc_beta(lpe, skip, il, lens, xp)
        m = ab.max(-1, keepdims=True)
        m = xp.where(xp.isfinite(m), m, 0)
        onehot = (ext[:, :, None] == xp.arange(lp.shape[2])).astype(lp.dtype)
        occ = xp.matmul(xp.exp(ab - m).transpose(1, 0, 2), onehot).transpose(1, 0, 2)
        grad = xp.exp(lp) - xp.exp(xp.log(occ) + m + nll[None, :, None] - lp)
        live = xp.arange(lp.shape[0])[:, None] < il[None, :]
        if zero_inf:
            live = live & xp.isfinite(nll)[None, :]
        grad = xp.where(live[:, :, None], grad, 0) * g._data[None, :, None]
    res = _make(grad, g._dtype, g._device)
    if _grad_on():   # create_graph: a node that raises, as torch has no second derivative here
        (log_probs,) = node.saved()
        record(res, _CtcLossBackwardNotImplemented, (g, log_probs))
    return (res, None)


CtcLossBackward0 = node_class("CtcLossBackward0", _ctc_bwd)
_CtcLossBackwardNotImplemented = _not_implemented("_ctc_loss_backward")


def _lengths(v, xp):
    return xp.asarray(v._data if isinstance(v, Tensor) else v, dtype=np.int64).reshape(-1)


def _padded_targets(targets, tl, xp):
    """(N, S) padded targets from the padded or the concatenated 1-D layout."""
    t = targets._data.astype(np.int64, copy=False)
    if t.ndim == 2:
        return t
    width = int(tl.max()) if tl.size else 0
    starts = xp.cumsum(tl) - tl
    idx = xp.minimum(starts[:, None] + xp.arange(width), max(t.size - 1, 0))
    return t[idx] if t.size else xp.zeros((tl.size, width), np.int64)


def _ctc_nll(log_probs, targets, il, tl, blank, zero_infinity):
    """Per-sample negative log-likelihood (N,) with one CtcLossBackward0 node."""
    lp = log_probs._data
    xp = log_probs._device._backend.xp
    t_max, n, _ = lp.shape
    if il.size and int(il.max()) > t_max:
        raise _errors.ctc_input_lengths(t_max, il)
    tgt = _padded_targets(targets, tl, xp)
    if targets._data.ndim == 2 and tl.size and int(tl.max()) > tgt.shape[1]:
        raise _errors.ctc_target_size(tgt, tl)
    width = 2 * tgt.shape[1] + 1
    ext = xp.full((n, width), blank, np.int64)
    ext[:, 1::2] = tgt
    skip = xp.zeros((n, width), bool)
    skip[:, 2:] = (ext[:, 2:] != blank) & (ext[:, 2:] != ext[:, :-2])
    lpe = lp[:, xp.arange(n)[:, None], ext]
    lens = 2 * tl + 1
    with _quiet(xp):
        alpha = _ctc_alpha(lpe, skip, il, tl, xp)
        rows = xp.arange(n)
        a_t = alpha[-1]
        before_last = xp.where(lens > 1, a_t[rows, xp.maximum(lens - 2, 0)], -np.inf)
        nll = -_lse(xp, a_t[rows, lens - 1], before_last)
    out = wrap(nll, log_probs._dtype, log_probs._device)
    if _grad_on() and log_probs._requires_grad:
        record(out, CtcLossBackward0, (log_probs, targets), (log_probs,),
               (lp, ext, lpe, alpha, skip, il, lens, nll, zero_infinity))
    return out


@register("ctc_loss", autocast={"cpu": "fp32"}, method=False, nodes=("CtcLossBackward0",))
def ctc_loss(log_probs, targets, input_lengths, target_lengths, blank=0, reduction="mean",
             zero_infinity=False):
    """Connectionist temporal classification loss over (T, N, C) (or unbatched (T, C))
    log-probabilities; 'mean' divides each sample by its target length, then averages."""
    reduction = reduction_name(reduction)
    xp = log_probs._device._backend.xp
    il, tl = _lengths(input_lengths, xp), _lengths(target_lengths, xp)
    unbatched = log_probs._data.ndim == 2
    if unbatched:
        log_probs, targets = log_probs.unsqueeze(1), targets.unsqueeze(0)
    res = _ctc_nll(log_probs, targets, il, tl, blank, zero_infinity)
    if unbatched:
        res = res.squeeze(0)
    if zero_infinity:
        res = res.where(res != np.inf, _make(xp.zeros((), res._data.dtype), res._dtype,
                                             res._device))
    if reduction == "mean":
        div = _make(xp.maximum(tl, 1).astype(res._data.dtype).reshape(res._data.shape),
                    res._dtype, res._device)
        return (res / div).mean()
    return res.sum() if reduction == "sum" else res
