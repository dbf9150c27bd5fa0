"""Distance IoU loss between matched pairs of boxes."""
from .focal_loss import reduce_loss
from .giou_loss import _as_float, enclosing_corners, paired_inter_union


def _diou_iou_loss(boxes1, boxes2, eps=1e-7):
    """(1 - IoU + centre distance^2 / enclosing diagonal^2, IoU) of each pair."""
    inter, union = paired_inter_union(boxes1, boxes2)
    iou = inter / (union + eps)
    xc1, yc1, xc2, yc2 = enclosing_corners(boxes1, boxes2)
    diagonal = (xc2 - xc1) ** 2 + (yc2 - yc1) ** 2 + eps
    x1, y1, x2, y2 = boxes1.unbind(-1)
    x1g, y1g, x2g, y2g = boxes2.unbind(-1)
    centres = ((x1 + x2) / 2 - (x1g + x2g) / 2) ** 2 + ((y1 + y2) / 2 - (y1g + y2g) / 2) ** 2
    return 1 - iou + centres / diagonal, iou


def distance_box_iou_loss(boxes1, boxes2, reduction="none", eps=1e-7):
    """``1 - DIoU`` of each pair (symmetric; boxes ``[..., 4]`` in ``xyxy``)."""
    loss, _ = _diou_iou_loss(_as_float(boxes1), _as_float(boxes2), eps)
    return reduce_loss(loss, reduction, empty_mean_is_zero=True)
