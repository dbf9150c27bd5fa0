"""ConvNeXt (Liu et al., 2022): ``convnext_tiny``, ``_small``, ``_base``, ``_large``."""
from collections.abc import Sequence
from functools import partial

import ember

from ... import _errors, nn
from ...nn import functional as F
from ..ops.misc import Conv2dNormActivation, Permute
from ..ops.stochastic_depth import StochasticDepth
from ._api import builder

__all__ = ["ConvNeXt", "CNBlock", "CNBlockConfig", "LayerNorm2d", "ConvNeXt_Tiny_Weights",
           "ConvNeXt_Small_Weights", "ConvNeXt_Base_Weights", "ConvNeXt_Large_Weights",
           "convnext_tiny", "convnext_small", "convnext_base", "convnext_large"]


class LayerNorm2d(nn.LayerNorm):
    """Layer norm over the channels of an NCHW tensor."""

    def forward(self, x):
        x = F.layer_norm(x.permute(0, 2, 3, 1), self.normalized_shape, self.weight, self.bias,
                         self.eps)
        return x.permute(0, 3, 1, 2)


class CNBlock(nn.Module):
    """Depthwise 7x7, channels-last layer norm, 4x MLP with GELU, scaled residual."""

    def __init__(self, dim, layer_scale, stochastic_depth_prob, norm_layer=None):
        super().__init__()
        norm_layer = norm_layer or partial(nn.LayerNorm, eps=1e-6)
        self.block = nn.Sequential(
            nn.Conv2d(dim, dim, kernel_size=7, padding=3, groups=dim, bias=True),
            Permute([0, 2, 3, 1]), norm_layer(dim),
            nn.Linear(in_features=dim, out_features=4 * dim, bias=True), nn.GELU(),
            nn.Linear(in_features=4 * dim, out_features=dim, bias=True), Permute([0, 3, 1, 2]))
        self.layer_scale = nn.Parameter(ember.ones(dim, 1, 1) * layer_scale)
        self.stochastic_depth = StochasticDepth(stochastic_depth_prob, "row")

    def forward(self, input):
        return self.stochastic_depth(self.layer_scale * self.block(input)) + input


class CNBlockConfig:
    """A stage: its width, the width after its downsampling layer (``None``: last), depth."""

    def __init__(self, input_channels, out_channels, num_layers):
        self.input_channels = input_channels
        self.out_channels = out_channels
        self.num_layers = num_layers

    def __repr__(self):
        return (f"{type(self).__name__}(input_channels={self.input_channels}, "
                f"out_channels={self.out_channels}, num_layers={self.num_layers})")


class ConvNeXt(nn.Module):
    def __init__(self, block_setting, stochastic_depth_prob=0.0, layer_scale=1e-6,
                 num_classes=1000, block=None, norm_layer=None, **kwargs):
        super().__init__()
        if not block_setting:
            raise _errors.setting_empty("block_setting")
        if not (isinstance(block_setting, Sequence)
                and all(isinstance(s, CNBlockConfig) for s in block_setting)):
            raise _errors.setting_type("block_setting", "CNBlockConfig")
        block = block or CNBlock
        norm_layer = norm_layer or partial(LayerNorm2d, eps=1e-6)
        layers = [Conv2dNormActivation(3, block_setting[0].input_channels, kernel_size=4,
                                       stride=4, padding=0, norm_layer=norm_layer,
                                       activation_layer=None, bias=True)]
        total = sum(cnf.num_layers for cnf in block_setting)
        block_id = 0
        for cnf in block_setting:
            stage = []
            for _ in range(cnf.num_layers):
                sd_prob = stochastic_depth_prob * block_id / (total - 1.0)
                stage.append(block(cnf.input_channels, layer_scale, sd_prob))
                block_id += 1
            layers.append(nn.Sequential(*stage))
            if cnf.out_channels is not None:
                layers.append(nn.Sequential(
                    norm_layer(cnf.input_channels),
                    nn.Conv2d(cnf.input_channels, cnf.out_channels, kernel_size=2, stride=2)))
        self.features = nn.Sequential(*layers)
        self.avgpool = nn.AdaptiveAvgPool2d(1)
        last = block_setting[-1]
        width = last.out_channels if last.out_channels is not None else last.input_channels
        self.classifier = nn.Sequential(norm_layer(width), nn.Flatten(1),
                                        nn.Linear(width, num_classes))
        for m in self.modules():
            if isinstance(m, (nn.Conv2d, nn.Linear)):
                nn.init.trunc_normal_(m.weight, std=0.02)
                if m.bias is not None:
                    nn.init.zeros_(m.bias)

    def forward(self, x):
        return self.classifier(self.avgpool(self.features(x)))


def _convnext(widths, depths, stochastic_depth_prob):
    def make(**kwargs):
        setting = [CNBlockConfig(w, nxt, d)
                   for w, nxt, d in zip(widths, widths[1:] + [None], depths)]
        return ConvNeXt(setting, kwargs.pop("stochastic_depth_prob", stochastic_depth_prob),
                        **kwargs)
    return make


ConvNeXt_Tiny_Weights, convnext_tiny = builder(
    "convnext_tiny", _convnext([96, 192, 384, 768], [3, 3, 9, 3], 0.1))
ConvNeXt_Small_Weights, convnext_small = builder(
    "convnext_small", _convnext([96, 192, 384, 768], [3, 3, 27, 3], 0.4))
ConvNeXt_Base_Weights, convnext_base = builder(
    "convnext_base", _convnext([128, 256, 512, 1024], [3, 3, 27, 3], 0.5))
ConvNeXt_Large_Weights, convnext_large = builder(
    "convnext_large", _convnext([192, 384, 768, 1536], [3, 3, 27, 3], 0.5))
