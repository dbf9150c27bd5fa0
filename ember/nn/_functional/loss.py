"""nn.functional: all losses.

Losses with a fused PyTorch kernel call the ops in ``ember._ops.nn_loss`` (one autograd node
each); the others are composed of ember ops exactly as ATen composes them, so the autograd
graphs match PyTorch's.  ``size_average`` / ``reduce`` are the legacy spellings of
``reduction``.
"""
from ..._ops._core import autocast_rule
import math
import warnings

from ... import _errors
from ..._ops import creation as _C
from ..._ops import nn_loss as L
from ..._ops import pointwise as _P
from ..._ops import shape as _S
from ..._ops.nn_loss import reduction_name
from ...autograd import grad_mode
from .._reduction import legacy_get_string
from .normalization import pairwise_distance

_where = _P.where


def legacy_reduction(size_average, reduce, reduction):
    """``reduction`` from the deprecated ``size_average`` / ``reduce`` flags when either is
    given (with PyTorch's deprecation warning), else ``reduction`` itself."""
    if size_average is None and reduce is None:
        return reduction
    ret = legacy_get_string(size_average, reduce, emit_warning=False)
    warnings.warn(_errors.legacy_reduction_deprecated(ret), stacklevel=3)
    return ret


def _reduce(loss, reduction):
    reduction = reduction_name(reduction)
    if reduction == "mean":
        return loss.mean()
    if reduction == "sum":
        return loss.sum()
    return loss


def _same_size(input, target):
    """PyTorch warns (does not fail) when a regression target broadcasts against the input,
    then expands both."""
    if target.shape == input.shape:
        return input, target
    warnings.warn(_errors.loss_target_size_warning(input, target), stacklevel=3)
    return _S.broadcast_tensors(input, target)


def _weighted(errors, weight, input, reduction, mean_by_weight):
    if weight.shape != input.shape:
        raise _errors.weights_input_size()
    loss = errors * weight
    if reduction == "none":
        return loss
    if reduction == "sum":
        return loss.sum()
    if reduction == "mean":
        return loss.sum() / weight.sum() if mean_by_weight else loss.mean()
    raise _errors.reduction_mode_invalid(reduction)


# ---- regression ----------------------------------------------------------------------------------
def mse_loss(input, target, size_average=None, reduce=None, reduction="mean", weight=None):
    reduction = legacy_reduction(size_average, reduce, reduction)
    input, target = _same_size(input, target)
    if weight is not None:
        return _weighted((input - target) ** 2, weight, input, reduction, True)
    return L.mse_loss(input, target, reduction)


@autocast_rule("fp32")
def l1_loss(input, target, size_average=None, reduce=None, reduction="mean", weight=None):
    reduction = legacy_reduction(size_average, reduce, reduction)
    input, target = _same_size(input, target)
    if weight is not None:
        return _weighted((input - target).abs(), weight, input, reduction, True)
    return _reduce((input - target).abs(), reduction)


def smooth_l1_loss(input, target, size_average=None, reduce=None, reduction="mean", beta=1.0):
    reduction = legacy_reduction(size_average, reduce, reduction)
    input, target = _same_size(input, target)
    if beta == 0.0:
        return _reduce((input - target).abs(), reduction)
    return L.smooth_l1_loss(input, target, reduction, beta)


def huber_loss(input, target, reduction="mean", delta=1.0, weight=None):
    input, target = _same_size(input, target)
    if weight is not None:
        return _weighted(L.huber_loss(input, target, "none", delta), weight, input,
                         reduction, False)
    return L.huber_loss(input, target, reduction, delta)


# ---- classification ------------------------------------------------------------------------------
def nll_loss(input, target, weight=None, size_average=None, ignore_index=-100, reduce=None,
             reduction="mean"):
    """(C,), (N, C) and (N, C, d1, ...) inputs.  3-D and >4-D inputs go through a 4-D view
    (N, C, 1, -1) like ATen's nll_loss_nd, so their node is NllLoss2DBackward0."""
    reduction = reduction_name(legacy_reduction(size_average, reduce, reduction))
    nd = input.ndim
    if nd < 3 or nd == 4:
        return L.nll_loss(input, target, weight, reduction, ignore_index)
    L.check_nll(input, target, weight)
    n, c = input.shape[0], input.shape[1]
    flat = (n, c, 1, -1) if input.numel() else (n, c, 0, 0)
    out = L.nll_loss(input.contiguous().view(flat),
                     target.contiguous().view((n, 1, -1) if target.numel() else (n, 0, 0)),
                     weight, reduction, ignore_index)
    return out.view((n,) + tuple(input.shape[2:])) if reduction == "none" else out


@autocast_rule({"cpu": "fp32"})
def cross_entropy(input, target, weight=None, size_average=None, ignore_index=-100,
                  reduce=None, reduction="mean", label_smoothing=0.0):
    """log_softmax + nll_loss for class indices (PyTorch's graph: NllLossBackward0 over
    LogSoftmaxBackward0); a dense sum for class probabilities (target shaped like input)."""
    reduction = reduction_name(legacy_reduction(size_average, reduce, reduction))
    class_dim = 0 if input.ndim == 1 else 1
    if target.shape == input.shape:
        return _cross_entropy_probs(input, target, weight, reduction, ignore_index,
                                    label_smoothing, class_dim)
    if label_smoothing > 0.0:
        _check_smoothing(label_smoothing)
        return _cross_entropy_smoothed(input, target, weight, reduction, ignore_index,
                                       label_smoothing, class_dim)
    return nll_loss(input.log_softmax(class_dim), target, weight, None, ignore_index, None,
                    reduction)


def _check_smoothing(label_smoothing):
    if label_smoothing > 1.0:
        raise _errors.label_smoothing_range(label_smoothing)


def _class_weight(weight, ndim, class_dim):
    """``weight`` shaped to broadcast along the class dim of an ``ndim``-d input."""
    if ndim < 2:
        return weight
    return weight.view((1,) * class_dim + (-1,) + (1,) * (ndim - class_dim - 1))


def _cross_entropy_probs(input, target, weight, reduction, ignore_index, smoothing, class_dim):
    if not target.is_floating_point():
        raise _errors.ce_target_probs_dtype(target)
    if ignore_index >= 0:
        raise _errors.ce_ignore_index_probs()
    c = input.shape[class_dim]
    if weight is not None and (weight.ndim != 1 or weight.numel() != c):
        raise _errors.nll_weight_size(c, weight, "cross_entropy: ")
    logp = input.log_softmax(class_dim)
    if smoothing > 0.0:
        _check_smoothing(smoothing)
        target = target * (1 - smoothing) + smoothing / c
    prod = logp * target
    if weight is not None:
        prod = prod * _class_weight(weight, input.ndim, class_dim)
    if reduction == "none":
        return -prod.sum(class_dim)
    if reduction == "sum":
        return -prod.sum()
    if input.numel() == 0:
        return -prod.sum() * math.nan
    return -prod.sum() / (input.numel() // c)


def _cross_entropy_smoothed(input, target, weight, reduction, ignore_index, smoothing,
                            class_dim):
    logp = input.log_softmax(class_dim)
    nll = nll_loss(logp, target, weight, None, ignore_index, None, reduction)
    c = logp.shape[class_dim]
    ignored = target == ignore_index
    if weight is not None:
        smooth = -(logp * _class_weight(weight, input.ndim, class_dim)).sum(class_dim)
    else:
        smooth = -logp.sum(class_dim)
    smooth = smooth.masked_fill(ignored, 0.0)
    if reduction == "mean":
        if weight is not None:
            total = weight.gather(0, target.masked_select(~ignored).flatten()).sum()
        else:
            total = (~ignored).sum()
        smooth = smooth.sum() / total
    elif reduction == "sum":
        smooth = smooth.sum()
    return (1 - smoothing) * nll + smooth * (smoothing / c)


def binary_cross_entropy(input, target, weight=None, size_average=None, reduce=None,
                         reduction="mean"):
    reduction = legacy_reduction(size_average, reduce, reduction)
    if target.shape != input.shape:
        raise _errors.bce_target_size_deprecated(input, target)
    if weight is not None:
        weight = weight.expand(_S.broadcast_shapes(target.shape, weight.shape))
    return L.binary_cross_entropy(input, target, weight, reduction)


def binary_cross_entropy_with_logits(input, target, weight=None, size_average=None,
                                     reduce=None, reduction="mean", pos_weight=None):
    """Sigmoid + binary cross-entropy in one numerically stable step (one autograd node)."""
    reduction = legacy_reduction(size_average, reduce, reduction)
    if target.shape != input.shape:
        raise _errors.bce_logits_target_size(input, target)
    return L.binary_cross_entropy_with_logits(input, target, weight, pos_weight, reduction)


@autocast_rule("fp32")
def kl_div(input, target, size_average=None, reduce=None, reduction="mean", log_target=False):
    if size_average is not None or reduce is not None:
        reduction = legacy_reduction(size_average, reduce, reduction)
    elif reduction == "mean":
        warnings.warn(_errors.kl_div_mean_warning(), stacklevel=2)
    red = "sum" if reduction == "batchmean" else reduction_name(reduction)
    out = kl_div_reduced(input, target, red, log_target)
    if reduction == "batchmean" and input.ndim != 0:
        out = out / input.shape[0]
    return out


def kl_div_reduced(input, target, reduction, log_target):
    """The pointwise KL divergence reduced by ``reduction`` ("none", "mean", "sum"): torch's
    native ``kl_div``, without nn.functional's argument handling and warning."""
    if log_target:
        loss = target.exp() * (target - input)
    else:
        loss = target.xlogy(target) - target * input
    return _reduce(loss, reduction)


@autocast_rule("fp32")
def poisson_nll_loss(input, target, log_input=True, full=False, size_average=None, eps=1e-8,
                     reduce=None, reduction="mean"):
    reduction = legacy_reduction(size_average, reduce, reduction)
    if reduction not in ("none", "mean", "sum"):
        raise _errors.reduction_not_valid_value(reduction)
    if log_input:
        loss = input.exp() - target * input
    else:
        loss = input - target * (input + eps).log()
    if full:
        stirling = target * target.log() - target + 0.5 * (2 * math.pi * target).log()
        loss = loss + stirling.masked_fill(target <= 1, 0)
    return _reduce(loss, reduction)


def gaussian_nll_loss(input, target, var, full=False, eps=1e-6, reduction="mean"):
    """0.5 (log var + (input - target)^2 / var); ``var`` may omit or broadcast one dim."""
    if isinstance(var, float):
        if var < 0:
            raise _errors.gaussian_nll_negative_var()
        var = var * _C.ones_like(input)
    elif bool((var < 0).any()):
        raise _errors.gaussian_nll_negative_var()
    if var.shape != input.shape:
        if input.shape[:-1] == var.shape:
            var = var.unsqueeze(-1)
        elif not (input.ndim == var.ndim and sum(
                y for x, y in zip(input.shape, var.shape) if x != y) == 1):
            raise _errors.gaussian_nll_var_size()
    if reduction not in ("none", "mean", "sum"):
        raise _errors.reduction_not_valid(reduction)
    var = var.clone()
    with grad_mode.no_grad():
        var.clamp_(min=eps)
    loss = 0.5 * (var.log() + (input - target) ** 2 / var)
    if full:
        loss = loss + 0.5 * math.log(2 * math.pi)
    return _reduce(loss, reduction)


# ---- margin and embedding losses ----------------------------------------------------------------
@autocast_rule("fp32")
def hinge_embedding_loss(input, target, margin=1.0, size_average=None, reduce=None,
                         reduction="mean"):
    reduction = legacy_reduction(size_average, reduce, reduction)
    zeros = _C.zeros_like(input)
    margin_clamp = (margin - input).clamp_min(0)
    out = _where(target != 1, margin_clamp, zeros) + _where(target != -1, input, zeros)
    return _reduce(out, reduction)


@autocast_rule("fp32")
def margin_ranking_loss(input1, input2, target, margin=0, size_average=None, reduce=None,
                        reduction="mean"):
    reduction = legacy_reduction(size_average, reduce, reduction)
    if input1.ndim != input2.ndim or input1.ndim != target.ndim:
        raise _errors.margin_ranking_dims(input1, input2, target)
    return _reduce((-target * (input1 - input2) + margin).clamp_min(0), reduction)


@autocast_rule("fp32")
def cosine_embedding_loss(input1, input2, target, margin=0, size_average=None, reduce=None,
                          reduction="mean"):
    reduction = legacy_reduction(size_average, reduce, reduction)
    td = target.ndim
    if td > 1:
        raise _errors.target_multi_dim()
    if td == 1 and not (input1.ndim == 2 and input2.ndim == 2):
        raise _errors.cosine_embedding_target(1, input1, input2)
    if td == 0 and not (input1.ndim == 1 and input2.ndim == 1):
        raise _errors.cosine_embedding_target(0, input1, input2)
    prod = (input1 * input2).sum(td)
    mag1 = (input1 * input1).sum(td) + 1e-12
    mag2 = (input2 * input2).sum(td) + 1e-12
    cos = prod / (mag1 * mag2).sqrt()
    zeros = _C.zeros_like(cos)
    out = _where(target == 1, 1 - cos, zeros) + _where(target == -1, (cos - margin).clamp_min(0),
                                                       zeros)
    return _reduce(out, reduction)


def _check_triplet_dims(anchor, positive, negative):
    a, p, n = anchor.ndim, positive.ndim, negative.ndim
    if not (a == p and p == n):
        raise _errors.triplet_dims(a, p, n)


def _triplet(anchor, positive, negative, distance, margin, swap, reduction):
    if margin <= 0:
        raise _errors.margin_not_positive(margin)
    _check_triplet_dims(anchor, positive, negative)
    d_pos = distance(anchor, positive)
    d_neg = distance(anchor, negative)
    if swap:
        d_neg = d_neg.minimum(distance(positive, negative))
    return _reduce((margin + d_pos - d_neg).clamp_min(0), reduction)


@autocast_rule("fp32")
def triplet_margin_loss(anchor, positive, negative, margin=1.0, p=2, eps=1e-6, swap=False,
                        size_average=None, reduce=None, reduction="mean"):
    reduction = legacy_reduction(size_average, reduce, reduction)
    return _triplet(anchor, positive, negative,
                    lambda a, b: pairwise_distance(a, b, p, eps), margin, swap, reduction)


def triplet_margin_with_distance_loss(anchor, positive, negative, *, distance_function=None,
                                      margin=1.0, swap=False, reduction="mean"):
    if reduction not in ("mean", "sum", "none"):
        raise _errors.reduction_invalid(reduction)
    return _triplet(anchor, positive, negative, distance_function or pairwise_distance,
                    margin, swap, reduction)


def soft_margin_loss(input, target, size_average=None, reduce=None, reduction="mean"):
    reduction = legacy_reduction(size_average, reduce, reduction)
    return L.soft_margin_loss(input, target, reduction)


def multilabel_soft_margin_loss(input, target, weight=None, size_average=None, reduce=None,
                                reduction="mean"):
    reduction = legacy_reduction(size_average, reduce, reduction)
    loss = -(target * L.log_sigmoid(input) + (1 - target) * L.log_sigmoid(-input))
    if weight is not None:
        loss = loss * weight
    class_dim = input.ndim - 1
    loss = loss.sum(class_dim) / input.shape[class_dim]
    if reduction not in ("none", "mean", "sum"):
        raise _errors.reduction_not_valid(reduction)
    return _reduce(loss, reduction)


__all__ = ["mse_loss", "l1_loss", "smooth_l1_loss", "huber_loss", "nll_loss", "cross_entropy",
           "binary_cross_entropy", "binary_cross_entropy_with_logits", "kl_div",
           "poisson_nll_loss", "gaussian_nll_loss", "hinge_embedding_loss",
           "margin_ranking_loss", "cosine_embedding_loss", "triplet_margin_loss",
           "triplet_margin_with_distance_loss", "soft_margin_loss",
           "multilabel_soft_margin_loss"]


def multi_margin_loss(input, target, p=1, margin=1.0, weight=None, size_average=None,
                      reduce=None, reduction="mean"):
    reduction = legacy_reduction(size_average, reduce, reduction)
    if p != 1 and p != 2:
        raise _errors.multi_margin_p()
    if weight is not None and weight.ndim != 1:
        raise _errors.multi_margin_weight_dim()
    return L.multi_margin_loss(input, target, p, margin, weight, reduction)


def multilabel_margin_loss(input, target, size_average=None, reduce=None, reduction="mean"):
    reduction = legacy_reduction(size_average, reduce, reduction)
    return L.multilabel_margin_loss(input, target, reduction)


__all__ += ["multi_margin_loss", "multilabel_margin_loss"]


def ctc_loss(log_probs, targets, input_lengths, target_lengths, blank=0, reduction="mean",
             zero_infinity=False):
    return L.ctc_loss(log_probs, targets, input_lengths, target_lengths, blank, reduction,
                      zero_infinity)


__all__ += ["ctc_loss"]
