"""Generalized IoU loss between matched pairs of boxes."""
import ember

from .focal_loss import reduce_loss


def _as_float(t):
    return t if t.is_floating_point() else t.float()


def paired_inter_union(boxes1, boxes2):
    """Intersection and union of each pair of ``xyxy`` boxes (same shapes)."""
    x1, y1, x2, y2 = boxes1.unbind(-1)
    x1g, y1g, x2g, y2g = boxes2.unbind(-1)
    w = ember.minimum(x2, x2g) - ember.maximum(x1, x1g)
    h = ember.minimum(y2, y2g) - ember.maximum(y1, y1g)
    inter = ember.where((w > 0) & (h > 0), w * h, ember.zeros_like(x1))
    return inter, (x2 - x1) * (y2 - y1) + (x2g - x1g) * (y2g - y1g) - inter


def enclosing_corners(boxes1, boxes2):
    """(xc1, yc1, xc2, yc2): the smallest box around each pair."""
    x1, y1, x2, y2 = boxes1.unbind(-1)
    x1g, y1g, x2g, y2g = boxes2.unbind(-1)
    return (ember.minimum(x1, x1g), ember.minimum(y1, y1g), ember.maximum(x2, x2g),
            ember.maximum(y2, y2g))


def generalized_box_iou_loss(boxes1, boxes2, reduction="none", eps=1e-7):
    """``1 - GIoU`` of each pair (symmetric; boxes ``[..., 4]`` in ``xyxy``)."""
    boxes1, boxes2 = _as_float(boxes1), _as_float(boxes2)
    inter, union = paired_inter_union(boxes1, boxes2)
    xc1, yc1, xc2, yc2 = enclosing_corners(boxes1, boxes2)
    area = (xc2 - xc1) * (yc2 - yc1)
    loss = 1 - (inter / (union + eps) - (area - union) / (area + eps))
    return reduce_loss(loss, reduction, empty_mean_is_zero=True)
