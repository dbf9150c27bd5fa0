"""The second stage of the R-CNN models: pool each proposal's features, classify it and
refine its box (and, for Mask / Keypoint R-CNN, predict its mask / keypoint heatmaps); the
Fast R-CNN, mask and keypoint losses in training, the detections in evaluation."""
import ember

from .... import _errors, nn
from ....nn import functional as F
from ...ops import boxes as box_ops, roi_align
from . import _utils as det_utils

__all__ = ["RoIHeads", "fastrcnn_loss", "maskrcnn_loss", "maskrcnn_inference",
           "keypointrcnn_loss", "keypointrcnn_inference", "paste_masks_in_image"]


def fastrcnn_loss(class_logits, box_regression, labels, regression_targets):
    """Cross-entropy over all sampled proposals, and smooth-L1 (beta 1/9) of the positives'
    deltas for their ground-truth class, divided by the number of proposals."""
    labels = ember.cat(labels, dim=0)
    regression_targets = ember.cat(regression_targets, dim=0)
    classification_loss = F.cross_entropy(class_logits, labels)
    pos = ember.where(labels > 0)[0]
    N = class_logits.shape[0]
    box_regression = box_regression.reshape(N, box_regression.size(-1) // 4, 4)
    box_loss = F.smooth_l1_loss(box_regression[pos, labels[pos]], regression_targets[pos],
                                beta=1 / 9, reduction="sum")
    return classification_loss, box_loss / labels.numel()


def maskrcnn_inference(x, labels):
    """Each detection's mask probabilities for its predicted class, split per image."""
    labels_per_image = [label.shape[0] for label in labels]
    labels = ember.cat(labels)
    index = ember.arange(x.shape[0], device=labels.device)
    return x.sigmoid()[index, labels][:, None].split(labels_per_image, dim=0)


def project_masks_on_boxes(gt_masks, boxes, matched_idxs, M):
    """Each proposal's ground-truth mask cropped to the proposal and resampled to M x M."""
    rois = ember.cat([matched_idxs.to(boxes)[:, None], boxes], dim=1)
    return roi_align(gt_masks[:, None].to(rois), rois, (M, M), 1.0)[:, 0]


def maskrcnn_loss(mask_logits, proposals, gt_masks, gt_labels, mask_matched_idxs):
    """Per-pixel binary cross-entropy of the positives' mask logits for their class."""
    size = mask_logits.shape[-1]
    labels = ember.cat([gt[idxs] for gt, idxs in zip(gt_labels, mask_matched_idxs)], dim=0)
    targets = ember.cat([project_masks_on_boxes(m, p, i, size)
                         for m, p, i in zip(gt_masks, proposals, mask_matched_idxs)], dim=0)
    if targets.numel() == 0:
        return mask_logits.sum() * 0
    index = ember.arange(labels.shape[0], device=labels.device)
    return F.binary_cross_entropy_with_logits(mask_logits[index, labels], targets)


def keypoints_to_heatmap(keypoints, rois, heatmap_size):
    """Each keypoint's flat index in its RoI's ``heatmap_size``² grid, and whether it is
    visible and inside."""
    offset_x, offset_y = rois[:, 0][:, None], rois[:, 1][:, None]
    scale_x = (heatmap_size / (rois[:, 2] - rois[:, 0]))[:, None]
    scale_y = (heatmap_size / (rois[:, 3] - rois[:, 1]))[:, None]
    x, y = keypoints[..., 0], keypoints[..., 1]
    on_right = x == rois[:, 2][:, None]
    on_bottom = y == rois[:, 3][:, None]
    x = ((x - offset_x) * scale_x).floor().long()
    y = ((y - offset_y) * scale_y).floor().long()
    x = ember.where(on_right, heatmap_size - 1, x)
    y = ember.where(on_bottom, heatmap_size - 1, y)
    inside = (x >= 0) & (y >= 0) & (x < heatmap_size) & (y < heatmap_size)
    valid = (inside & (keypoints[..., 2] > 0)).long()
    return (y * heatmap_size + x) * valid, valid


def heatmaps_to_keypoints(maps, rois):
    """Keypoint locations ``[R, K, 3]`` (x, y, 1) at each heatmap's maximum after bicubic
    resizing to the RoI's size, and the scores there ``[R, K]``."""
    offset_x, offset_y = rois[:, 0], rois[:, 1]
    widths = (rois[:, 2] - rois[:, 0]).clamp(min=1)
    heights = (rois[:, 3] - rois[:, 1]).clamp(min=1)
    widths_ceil, heights_ceil = widths.ceil(), heights.ceil()
    num_keypoints = maps.shape[1]
    preds, scores = [], []
    for i in range(len(rois)):
        roi_w, roi_h = int(widths_ceil[i].item()), int(heights_ceil[i].item())
        roi_map = F.interpolate(maps[i][:, None], size=(roi_h, roi_w), mode="bicubic",
                                align_corners=False)[:, 0]
        w = roi_map.shape[2]
        pos = roi_map.reshape(num_keypoints, -1).argmax(dim=1)
        x_int = pos % w
        y_int = ember.div(pos - x_int, w, rounding_mode="floor")
        x = (x_int.float() + 0.5) * (widths[i] / roi_w) + offset_x[i]
        y = (y_int.float() + 0.5) * (heights[i] / roi_h) + offset_y[i]
        preds.append(ember.stack([x, y, ember.ones_like(x)], dim=1))
        scores.append(roi_map[ember.arange(num_keypoints, device=roi_map.device), y_int, x_int])
    if not preds:
        return (ember.zeros((0, num_keypoints, 3), device=maps.device),
                ember.zeros((0, num_keypoints), device=maps.device))
    return ember.stack(preds).float(), ember.stack(scores).float()


def keypointrcnn_loss(keypoint_logits, proposals, gt_keypoints, keypoint_matched_idxs):
    """Cross-entropy of each visible keypoint's heatmap over the ``H*W`` positions."""
    N, K, H, W = keypoint_logits.shape
    if H != W:
        raise _errors.keypoint_logits_not_square(H, W)
    heatmaps, valid = [], []
    for props, gt_kp, midx in zip(proposals, gt_keypoints, keypoint_matched_idxs):
        h, v = keypoints_to_heatmap(gt_kp[midx], props, H)
        heatmaps.append(h.view(-1))
        valid.append(v.view(-1))
    targets = ember.cat(heatmaps, dim=0)
    valid = ember.where(ember.cat(valid, dim=0).to(dtype=ember.uint8))[0]
    if targets.numel() == 0 or len(valid) == 0:
        return keypoint_logits.sum() * 0
    return F.cross_entropy(keypoint_logits.view(N * K, H * W)[valid], targets[valid])


def keypointrcnn_inference(x, boxes):
    probs, scores = [], []
    for xx, bb in zip(x.split([b.size(0) for b in boxes], dim=0), boxes):
        p, s = heatmaps_to_keypoints(xx, bb)
        probs.append(p)
        scores.append(s)
    return probs, scores


def expand_boxes(boxes, scale):
    """Boxes scaled by ``scale`` about their centres."""
    w_half = (boxes[:, 2] - boxes[:, 0]) * 0.5 * scale
    h_half = (boxes[:, 3] - boxes[:, 1]) * 0.5 * scale
    x_c = (boxes[:, 2] + boxes[:, 0]) * 0.5
    y_c = (boxes[:, 3] + boxes[:, 1]) * 0.5
    return ember.stack((x_c - w_half, y_c - h_half, x_c + w_half, y_c + h_half), dim=1)


def expand_masks(mask, padding):
    M = mask.shape[-1]
    return F.pad(mask, (padding,) * 4), float(M + 2 * padding) / M


def paste_mask_in_image(mask, box, im_h, im_w):
    """One ``[M, M]`` mask resized (bilinear) to its integer box and placed in an empty
    ``[im_h, im_w]`` image."""
    x0, y0, x1, y1 = (int(v) for v in box.tolist())
    w, h = max(x1 - x0 + 1, 1), max(y1 - y0 + 1, 1)
    mask = F.interpolate(mask.expand((1, 1, -1, -1)), size=(h, w), mode="bilinear",
                         align_corners=False)[0][0]
    im_mask = ember.zeros((im_h, im_w), dtype=mask.dtype, device=mask.device)
    left, right = max(x0, 0), min(x1 + 1, im_w)
    top, bottom = max(y0, 0), min(y1 + 1, im_h)
    if right > left and bottom > top:
        im_mask[top:bottom, left:right] = mask[top - y0:bottom - y0, left - x0:right - x0]
    return im_mask


def paste_masks_in_image(masks, boxes, img_shape, padding=1):
    """``[N, 1, M, M]`` masks pasted into ``[N, 1, H, W]`` images at their boxes (padded by
    ``padding`` cells, the boxes enlarged to match)."""
    masks, scale = expand_masks(masks, padding=padding)
    boxes = expand_boxes(boxes, scale).to(dtype=ember.int64)
    im_h, im_w = img_shape
    pasted = [paste_mask_in_image(m[0], b, im_h, im_w) for m, b in zip(masks, boxes)]
    if not pasted:
        return masks.new_empty((0, 1, im_h, im_w))
    return ember.stack(pasted, dim=0)[:, None]


class RoIHeads(nn.Module):
    """Box head (pool, ``box_head``, ``box_predictor``) plus the optional mask and keypoint
    branches; ``forward(features, proposals, image_shapes, targets)`` returns ``(result,
    losses)`` as torchvision's."""

    def __init__(self, box_roi_pool, box_head, box_predictor, fg_iou_thresh, bg_iou_thresh,
                 batch_size_per_image, positive_fraction, bbox_reg_weights, score_thresh,
                 nms_thresh, detections_per_img, mask_roi_pool=None, mask_head=None,
                 mask_predictor=None, keypoint_roi_pool=None, keypoint_head=None,
                 keypoint_predictor=None):
        super().__init__()
        self.box_similarity = box_ops.box_iou
        self.proposal_matcher = det_utils.Matcher(fg_iou_thresh, bg_iou_thresh,
                                                  allow_low_quality_matches=False)
        self.fg_bg_sampler = det_utils.BalancedPositiveNegativeSampler(batch_size_per_image,
                                                                       positive_fraction)
        self.box_coder = det_utils.BoxCoder(bbox_reg_weights or (10.0, 10.0, 5.0, 5.0))
        self.box_roi_pool = box_roi_pool
        self.box_head = box_head
        self.box_predictor = box_predictor
        self.score_thresh = score_thresh
        self.nms_thresh = nms_thresh
        self.detections_per_img = detections_per_img
        self.mask_roi_pool = mask_roi_pool
        self.mask_head = mask_head
        self.mask_predictor = mask_predictor
        self.keypoint_roi_pool = keypoint_roi_pool
        self.keypoint_head = keypoint_head
        self.keypoint_predictor = keypoint_predictor

    def has_mask(self):
        return None not in (self.mask_roi_pool, self.mask_head, self.mask_predictor)

    def has_keypoint(self):
        return None not in (self.keypoint_roi_pool, self.keypoint_head, self.keypoint_predictor)

    def assign_targets_to_proposals(self, proposals, gt_boxes, gt_labels):
        matched_idxs, labels = [], []
        for props, boxes, gt_labels_in_image in zip(proposals, gt_boxes, gt_labels):
            if boxes.numel() == 0:
                clamped = ember.zeros((props.shape[0],), dtype=ember.int64, device=props.device)
                label = ember.zeros((props.shape[0],), dtype=ember.int64, device=props.device)
            else:
                matched = self.proposal_matcher(box_ops.box_iou(boxes, props))
                clamped = matched.clamp(min=0)
                label = gt_labels_in_image[clamped].to(dtype=ember.int64)
                label[matched == self.proposal_matcher.BELOW_LOW_THRESHOLD] = 0
                label[matched == self.proposal_matcher.BETWEEN_THRESHOLDS] = -1
            matched_idxs.append(clamped)
            labels.append(label)
        return matched_idxs, labels

    def subsample(self, labels):
        pos, neg = self.fg_bg_sampler(labels)
        return [ember.where(p | n)[0] for p, n in zip(pos, neg)]

    def add_gt_proposals(self, proposals, gt_boxes):
        return [ember.cat((p, g)) for p, g in zip(proposals, gt_boxes)]

    def check_targets(self, targets):
        if targets is None:
            raise _errors.targets_none()
        keys = ["boxes", "labels"] + (["masks"] if self.has_mask() else [])
        for key in keys:
            if not all(key in t for t in targets):
                raise _errors.targets_missing_key(key)

    def select_training_samples(self, proposals, targets):
        """Proposals (with the ground truth added) sampled per image, with their matched
        ground-truth index, class label and regression target."""
        self.check_targets(targets)
        dtype, device = proposals[0].dtype, proposals[0].device
        gt_boxes = [t["boxes"].to(dtype) for t in targets]
        gt_labels = [t["labels"] for t in targets]
        proposals = self.add_gt_proposals(proposals, gt_boxes)
        matched_idxs, labels = self.assign_targets_to_proposals(proposals, gt_boxes, gt_labels)
        sampled = self.subsample(labels)
        matched_gt_boxes = []
        for i, inds in enumerate(sampled):
            proposals[i] = proposals[i][inds]
            labels[i] = labels[i][inds]
            matched_idxs[i] = matched_idxs[i][inds]
            boxes = gt_boxes[i]
            if boxes.numel() == 0:
                boxes = ember.zeros((1, 4), dtype=dtype, device=device)
            matched_gt_boxes.append(boxes[matched_idxs[i]])
        return proposals, matched_idxs, labels, self.box_coder.encode(matched_gt_boxes, proposals)

    def postprocess_detections(self, class_logits, box_regression, proposals, image_shapes):
        """Per image and class: decoded, clipped boxes above ``score_thresh``, not tiny,
        NMS'ed per class, the best ``detections_per_img``."""
        device = class_logits.device
        num_classes = class_logits.shape[-1]
        per_image = [p.shape[0] for p in proposals]
        pred_boxes = self.box_coder.decode(box_regression, proposals).split(per_image, 0)
        pred_scores = F.softmax(class_logits, -1).split(per_image, 0)
        all_boxes, all_scores, all_labels = [], [], []
        for boxes, scores, image_shape in zip(pred_boxes, pred_scores, image_shapes):
            boxes = box_ops.clip_boxes_to_image(boxes, image_shape)
            labels = ember.arange(num_classes, device=device).view(1, -1).expand_as(scores)
            # drop the background column
            boxes = boxes[:, 1:].reshape(-1, 4)
            scores = scores[:, 1:].reshape(-1)
            labels = labels[:, 1:].reshape(-1)
            inds = ember.where(scores > self.score_thresh)[0]
            boxes, scores, labels = boxes[inds], scores[inds], labels[inds]
            keep = box_ops.remove_small_boxes(boxes, min_size=1e-2)
            boxes, scores, labels = boxes[keep], scores[keep], labels[keep]
            keep = box_ops.batched_nms(boxes, scores, labels, self.nms_thresh)
            keep = keep[:self.detections_per_img]
            all_boxes.append(boxes[keep])
            all_scores.append(scores[keep])
            all_labels.append(labels[keep])
        return all_boxes, all_scores, all_labels

    def _check_target_types(self, targets):
        for t in targets:
            if t["boxes"].dtype not in (ember.float, ember.double, ember.half):
                raise _errors.target_dtype("boxes", "float", t["boxes"].dtype)
            if t["labels"].dtype != ember.int64:
                raise _errors.target_dtype("labels", "int64", t["labels"].dtype)
            if self.has_keypoint() and t["keypoints"].dtype != ember.float32:
                raise _errors.target_dtype("keypoints", "float", t["keypoints"].dtype)

    @staticmethod
    def _positives(proposals, matched_idxs, labels):
        """The positive proposals of each image and their matched ground-truth indices."""
        pos = [ember.where(label > 0)[0] for label in labels]
        return [p[i] for p, i in zip(proposals, pos)], [m[i] for m, i in zip(matched_idxs, pos)]

    def forward(self, features, proposals, image_shapes, targets=None):
        if targets is not None:
            self._check_target_types(targets)
        if self.training:
            proposals, matched_idxs, labels, regression_targets = \
                self.select_training_samples(proposals, targets)
        box_features = self.box_head(self.box_roi_pool(features, proposals, image_shapes))
        class_logits, box_regression = self.box_predictor(box_features)
        result, losses = [], {}
        if self.training:
            loss_classifier, loss_box_reg = fastrcnn_loss(class_logits, box_regression, labels,
                                                          regression_targets)
            losses = {"loss_classifier": loss_classifier, "loss_box_reg": loss_box_reg}
        else:
            boxes, scores, labels = self.postprocess_detections(class_logits, box_regression,
                                                                proposals, image_shapes)
            result = [{"boxes": b, "labels": lab, "scores": s}
                      for b, s, lab in zip(boxes, scores, labels)]
        if self.has_mask() or self.has_keypoint():
            # The mask and keypoint branches see the positive proposals in training and the
            # detected boxes in eval.
            if self.training:
                branch_proposals, pos_matched = self._positives(proposals, matched_idxs, labels)
            else:
                branch_proposals = [r["boxes"] for r in result]
        if self.has_mask():
            mask_logits = self.mask_predictor(self.mask_head(
                self.mask_roi_pool(features, branch_proposals, image_shapes)))
            if self.training:
                losses["loss_mask"] = maskrcnn_loss(
                    mask_logits, branch_proposals, [t["masks"] for t in targets],
                    [t["labels"] for t in targets], pos_matched)
            else:
                probs = maskrcnn_inference(mask_logits, [r["labels"] for r in result])
                for prob, r in zip(probs, result):
                    r["masks"] = prob
        if self.has_keypoint():
            kp_logits = self.keypoint_predictor(self.keypoint_head(
                self.keypoint_roi_pool(features, branch_proposals, image_shapes)))
            if self.training:
                losses["loss_keypoint"] = keypointrcnn_loss(
                    kp_logits, branch_proposals, [t["keypoints"] for t in targets], pos_matched)
            else:
                kp_probs, kp_scores = keypointrcnn_inference(kp_logits, branch_proposals)
                for prob, score, r in zip(kp_probs, kp_scores, result):
                    r["keypoints"] = prob
                    r["keypoints_scores"] = score
        return result, losses
