"""ShuffleNet V2 (Ma et al., 2018): ``shufflenet_v2_x0_5``, ``x1_0``, ``x1_5``, ``x2_0``."""
from functools import partial

from ... import _errors, cat, nn
from ._api import builder

__all__ = ["ShuffleNetV2", "ShuffleNet_V2_X0_5_Weights", "ShuffleNet_V2_X1_0_Weights",
           "ShuffleNet_V2_X1_5_Weights", "ShuffleNet_V2_X2_0_Weights", "shufflenet_v2_x0_5",
           "shufflenet_v2_x1_0", "shufflenet_v2_x1_5", "shufflenet_v2_x2_0"]


def channel_shuffle(x, groups):
    """Interleave the channels of ``groups`` equal groups."""
    n, c, h, w = x.shape
    return x.view(n, groups, c // groups, h, w).transpose(1, 2).contiguous().view(n, c, h, w)


def _depthwise(channels, stride):
    return nn.Conv2d(channels, channels, 3, stride, 1, bias=False, groups=channels)


class InvertedResidual(nn.Module):
    """Split (stride 1) or duplicate (stride 2) the input, transform one or both halves,
    concatenate and shuffle the channels."""

    def __init__(self, inp, oup, stride):
        super().__init__()
        if not 1 <= stride <= 3:
            raise _errors.mobilenet_v3_stride()
        self.stride = stride
        half = oup // 2
        if stride == 1 and inp != half << 1:
            raise _errors.shufflenet_stride_combination(stride, inp, oup)
        if stride > 1:
            self.branch1 = nn.Sequential(
                _depthwise(inp, stride), nn.BatchNorm2d(inp),
                nn.Conv2d(inp, half, kernel_size=1, stride=1, padding=0, bias=False),
                nn.BatchNorm2d(half), nn.ReLU(inplace=True))
        else:
            self.branch1 = nn.Sequential()
        self.branch2 = nn.Sequential(
            nn.Conv2d(inp if stride > 1 else half, half, kernel_size=1, stride=1, padding=0,
                      bias=False),
            nn.BatchNorm2d(half), nn.ReLU(inplace=True),
            _depthwise(half, stride), nn.BatchNorm2d(half),
            nn.Conv2d(half, half, kernel_size=1, stride=1, padding=0, bias=False),
            nn.BatchNorm2d(half), nn.ReLU(inplace=True))

    def forward(self, x):
        if self.stride == 1:
            x1, x2 = x.chunk(2, dim=1)
            out = cat((x1, self.branch2(x2)), dim=1)
        else:
            out = cat((self.branch1(x), self.branch2(x)), dim=1)
        return channel_shuffle(out, 2)


def _conv_bn_relu(inp, oup, *conv_args):
    return nn.Sequential(nn.Conv2d(inp, oup, *conv_args, bias=False), nn.BatchNorm2d(oup),
                         nn.ReLU(inplace=True))


class ShuffleNetV2(nn.Module):
    def __init__(self, stages_repeats, stages_out_channels, num_classes=1000,
                 inverted_residual=InvertedResidual):
        super().__init__()
        if len(stages_repeats) != 3:
            raise _errors.shufflenet_list("stages_repeats", 3)
        if len(stages_out_channels) != 5:
            raise _errors.shufflenet_list("stages_out_channels", 5)
        self._stage_out_channels = stages_out_channels
        channels = stages_out_channels[0]
        self.conv1 = _conv_bn_relu(3, channels, 3, 2, 1)
        self.maxpool = nn.MaxPool2d(kernel_size=3, stride=2, padding=1)
        for i, (repeats, out) in enumerate(zip(stages_repeats, stages_out_channels[1:])):
            setattr(self, f"stage{i + 2}", nn.Sequential(
                inverted_residual(channels, out, 2),
                *[inverted_residual(out, out, 1) for _ in range(repeats - 1)]))
            channels = out
        self.conv5 = _conv_bn_relu(channels, stages_out_channels[-1], 1, 1, 0)
        self.fc = nn.Linear(stages_out_channels[-1], num_classes)

    def forward(self, x):
        x = self.maxpool(self.conv1(x))
        x = self.conv5(self.stage4(self.stage3(self.stage2(x))))
        return self.fc(x.mean([2, 3]))


def _shufflenet(name, channels):
    return builder(name, partial(ShuffleNetV2, [4, 8, 4], [24, *channels]))


ShuffleNet_V2_X0_5_Weights, shufflenet_v2_x0_5 = _shufflenet("shufflenet_v2_x0_5",
                                                             [48, 96, 192, 1024])
ShuffleNet_V2_X1_0_Weights, shufflenet_v2_x1_0 = _shufflenet("shufflenet_v2_x1_0",
                                                             [116, 232, 464, 1024])
ShuffleNet_V2_X1_5_Weights, shufflenet_v2_x1_5 = _shufflenet("shufflenet_v2_x1_5",
                                                             [176, 352, 704, 1024])
ShuffleNet_V2_X2_0_Weights, shufflenet_v2_x2_0 = _shufflenet("shufflenet_v2_x2_0",
                                                             [244, 488, 976, 2048])
