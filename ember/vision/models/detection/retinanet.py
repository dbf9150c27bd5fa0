"""RetinaNet (Lin et al., 2017): a one-stage detector with focal loss over dense anchors on
an FPN (P3-P7); ``retinanet_resnet50_fpn`` (``_v2``)."""
import math
from functools import partial

import ember

from .... import nn
from ....nn import functional as F
from ...ops import boxes as box_ops, misc as misc_nn_ops, sigmoid_focal_loss
from ...ops._init import init_conv2d
from ...ops._legacy_keys import RenamedInVersion2
from ...ops.feature_pyramid_network import LastLevelP6P7
from ..resnet import resnet50
from . import _utils as det_utils
from ._builder import detection_builder
from ._utils import _box_loss
from .anchor_utils import AnchorGenerator
from ._dense import DenseDetector
from .faster_rcnn import eps_zero, resnet50_fpn
from .generalized_rcnn import check_detector_arguments

__all__ = ["RetinaNet", "RetinaNet_ResNet50_FPN_Weights", "RetinaNet_ResNet50_FPN_V2_Weights",
           "retinanet_resnet50_fpn", "retinanet_resnet50_fpn_v2"]


def _default_anchorgen():
    sizes = tuple((x, int(x * 2 ** (1.0 / 3)), int(x * 2 ** (2.0 / 3)))
                  for x in (32, 64, 128, 256, 512))
    return AnchorGenerator(sizes, ((0.5, 1.0, 2.0),) * len(sizes))


class _HeadBranch(RenamedInVersion2, nn.Module):
    """Four 3x3 conv(-norm)-ReLU blocks shared over the pyramid levels, then a 3x3
    convolution to ``channels`` outputs per anchor."""

    def __init__(self, in_channels, norm_layer):
        super().__init__()
        self.conv = nn.Sequential(*[misc_nn_ops.Conv2dNormActivation(in_channels, in_channels,
                                                                     norm_layer=norm_layer)
                                    for _ in range(4)])
        init_conv2d(self.conv, partial(nn.init.normal_, std=0.01))

    def _version_1_names(self):
        # version 1: ``conv.<2i>`` of a Sequential with ReLUs between
        return [(f"conv.{2 * i}", f"conv.{i}.0") for i in range(4)]

    def _run(self, x, last, channels):
        return ember.cat([det_utils._flatten_per_anchor(last(self.conv(f)), channels)
                          for f in x], dim=1)


class RetinaNetClassificationHead(_HeadBranch):
    """Per-anchor class logits (bias initialised to the prior probability); focal loss."""

    def __init__(self, in_channels, num_anchors, num_classes, prior_probability=0.01,
                 norm_layer=None):
        super().__init__(in_channels, norm_layer)
        self.cls_logits = nn.Conv2d(in_channels, num_anchors * num_classes, kernel_size=3,
                                    stride=1, padding=1)
        nn.init.normal_(self.cls_logits.weight, std=0.01)
        nn.init.constant_(self.cls_logits.bias,
                          -math.log((1 - prior_probability) / prior_probability))
        self.num_classes = num_classes
        self.num_anchors = num_anchors
        self.BETWEEN_THRESHOLDS = det_utils.Matcher.BETWEEN_THRESHOLDS

    def compute_loss(self, targets, head_outputs, matched_idxs):
        """Sigmoid focal loss over the anchors not between thresholds, per image divided by
        its foreground count, averaged over images."""
        losses = []
        for target, logits, matched in zip(targets, head_outputs["cls_logits"], matched_idxs):
            foreground = matched >= 0
            one_hot = F.one_hot(target["labels"][matched.clamp(min=0)], self.num_classes)
            gt_classes = one_hot.to(logits.dtype) * foreground[:, None].to(logits.dtype)
            valid = matched != self.BETWEEN_THRESHOLDS
            loss = sigmoid_focal_loss(logits[valid], gt_classes[valid], reduction="sum")
            losses.append(loss / max(1, foreground.sum()))
        return sum(losses[1:], losses[0]) / len(targets)

    def forward(self, x):
        return self._run(x, self.cls_logits, self.num_classes)


class RetinaNetRegressionHead(_HeadBranch):
    """Per-anchor box deltas; L1 loss (``_loss_type``, GIoU in the v2 model) on the
    foreground anchors."""

    def __init__(self, in_channels, num_anchors, norm_layer=None):
        super().__init__(in_channels, norm_layer)
        self.bbox_reg = nn.Conv2d(in_channels, num_anchors * 4, kernel_size=3, stride=1,
                                  padding=1)
        nn.init.normal_(self.bbox_reg.weight, std=0.01)
        nn.init.zeros_(self.bbox_reg.bias)
        self.box_coder = det_utils.BoxCoder(weights=(1.0, 1.0, 1.0, 1.0))
        self._loss_type = "l1"

    def compute_loss(self, targets, head_outputs, anchors, matched_idxs):
        losses = []
        for target, regression, anchors_per_image, matched in zip(
                targets, head_outputs["bbox_regression"], anchors, matched_idxs):
            fg = ember.where(matched >= 0)[0]
            loss = _box_loss(self._loss_type, self.box_coder, anchors_per_image[fg, :],
                             target["boxes"][matched[fg]], regression[fg, :])
            losses.append(loss / max(1, fg.numel()))
        return sum(losses[1:], losses[0]) / max(1, len(targets))

    def forward(self, x):
        return self._run(x, self.bbox_reg, 4)


class RetinaNetHead(nn.Module):
    """The classification and regression branches."""

    def __init__(self, in_channels, num_anchors, num_classes, norm_layer=None):
        super().__init__()
        self.classification_head = RetinaNetClassificationHead(in_channels, num_anchors,
                                                               num_classes, norm_layer=norm_layer)
        self.regression_head = RetinaNetRegressionHead(in_channels, num_anchors,
                                                       norm_layer=norm_layer)

    def compute_loss(self, targets, head_outputs, anchors, matched_idxs):
        return {"classification": self.classification_head.compute_loss(targets, head_outputs,
                                                                         matched_idxs),
                "bbox_regression": self.regression_head.compute_loss(targets, head_outputs,
                                                                     anchors, matched_idxs)}

    def forward(self, x):
        return {"cls_logits": self.classification_head(x),
                "bbox_regression": self.regression_head(x)}


class RetinaNet(DenseDetector):
    """RetinaNet over ``backbone`` (with ``out_channels``); in training returns
    ``{"classification", "bbox_regression"}``, in evaluation per-image detections: per
    level the ``topk_candidates`` best (anchor, class) scores above ``score_thresh``, then
    class-wise NMS and the best ``detections_per_img``."""

    def __init__(self, backbone, num_classes, min_size=800, max_size=1333, image_mean=None,
                 image_std=None, anchor_generator=None, head=None, proposal_matcher=None,
                 score_thresh=0.05, nms_thresh=0.5, detections_per_img=300, fg_iou_thresh=0.5,
                 bg_iou_thresh=0.4, topk_candidates=1000, **kwargs):
        check_detector_arguments(backbone, anchor_generator=(anchor_generator, AnchorGenerator))
        super().__init__(score_thresh, nms_thresh, detections_per_img, topk_candidates)
        self.backbone = backbone
        self.anchor_generator = anchor_generator or _default_anchorgen()
        self.head = head or RetinaNetHead(
            backbone.out_channels, self.anchor_generator.num_anchors_per_location()[0],
            num_classes)
        self.proposal_matcher = proposal_matcher or det_utils.Matcher(
            fg_iou_thresh, bg_iou_thresh, allow_low_quality_matches=True)
        self.box_coder = det_utils.BoxCoder(weights=(1.0, 1.0, 1.0, 1.0))
        self.add_transform(min_size, max_size, image_mean, image_std, **kwargs)

    def compute_loss(self, targets, head_outputs, anchors):
        matched_idxs = []
        for anchors_per_image, target in zip(anchors, targets):
            if target["boxes"].numel() == 0:
                matched_idxs.append(ember.full((anchors_per_image.size(0),), -1,
                                               dtype=ember.int64, device=anchors_per_image.device))
            else:
                matched_idxs.append(self.proposal_matcher(box_ops.box_iou(target["boxes"],
                                                                          anchors_per_image)))
        return self.head.compute_loss(targets, head_outputs, anchors, matched_idxs)

    def _losses(self, targets, head_outputs, anchors, num_anchors_per_level):
        return self.compute_loss(targets, head_outputs, anchors)

    def _scores(self, level):
        return ember.sigmoid(level["cls_logits"]).flatten()

    def _decode(self, regression, anchors):
        return self.box_coder.decode_single(regression, anchors)


def _retinanet_resnet50_fpn(cfg, **kwargs):
    backbone = resnet50_fpn(cfg, returned_layers=[2, 3, 4], extra_blocks=LastLevelP6P7(256, 256))
    return RetinaNet(backbone, cfg.num_classes, **kwargs)


def _retinanet_resnet50_fpn_v2(cfg, **kwargs):
    backbone = resnet50_fpn(cfg, backbone_norm=nn.BatchNorm2d, returned_layers=[2, 3, 4],
                            extra_blocks=LastLevelP6P7(2048, 256))
    anchors = _default_anchorgen()
    head = RetinaNetHead(backbone.out_channels, anchors.num_anchors_per_location()[0],
                         cfg.num_classes, norm_layer=partial(nn.GroupNorm, 32))
    head.regression_head._loss_type = "giou"
    return RetinaNet(backbone, cfg.num_classes, anchor_generator=anchors, head=head, **kwargs)


RetinaNet_ResNet50_FPN_Weights, retinanet_resnet50_fpn = detection_builder(
    "retinanet_resnet50_fpn", resnet50, _retinanet_resnet50_fpn, finish=eps_zero)
RetinaNet_ResNet50_FPN_V2_Weights, retinanet_resnet50_fpn_v2 = detection_builder(
    "retinanet_resnet50_fpn_v2", resnet50, _retinanet_resnet50_fpn_v2,
    backbone_default=None)
