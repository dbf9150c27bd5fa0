"""SSD (Liu et al., 2015): single-shot detection from default boxes on several feature maps,
with hard-negative mining; ``ssd300_vgg16``."""
import warnings
from collections import OrderedDict

import ember

from .... import _errors, nn
from ....nn import functional as F
from ...ops import boxes as box_ops
from ...ops._init import init_conv2d
from ..vgg import vgg16
from . import _utils as det_utils
from ._builder import detection_builder
from ._dense import head_and_anchors
from .anchor_utils import DefaultBoxGenerator
from .transform import _IMAGENET_MEAN, _IMAGENET_STD, GeneralizedRCNNTransform

__all__ = ["SSD300_VGG16_Weights", "ssd300_vgg16"]


def _xavier_init(conv):
    init_conv2d(conv, nn.init.xavier_uniform_)


class SSDScoringHead(nn.Module):
    """One module per feature map; their ``[N, A*columns, H, W]`` outputs flattened to
    ``[N, sum(H*W*A), columns]``."""

    def __init__(self, module_list, num_columns):
        super().__init__()
        self.module_list = module_list
        self.num_columns = num_columns

    def forward(self, x):
        return ember.cat([det_utils._flatten_per_anchor(module(features), self.num_columns)
                          for module, features in zip(self.module_list, x)], dim=1)


def _conv_heads(in_channels, num_anchors, columns):
    heads = nn.ModuleList([nn.Conv2d(c, columns * a, kernel_size=3, padding=1)
                           for c, a in zip(in_channels, num_anchors)])
    _xavier_init(heads)
    return heads


class SSDClassificationHead(SSDScoringHead):
    def __init__(self, in_channels, num_anchors, num_classes):
        super().__init__(_conv_heads(in_channels, num_anchors, num_classes), num_classes)


class SSDRegressionHead(SSDScoringHead):
    def __init__(self, in_channels, num_anchors):
        super().__init__(_conv_heads(in_channels, num_anchors, 4), 4)


class SSDHead(nn.Module):
    def __init__(self, in_channels, num_anchors, num_classes):
        super().__init__()
        self.classification_head = SSDClassificationHead(in_channels, num_anchors, num_classes)
        self.regression_head = SSDRegressionHead(in_channels, num_anchors)

    def forward(self, x):
        return {"bbox_regression": self.regression_head(x),
                "cls_logits": self.classification_head(x)}


class SSD(nn.Module):
    """SSD over ``backbone`` (returning an ordered dict of feature maps) at the fixed input
    ``size``; in training ``{"bbox_regression", "classification"}`` (smooth-L1 on the
    matched default boxes, cross-entropy on them and the hardest negatives, at most
    ``(1 - positive_fraction) / positive_fraction`` per positive), in evaluation per-class
    top-k, NMS and the best ``detections_per_img``."""

    def __init__(self, backbone, anchor_generator, size, num_classes, image_mean=None,
                 image_std=None, head=None, score_thresh=0.01, nms_thresh=0.45,
                 detections_per_img=200, iou_thresh=0.5, topk_candidates=400,
                 positive_fraction=0.25, **kwargs):
        super().__init__()
        self.backbone = backbone
        self.anchor_generator = anchor_generator
        self.box_coder = det_utils.BoxCoder(weights=(10.0, 10.0, 5.0, 5.0))
        if head is None:
            out_channels = getattr(backbone, "out_channels", None) or \
                det_utils.retrieve_out_channels(backbone, size)
            if len(out_channels) != len(anchor_generator.aspect_ratios):
                raise _errors.ssd_out_channels(len(out_channels),
                                               len(anchor_generator.aspect_ratios))
            head = SSDHead(out_channels, anchor_generator.num_anchors_per_location(),
                           num_classes)
        self.head = head
        self.proposal_matcher = det_utils.SSDMatcher(iou_thresh)
        self.transform = GeneralizedRCNNTransform(
            min(size), max(size), image_mean or _IMAGENET_MEAN, image_std or _IMAGENET_STD,
            size_divisible=1, fixed_size=size, **kwargs)
        self.score_thresh = score_thresh
        self.nms_thresh = nms_thresh
        self.detections_per_img = detections_per_img
        self.topk_candidates = topk_candidates
        self.neg_to_pos_ratio = (1.0 - positive_fraction) / positive_fraction
        self._has_warned = False

    def eager_outputs(self, losses, detections):
        return losses if self.training else detections

    def compute_loss(self, targets, head_outputs, anchors, matched_idxs):
        num_foreground = 0
        bbox_loss, cls_targets = [], []
        for target, regression, logits, anchors_per_image, matched in zip(
                targets, head_outputs["bbox_regression"], head_outputs["cls_logits"], anchors,
                matched_idxs):
            fg = ember.where(matched >= 0)[0]
            fg_matched = matched[fg]
            num_foreground += fg_matched.numel()
            target_regression = self.box_coder.encode_single(target["boxes"][fg_matched],
                                                             anchors_per_image[fg, :])
            bbox_loss.append(F.smooth_l1_loss(regression[fg, :], target_regression,
                                              reduction="sum"))
            labels = target["labels"][matched.clamp(min=0)]
            cls_targets.append(ember.where(matched >= 0, labels, ember.zeros_like(labels)))
        bbox_loss = ember.stack(bbox_loss)
        cls_targets = ember.stack(cls_targets)
        cls_logits = head_outputs["cls_logits"]
        num_classes = cls_logits.size(-1)
        cls_loss = F.cross_entropy(cls_logits.view(-1, num_classes), cls_targets.view(-1),
                                   reduction="none").view(cls_targets.size())
        # hard-negative mining: the background boxes with the largest losses
        foreground = cls_targets > 0
        num_negative = self.neg_to_pos_ratio * foreground.sum(1, keepdim=True)
        negative_loss = ember.where(foreground, -float("inf"), cls_loss.detach())
        _, idx = negative_loss.sort(1, descending=True)
        background = idx.sort(1)[1] < num_negative
        N = max(1, num_foreground)
        return {"bbox_regression": bbox_loss.sum() / N,
                "classification": (cls_loss[foreground].sum() + cls_loss[background].sum()) / N}

    def forward(self, images, targets=None):
        original_image_sizes, images, targets, _, head_outputs, anchors = head_and_anchors(
            self, images, targets)
        if self.training:
            matched_idxs = []
            for anchors_per_image, target in zip(anchors, targets):
                if target["boxes"].numel() == 0:
                    matched_idxs.append(ember.full((anchors_per_image.size(0),), -1,
                                                   dtype=ember.int64,
                                                   device=anchors_per_image.device))
                else:
                    matched_idxs.append(self.proposal_matcher(
                        box_ops.box_iou(target["boxes"], anchors_per_image)))
            return self.eager_outputs(self.compute_loss(targets, head_outputs, anchors,
                                                        matched_idxs), [])
        detections = self.postprocess_detections(head_outputs, anchors, images.image_sizes)
        detections = self.transform.postprocess(detections, images.image_sizes,
                                                original_image_sizes)
        return self.eager_outputs({}, detections)

    def postprocess_detections(self, head_outputs, image_anchors, image_shapes):
        pred_scores = F.softmax(head_outputs["cls_logits"], dim=-1)
        num_classes = pred_scores.size(-1)
        detections = []
        for boxes, scores, anchors, image_shape in zip(head_outputs["bbox_regression"],
                                                       pred_scores, image_anchors, image_shapes):
            boxes = box_ops.clip_boxes_to_image(self.box_coder.decode_single(boxes, anchors),
                                                image_shape)
            image_boxes, image_scores, image_labels = [], [], []
            for label in range(1, num_classes):
                score = scores[:, label]
                keep = score > self.score_thresh
                score, box = score[keep], boxes[keep]
                score, idxs = score.topk(det_utils._topk_min(score, self.topk_candidates, 0))
                image_boxes.append(box[idxs])
                image_scores.append(score)
                image_labels.append(ember.full_like(score, fill_value=label, dtype=ember.int64))
            detections.append(det_utils._nms_detections(
                ember.cat(image_boxes, dim=0), ember.cat(image_scores, dim=0),
                ember.cat(image_labels, dim=0), self.nms_thresh, self.detections_per_img))
        return detections


class SSDFeatureExtractorVGG(nn.Module):
    """VGG up to conv4_3 (L2-normalised and rescaled by a learnt per-channel weight), then
    conv5 with a dilated "fc6"/"fc7", then four (five with ``highres``) extra stride-2
    blocks; one output per stage."""

    def __init__(self, backbone, highres):
        super().__init__()
        pools = [i for i, layer in enumerate(backbone) if isinstance(layer, nn.MaxPool2d)]
        maxpool3_pos, maxpool4_pos = pools[2], pools[3]
        backbone[maxpool3_pos].ceil_mode = True
        self.scale_weight = nn.Parameter(ember.ones(512) * 20)
        self.features = nn.Sequential(*backbone[:maxpool4_pos])

        def block(cin, mid, cout, **last):
            return nn.Sequential(nn.Conv2d(cin, mid, kernel_size=1), nn.ReLU(inplace=True),
                                 nn.Conv2d(mid, cout, **last), nn.ReLU(inplace=True))
        extra = nn.ModuleList([
            block(1024, 256, 512, kernel_size=3, padding=1, stride=2),
            block(512, 128, 256, kernel_size=3, padding=1, stride=2),
            block(256, 128, 256, kernel_size=3), block(256, 128, 256, kernel_size=3)])
        if highres:
            extra.append(block(256, 128, 256, kernel_size=4))
        _xavier_init(extra)
        fc = nn.Sequential(
            nn.MaxPool2d(kernel_size=3, stride=1, padding=1, ceil_mode=False),
            nn.Conv2d(in_channels=512, out_channels=1024, kernel_size=3, padding=6, dilation=6),
            nn.ReLU(inplace=True), nn.Conv2d(in_channels=1024, out_channels=1024, kernel_size=1),
            nn.ReLU(inplace=True))
        _xavier_init(fc)
        extra.insert(0, nn.Sequential(*backbone[maxpool4_pos:-1], fc))
        self.extra = extra

    def forward(self, x):
        x = self.features(x)
        output = [self.scale_weight.view(1, -1, 1, 1) * F.normalize(x)]
        for block in self.extra:
            x = block(x)
            output.append(x)
        return OrderedDict((str(i), v) for i, v in enumerate(output))


def _freeze_stages(features, stage_indices, trainable_layers):
    """Freeze the blocks before the last ``trainable_layers`` stages."""
    num_stages = len(stage_indices)
    freeze_before = len(features) if trainable_layers == 0 else \
        stage_indices[num_stages - trainable_layers]
    for block in features[:freeze_before]:
        for parameter in block.parameters():
            parameter.requires_grad_(False)


def _vgg_extractor(backbone, highres, trainable_layers):
    features = backbone.features
    stages = [0] + [i for i, b in enumerate(features) if isinstance(b, nn.MaxPool2d)][:-1]
    if not 0 <= trainable_layers <= len(stages):
        raise _errors.trainable_layers_between(len(stages), trainable_layers)
    _freeze_stages(features, stages, trainable_layers)
    return SSDFeatureExtractorVGG(features, highres)


def _ssd300_vgg16(cfg, **kwargs):
    if "size" in kwargs:
        warnings.warn(_errors.fixed_size_warning())
        kwargs.pop("size")
    backbone = _vgg_extractor(vgg16(weights=cfg.weights_backbone, progress=cfg.progress), False,
                              cfg.trainable_layers)
    anchors = DefaultBoxGenerator([[2], [2, 3], [2, 3], [2, 3], [2], [2]],
                                  scales=[0.07, 0.15, 0.33, 0.51, 0.69, 0.87, 1.05],
                                  steps=[8, 16, 32, 64, 100, 300])
    return SSD(backbone, anchors, (300, 300), cfg.num_classes, **kwargs)


SSD300_VGG16_Weights, ssd300_vgg16 = detection_builder(
    "ssd300_vgg16", vgg16, _ssd300_vgg16, trainable=(5, 4),
    backbone_default="IMAGENET1K_FEATURES",
    defaults=dict(image_mean=[0.48235, 0.45882, 0.40784],
                  image_std=[1.0 / 255.0, 1.0 / 255.0, 1.0 / 255.0]))
