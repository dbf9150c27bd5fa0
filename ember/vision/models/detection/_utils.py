"""The detection models' shared machinery: box coders, the proposal-to-ground-truth Matcher
and the balanced positive/negative sampler."""
import math
from collections import OrderedDict

import ember

from .... import _errors
from ....nn import functional as F
from ...ops import (FrozenBatchNorm2d, complete_box_iou_loss, distance_box_iou_loss,
                    generalized_box_iou_loss)
from ...ops import boxes as box_ops

__all__ = ["BalancedPositiveNegativeSampler", "BoxCoder", "BoxLinearCoder", "Matcher",
           "SSDMatcher", "overwrite_eps", "retrieve_out_channels"]


class BalancedPositiveNegativeSampler:
    """Per image, a random subset of ``batch_size_per_image`` labelled proposals with at most
    ``positive_fraction`` of positives (matched index >= 1; 0 is background, < 0 ignored).
    Returns uint8 masks ``(positives, negatives)`` per image."""

    def __init__(self, batch_size_per_image, positive_fraction):
        self.batch_size_per_image = batch_size_per_image
        self.positive_fraction = positive_fraction

    def __call__(self, matched_idxs):
        pos_masks, neg_masks = [], []
        for matched in matched_idxs:
            positive = ember.where(matched >= 1)[0]
            negative = ember.where(matched == 0)[0]
            num_pos = min(positive.numel(),
                          int(self.batch_size_per_image * self.positive_fraction))
            num_neg = min(negative.numel(), self.batch_size_per_image - num_pos)
            chosen_pos = positive[ember.randperm(positive.numel(),
                                                 device=positive.device)[:num_pos]]
            chosen_neg = negative[ember.randperm(negative.numel(),
                                                 device=negative.device)[:num_neg]]
            pos_mask = ember.zeros_like(matched, dtype=ember.uint8)
            neg_mask = ember.zeros_like(matched, dtype=ember.uint8)
            pos_mask[chosen_pos] = 1
            neg_mask[chosen_neg] = 1
            pos_masks.append(pos_mask)
            neg_masks.append(neg_mask)
        return pos_masks, neg_masks


def _centre_size(boxes):
    widths = boxes[:, 2] - boxes[:, 0]
    heights = boxes[:, 3] - boxes[:, 1]
    return boxes[:, 0] + 0.5 * widths, boxes[:, 1] + 0.5 * heights, widths, heights


def encode_boxes(reference_boxes, proposals, weights):
    """``(dx, dy, dw, dh)`` taking each proposal to its reference box, scaled by ``weights``."""
    wx, wy, ww, wh = weights[0], weights[1], weights[2], weights[3]
    ex_x, ex_y, ex_w, ex_h = (v[:, None] for v in _centre_size(proposals))
    gt_x, gt_y, gt_w, gt_h = (v[:, None] for v in _centre_size(reference_boxes))
    return ember.cat((wx * (gt_x - ex_x) / ex_w, wy * (gt_y - ex_y) / ex_h,
                      ww * ember.log(gt_w / ex_w), wh * ember.log(gt_h / ex_h)), dim=1)


class BoxCoder:
    """Encodes boxes as weighted centre/size offsets from reference boxes (R-CNN's
    parametrisation) and decodes them back; ``dw``/``dh`` are clipped at
    ``bbox_xform_clip`` before exponentiation."""

    def __init__(self, weights, bbox_xform_clip=math.log(1000.0 / 16)):
        self.weights = weights
        self.bbox_xform_clip = bbox_xform_clip

    def encode(self, reference_boxes, proposals):
        counts = [len(b) for b in reference_boxes]
        targets = self.encode_single(ember.cat(reference_boxes, dim=0), ember.cat(proposals, dim=0))
        return targets.split(counts, 0)

    def encode_single(self, reference_boxes, proposals):
        weights = ember.as_tensor(self.weights, dtype=reference_boxes.dtype,
                                  device=reference_boxes.device)
        return encode_boxes(reference_boxes, proposals, weights)

    def decode(self, rel_codes, boxes):
        total = sum(b.size(0) for b in boxes)
        if total > 0:
            rel_codes = rel_codes.reshape(total, -1)
        pred = self.decode_single(rel_codes, ember.cat(boxes, dim=0))
        return pred.reshape(total, -1, 4) if total > 0 else pred

    def decode_single(self, rel_codes, boxes):
        ctr_x, ctr_y, widths, heights = _centre_size(boxes.to(rel_codes.dtype))
        wx, wy, ww, wh = self.weights
        dx = rel_codes[:, 0::4] / wx
        dy = rel_codes[:, 1::4] / wy
        dw = ember.clamp(rel_codes[:, 2::4] / ww, max=self.bbox_xform_clip)
        dh = ember.clamp(rel_codes[:, 3::4] / wh, max=self.bbox_xform_clip)
        pred_x = dx * widths[:, None] + ctr_x[:, None]
        pred_y = dy * heights[:, None] + ctr_y[:, None]
        half_w = 0.5 * (ember.exp(dw) * widths[:, None])
        half_h = 0.5 * (ember.exp(dh) * heights[:, None])
        return ember.stack((pred_x - half_w, pred_y - half_h, pred_x + half_w, pred_y + half_h),
                           dim=2).flatten(1)


class BoxLinearCoder:
    """FCOS's coder: distances from the reference box's centre to the four sides
    (optionally divided by its size)."""

    def __init__(self, normalize_by_size=True):
        self.normalize_by_size = normalize_by_size

    def _size(self, boxes):
        w = boxes[..., 2] - boxes[..., 0]
        h = boxes[..., 3] - boxes[..., 1]
        return ember.stack((w, h, w, h), dim=-1)

    def encode(self, reference_boxes, proposals):
        cx = 0.5 * (reference_boxes[..., 0] + reference_boxes[..., 2])
        cy = 0.5 * (reference_boxes[..., 1] + reference_boxes[..., 3])
        targets = ember.stack((cx - proposals[..., 0], cy - proposals[..., 1],
                               proposals[..., 2] - cx, proposals[..., 3] - cy), dim=-1)
        return targets / self._size(reference_boxes) if self.normalize_by_size else targets

    def decode(self, rel_codes, boxes):
        boxes = boxes.to(dtype=rel_codes.dtype)
        cx = 0.5 * (boxes[..., 0] + boxes[..., 2])
        cy = 0.5 * (boxes[..., 1] + boxes[..., 3])
        if self.normalize_by_size:
            rel_codes = rel_codes * self._size(boxes)
        return ember.stack((cx - rel_codes[..., 0], cy - rel_codes[..., 1],
                            cx + rel_codes[..., 2], cy + rel_codes[..., 3]), dim=-1)


class Matcher:
    """Each prediction (column of an ``[M gt, N pred]`` quality matrix) gets the index of its
    best ground truth, ``BELOW_LOW_THRESHOLD`` (-1) or ``BETWEEN_THRESHOLDS`` (-2); with
    ``allow_low_quality_matches`` every ground truth also keeps the predictions it matches
    best."""
    BELOW_LOW_THRESHOLD = -1
    BETWEEN_THRESHOLDS = -2

    def __init__(self, high_threshold, low_threshold, allow_low_quality_matches=False):
        if low_threshold > high_threshold:
            raise _errors.matcher_thresholds()
        self.high_threshold = high_threshold
        self.low_threshold = low_threshold
        self.allow_low_quality_matches = allow_low_quality_matches

    def __call__(self, match_quality_matrix):
        if match_quality_matrix.numel() == 0:
            raise _errors.matcher_empty(match_quality_matrix.shape[0] == 0)
        matched_vals, matches = match_quality_matrix.max(dim=0)
        all_matches = matches.clone() if self.allow_low_quality_matches else None
        below = matched_vals < self.low_threshold
        between = (matched_vals >= self.low_threshold) & (matched_vals < self.high_threshold)
        matches[below] = self.BELOW_LOW_THRESHOLD
        matches[between] = self.BETWEEN_THRESHOLDS
        if all_matches is not None:
            self.set_low_quality_matches_(matches, all_matches, match_quality_matrix)
        return matches

    def set_low_quality_matches_(self, matches, all_matches, match_quality_matrix):
        best_per_gt, _ = match_quality_matrix.max(dim=1)
        update = ember.where(match_quality_matrix == best_per_gt[:, None])[1]
        matches[update] = all_matches[update]


class SSDMatcher(Matcher):
    """A single threshold, and every ground truth keeps its best prediction."""

    def __init__(self, threshold):
        super().__init__(threshold, threshold, allow_low_quality_matches=False)

    def __call__(self, match_quality_matrix):
        matches = super().__call__(match_quality_matrix)
        _, best_pred = match_quality_matrix.max(dim=1)
        matches[best_pred] = ember.arange(best_pred.size(0), dtype=ember.int64,
                                          device=best_pred.device)
        return matches


def overwrite_eps(model, eps):
    """Set ``eps`` of every FrozenBatchNorm2d (older checkpoints were trained with 0)."""
    for module in model.modules():
        if isinstance(module, FrozenBatchNorm2d):
            module.eps = eps


def retrieve_out_channels(model, size):
    """Channel counts of the feature maps ``model`` returns for a ``size`` (w, h) image."""
    was_training = model.training
    model.eval()
    with ember.no_grad():
        device = next(model.parameters()).device
        features = model(ember.zeros((1, 3, size[1], size[0]), device=device))
        if isinstance(features, ember.Tensor):
            features = OrderedDict([("0", features)])
        channels = [x.size(1) for x in features.values()]
    if was_training:
        model.train()
    return channels


def _flatten_per_anchor(out, channels):
    """A head's ``[N, A*C, H, W]`` output as ``[N, H*W*A, C]`` (by position, then anchor)."""
    N, _, H, W = out.shape
    return out.view(N, -1, channels, H, W).permute(0, 3, 4, 1, 2).reshape(N, -1, channels)


def _nms_detections(boxes, scores, labels, nms_thresh, limit):
    """One image's detections as the detectors return them: class-wise NMS, then the
    ``limit`` best."""
    keep = box_ops.batched_nms(boxes, scores, labels, nms_thresh)[:limit]
    return {"boxes": boxes[keep], "scores": scores[keep], "labels": labels[keep]}


def _topk_min(input, orig_kval, axis):
    return min(orig_kval, input.size(axis))


def _box_loss(type, box_coder, anchors_per_image, matched_gt_boxes_per_image,
              bbox_regression_per_image, cnf=None):
    """Summed box-regression loss of one image: ``l1``/``smooth_l1`` on encoded targets, or
    an IoU loss (``giou``/``diou``/``ciou``) on decoded boxes."""
    cnf = cnf or {}
    if type in ("l1", "smooth_l1"):
        target = box_coder.encode_single(matched_gt_boxes_per_image, anchors_per_image)
        if type == "l1":
            return F.l1_loss(bbox_regression_per_image, target, reduction="sum")
        return F.smooth_l1_loss(bbox_regression_per_image, target, reduction="sum",
                                beta=cnf.get("beta", 1.0))
    losses = {"ciou": complete_box_iou_loss, "diou": distance_box_iou_loss,
              "giou": generalized_box_iou_loss}
    if type not in losses:
        raise _errors.box_loss_type(type)
    boxes = box_coder.decode_single(bbox_regression_per_image, anchors_per_image)
    return losses[type](boxes, matched_gt_boxes_per_image, reduction="sum",
                        eps=cnf.get("eps", 1e-7))
