"""Box utilities: formats, areas, pairwise IoU variants, clipping and non-maximum suppression.

Axis-aligned boxes are ``xyxy`` (corners), ``xywh`` (corner and size) or ``cxcywh`` (centre
and size); rotated boxes are ``xywhr`` / ``cxcywhr`` (angle in degrees, counter-clockwise) or
``xyxyxyxy`` (four corners).  Everything is written in ember ops, so IoUs and losses are
differentiable; ``nms`` runs its greedy loop on host arrays.
"""
import math

import ember

from ... import _errors

_ALIGNED = ("xyxy", "xywh", "cxcywh")
_ROTATED = ("xywhr", "cxcywhr", "xyxyxyxy")


def _upcast(t):
    """Integer boxes widen (int32/int64 keep their range, the rest become float32) so that
    products of coordinates cannot overflow; float16 becomes float32."""
    if t.is_floating_point():
        return t if t.dtype in (ember.float32, ember.float64) else t.float()
    return t if t.dtype in (ember.int32, ember.int64) else t.int()


# ---- format conversion ----------------------------------------------------------------------
def _to_xyxy(boxes, fmt):
    a, b, c, d = boxes.unbind(-1)
    if fmt == "xywh":
        return ember.stack((a, b, a + c, b + d), dim=-1)
    return ember.stack((a - 0.5 * c, b - 0.5 * d, a + 0.5 * c, b + 0.5 * d), dim=-1)


def _from_xyxy(boxes, fmt):
    x1, y1, x2, y2 = boxes.unbind(-1)
    if fmt == "xywh":
        return ember.stack((x1, y1, x2 - x1, y2 - y1), dim=-1)
    return ember.stack(((x1 + x2) / 2, (y1 + y2) / 2, x2 - x1, y2 - y1), dim=-1)


def _rotation(r):
    rad = r * math.pi / 180.0
    return ember.cos(rad), ember.sin(rad)


def _to_xywhr(boxes, fmt):
    if fmt == "cxcywhr":
        cx, cy, w, h, r = boxes.unbind(-1)
        cos, sin = _rotation(r)
        return ember.stack((cx - w / 2 * cos - h / 2 * sin, cy - h / 2 * cos + w / 2 * sin,
                            w, h, r), dim=-1)
    x1, y1, x2, y2, x3, y3, _, _ = boxes.unbind(-1)
    r = ember.atan2(y1 - y2, x2 - x1) * 180 / math.pi
    w = ((x2 - x1) ** 2 + (y1 - y2) ** 2).sqrt()
    h = ((x3 - x2) ** 2 + (y3 - y2) ** 2).sqrt()
    return ember.stack((x1, y1, w, h, r), dim=-1)


def _from_xywhr(boxes, fmt):
    x1, y1, w, h, r = boxes.unbind(-1)
    cos, sin = _rotation(r)
    if fmt == "cxcywhr":
        return ember.stack((x1 + w / 2 * cos + h / 2 * sin, y1 - w / 2 * sin + h / 2 * cos,
                            w, h, r), dim=-1)
    x2, y2 = x1 + w * cos, y1 - w * sin
    return ember.stack((x1, y1, x2, y2, x2 + h * sin, y2 + h * cos, x1 + h * sin,
                        y1 + h * cos), dim=-1)


def box_convert(boxes, in_fmt, out_fmt):
    """Convert boxes between formats (axis-aligned among themselves, rotated among
    themselves); integer rotated boxes are rounded back to their dtype."""
    if in_fmt not in _ALIGNED + _ROTATED or out_fmt not in _ALIGNED + _ROTATED:
        raise _errors.box_format_conversion(in_fmt, out_fmt)
    if in_fmt == out_fmt:
        return boxes.clone()
    if in_fmt in _ALIGNED and out_fmt in _ALIGNED:
        xyxy = boxes if in_fmt == "xyxy" else _to_xyxy(boxes, in_fmt)
        return xyxy if out_fmt == "xyxy" else _from_xyxy(xyxy, out_fmt)
    if in_fmt in _ROTATED and out_fmt in _ROTATED:
        # integer boxes are rounded back to their dtype after each of the (up to) two steps
        keep = (lambda t: t) if boxes.is_floating_point() else \
            (lambda t: t.round().to(boxes.dtype))
        xywhr = boxes if in_fmt == "xywhr" else keep(_to_xywhr(boxes, in_fmt))
        return xywhr if out_fmt == "xywhr" else keep(_from_xywhr(xywhr, out_fmt))
    raise _errors.box_format_conversion(in_fmt, out_fmt, NotImplementedError)


# ---- areas and overlaps ---------------------------------------------------------------------
def box_area(boxes, fmt="xyxy"):
    """Areas of boxes ``[..., 4]`` given as ``xyxy``, ``xywh`` or ``cxcywh``."""
    if fmt not in _ALIGNED:
        raise _errors.box_area_format(fmt)
    boxes = _upcast(boxes)
    if fmt == "xyxy":
        return (boxes[..., 2] - boxes[..., 0]) * (boxes[..., 3] - boxes[..., 1])
    return boxes[..., 2] * boxes[..., 3]


def _inter_union(boxes1, boxes2, fmt="xyxy"):
    area1, area2 = box_area(boxes1, fmt), box_area(boxes2, fmt)
    if fmt != "xyxy":
        boxes1, boxes2 = _to_xyxy(boxes1, fmt), _to_xyxy(boxes2, fmt)
    lt = ember.maximum(boxes1[..., None, :2], boxes2[..., None, :, :2])
    rb = ember.minimum(boxes1[..., None, 2:], boxes2[..., None, :, 2:])
    wh = _upcast(rb - lt).clamp(min=0)
    inter = wh[..., 0] * wh[..., 1]
    return inter, area1[..., None] + area2[..., None, :] - inter


def box_iou(boxes1, boxes2, fmt="xyxy"):
    """Pairwise intersection over union, ``[..., N, M]``."""
    if fmt in _ROTATED:
        raise _errors.unsupported("torchvision.ops.box_iou for rotated boxes",
                                  "it needs torchvision's compiled box_iou_rotated kernel")
    if fmt not in _ALIGNED:
        raise _errors.box_iou_format(fmt, _ALIGNED, ("cxcywhr", "xywhr", "xyxyxyxy"))
    inter, union = _inter_union(boxes1, boxes2, fmt)
    return inter / union


def _enclosing_area(boxes1, boxes2):
    lt = ember.minimum(boxes1[..., None, :2], boxes2[..., None, :, :2])
    rb = ember.maximum(boxes1[..., None, 2:], boxes2[..., None, :, 2:])
    return _upcast(rb - lt).clamp(min=0)


def generalized_box_iou(boxes1, boxes2):
    """Pairwise GIoU: IoU minus the share of the enclosing box that the union leaves empty."""
    inter, union = _inter_union(boxes1, boxes2)
    wh = _enclosing_area(boxes1, boxes2)
    area = wh[..., 0] * wh[..., 1]
    return inter / union - (area - union) / area


def _diou_iou(boxes1, boxes2, eps=1e-7):
    iou = box_iou(boxes1, boxes2)
    wh = _enclosing_area(boxes1, boxes2)
    diagonal = wh[..., 0] ** 2 + wh[..., 1] ** 2 + eps
    cx1, cy1 = (boxes1[..., 0] + boxes1[..., 2]) / 2, (boxes1[..., 1] + boxes1[..., 3]) / 2
    cx2, cy2 = (boxes2[..., 0] + boxes2[..., 2]) / 2, (boxes2[..., 1] + boxes2[..., 3]) / 2
    centres = _upcast(cx1[..., None] - cx2[..., None, :]) ** 2 + \
        _upcast(cy1[..., None] - cy2[..., None, :]) ** 2
    return iou - centres / diagonal, iou


def distance_box_iou(boxes1, boxes2, eps=1e-7):
    """Pairwise DIoU: IoU minus the squared centre distance over the enclosing diagonal."""
    return _diou_iou(_upcast(boxes1), _upcast(boxes2), eps)[0]


def _aspect_term(boxes1, boxes2):
    """CIoU's aspect-ratio consistency ``v`` for every pair."""
    w1, h1 = boxes1[..., 2] - boxes1[..., 0], boxes1[..., 3] - boxes1[..., 1]
    w2, h2 = boxes2[..., 2] - boxes2[..., 0], boxes2[..., 3] - boxes2[..., 1]
    return (4 / math.pi ** 2) * (ember.atan(w1 / h1) - ember.atan(w2 / h2)) ** 2


def complete_box_iou(boxes1, boxes2, eps=1e-7):
    """Pairwise CIoU: DIoU minus a weighted aspect-ratio term (the weight carries no
    gradient)."""
    boxes1, boxes2 = _upcast(boxes1), _upcast(boxes2)
    diou, iou = _diou_iou(boxes1, boxes2, eps)
    v = _aspect_term(boxes1[..., None, :], boxes2[..., None, :, :])
    with ember.no_grad():
        alpha = v / (1 - iou + v + eps)
    return diou - alpha * v


def masks_to_boxes(masks):
    """``xyxy`` boxes around the non-zero pixels of each mask ``[N, H, W]`` (float)."""
    if masks.numel() == 0:
        return ember.zeros((0, 4), device=masks.device, dtype=ember.float)
    n, h, w = masks.shape
    rows = masks.bool().any(2)
    cols = masks.bool().any(1)
    ys = ember.arange(h, device=masks.device).expand(n, h)
    xs = ember.arange(w, device=masks.device).expand(n, w)
    big = max(h, w)
    return ember.stack((ember.where(cols, xs, big).amin(1), ember.where(rows, ys, big).amin(1),
                        ember.where(cols, xs, -1).amax(1), ember.where(rows, ys, -1).amax(1)),
                       dim=1).float()


# ---- filtering --------------------------------------------------------------------------------
def remove_small_boxes(boxes, min_size):
    """Indices of the boxes whose width and height are both at least ``min_size``."""
    keep = (boxes[..., 2] - boxes[..., 0] >= min_size) & (boxes[..., 3] - boxes[..., 1] >= min_size)
    return ember.where(keep)[0]


def clip_boxes_to_image(boxes, size):
    """Clamp ``xyxy`` boxes into an image of ``size`` = (height, width)."""
    height, width = size
    x = boxes[..., 0::2].clamp(min=0, max=width)
    y = boxes[..., 1::2].clamp(min=0, max=height)
    return ember.stack((x, y), dim=boxes.dim()).reshape(boxes.shape)


def nms(boxes, scores, iou_threshold):
    """Greedy non-maximum suppression: indices (int64) of the kept boxes, highest score
    first; a box is dropped when its IoU with a kept, higher-scoring box exceeds
    ``iou_threshold``."""
    _check_nms(boxes, scores)
    backend = boxes._device._backend
    b = backend.to_host(boxes.detach()._data)
    # torchvision's kernel visits boxes in ``scores.sort(0, descending=True)`` order, ties
    # included (an unstable sort: ember's CPU sort puts ties where PyTorch's does)
    order = backend.to_host(ember.sort(scores.detach(), 0, descending=True).indices._data)
    b = b[order]
    x1, y1, x2, y2 = b[:, 0], b[:, 1], b[:, 2], b[:, 3]
    areas = (x2 - x1) * (y2 - y1)
    suppressed = order < 0     # all False: a host bool array without importing NumPy here
    keep = []
    for i in range(len(order)):
        if suppressed[i]:
            continue
        keep.append(i)
        rest = slice(i + 1, None)
        w = (x2[rest].clip(None, x2[i]) - x1[rest].clip(x1[i], None)).clip(0, None)
        h = (y2[rest].clip(None, y2[i]) - y1[rest].clip(y1[i], None)).clip(0, None)
        inter = w * h
        suppressed[rest] |= inter / (areas[i] + areas[rest] - inter) > iou_threshold
    return ember.tensor(order[keep], dtype=ember.int64, device=boxes.device)


def _check_nms(boxes, scores):
    if boxes.dim() != 2:
        raise _errors.nms_boxes_dim(boxes.dim())
    if boxes.shape[1] != 4:
        raise _errors.nms_boxes_width(boxes.shape[1])
    if scores.dim() != 1:
        raise _errors.nms_scores_dim(scores.dim())
    if boxes.shape[0] != scores.shape[0]:
        raise _errors.nms_count_mismatch(boxes.shape[0], scores.shape[0])


def batched_nms(boxes, scores, idxs, iou_threshold):
    """NMS within each category of ``idxs`` (boxes of different categories never suppress
    each other); indices sorted by decreasing score."""
    if boxes.numel() == 0:
        return ember.empty((0,), dtype=ember.int64, device=boxes.device)
    # shift each category's boxes beyond every other's, then one NMS does all categories
    offsets = idxs.to(boxes.dtype) * (boxes.max() + 1)
    return nms(boxes + offsets[:, None], scores, iou_threshold)
