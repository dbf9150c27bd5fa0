"""EfficientNet (Tan & Le, 2019) ``b0``..``b7`` and EfficientNetV2 (Tan & Le, 2021)
``s``/``m``/``l``."""
import copy
import math
from functools import partial

from ... import _errors, nn
from ..ops.misc import Conv2dNormActivation, SqueezeExcitation
from ..ops.stochastic_depth import StochasticDepth
from ._api import builder
from ._layers import init_mobile, make_divisible

__all__ = ["EfficientNet", "MBConv", "FusedMBConv", "MBConvConfig", "FusedMBConvConfig",
           "EfficientNet_B0_Weights", "EfficientNet_B1_Weights", "EfficientNet_B2_Weights",
           "EfficientNet_B3_Weights", "EfficientNet_B4_Weights", "EfficientNet_B5_Weights",
           "EfficientNet_B6_Weights", "EfficientNet_B7_Weights", "EfficientNet_V2_S_Weights",
           "EfficientNet_V2_M_Weights", "EfficientNet_V2_L_Weights", "efficientnet_b0",
           "efficientnet_b1", "efficientnet_b2", "efficientnet_b3", "efficientnet_b4",
           "efficientnet_b5", "efficientnet_b6", "efficientnet_b7", "efficientnet_v2_s",
           "efficientnet_v2_m", "efficientnet_v2_l"]


def _uniform_by_fan_out(weight):
    bound = 1.0 / math.sqrt(weight.shape[0])
    nn.init.uniform_(weight, -bound, bound)


class _MBConvConfig:
    """One stage: expansion, kernel, first stride, channels in/out, number of blocks."""
    block = None

    def __init__(self, expand_ratio, kernel, stride, input_channels, out_channels, num_layers,
                 block=None):
        self.expand_ratio = expand_ratio
        self.kernel = kernel
        self.stride = stride
        self.input_channels = input_channels
        self.out_channels = out_channels
        self.num_layers = num_layers
        self.block = block or type(self).block

    @staticmethod
    def adjust_channels(channels, width_mult, min_value=None):
        return make_divisible(channels * width_mult, 8, min_value)


class MBConvConfig(_MBConvConfig):
    """A stage of MBConv blocks, its width and depth scaled by ``width_mult``/``depth_mult``."""

    def __init__(self, expand_ratio, kernel, stride, input_channels, out_channels, num_layers,
                 width_mult=1.0, depth_mult=1.0, block=None):
        super().__init__(expand_ratio, kernel, stride,
                         self.adjust_channels(input_channels, width_mult),
                         self.adjust_channels(out_channels, width_mult),
                         self.adjust_depth(num_layers, depth_mult), block)

    @staticmethod
    def adjust_depth(num_layers, depth_mult):
        return int(math.ceil(num_layers * depth_mult))


class FusedMBConvConfig(_MBConvConfig):
    """A stage of FusedMBConv blocks (EfficientNetV2's early stages)."""


class _Residual(nn.Module):
    """``block(x)`` plus, when shapes allow, a stochastically dropped residual connection."""

    def __init__(self, cnf, stochastic_depth_prob, layers):
        super().__init__()
        if not 1 <= cnf.stride <= 2:
            raise _errors.mobilenet_v3_stride()
        self.use_res_connect = cnf.stride == 1 and cnf.input_channels == cnf.out_channels
        self.block = nn.Sequential(*layers)
        self.stochastic_depth = StochasticDepth(stochastic_depth_prob, "row")
        self.out_channels = cnf.out_channels

    def forward(self, input):
        result = self.block(input)
        if self.use_res_connect:
            result = self.stochastic_depth(result) + input
        return result


class MBConv(_Residual):
    """1x1 expand, depthwise kxk, squeeze-excite, linear 1x1 project (SiLU activations)."""

    def __init__(self, cnf, stochastic_depth_prob, norm_layer, se_layer=SqueezeExcitation):
        expanded = cnf.adjust_channels(cnf.input_channels, cnf.expand_ratio)
        layers = []
        if expanded != cnf.input_channels:
            layers.append(Conv2dNormActivation(cnf.input_channels, expanded, kernel_size=1,
                                               norm_layer=norm_layer, activation_layer=nn.SiLU))
        layers += [
            Conv2dNormActivation(expanded, expanded, kernel_size=cnf.kernel, stride=cnf.stride,
                                 groups=expanded, norm_layer=norm_layer,
                                 activation_layer=nn.SiLU),
            se_layer(expanded, max(1, cnf.input_channels // 4),
                     activation=partial(nn.SiLU, inplace=True)),
            Conv2dNormActivation(expanded, cnf.out_channels, kernel_size=1,
                                 norm_layer=norm_layer, activation_layer=None)]
        super().__init__(cnf, stochastic_depth_prob, layers)


class FusedMBConv(_Residual):
    """A full kxk expanding convolution then a linear 1x1 project (one conv without expansion)."""

    def __init__(self, cnf, stochastic_depth_prob, norm_layer):
        expanded = cnf.adjust_channels(cnf.input_channels, cnf.expand_ratio)
        if expanded != cnf.input_channels:
            layers = [Conv2dNormActivation(cnf.input_channels, expanded, kernel_size=cnf.kernel,
                                           stride=cnf.stride, norm_layer=norm_layer,
                                           activation_layer=nn.SiLU),
                      Conv2dNormActivation(expanded, cnf.out_channels, kernel_size=1,
                                           norm_layer=norm_layer, activation_layer=None)]
        else:
            layers = [Conv2dNormActivation(cnf.input_channels, cnf.out_channels,
                                           kernel_size=cnf.kernel, stride=cnf.stride,
                                           norm_layer=norm_layer, activation_layer=nn.SiLU)]
        super().__init__(cnf, stochastic_depth_prob, layers)


MBConvConfig.block = MBConv
FusedMBConvConfig.block = FusedMBConv


class EfficientNet(nn.Module):
    def __init__(self, inverted_residual_setting, dropout, stochastic_depth_prob=0.2,
                 num_classes=1000, norm_layer=None, last_channel=None):
        super().__init__()
        if not inverted_residual_setting:
            raise _errors.setting_empty("inverted_residual_setting")
        norm_layer = norm_layer or nn.BatchNorm2d
        layers = [Conv2dNormActivation(3, inverted_residual_setting[0].input_channels,
                                       kernel_size=3, stride=2, norm_layer=norm_layer,
                                       activation_layer=nn.SiLU)]
        total = sum(cnf.num_layers for cnf in inverted_residual_setting)
        block_id = 0
        for cnf in inverted_residual_setting:
            stage = []
            for _ in range(cnf.num_layers):
                block_cnf = copy.copy(cnf)
                if stage:
                    block_cnf.input_channels, block_cnf.stride = block_cnf.out_channels, 1
                # the drop probability grows linearly with depth
                stage.append(block_cnf.block(block_cnf, stochastic_depth_prob * block_id / total,
                                             norm_layer))
                block_id += 1
            layers.append(nn.Sequential(*stage))
        last_in = inverted_residual_setting[-1].out_channels
        last_out = last_channel if last_channel is not None else 4 * last_in
        layers.append(Conv2dNormActivation(last_in, last_out, kernel_size=1,
                                           norm_layer=norm_layer, activation_layer=nn.SiLU))
        self.features = nn.Sequential(*layers)
        self.avgpool = nn.AdaptiveAvgPool2d(1)
        self.classifier = nn.Sequential(nn.Dropout(p=dropout, inplace=True),
                                        nn.Linear(last_out, num_classes))
        init_mobile(self, linear_weight=_uniform_by_fan_out)

    def forward(self, x):
        return self.classifier(self.avgpool(self.features(x)).flatten(1))


# (expand, kernel, stride, in, out, layers) per stage
_B = [(1, 3, 1, 32, 16, 1), (6, 3, 2, 16, 24, 2), (6, 5, 2, 24, 40, 2), (6, 3, 2, 40, 80, 3),
      (6, 5, 1, 80, 112, 3), (6, 5, 2, 112, 192, 4), (6, 3, 1, 192, 320, 1)]
# the same, Fused-MBConv stages first (marked "F")
_V2 = {
    "s": [("F", 1, 3, 1, 24, 24, 2), ("F", 4, 3, 2, 24, 48, 4), ("F", 4, 3, 2, 48, 64, 4),
          ("M", 4, 3, 2, 64, 128, 6), ("M", 6, 3, 1, 128, 160, 9), ("M", 6, 3, 2, 160, 256, 15)],
    "m": [("F", 1, 3, 1, 24, 24, 3), ("F", 4, 3, 2, 24, 48, 5), ("F", 4, 3, 2, 48, 80, 5),
          ("M", 4, 3, 2, 80, 160, 7), ("M", 6, 3, 1, 160, 176, 14), ("M", 6, 3, 2, 176, 304, 18),
          ("M", 6, 3, 1, 304, 512, 5)],
    "l": [("F", 1, 3, 1, 32, 32, 4), ("F", 4, 3, 2, 32, 64, 7), ("F", 4, 3, 2, 64, 96, 7),
          ("M", 4, 3, 2, 96, 192, 10), ("M", 6, 3, 1, 192, 224, 19), ("M", 6, 3, 2, 224, 384, 25),
          ("M", 6, 3, 1, 384, 640, 7)],
}
_TF_BN = partial(nn.BatchNorm2d, eps=0.001, momentum=0.01)


def _v1(width_mult, depth_mult, dropout, norm_layer=None):
    def make(**kwargs):
        setting = [MBConvConfig(*s, width_mult=width_mult, depth_mult=depth_mult) for s in _B]
        if norm_layer is not None:
            kwargs.setdefault("norm_layer", norm_layer)
        return EfficientNet(setting, kwargs.pop("dropout", dropout), **kwargs)
    return make


def _v2(size, dropout):
    def make(**kwargs):
        setting = [(FusedMBConvConfig if kind == "F" else MBConvConfig)(*s)
                   for kind, *s in _V2[size]]
        kwargs.setdefault("norm_layer", partial(nn.BatchNorm2d, eps=1e-03))
        return EfficientNet(setting, kwargs.pop("dropout", dropout), last_channel=1280, **kwargs)
    return make


EfficientNet_B0_Weights, efficientnet_b0 = builder("efficientnet_b0", _v1(1.0, 1.0, 0.2))
EfficientNet_B1_Weights, efficientnet_b1 = builder("efficientnet_b1", _v1(1.0, 1.1, 0.2))
EfficientNet_B2_Weights, efficientnet_b2 = builder("efficientnet_b2", _v1(1.1, 1.2, 0.3))
EfficientNet_B3_Weights, efficientnet_b3 = builder("efficientnet_b3", _v1(1.2, 1.4, 0.3))
EfficientNet_B4_Weights, efficientnet_b4 = builder("efficientnet_b4", _v1(1.4, 1.8, 0.4))
EfficientNet_B5_Weights, efficientnet_b5 = builder("efficientnet_b5", _v1(1.6, 2.2, 0.4, _TF_BN))
EfficientNet_B6_Weights, efficientnet_b6 = builder("efficientnet_b6", _v1(1.8, 2.6, 0.5, _TF_BN))
EfficientNet_B7_Weights, efficientnet_b7 = builder("efficientnet_b7", _v1(2.0, 3.1, 0.5, _TF_BN))
EfficientNet_V2_S_Weights, efficientnet_v2_s = builder("efficientnet_v2_s", _v2("s", 0.2))
EfficientNet_V2_M_Weights, efficientnet_v2_m = builder("efficientnet_v2_m", _v2("m", 0.3))
EfficientNet_V2_L_Weights, efficientnet_v2_l = builder("efficientnet_v2_l", _v2("l", 0.4))
