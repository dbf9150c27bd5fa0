"""DeepLabV3 (Chen et al., 2017): atrous spatial pyramid pooling on dilated ResNets or
MobileNetV3."""
from .... import cat, nn
from ....nn import functional as F
from .._utils import IntermediateLayerGetter
from ..mobilenetv3 import mobilenet_v3_large
from ..resnet import resnet50, resnet101
from ._utils import _SimpleSegmentationModel, segmentation_builder
from .fcn import DILATED, FCNHead, resnet_backbone

__all__ = ["DeepLabV3", "DeepLabHead", "ASPP", "ASPPConv", "ASPPPooling",
           "DeepLabV3_ResNet50_Weights", "DeepLabV3_ResNet101_Weights",
           "DeepLabV3_MobileNet_V3_Large_Weights", "deeplabv3_mobilenet_v3_large",
           "deeplabv3_resnet50", "deeplabv3_resnet101"]


class DeepLabV3(_SimpleSegmentationModel):
    pass


class ASPPConv(nn.Sequential):
    def __init__(self, in_channels, out_channels, dilation):
        super().__init__(nn.Conv2d(in_channels, out_channels, 3, padding=dilation,
                                   dilation=dilation, bias=False),
                         nn.BatchNorm2d(out_channels), nn.ReLU())


class ASPPPooling(nn.Sequential):
    """Image-level features: global pool, 1x1 conv, upsampled back to the input size."""

    def __init__(self, in_channels, out_channels):
        super().__init__(nn.AdaptiveAvgPool2d(1),
                         nn.Conv2d(in_channels, out_channels, 1, bias=False),
                         nn.BatchNorm2d(out_channels), nn.ReLU())

    def forward(self, x):
        size = x.shape[-2:]
        for mod in self:
            x = mod(x)
        return F.interpolate(x, size=size, mode="bilinear", align_corners=False)


class ASPP(nn.Module):
    """1x1 conv, one dilated 3x3 conv per rate and image pooling, concatenated and projected."""

    def __init__(self, in_channels, atrous_rates, out_channels=256):
        super().__init__()
        self.convs = nn.ModuleList(
            [nn.Sequential(nn.Conv2d(in_channels, out_channels, 1, bias=False),
                           nn.BatchNorm2d(out_channels), nn.ReLU())]
            + [ASPPConv(in_channels, out_channels, rate) for rate in tuple(atrous_rates)]
            + [ASPPPooling(in_channels, out_channels)])
        self.project = nn.Sequential(
            nn.Conv2d(len(self.convs) * out_channels, out_channels, 1, bias=False),
            nn.BatchNorm2d(out_channels), nn.ReLU(), nn.Dropout(0.5))

    def forward(self, x):
        return self.project(cat([conv(x) for conv in self.convs], dim=1))


class DeepLabHead(nn.Sequential):
    def __init__(self, in_channels, num_classes, atrous_rates=(12, 24, 36)):
        super().__init__(ASPP(in_channels, atrous_rates),
                         nn.Conv2d(256, 256, 3, padding=1, bias=False), nn.BatchNorm2d(256),
                         nn.ReLU(), nn.Conv2d(256, num_classes, 1))


def _deeplabv3_resnet(backbone, num_classes, aux):
    return DeepLabV3(resnet_backbone(backbone, aux), DeepLabHead(2048, num_classes),
                     FCNHead(1024, num_classes) if aux else None)


def mobilenet_stages(backbone):
    """The features of a MobileNetV3 and the indices of its C2 (stride 8) and C5 (stride 16)
    outputs."""
    features = backbone.features
    stages = [0] + [i for i, b in enumerate(features) if getattr(b, "_is_cn", False)] \
        + [len(features) - 1]
    return features, stages[-4], stages[-1]


def _deeplabv3_mobilenetv3(backbone, num_classes, aux):
    features, aux_pos, out_pos = mobilenet_stages(backbone)
    return_layers = {str(out_pos): "out"}
    if aux:
        return_layers[str(aux_pos)] = "aux"
    return DeepLabV3(IntermediateLayerGetter(features, return_layers=return_layers),
                     DeepLabHead(features[out_pos].out_channels, num_classes),
                     FCNHead(features[aux_pos].out_channels, num_classes) if aux else None)


DeepLabV3_ResNet50_Weights, deeplabv3_resnet50 = segmentation_builder(
    "deeplabv3_resnet50", resnet50, DILATED, _deeplabv3_resnet)
DeepLabV3_ResNet101_Weights, deeplabv3_resnet101 = segmentation_builder(
    "deeplabv3_resnet101", resnet101, DILATED, _deeplabv3_resnet)
DeepLabV3_MobileNet_V3_Large_Weights, deeplabv3_mobilenet_v3_large = segmentation_builder(
    "deeplabv3_mobilenet_v3_large", mobilenet_v3_large, {"dilated": True},
    _deeplabv3_mobilenetv3)
