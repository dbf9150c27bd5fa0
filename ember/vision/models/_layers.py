"""Helpers shared by several architectures (their layers live in ``vision.ops.misc``)."""
import warnings

from ... import nn
from ...nn import functional as F
from ._api import overwrite_param

__all__ = ["make_divisible", "init_mobile", "init_linears_trunc_normal", "init_inception",
           "BasicConv2d", "transform_input", "inception_prepare"]


def make_divisible(v, divisor, min_value=None):
    """Round a channel count to a multiple of ``divisor``, never dropping below 90% of ``v``."""
    min_value = min_value or divisor
    new_v = max(min_value, int(v + divisor / 2) // divisor * divisor)
    if new_v < 0.9 * v:
        new_v += divisor
    return new_v


def _normal_linear(weight):
    nn.init.normal_(weight, 0, 0.01)


def init_mobile(model, conv=nn.Conv2d, norms=(nn.BatchNorm2d, nn.GroupNorm),
                linear_weight=_normal_linear):
    """The initialisation of the MobileNet family (EfficientNet's too, and, given 3-D
    ``conv``/``norms``, the video ResNets'): He-normal (fan-out) convolutions, unit norms,
    zero biases; ``linear_weight`` fills the linear layers' weights (N(0, 0.01) by default)."""
    for m in model.modules():
        if isinstance(m, conv):
            nn.init.kaiming_normal_(m.weight, mode="fan_out")
            if m.bias is not None:
                nn.init.zeros_(m.bias)
        elif isinstance(m, norms):
            nn.init.ones_(m.weight)
            nn.init.zeros_(m.bias)
        elif isinstance(m, nn.Linear):
            linear_weight(m.weight)
            nn.init.zeros_(m.bias)


def init_linears_trunc_normal(model):
    """Linear layers drawn from N(0, 0.02) truncated at +-2, zero biases (the Swin family)."""
    for m in model.modules():
        if isinstance(m, nn.Linear):
            nn.init.trunc_normal_(m.weight, std=0.02)
            if m.bias is not None:
                nn.init.zeros_(m.bias)


class BasicConv2d(nn.Module):
    """Bias-free convolution, batch norm (eps 1e-3), ReLU: GoogLeNet's and Inception's unit."""

    def __init__(self, in_channels, out_channels, **kwargs):
        super().__init__()
        self.conv = nn.Conv2d(in_channels, out_channels, bias=False, **kwargs)
        self.bn = nn.BatchNorm2d(out_channels, eps=0.001)

    def forward(self, x):
        return F.relu(self.bn(self.conv(x)), inplace=True)


def init_inception(model, default_std):
    """GoogLeNet's and Inception v3's initialisation: truncated-normal (within +-2) convolution
    and linear weights, std a layer's own ``stddev`` or ``default_std``; unit batch norms."""
    for m in model.modules():
        if isinstance(m, (nn.Conv2d, nn.Linear)):
            std = float(getattr(m, "stddev", default_std))
            nn.init.trunc_normal_(m.weight, mean=0.0, std=std, a=-2, b=2)
        elif isinstance(m, nn.BatchNorm2d):
            nn.init.constant_(m.weight, 1)
            nn.init.constant_(m.bias, 0)


def transform_input(x):
    """Re-normalise an ImageNet-normalised batch to the [-1, 1] scaling of Google's weights."""
    from ... import cat
    return cat([x[:, i:i + 1] * (std / 0.5) + (mean - 0.5) / 0.5
                for i, (mean, std) in enumerate(((0.485, 0.229), (0.456, 0.224), (0.406, 0.225)))],
               1)


def inception_prepare(default_aux_logits, kept_warning=None):
    """``prepare`` for GoogLeNet/Inception checkpoints: they carry the auxiliary heads and
    expect transformed inputs; the heads are dropped afterwards unless asked for (then
    ``kept_warning``, if any, is issued)."""
    def prepare(weights, kwargs):
        keep_aux = kwargs.get("aux_logits", default_aux_logits)
        kwargs.setdefault("transform_input", True)
        overwrite_param(kwargs, "aux_logits", True)
        overwrite_param(kwargs, "init_weights", False)

        def finish(model):
            if not keep_aux:
                model.aux_logits = False
                for name in model.aux_names:
                    setattr(model, name, None)
            elif kept_warning is not None:
                warnings.warn(kept_warning())
        return finish
    return prepare
