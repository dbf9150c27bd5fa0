"""SSDlite (MobileNetV2 paper): SSD with depthwise-separable heads and extra blocks on a
MobileNetV3 backbone; ``ssdlite320_mobilenet_v3_large``."""
import warnings
from collections import OrderedDict
from functools import partial

from .... import _errors, nn
from ...ops.misc import Conv2dNormActivation
from ...ops._init import init_conv2d
from ..mobilenetv3 import mobilenet_v3_large
from . import _utils as det_utils
from ._builder import detection_builder
from .anchor_utils import DefaultBoxGenerator
from .ssd import SSD, SSDScoringHead, _freeze_stages

__all__ = ["SSDLite320_MobileNet_V3_Large_Weights", "ssdlite320_mobilenet_v3_large"]


def _prediction_block(in_channels, out_channels, kernel_size, norm_layer):
    """Depthwise conv-norm-ReLU6, then a 1x1 convolution."""
    return nn.Sequential(
        Conv2dNormActivation(in_channels, in_channels, kernel_size=kernel_size,
                             groups=in_channels, norm_layer=norm_layer,
                             activation_layer=nn.ReLU6),
        nn.Conv2d(in_channels, out_channels, 1))


def _extra_block(in_channels, out_channels, norm_layer):
    """1x1 reduce to half, stride-2 depthwise 3x3, 1x1 expand (all with norm and ReLU6)."""
    mid = out_channels // 2
    block = partial(Conv2dNormActivation, norm_layer=norm_layer, activation_layer=nn.ReLU6)
    return nn.Sequential(block(in_channels, mid, kernel_size=1),
                         block(mid, mid, kernel_size=3, stride=2, groups=mid),
                         block(mid, out_channels, kernel_size=1))


def _normal_init(conv):
    init_conv2d(conv, partial(nn.init.normal_, mean=0.0, std=0.03))


def _prediction_heads(in_channels, num_anchors, columns, norm_layer):
    heads = nn.ModuleList([_prediction_block(c, columns * a, 3, norm_layer)
                           for c, a in zip(in_channels, num_anchors)])
    _normal_init(heads)
    return heads


class SSDLiteClassificationHead(SSDScoringHead):
    def __init__(self, in_channels, num_anchors, num_classes, norm_layer):
        super().__init__(_prediction_heads(in_channels, num_anchors, num_classes, norm_layer),
                         num_classes)


class SSDLiteRegressionHead(SSDScoringHead):
    def __init__(self, in_channels, num_anchors, norm_layer):
        super().__init__(_prediction_heads(in_channels, num_anchors, 4, norm_layer), 4)


class SSDLiteHead(nn.Module):
    def __init__(self, in_channels, num_anchors, num_classes, norm_layer):
        super().__init__()
        self.classification_head = SSDLiteClassificationHead(in_channels, num_anchors,
                                                             num_classes, norm_layer)
        self.regression_head = SSDLiteRegressionHead(in_channels, num_anchors, norm_layer)

    def forward(self, x):
        return {"bbox_regression": self.regression_head(x),
                "cls_logits": self.classification_head(x)}


class SSDLiteFeatureExtractorMobileNet(nn.Module):
    """The backbone split inside block ``c4_pos`` (after its expansion) into two stages,
    then four extra blocks; one output per stage."""

    def __init__(self, backbone, c4_pos, norm_layer, width_mult=1.0, min_depth=16):
        super().__init__()
        if backbone[c4_pos].use_res_connect:
            raise _errors.ssdlite_c4_residual()
        self.features = nn.Sequential(
            nn.Sequential(*backbone[:c4_pos], backbone[c4_pos].block[0]),
            nn.Sequential(backbone[c4_pos].block[1:], *backbone[c4_pos + 1:]))

        def depth(d):
            return max(min_depth, int(d * width_mult))
        self.extra = nn.ModuleList([
            _extra_block(backbone[-1].out_channels, depth(512), norm_layer),
            _extra_block(depth(512), depth(256), norm_layer),
            _extra_block(depth(256), depth(256), norm_layer),
            _extra_block(depth(256), depth(128), norm_layer)])
        _normal_init(self.extra)

    def forward(self, x):
        output = []
        for block in (*self.features, *self.extra):
            x = block(x)
            output.append(x)
        return OrderedDict((str(i), v) for i, v in enumerate(output))


def _mobilenet_extractor(backbone, trainable_layers, norm_layer):
    features = backbone.features
    stages = [0] + [i for i, b in enumerate(features) if getattr(b, "_is_cn", False)] + \
        [len(features) - 1]
    if not 0 <= trainable_layers <= len(stages):
        raise _errors.ssdlite_trainable_layers()
    _freeze_stages(features, stages, trainable_layers)
    return SSDLiteFeatureExtractorMobileNet(features, stages[-2], norm_layer)


def _ssdlite320_mobilenet_v3_large(cfg, norm_layer=None, **kwargs):
    if "size" in kwargs:
        warnings.warn(_errors.fixed_size_warning())
        kwargs.pop("size")
    norm_layer = norm_layer or partial(nn.BatchNorm2d, eps=0.001, momentum=0.03)
    # without ImageNet weights the backbone's tail is halved and re-initialised
    backbone = mobilenet_v3_large(weights=cfg.weights_backbone, progress=cfg.progress,
                                  norm_layer=norm_layer,
                                  reduced_tail=cfg.weights_backbone is None)
    if cfg.weights_backbone is None:
        _normal_init(backbone)
    backbone = _mobilenet_extractor(backbone, cfg.trainable_layers, norm_layer)
    size = (320, 320)
    anchors = DefaultBoxGenerator([[2, 3] for _ in range(6)], min_ratio=0.2, max_ratio=0.95)
    out_channels = det_utils.retrieve_out_channels(backbone, size)
    if len(out_channels) != len(anchors.aspect_ratios):
        raise _errors.ssd_out_channels(len(out_channels), len(anchors.aspect_ratios), False)
    head = SSDLiteHead(out_channels, anchors.num_anchors_per_location(), cfg.num_classes,
                       norm_layer)
    return SSD(backbone, anchors, size, cfg.num_classes, head=head, **kwargs)


SSDLite320_MobileNet_V3_Large_Weights, ssdlite320_mobilenet_v3_large = detection_builder(
    "ssdlite320_mobilenet_v3_large", mobilenet_v3_large, _ssdlite320_mobilenet_v3_large,
    trainable=(6, 6),
    defaults=dict(score_thresh=0.001, nms_thresh=0.55, detections_per_img=300,
                  topk_candidates=300, image_mean=[0.5, 0.5, 0.5], image_std=[0.5, 0.5, 0.5]))
