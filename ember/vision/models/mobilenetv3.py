"""MobileNetV3 (Howard et al., 2019): ``mobilenet_v3_large``, ``mobilenet_v3_small``."""
from functools import partial

from ... import _errors, nn
from ..ops.misc import Conv2dNormActivation, SqueezeExcitation
from ._api import builder
from ._layers import init_mobile, make_divisible

__all__ = ["MobileNetV3", "InvertedResidualConfig", "InvertedResidual",
           "MobileNet_V3_Large_Weights", "MobileNet_V3_Small_Weights", "mobilenet_v3_large",
           "mobilenet_v3_small"]


class InvertedResidualConfig:
    """One block: channels (scaled by ``width_mult``), kernel, squeeze-excite, activation
    ("RE" ReLU / "HS" hard swish), stride and dilation."""

    def __init__(self, input_channels, kernel, expanded_channels, out_channels, use_se,
                 activation, stride, dilation, width_mult):
        self.input_channels = self.adjust_channels(input_channels, width_mult)
        self.kernel = kernel
        self.expanded_channels = self.adjust_channels(expanded_channels, width_mult)
        self.out_channels = self.adjust_channels(out_channels, width_mult)
        self.use_se = use_se
        self.use_hs = activation == "HS"
        self.stride = stride
        self.dilation = dilation

    @staticmethod
    def adjust_channels(channels, width_mult):
        return make_divisible(channels * width_mult, 8)


class InvertedResidual(nn.Module):
    """1x1 expand, kxk depthwise, optional squeeze-excite, linear 1x1 project (+ residual)."""

    def __init__(self, cnf, norm_layer,
                 se_layer=partial(SqueezeExcitation, scale_activation=nn.Hardsigmoid)):
        super().__init__()
        if not 1 <= cnf.stride <= 2:
            raise _errors.mobilenet_v3_stride()
        self.use_res_connect = cnf.stride == 1 and cnf.input_channels == cnf.out_channels
        act = nn.Hardswish if cnf.use_hs else nn.ReLU
        layers = []
        if cnf.expanded_channels != cnf.input_channels:
            layers.append(Conv2dNormActivation(cnf.input_channels, cnf.expanded_channels,
                                               kernel_size=1, norm_layer=norm_layer,
                                               activation_layer=act))
        layers.append(Conv2dNormActivation(
            cnf.expanded_channels, cnf.expanded_channels, kernel_size=cnf.kernel,
            stride=1 if cnf.dilation > 1 else cnf.stride, dilation=cnf.dilation,
            groups=cnf.expanded_channels, norm_layer=norm_layer, activation_layer=act))
        if cnf.use_se:
            layers.append(se_layer(cnf.expanded_channels,
                                   make_divisible(cnf.expanded_channels // 4, 8)))
        layers.append(Conv2dNormActivation(cnf.expanded_channels, cnf.out_channels,
                                           kernel_size=1, norm_layer=norm_layer,
                                           activation_layer=None))
        self.block = nn.Sequential(*layers)
        self.out_channels = cnf.out_channels
        self._is_cn = cnf.stride > 1

    def forward(self, input):
        result = self.block(input)
        return result + input if self.use_res_connect else result


class MobileNetV3(nn.Module):
    def __init__(self, inverted_residual_setting, last_channel, num_classes=1000, block=None,
                 norm_layer=None, dropout=0.2, **kwargs):
        super().__init__()
        if not inverted_residual_setting:
            raise _errors.setting_empty("inverted_residual_setting")
        block = block or InvertedResidual
        norm_layer = norm_layer or partial(nn.BatchNorm2d, eps=0.001, momentum=0.01)
        first = inverted_residual_setting[0].input_channels
        layers = [Conv2dNormActivation(3, first, kernel_size=3, stride=2, norm_layer=norm_layer,
                                       activation_layer=nn.Hardswish)]
        layers += [block(cnf, norm_layer) for cnf in inverted_residual_setting]
        last_in = inverted_residual_setting[-1].out_channels
        layers.append(Conv2dNormActivation(last_in, 6 * last_in, kernel_size=1,
                                           norm_layer=norm_layer, activation_layer=nn.Hardswish))
        self.features = nn.Sequential(*layers)
        self.avgpool = nn.AdaptiveAvgPool2d(1)
        self.classifier = nn.Sequential(
            nn.Linear(6 * last_in, last_channel), nn.Hardswish(inplace=True),
            nn.Dropout(p=dropout, inplace=True), nn.Linear(last_channel, num_classes))
        init_mobile(self)

    def forward(self, x):
        return self.classifier(self.avgpool(self.features(x)).flatten(1))


# (input, kernel, expanded, output, squeeze-excite, activation, stride, tail?) per block;
# ``reduced_tail`` halves the tail's channels (the first tail block keeps its input and
# expansion), ``dilated`` dilates its convolutions by 2
_LARGE = [(16, 3, 16, 16, False, "RE", 1, False), (16, 3, 64, 24, False, "RE", 2, False),
          (24, 3, 72, 24, False, "RE", 1, False), (24, 5, 72, 40, True, "RE", 2, False),
          (40, 5, 120, 40, True, "RE", 1, False), (40, 5, 120, 40, True, "RE", 1, False),
          (40, 3, 240, 80, False, "HS", 2, False), (80, 3, 200, 80, False, "HS", 1, False),
          (80, 3, 184, 80, False, "HS", 1, False), (80, 3, 184, 80, False, "HS", 1, False),
          (80, 3, 480, 112, True, "HS", 1, False), (112, 3, 672, 112, True, "HS", 1, False),
          (112, 5, 672, 160, True, "HS", 2, True), (160, 5, 960, 160, True, "HS", 1, True),
          (160, 5, 960, 160, True, "HS", 1, True)]
_SMALL = [(16, 3, 16, 16, True, "RE", 2, False), (16, 3, 72, 24, False, "RE", 2, False),
          (24, 3, 88, 24, False, "RE", 1, False), (24, 5, 96, 40, True, "HS", 2, False),
          (40, 5, 240, 40, True, "HS", 1, False), (40, 5, 240, 40, True, "HS", 1, False),
          (40, 5, 120, 48, True, "HS", 1, False), (48, 5, 144, 48, True, "HS", 1, False),
          (48, 5, 288, 96, True, "HS", 2, True), (96, 5, 576, 96, True, "HS", 1, True),
          (96, 5, 576, 96, True, "HS", 1, True)]


def mobilenet_v3_conf(arch, width_mult=1.0, reduced_tail=False, dilated=False):
    """``(inverted_residual_setting, last_channel)`` of ``"mobilenet_v3_large"``/``_small``."""
    table, last = {"mobilenet_v3_large": (_LARGE, 1280), "mobilenet_v3_small": (_SMALL, 1024)}[arch]
    div = 2 if reduced_tail else 1
    setting = []
    for i, (inp, k, exp, out, se, act, stride, tail) in enumerate(table):
        inner = tail and table[i - 1][7]          # a tail block after another one
        setting.append(InvertedResidualConfig(
            inp // div if inner else inp, k, exp // div if inner else exp,
            out // div if tail else out, se, act, stride, 2 if tail and dilated else 1,
            width_mult))
    return setting, InvertedResidualConfig.adjust_channels(last // div, width_mult)


def _mobilenet_v3(arch):
    def make(width_mult=1.0, reduced_tail=False, dilated=False, **kwargs):
        setting, last_channel = mobilenet_v3_conf(arch, width_mult, reduced_tail, dilated)
        return MobileNetV3(setting, last_channel, **kwargs)
    return make


MobileNet_V3_Large_Weights, mobilenet_v3_large = builder("mobilenet_v3_large",
                                                         _mobilenet_v3("mobilenet_v3_large"))
MobileNet_V3_Small_Weights, mobilenet_v3_small = builder("mobilenet_v3_small",
                                                         _mobilenet_v3("mobilenet_v3_small"))
