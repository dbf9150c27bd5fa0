"""Lite R-ASPP (Howard et al., 2019) on MobileNetV3-Large: ``lraspp_mobilenet_v3_large``."""
from collections import OrderedDict

from .... import nn
from ....nn import functional as F
from .._utils import IntermediateLayerGetter
from ..mobilenetv3 import mobilenet_v3_large
from ._utils import segmentation_builder
from .deeplabv3 import mobilenet_stages

__all__ = ["LRASPP", "LRASPPHead", "LRASPP_MobileNet_V3_Large_Weights",
           "lraspp_mobilenet_v3_large"]


class LRASPP(nn.Module):
    def __init__(self, backbone, low_channels, high_channels, num_classes, inter_channels=128):
        super().__init__()
        self.backbone = backbone
        self.classifier = LRASPPHead(low_channels, high_channels, num_classes, inter_channels)

    def forward(self, input):
        out = self.classifier(self.backbone(input))
        result = OrderedDict()
        result["out"] = F.interpolate(out, size=input.shape[-2:], mode="bilinear",
                                      align_corners=False)
        return result


class LRASPPHead(nn.Module):
    """High-level features gated by their pooled sigmoid scale, upsampled and added to a
    classifier of the low-level features."""

    def __init__(self, low_channels, high_channels, num_classes, inter_channels):
        super().__init__()
        self.cbr = nn.Sequential(nn.Conv2d(high_channels, inter_channels, 1, bias=False),
                                 nn.BatchNorm2d(inter_channels), nn.ReLU(inplace=True))
        self.scale = nn.Sequential(nn.AdaptiveAvgPool2d(1),
                                   nn.Conv2d(high_channels, inter_channels, 1, bias=False),
                                   nn.Sigmoid())
        self.low_classifier = nn.Conv2d(low_channels, num_classes, 1)
        self.high_classifier = nn.Conv2d(inter_channels, num_classes, 1)

    def forward(self, input):
        low, high = input["low"], input["high"]
        x = F.interpolate(self.cbr(high) * self.scale(high), size=low.shape[-2:],
                          mode="bilinear", align_corners=False)
        return self.low_classifier(low) + self.high_classifier(x)


def _lraspp_mobilenetv3(backbone, num_classes):
    features, low_pos, high_pos = mobilenet_stages(backbone)
    getter = IntermediateLayerGetter(features,
                                     return_layers={str(low_pos): "low", str(high_pos): "high"})
    return LRASPP(getter, features[low_pos].out_channels, features[high_pos].out_channels,
                  num_classes)


LRASPP_MobileNet_V3_Large_Weights, lraspp_mobilenet_v3_large = segmentation_builder(
    "lraspp_mobilenet_v3_large", mobilenet_v3_large, {"dilated": True}, _lraspp_mobilenetv3,
    has_aux=False)
