"""Deformable convolution (``torchvision.ops.deform_conv2d`` / ``DeformConv2d``): v1 with learned
offsets, v2 when a modulation ``mask`` is given.

Each kernel tap of each output position reads the input at its regular place plus a learned
``(dy, dx)`` offset, by bilinear interpolation with torchvision's boundary rule: a sample more
than one pixel outside the image is zero, and each of its four neighbours outside the image
contributes zero.  The samples (times the mask) form im2col columns that one grouped GEMM with
the weight turns into the output.  Written in ember ops, so the gradients for the input, the
offsets (the derivative of the bilinear weights), the mask, the weight and the bias come from
autograd.
"""
import math

import ember

from ... import _errors, nn
from ...nn import init
from ...nn.modules.utils import _pair


def _bilinear(image, y, x, height, width):
    """Samples of ``image`` (``[N, G, C, H * W]``) at rows ``y`` / columns ``x`` (``[N, G, P]``):
    ``[N, G, C, P]``."""
    outside = (y <= -1) | (y >= height) | (x <= -1) | (x >= width)
    y0, x0 = y.detach().floor(), x.detach().floor()
    ly, lx = y - y0, x - x0
    out = 0
    for dy, wy in ((0, 1 - ly), (1, ly)):
        for dx, wx in ((0, 1 - lx), (1, lx)):
            row, col = y0 + dy, x0 + dx
            valid = ~outside & (row >= 0) & (row <= height - 1) & (col >= 0) & \
                (col <= width - 1)
            index = (row.clamp(0, height - 1) * width + col.clamp(0, width - 1)).long()
            picked = image.gather(3, index[:, :, None, :].expand(*image.shape[:3], -1))
            out = out + ember.where(valid, wy * wx, 0.0)[:, :, None, :] * picked
    return out


def deform_conv2d(input, offset, weight, bias=None, stride=(1, 1), padding=(0, 0),
                  dilation=(1, 1), mask=None):
    """``[N, C_out, H_out, W_out]``: ``input`` ``[N, C_in, H, W]`` convolved with ``weight``
    ``[C_out, C_in / groups, KH, KW]`` at positions moved by ``offset``
    ``[N, 2 * offset_groups * KH * KW, H_out, W_out]`` (a ``(dy, dx)`` pair per group and tap),
    each sample scaled by ``mask`` ``[N, offset_groups * KH * KW, H_out, W_out]`` if given."""
    (sh, sw), (ph, pw), (dh, dw) = _pair(stride), _pair(padding), _pair(dilation)
    n, channels, height, width = input.shape
    out_channels, group_channels, kh, kw = weight.shape
    taps = kh * kw
    offset_groups = offset.shape[1] // (2 * taps)
    if offset_groups == 0:
        raise _errors.deform_offset_channels(offset.shape[1], 2 * taps)
    groups = channels // group_channels
    out_h = (height + 2 * ph - (dh * (kh - 1) + 1)) // sh + 1
    out_w = (width + 2 * pw - (dw * (kw - 1) + 1)) // sw + 1
    _check_shapes(input, offset, weight, mask, offset_groups, groups, (out_h, out_w))
    like = dict(dtype=input.dtype, device=input.device)
    rows = ember.arange(kh, **like).repeat_interleave(kw) * dh
    cols = ember.arange(kw, **like).repeat(kh) * dw
    moved = offset.reshape(n, offset_groups, taps, 2, out_h, out_w)
    y = (ember.arange(out_h, **like) * sh - ph)[:, None] + rows[:, None, None] + moved[:, :, :, 0]
    x = (ember.arange(out_w, **like) * sw - pw) + cols[:, None, None] + moved[:, :, :, 1]
    samples = _bilinear(input.reshape(n, offset_groups, channels // offset_groups, -1),
                        y.reshape(n, offset_groups, -1), x.reshape(n, offset_groups, -1),
                        height, width)
    if mask is not None:
        samples = samples * mask.reshape(n, offset_groups, 1, -1)
    columns = samples.reshape(n, groups, group_channels * taps, out_h * out_w)
    out = weight.reshape(groups, out_channels // groups, -1) @ columns
    out = out.reshape(n, out_channels, out_h, out_w)
    return out if bias is None else out + bias[:, None, None]


def _check_shapes(input, offset, weight, mask, offset_groups, groups, out_size):
    """The shape checks of torchvision's kernel, as RuntimeErrors."""
    n, channels = input.shape[:2]
    taps = weight.shape[2] * weight.shape[3]
    if channels % offset_groups:
        raise _errors.deform_shape("input.size(1) % n_offset_grps == 0")
    if offset.shape[1] != offset_groups * 2 * taps:
        raise _errors.deform_shape("offset.size(1) == n_offset_grps * 2 * weight_h * weight_w")
    if offset.shape[0] != n:
        raise _errors.deform_shape("offset.size(0) == input.size(0)")
    if weight.shape[1] * groups != channels:
        raise _errors.deform_shape("input.size(1) == n_weight_grps * weight.size(1)")
    if weight.shape[0] % groups:
        raise _errors.deform_shape("weight.size(0) % n_weight_grps == 0")
    if min(out_size) <= 0:
        raise _errors.deform_shape("out_h > 0 && out_w > 0")
    if tuple(offset.shape[2:]) != out_size:
        raise _errors.deform_shape("offset output dims: (offset.size(2), offset.size(3)) == "
                                   "(out_h, out_w)")
    if mask is not None and (mask.shape[1] != offset_groups * taps or
                             tuple(mask.shape[2:]) != out_size):
        raise _errors.deform_shape("mask.size(1) == n_offset_grps * weight_h * weight_w")


class DeformConv2d(nn.Module):
    """A deformable 2-D convolution layer; ``forward(input, offset, mask=None)``."""

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0,
                 dilation=1, groups=1, bias=True):
        super().__init__()
        if in_channels % groups != 0:
            raise ValueError("in_channels must be divisible by groups")
        if out_channels % groups != 0:
            raise ValueError("out_channels must be divisible by groups")
        self.in_channels, self.out_channels = in_channels, out_channels
        self.kernel_size = _pair(kernel_size)
        self.stride, self.padding, self.dilation = _pair(stride), _pair(padding), _pair(dilation)
        self.groups = groups
        self.weight = nn.Parameter(ember.empty(out_channels, in_channels // groups,
                                               *self.kernel_size))
        if bias:
            self.bias = nn.Parameter(ember.empty(out_channels))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self):
        init.kaiming_uniform_(self.weight, a=math.sqrt(5))
        if self.bias is not None:
            fan_in, _ = init._calculate_fan_in_and_fan_out(self.weight)
            bound = 1 / math.sqrt(fan_in)
            init.uniform_(self.bias, -bound, bound)

    def forward(self, input, offset, mask=None):
        return deform_conv2d(input, offset, self.weight, self.bias, stride=self.stride,
                             padding=self.padding, dilation=self.dilation, mask=mask)

    def __repr__(self):
        parts = [f"{self.in_channels}, {self.out_channels}", f"kernel_size={self.kernel_size}",
                 f"stride={self.stride}"]
        if self.padding != (0, 0):
            parts.append(f"padding={self.padding}")
        if self.dilation != (1, 1):
            parts.append(f"dilation={self.dilation}")
        if self.groups != 1:
            parts.append(f"groups={self.groups}")
        if self.bias is None:
            parts.append("bias=False")
        return f"{type(self).__name__}({', '.join(parts)})"
