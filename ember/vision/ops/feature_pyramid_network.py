"""Feature Pyramid Network (Lin et al., 2016): lateral 1x1 convolutions, a top-down pathway
with nearest-neighbour upsampling, 3x3 output convolutions, and optional extra levels."""
from collections import OrderedDict
from functools import partial

from ... import _errors, nn
from ...nn import functional as F
from .misc import Conv2dNormActivation
from ._init import init_conv2d
from ._legacy_keys import RenamedInVersion2

__all__ = ["FeaturePyramidNetwork", "ExtraFPNBlock", "LastLevelMaxPool", "LastLevelP6P7"]


class ExtraFPNBlock(nn.Module):
    """Base of the blocks that add levels on top of the pyramid: ``forward(results, x,
    names)`` returns the extended ``(results, names)``."""

    def forward(self, results, x, names):
        raise NotImplementedError


class FeaturePyramidNetwork(RenamedInVersion2, nn.Module):
    """FPN over an ordered dict of feature maps (finest first); returns an ordered dict of
    ``out_channels``-channel maps under the same names (plus the extra block's)."""

    def __init__(self, in_channels_list, out_channels, extra_blocks=None, norm_layer=None):
        super().__init__()
        self.inner_blocks = nn.ModuleList()
        self.layer_blocks = nn.ModuleList()
        for in_channels in in_channels_list:
            if in_channels == 0:
                raise _errors.fpn_zero_channels()
            self.inner_blocks.append(Conv2dNormActivation(
                in_channels, out_channels, kernel_size=1, padding=0, norm_layer=norm_layer,
                activation_layer=None))
            self.layer_blocks.append(Conv2dNormActivation(
                out_channels, out_channels, kernel_size=3, norm_layer=norm_layer,
                activation_layer=None))
        init_conv2d(self, partial(nn.init.kaiming_uniform_, a=1))
        if extra_blocks is not None and not isinstance(extra_blocks, ExtraFPNBlock):
            raise _errors.fpn_extra_blocks_type(extra_blocks)
        self.extra_blocks = extra_blocks

    def _version_1_names(self):
        # version 1 held bare convolutions: ``inner_blocks.<i>.weight``
        return [(f"{block}.{i}", f"{block}.{i}.0") for block in ("inner_blocks", "layer_blocks")
                for i in range(len(self.inner_blocks))]

    def get_result_from_inner_blocks(self, x, idx):
        return self.inner_blocks[idx](x)

    def get_result_from_layer_blocks(self, x, idx):
        return self.layer_blocks[idx](x)

    def forward(self, x):
        names = list(x.keys())
        feats = list(x.values())
        last_inner = self.inner_blocks[-1](feats[-1])
        results = [self.layer_blocks[-1](last_inner)]
        for idx in range(len(feats) - 2, -1, -1):
            lateral = self.inner_blocks[idx](feats[idx])
            top_down = F.interpolate(last_inner, size=lateral.shape[-2:], mode="nearest")
            last_inner = lateral + top_down
            results.insert(0, self.layer_blocks[idx](last_inner))
        if self.extra_blocks is not None:
            results, names = self.extra_blocks(results, feats, names)
        return OrderedDict(zip(names, results))


class LastLevelMaxPool(ExtraFPNBlock):
    """Adds ``"pool"``: a stride-2 subsampling of the coarsest level."""

    def forward(self, x, y, names):
        names.append("pool")
        x.append(F.max_pool2d(x[-1], kernel_size=1, stride=2, padding=0))
        return x, names


class LastLevelP6P7(ExtraFPNBlock):
    """Adds ``"p6"``/``"p7"`` (RetinaNet): two stride-2 3x3 convolutions on P5 (when the
    channel counts match) or on C5."""

    def __init__(self, in_channels, out_channels):
        super().__init__()
        self.p6 = nn.Conv2d(in_channels, out_channels, 3, 2, 1)
        self.p7 = nn.Conv2d(out_channels, out_channels, 3, 2, 1)
        for module in (self.p6, self.p7):
            nn.init.kaiming_uniform_(module.weight, a=1)
            nn.init.constant_(module.bias, 0)
        self.use_P5 = in_channels == out_channels

    def forward(self, p, c, names):
        p6 = self.p6(p[-1] if self.use_P5 else c[-1])
        p7 = self.p7(F.relu(p6))
        return p + [p6, p7], names + ["p6", "p7"]
