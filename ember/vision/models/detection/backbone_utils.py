"""Backbones with a Feature Pyramid Network on top (ResNet, MobileNet), and which of their
layers train."""
import warnings

from .... import _errors, nn
from ...ops import misc as misc_nn_ops
from ...ops.feature_pyramid_network import FeaturePyramidNetwork, LastLevelMaxPool
from .. import mobilenet, resnet
from .._api import get_model_weights
from .._utils import IntermediateLayerGetter

__all__ = ["BackboneWithFPN", "resnet_fpn_backbone", "mobilenet_backbone"]


class BackboneWithFPN(nn.Module):
    """``body`` (the backbone's layers named in ``return_layers``) followed by ``fpn``;
    returns the pyramid as an ordered dict of ``out_channels``-channel maps."""

    def __init__(self, backbone, return_layers, in_channels_list, out_channels,
                 extra_blocks=None, norm_layer=None):
        super().__init__()
        self.body = IntermediateLayerGetter(backbone, return_layers=return_layers)
        self.fpn = FeaturePyramidNetwork(in_channels_list=in_channels_list,
                                         out_channels=out_channels,
                                         extra_blocks=extra_blocks or LastLevelMaxPool(),
                                         norm_layer=norm_layer)
        self.out_channels = out_channels

    def forward(self, x):
        return self.fpn(self.body(x))


def _legacy_backbone_weights(builder, weights, pretrained):
    if pretrained is not None:
        weights = get_model_weights(builder).IMAGENET1K_V1 if pretrained else None
    return weights


def resnet_fpn_backbone(*, backbone_name, weights, norm_layer=misc_nn_ops.FrozenBatchNorm2d,
                        trainable_layers=3, returned_layers=None, extra_blocks=None,
                        pretrained=None):
    """``resnet.<backbone_name>`` (frozen batch norm by default) with an FPN on
    ``returned_layers`` (default all four stages)."""
    builder = getattr(resnet, backbone_name)
    backbone = builder(weights=_legacy_backbone_weights(builder, weights, pretrained),
                       norm_layer=norm_layer)
    return _resnet_fpn_extractor(backbone, trainable_layers, returned_layers, extra_blocks)


def _freeze(named_parameters, keep):
    for name, parameter in named_parameters:
        if not any(name.startswith(layer) for layer in keep):
            parameter.requires_grad_(False)


def _resnet_fpn_extractor(backbone, trainable_layers, returned_layers=None, extra_blocks=None,
                          norm_layer=None):
    if not 0 <= trainable_layers <= 5:
        raise _errors.trainable_layers_range(5, trainable_layers)
    layers_to_train = ["layer4", "layer3", "layer2", "layer1", "conv1"][:trainable_layers]
    if trainable_layers == 5:
        layers_to_train.append("bn1")
    _freeze(backbone.named_parameters(), layers_to_train)
    returned_layers = returned_layers or [1, 2, 3, 4]
    if min(returned_layers) <= 0 or max(returned_layers) >= 5:
        raise _errors.returned_layers_range(1, 4, returned_layers)
    return_layers = {f"layer{k}": str(v) for v, k in enumerate(returned_layers)}
    stage2 = backbone.inplanes // 8
    in_channels_list = [stage2 * 2 ** (i - 1) for i in returned_layers]
    return BackboneWithFPN(backbone, return_layers, in_channels_list, 256,
                           extra_blocks=extra_blocks, norm_layer=norm_layer)


def _validate_trainable_layers(is_trained, trainable_backbone_layers, max_value, default_value):
    """Without pretrained weights every layer trains; otherwise ``default_value`` unless
    given, in ``[0, max_value]``."""
    if not is_trained:
        if trainable_backbone_layers is not None:
            warnings.warn(_errors.trainable_layers_ignored_warning(max_value))
        trainable_backbone_layers = max_value
    if trainable_backbone_layers is None:
        trainable_backbone_layers = default_value
    if not 0 <= trainable_backbone_layers <= max_value:
        raise _errors.trainable_backbone_layers_range(max_value, trainable_backbone_layers)
    return trainable_backbone_layers


def mobilenet_backbone(*, backbone_name, weights, fpn, norm_layer=misc_nn_ops.FrozenBatchNorm2d,
                       trainable_layers=2, returned_layers=None, extra_blocks=None,
                       pretrained=None):
    """``mobilenet.<backbone_name>``'s features, with an FPN on its last two stages or (``fpn
    =False``) a 1x1 convolution to 256 channels."""
    builder = getattr(mobilenet, backbone_name)
    backbone = builder(weights=_legacy_backbone_weights(builder, weights, pretrained),
                       norm_layer=norm_layer)
    return _mobilenet_extractor(backbone, fpn, trainable_layers, returned_layers, extra_blocks)


def _mobilenet_extractor(backbone, fpn, trainable_layers, returned_layers=None,
                         extra_blocks=None, norm_layer=None):
    backbone = backbone.features
    # stages start at the stem, at each strided block, and at the last layer
    stage_indices = [0] + [i for i, b in enumerate(backbone) if getattr(b, "_is_cn", False)] + \
        [len(backbone) - 1]
    num_stages = len(stage_indices)
    if not 0 <= trainable_layers <= num_stages:
        raise _errors.trainable_layers_range(num_stages, trainable_layers)
    freeze_before = len(backbone) if trainable_layers == 0 else \
        stage_indices[num_stages - trainable_layers]
    for block in backbone[:freeze_before]:
        for parameter in block.parameters():
            parameter.requires_grad_(False)
    out_channels = 256
    if not fpn:
        m = nn.Sequential(backbone, nn.Conv2d(backbone[-1].out_channels, out_channels, 1))
        m.out_channels = out_channels
        return m
    returned_layers = returned_layers or [num_stages - 2, num_stages - 1]
    if min(returned_layers) < 0 or max(returned_layers) >= num_stages:
        raise _errors.returned_layers_range(0, num_stages - 1, returned_layers)
    return_layers = {f"{stage_indices[k]}": str(v) for v, k in enumerate(returned_layers)}
    in_channels_list = [backbone[stage_indices[i]].out_channels for i in returned_layers]
    return BackboneWithFPN(backbone, return_layers, in_channels_list, out_channels,
                           extra_blocks=extra_blocks, norm_layer=norm_layer)
