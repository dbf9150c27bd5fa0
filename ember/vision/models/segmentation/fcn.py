"""Fully convolutional networks (Long et al., 2014) on dilated ResNets: ``fcn_resnet50``,
``fcn_resnet101``."""
from .... import nn
from .._utils import IntermediateLayerGetter
from ..resnet import resnet50, resnet101
from ._utils import _SimpleSegmentationModel, segmentation_builder

__all__ = ["FCN", "FCNHead", "FCN_ResNet50_Weights", "FCN_ResNet101_Weights", "fcn_resnet50",
           "fcn_resnet101"]


class FCN(_SimpleSegmentationModel):
    pass


class FCNHead(nn.Sequential):
    """3x3 conv to a quarter of the channels, BN, ReLU, dropout, 1x1 conv to the classes."""

    def __init__(self, in_channels, channels):
        inter = in_channels // 4
        super().__init__(nn.Conv2d(in_channels, inter, 3, padding=1, bias=False),
                         nn.BatchNorm2d(inter), nn.ReLU(), nn.Dropout(0.1),
                         nn.Conv2d(inter, channels, 1))


def resnet_backbone(backbone, aux):
    """``layer4`` as ``"out"`` (and ``layer3`` as ``"aux"``) of a dilated ResNet."""
    return_layers = {"layer4": "out"}
    if aux:
        return_layers["layer3"] = "aux"
    return IntermediateLayerGetter(backbone, return_layers=return_layers)


def _fcn_resnet(backbone, num_classes, aux):
    return FCN(resnet_backbone(backbone, aux), FCNHead(2048, num_classes),
               FCNHead(1024, num_classes) if aux else None)


DILATED = {"replace_stride_with_dilation": [False, True, True]}
FCN_ResNet50_Weights, fcn_resnet50 = segmentation_builder("fcn_resnet50", resnet50, DILATED,
                                                          _fcn_resnet)
FCN_ResNet101_Weights, fcn_resnet101 = segmentation_builder("fcn_resnet101", resnet101, DILATED,
                                                            _fcn_resnet)
