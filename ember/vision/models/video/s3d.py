"""S3D (Xie et al., 2018, "Rethinking Spatiotemporal Feature Learning"): an Inception network
whose 3-D convolutions are separated into spatial and temporal ones."""
from functools import partial

import ember

from .... import nn
from ...ops.misc import Conv3dNormActivation
from .._api import builder

__all__ = ["S3D", "S3D_Weights", "s3d"]


class TemporalSeparableConv(nn.Sequential):
    """A ``1 x k x k`` convolution unit followed by a ``k x 1 x 1`` one (each normed and
    ReLU'd), the stride applied in both."""

    def __init__(self, in_planes, out_planes, kernel_size, stride, padding, norm_layer):
        k, s, p = kernel_size, stride, padding
        super().__init__(
            Conv3dNormActivation(in_planes, out_planes, kernel_size=(1, k, k), stride=(1, s, s),
                                 padding=(0, p, p), bias=False, norm_layer=norm_layer),
            Conv3dNormActivation(out_planes, out_planes, kernel_size=(k, 1, 1), stride=(s, 1, 1),
                                 padding=(p, 0, 0), bias=False, norm_layer=norm_layer))


class SepInceptionBlock3D(nn.Module):
    """Four branches concatenated on channels: 1x1x1; 1x1x1 then separable 3x3x3 (twice, with
    different widths); 3x3x3 max pool then 1x1x1."""

    def __init__(self, in_planes, b0_out, b1_mid, b1_out, b2_mid, b2_out, b3_out, norm_layer):
        super().__init__()
        unit = partial(Conv3dNormActivation, kernel_size=1, stride=1, norm_layer=norm_layer)
        separable = partial(TemporalSeparableConv, kernel_size=3, stride=1, padding=1,
                            norm_layer=norm_layer)
        self.branch0 = unit(in_planes, b0_out)
        self.branch1 = nn.Sequential(unit(in_planes, b1_mid), separable(b1_mid, b1_out))
        self.branch2 = nn.Sequential(unit(in_planes, b2_mid), separable(b2_mid, b2_out))
        self.branch3 = nn.Sequential(nn.MaxPool3d(kernel_size=(3, 3, 3), stride=1, padding=1),
                                     unit(in_planes, b3_out))

    def forward(self, x):
        return ember.cat([self.branch0(x), self.branch1(x), self.branch2(x), self.branch3(x)], 1)


# the inception blocks (in, b0_out, b1_mid, b1_out, b2_mid, b2_out, b3_out) and, named, the
# 3-D max pools between them
_BLOCKS = ((192, 64, 96, 128, 16, 32, 32), (256, 128, 128, 192, 32, 96, 64), "pool3",
           (480, 192, 96, 208, 16, 48, 64), (512, 160, 112, 224, 24, 64, 64),
           (512, 128, 128, 256, 24, 64, 64), (512, 112, 144, 288, 32, 64, 64),
           (528, 256, 160, 320, 32, 128, 128), "pool2",
           (832, 256, 160, 320, 32, 128, 128), (832, 384, 192, 384, 48, 128, 128))


class S3D(nn.Module):
    """Separable stem, ten separable Inception blocks with 3-D max pools between, a
    ``2 x 7 x 7`` average pool and a 1x1x1 convolution classifier averaged over what is left
    (clips need at least 13 frames of 224 x 224)."""

    def __init__(self, num_classes=400, dropout=0.2, norm_layer=None):
        super().__init__()
        norm_layer = norm_layer or partial(nn.BatchNorm3d, eps=0.001, momentum=0.001)
        spatial_pool = partial(nn.MaxPool3d, kernel_size=(1, 3, 3), stride=(1, 2, 2),
                               padding=(0, 1, 1))
        pools = {"pool3": partial(nn.MaxPool3d, kernel_size=(3, 3, 3), stride=(2, 2, 2),
                                  padding=(1, 1, 1)),
                 "pool2": partial(nn.MaxPool3d, kernel_size=(2, 2, 2), stride=(2, 2, 2),
                                  padding=(0, 0, 0))}
        self.features = nn.Sequential(
            TemporalSeparableConv(3, 64, 7, 2, 3, norm_layer), spatial_pool(),
            Conv3dNormActivation(64, 64, kernel_size=1, stride=1, norm_layer=norm_layer),
            TemporalSeparableConv(64, 192, 3, 1, 1, norm_layer), spatial_pool(),
            *(pools[b]() if isinstance(b, str) else SepInceptionBlock3D(*b, norm_layer)
              for b in _BLOCKS))
        self.avgpool = nn.AvgPool3d(kernel_size=(2, 7, 7), stride=1)
        self.classifier = nn.Sequential(nn.Dropout(p=dropout),
                                        nn.Conv3d(1024, num_classes, kernel_size=1, stride=1))

    def forward(self, x):
        x = self.classifier(self.avgpool(self.features(x)))
        return x.mean(dim=(2, 3, 4))


S3D_Weights, s3d = builder("s3d", S3D)
