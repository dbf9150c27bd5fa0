"""Sigmoid focal loss (RetinaNet): cross-entropy down-weighted on well-classified examples."""
import ember

from ... import _errors
from ...nn import functional as F


def reduce_loss(loss, reduction, empty_mean_is_zero=False):
    """Apply a torchvision loss's ``reduction`` ('none', 'mean' or 'sum')."""
    if reduction == "none":
        return loss
    if reduction == "mean":
        return 0.0 * loss.sum() if empty_mean_is_zero and loss.numel() == 0 else loss.mean()
    if reduction == "sum":
        return loss.sum()
    raise _errors.loss_reduction_value(reduction)


def sigmoid_focal_loss(inputs, targets, alpha=0.25, gamma=2, reduction="none"):
    """``alpha_t (1 - p_t)^gamma`` times the binary cross-entropy of the logits ``inputs``
    against ``targets`` (``alpha=-1`` leaves out the class weighting)."""
    if not 0 <= alpha <= 1 and alpha != -1:
        raise _errors.focal_loss_alpha(alpha)
    p = ember.sigmoid(inputs)
    loss = F.binary_cross_entropy_with_logits(inputs, targets, reduction="none")
    p_t = p * targets + (1 - p) * (1 - targets)
    loss = loss * (1 - p_t) ** gamma
    if alpha >= 0:
        loss = (alpha * targets + (1 - alpha) * (1 - targets)) * loss
    return reduce_loss(loss, reduction)
