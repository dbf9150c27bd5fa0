"""The video ResNets of Tran et al., 2018 ("A Closer Look at Spatiotemporal Convolutions"):
R3D (full 3-D convolutions), MC3 (3-D in the first block only) and R(2+1)D (each 3-D
convolution factored into a spatial and a temporal one)."""
from functools import partial

from .... import nn
from .._api import builder
from .._layers import init_mobile

__all__ = ["VideoResNet", "R3D_18_Weights", "MC3_18_Weights", "R2Plus1D_18_Weights", "r3d_18",
           "mc3_18", "r2plus1d_18"]


class Conv3DSimple(nn.Conv3d):
    """A bias-free 3x3x3 convolution."""

    def __init__(self, in_planes, out_planes, midplanes=None, stride=1, padding=1):
        super().__init__(in_planes, out_planes, kernel_size=(3, 3, 3), stride=stride,
                         padding=padding, bias=False)

    @staticmethod
    def get_downsample_stride(stride):
        return stride, stride, stride


class Conv2Plus1D(nn.Sequential):
    """A 1x3x3 spatial convolution into ``midplanes`` channels, norm, ReLU, then a 3x1x1
    temporal one: as many parameters as the 3x3x3 convolution it replaces."""

    def __init__(self, in_planes, out_planes, midplanes, stride=1, padding=1):
        super().__init__(
            nn.Conv3d(in_planes, midplanes, kernel_size=(1, 3, 3), stride=(1, stride, stride),
                      padding=(0, padding, padding), bias=False),
            nn.BatchNorm3d(midplanes), nn.ReLU(inplace=True),
            nn.Conv3d(midplanes, out_planes, kernel_size=(3, 1, 1), stride=(stride, 1, 1),
                      padding=(padding, 0, 0), bias=False))

    @staticmethod
    def get_downsample_stride(stride):
        return stride, stride, stride


class Conv3DNoTemporal(nn.Conv3d):
    """A bias-free 1x3x3 convolution: frames stay separate (and time is never strided)."""

    def __init__(self, in_planes, out_planes, midplanes=None, stride=1, padding=1):
        super().__init__(in_planes, out_planes, kernel_size=(1, 3, 3), stride=(1, stride, stride),
                         padding=(0, padding, padding), bias=False)

    @staticmethod
    def get_downsample_stride(stride):
        return 1, stride, stride


def _midplanes(inplanes, planes):
    """R(2+1)D's intermediate width: the factored pair matches a 3x3x3 kernel's size."""
    return (inplanes * planes * 27) // (inplanes * 9 + 3 * planes)


def _conv_bn(conv, planes, relu=True):
    layers = [conv, nn.BatchNorm3d(planes)]
    return nn.Sequential(*layers, nn.ReLU(inplace=True)) if relu else nn.Sequential(*layers)


class BasicBlock(nn.Module):
    """Two convolutions made by ``conv_builder``, with a residual connection."""
    expansion = 1

    def __init__(self, inplanes, planes, conv_builder, stride=1, downsample=None):
        super().__init__()
        midplanes = _midplanes(inplanes, planes)
        self.conv1 = _conv_bn(conv_builder(inplanes, planes, midplanes, stride), planes)
        self.conv2 = _conv_bn(conv_builder(planes, planes, midplanes), planes, relu=False)
        self.relu = nn.ReLU(inplace=True)
        self.downsample = downsample
        self.stride = stride

    def forward(self, x):
        out = self.conv2(self.conv1(x))
        identity = x if self.downsample is None else self.downsample(x)
        return self.relu(out + identity)


class Bottleneck(nn.Module):
    """1x1x1 reduce, a ``conv_builder`` convolution (carrying the stride), 1x1x1 expand by 4,
    plus the residual."""
    expansion = 4

    def __init__(self, inplanes, planes, conv_builder, stride=1, downsample=None):
        super().__init__()
        midplanes = _midplanes(inplanes, planes)
        self.conv1 = _conv_bn(nn.Conv3d(inplanes, planes, kernel_size=1, bias=False), planes)
        self.conv2 = _conv_bn(conv_builder(planes, planes, midplanes, stride), planes)
        self.conv3 = _conv_bn(nn.Conv3d(planes, planes * self.expansion, kernel_size=1,
                                        bias=False), planes * self.expansion, relu=False)
        self.relu = nn.ReLU(inplace=True)
        self.downsample = downsample
        self.stride = stride

    def forward(self, x):
        out = self.conv3(self.conv2(self.conv1(x)))
        identity = x if self.downsample is None else self.downsample(x)
        return self.relu(out + identity)


class BasicStem(nn.Sequential):
    """A 3x7x7 convolution (spatial stride 2) to 64 channels, norm, ReLU."""

    def __init__(self):
        super().__init__(nn.Conv3d(3, 64, kernel_size=(3, 7, 7), stride=(1, 2, 2),
                                   padding=(1, 3, 3), bias=False),
                         nn.BatchNorm3d(64), nn.ReLU(inplace=True))


class R2Plus1dStem(nn.Sequential):
    """The stem's 3x7x7 convolution factored into a 1x7x7 one (45 channels) and a 3x1x1 one."""

    def __init__(self):
        super().__init__(nn.Conv3d(3, 45, kernel_size=(1, 7, 7), stride=(1, 2, 2),
                                   padding=(0, 3, 3), bias=False),
                         nn.BatchNorm3d(45), nn.ReLU(inplace=True),
                         nn.Conv3d(45, 64, kernel_size=(3, 1, 1), padding=(1, 0, 0), bias=False),
                         nn.BatchNorm3d(64), nn.ReLU(inplace=True))


class VideoResNet(nn.Module):
    """A stem, four residual stages (64 to 512 channels, the last three halving every
    dimension) whose convolutions ``conv_makers`` picks per stage, global pooling, a linear
    classifier."""

    def __init__(self, block, conv_makers, layers, stem, num_classes=400,
                 zero_init_residual=False):
        super().__init__()
        self.inplanes = 64
        self.stem = stem()
        for i, (conv_maker, n) in enumerate(zip(conv_makers, layers)):
            setattr(self, f"layer{i + 1}", self._make_layer(block, conv_maker, 64 * 2 ** i, n,
                                                            stride=1 if i == 0 else 2))
        self.avgpool = nn.AdaptiveAvgPool3d((1, 1, 1))
        self.fc = nn.Linear(512 * block.expansion, num_classes)
        init_mobile(self, nn.Conv3d, nn.BatchNorm3d)
        if zero_init_residual:          # each residual branch starts as the identity
            for m in self.modules():
                if isinstance(m, Bottleneck):
                    nn.init.zeros_(m.conv3[1].weight)

    def _make_layer(self, block, conv_builder, planes, blocks, stride=1):
        downsample = None
        if stride != 1 or self.inplanes != planes * block.expansion:
            downsample = nn.Sequential(
                nn.Conv3d(self.inplanes, planes * block.expansion, kernel_size=1,
                          stride=conv_builder.get_downsample_stride(stride), bias=False),
                nn.BatchNorm3d(planes * block.expansion))
        layers = [block(self.inplanes, planes, conv_builder, stride, downsample)]
        self.inplanes = planes * block.expansion
        layers += [block(self.inplanes, planes, conv_builder) for _ in range(1, blocks)]
        return nn.Sequential(*layers)

    def forward(self, x):
        x = self.stem(x)
        x = self.layer4(self.layer3(self.layer2(self.layer1(x))))
        return self.fc(self.avgpool(x).flatten(1))


def _video_resnet(conv_makers, stem):
    return partial(VideoResNet, BasicBlock, conv_makers, [2, 2, 2, 2], stem)


R3D_18_Weights, r3d_18 = builder("r3d_18", _video_resnet([Conv3DSimple] * 4, BasicStem))
MC3_18_Weights, mc3_18 = builder("mc3_18", _video_resnet([Conv3DSimple] + [Conv3DNoTemporal] * 3,
                                                         BasicStem))
R2Plus1D_18_Weights, r2plus1d_18 = builder("r2plus1d_18",
                                           _video_resnet([Conv2Plus1D] * 4, R2Plus1dStem))
