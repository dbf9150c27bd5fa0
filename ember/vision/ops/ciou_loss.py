"""Complete IoU loss between matched pairs of boxes."""
import ember

from .boxes import _aspect_term
from .diou_loss import _diou_iou_loss
from .focal_loss import reduce_loss
from .giou_loss import _as_float


def complete_box_iou_loss(boxes1, boxes2, reduction="none", eps=1e-7):
    """``1 - CIoU`` of each pair: the DIoU loss plus a weighted aspect-ratio term (the
    weight carries no gradient)."""
    boxes1, boxes2 = _as_float(boxes1), _as_float(boxes2)
    loss, iou = _diou_iou_loss(boxes1, boxes2)
    v = _aspect_term(boxes2, boxes1)
    with ember.no_grad():
        alpha = v / (1 - iou + v + eps)
    return reduce_loss(loss + alpha * v, reduction, empty_mean_is_zero=True)
