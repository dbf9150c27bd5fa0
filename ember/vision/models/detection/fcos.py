"""FCOS (Tian et al., 2019): anchor-free one-stage detection, each location regressing its
distances to the box sides plus a centre-ness score; ``fcos_resnet50_fpn``."""
import math
from functools import partial

import ember

from .... import _errors, nn
from ....nn import functional as F
from ...ops import generalized_box_iou_loss, sigmoid_focal_loss
from ...ops._init import init_conv2d
from ...ops.feature_pyramid_network import LastLevelP6P7
from ..resnet import resnet50
from . import _utils as det_utils
from ._builder import detection_builder
from ._dense import DenseDetector
from .anchor_utils import AnchorGenerator
from .faster_rcnn import resnet50_fpn
from .generalized_rcnn import check_detector_arguments

__all__ = ["FCOS", "FCOS_ResNet50_FPN_Weights", "fcos_resnet50_fpn"]


def _conv_tower(in_channels, num_convs, norm_layer):
    """``num_convs`` x (3x3 conv, norm (GroupNorm(32) by default), ReLU)."""
    norm_layer = norm_layer or partial(nn.GroupNorm, 32)
    layers = []
    for _ in range(num_convs):
        layers += [nn.Conv2d(in_channels, in_channels, kernel_size=3, stride=1, padding=1),
                   norm_layer(in_channels), nn.ReLU()]
    tower = nn.Sequential(*layers)
    init_conv2d(tower, partial(nn.init.normal_, std=0.01))
    return tower


class FCOSClassificationHead(nn.Module):
    """Per-location class logits (bias initialised to the prior probability)."""

    def __init__(self, in_channels, num_anchors, num_classes, num_convs=4, prior_probability=0.01,
                 norm_layer=None):
        super().__init__()
        self.num_classes = num_classes
        self.num_anchors = num_anchors
        self.conv = _conv_tower(in_channels, num_convs, norm_layer)
        self.cls_logits = nn.Conv2d(in_channels, num_anchors * num_classes, kernel_size=3,
                                    stride=1, padding=1)
        nn.init.normal_(self.cls_logits.weight, std=0.01)
        nn.init.constant_(self.cls_logits.bias,
                          -math.log((1 - prior_probability) / prior_probability))

    def forward(self, x):
        return ember.cat([det_utils._flatten_per_anchor(self.cls_logits(self.conv(f)),
                                                        self.num_classes) for f in x], dim=1)


class FCOSRegressionHead(nn.Module):
    """Per-location non-negative side distances and a centre-ness logit."""

    def __init__(self, in_channels, num_anchors, num_convs=4, norm_layer=None):
        super().__init__()
        self.conv = _conv_tower(in_channels, num_convs, norm_layer)
        self.bbox_reg = nn.Conv2d(in_channels, num_anchors * 4, kernel_size=3, stride=1,
                                  padding=1)
        self.bbox_ctrness = nn.Conv2d(in_channels, num_anchors * 1, kernel_size=3, stride=1,
                                      padding=1)
        for layer in (self.bbox_reg, self.bbox_ctrness):
            nn.init.normal_(layer.weight, std=0.01)
            nn.init.zeros_(layer.bias)

    def forward(self, x):
        regression, ctrness = [], []
        for features in x:
            feature = self.conv(features)
            regression.append(det_utils._flatten_per_anchor(F.relu(self.bbox_reg(feature)), 4))
            ctrness.append(det_utils._flatten_per_anchor(self.bbox_ctrness(feature), 1))
        return ember.cat(regression, dim=1), ember.cat(ctrness, dim=1)


class FCOSHead(nn.Module):
    """Classification and regression/centre-ness branches and their losses: focal loss,
    GIoU loss and centre-ness BCE, each divided by the number of foreground locations."""

    def __init__(self, in_channels, num_anchors, num_classes, num_convs=4):
        super().__init__()
        self.box_coder = det_utils.BoxLinearCoder(normalize_by_size=True)
        self.classification_head = FCOSClassificationHead(in_channels, num_anchors, num_classes,
                                                          num_convs)
        self.regression_head = FCOSRegressionHead(in_channels, num_anchors, num_convs)

    def compute_loss(self, targets, head_outputs, anchors, matched_idxs):
        cls_logits = head_outputs["cls_logits"]
        gt_classes, gt_boxes = [], []
        for target, matched in zip(targets, matched_idxs):
            if len(target["labels"]) == 0:
                classes = target["labels"].new_zeros((len(matched),))
                boxes = target["boxes"].new_zeros((len(matched), 4))
            else:
                classes = target["labels"][matched.clip(min=0)]
                boxes = target["boxes"][matched.clip(min=0)]
            gt_classes.append(ember.where(matched < 0, -1, classes))
            gt_boxes.append(boxes)
        gt_boxes, gt_classes, anchors = ember.stack(gt_boxes), ember.stack(gt_classes), \
            ember.stack(anchors)
        foreground = gt_classes >= 0
        num_foreground = max(1, foreground.sum().item())
        one_hot = F.one_hot(gt_classes.clamp(min=0), cls_logits.shape[-1]).to(cls_logits.dtype)
        class_targets = one_hot * foreground[..., None].to(cls_logits.dtype)
        loss_cls = sigmoid_focal_loss(cls_logits, class_targets, reduction="sum")
        pred_boxes = self.box_coder.decode(head_outputs["bbox_regression"], anchors)
        loss_box = generalized_box_iou_loss(pred_boxes[foreground], gt_boxes[foreground],
                                            reduction="sum")
        reg_targets = self.box_coder.encode(anchors, gt_boxes)
        if len(reg_targets) == 0:
            ctrness_targets = reg_targets.new_zeros(reg_targets.size()[:-1])
        else:
            lr, tb = reg_targets[:, :, [0, 2]], reg_targets[:, :, [1, 3]]
            ctrness_targets = ember.sqrt(lr.min(dim=-1)[0] / lr.max(dim=-1)[0] *
                                         (tb.min(dim=-1)[0] / tb.max(dim=-1)[0]))
        pred_ctrness = head_outputs["bbox_ctrness"].squeeze(dim=2)
        loss_ctrness = F.binary_cross_entropy_with_logits(
            pred_ctrness[foreground], ctrness_targets[foreground], reduction="sum")
        return {"classification": loss_cls / num_foreground,
                "bbox_regression": loss_box / num_foreground,
                "bbox_ctrness": loss_ctrness / num_foreground}

    def forward(self, x):
        regression, ctrness = self.regression_head(x)
        return {"cls_logits": self.classification_head(x), "bbox_regression": regression,
                "bbox_ctrness": ctrness}


class FCOS(DenseDetector):
    """FCOS over ``backbone``; one "anchor" (a square of the level's stride-scaled size) per
    location, used for centre sampling and scale assignment."""

    def __init__(self, backbone, num_classes, min_size=800, max_size=1333, image_mean=None,
                 image_std=None, anchor_generator=None, head=None, center_sampling_radius=1.5,
                 score_thresh=0.2, nms_thresh=0.6, detections_per_img=100, topk_candidates=1000,
                 **kwargs):
        check_detector_arguments(backbone)
        if not isinstance(anchor_generator, (AnchorGenerator, type(None))):
            raise _errors.fcos_anchor_generator_type(type(anchor_generator))
        super().__init__(score_thresh, nms_thresh, detections_per_img, topk_candidates)
        self.backbone = backbone
        if anchor_generator is None:
            sizes = ((8,), (16,), (32,), (64,), (128,))
            anchor_generator = AnchorGenerator(sizes, ((1.0,),) * len(sizes))
        self.anchor_generator = anchor_generator
        if anchor_generator.num_anchors_per_location()[0] != 1:
            raise _errors.fcos_anchors_per_location(
                anchor_generator.num_anchors_per_location()[0])
        self.head = head or FCOSHead(backbone.out_channels, 1, num_classes)
        self.box_coder = det_utils.BoxLinearCoder(normalize_by_size=True)
        self.center_sampling_radius = center_sampling_radius
        self.add_transform(min_size, max_size, image_mean, image_std, **kwargs)

    def compute_loss(self, targets, head_outputs, anchors, num_anchors_per_level):
        """Match each location to the smallest ground-truth box whose centre region
        (``center_sampling_radius`` strides) contains it, within the level's size range."""
        matched_idxs = []
        for anchors_per_image, target in zip(anchors, targets):
            if target["boxes"].numel() == 0:
                matched_idxs.append(ember.full((anchors_per_image.size(0),), -1,
                                               dtype=ember.int64, device=anchors_per_image.device))
                continue
            gt_boxes = target["boxes"]
            gt_centers = (gt_boxes[:, :2] + gt_boxes[:, 2:]) / 2
            centers = (anchors_per_image[:, :2] + anchors_per_image[:, 2:]) / 2
            sizes = anchors_per_image[:, 2] - anchors_per_image[:, 0]
            match = (centers[:, None, :] - gt_centers[None, :, :]).abs().max(dim=2).values < \
                self.center_sampling_radius * sizes[:, None]
            x, y = centers.unsqueeze(dim=2).unbind(dim=1)
            x0, y0, x1, y1 = gt_boxes.unsqueeze(dim=0).unbind(dim=2)
            dist = ember.stack([x - x0, y - y0, x1 - x, y1 - y], dim=2)
            match = match & (dist.min(dim=2).values > 0)
            first, last = num_anchors_per_level[0], num_anchors_per_level[-1]
            lower = ember.cat([ember.zeros_like(sizes[:first]), sizes[first:] * 4])
            upper = sizes * 8
            upper = ember.cat([upper[:len(upper) - last],
                               ember.full_like(upper[len(upper) - last:], math.inf)])
            dist = dist.max(dim=2).values
            match = match & (dist > lower[:, None]) & (dist < upper[:, None])
            areas = (gt_boxes[:, 2] - gt_boxes[:, 0]) * (gt_boxes[:, 3] - gt_boxes[:, 1])
            # the smallest matching box wins
            weighted = match.to(ember.float32) * (1e8 - areas[None, :])
            best, matched = weighted.max(dim=1)
            matched_idxs.append(ember.where(best < 1e-5, -1, matched))
        return self.head.compute_loss(targets, head_outputs, anchors, matched_idxs)

    def _losses(self, targets, head_outputs, anchors, num_anchors_per_level):
        return self.compute_loss(targets, head_outputs, anchors, num_anchors_per_level)

    def _scores(self, level):
        return ember.sqrt(ember.sigmoid(level["cls_logits"]) *
                          ember.sigmoid(level["bbox_ctrness"])).flatten()

    def _decode(self, regression, anchors):
        return self.box_coder.decode(regression, anchors)


def _fcos_resnet50_fpn(cfg, **kwargs):
    backbone = resnet50_fpn(cfg, returned_layers=[2, 3, 4], extra_blocks=LastLevelP6P7(256, 256))
    return FCOS(backbone, cfg.num_classes, **kwargs)


FCOS_ResNet50_FPN_Weights, fcos_resnet50_fpn = detection_builder(
    "fcos_resnet50_fpn", resnet50, _fcos_resnet50_fpn)
