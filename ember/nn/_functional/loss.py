"""nn.functional: all losses."""
from ..._ops._core import record, needs_grad
from ...autograd import grad_mode
from ...autograd.graph import node_class

_REDUCTIONS = ("none", "mean", "sum")


def _reduce(loss, reduction):
    if reduction == "mean":
        return loss.mean()
    if reduction == "sum":
        return loss.sum()
    if reduction == "none":
        return loss
    raise ValueError(f"{reduction} is not a valid value for reduction")


def _bce_logits_terms(x, y, pos_weight):
    """softplus(-x) computed stably, and the per-element weight on it."""
    sp_neg = (-x).clamp_min(0) + (-x.abs()).exp().log1p()
    coef = 1 + (pos_weight - 1) * y if pos_weight is not None else None
    return sp_neg, coef


def _bce_logits_backward(node, g):
    x, y, weight, pos_weight = node.saved()
    reduction, n = node._args
    if reduction == "mean":
        g = g / n
    sp_neg, coef = _bce_logits_terms(x, y, pos_weight)
    gx = gy = None
    if node.next_functions[0][0] is not None:
        s = x.sigmoid()
        gx = (s - y) if coef is None else (1 - y) - coef * (1 - s)
        gx = gx * g if weight is None else gx * weight * g
    if node.next_functions[1][0] is not None:
        gy = -x if pos_weight is None else -x + (pos_weight - 1) * sp_neg
        gy = gy * g if weight is None else gy * weight * g
    return gx, gy


BinaryCrossEntropyWithLogitsBackward0 = node_class("BinaryCrossEntropyWithLogitsBackward0",
                                                   _bce_logits_backward)


def binary_cross_entropy_with_logits(input, target, weight=None, size_average=None,
                                     reduce=None, reduction="mean", pos_weight=None):
    """Sigmoid + binary cross-entropy in one numerically stable step (one autograd node)."""
    if target.shape != input.shape:
        raise ValueError(f"Target size ({target.shape}) must be the same as input size "
                         f"({input.shape})")
    if reduction not in _REDUCTIONS:
        raise ValueError(f"{reduction} is not a valid value for reduction")
    with grad_mode.no_grad():
        sp_neg, coef = _bce_logits_terms(input, target, pos_weight)
        loss = (1 - target) * input + (sp_neg if coef is None else coef * sp_neg)
        if weight is not None:
            loss = loss * weight
        out = _reduce(loss, reduction)
    if needs_grad(input, target):
        record(out, BinaryCrossEntropyWithLogitsBackward0, (input, target),
               (input, target, weight, pos_weight), (reduction, input.numel()))
    return out


__all__ = ["binary_cross_entropy_with_logits"]
