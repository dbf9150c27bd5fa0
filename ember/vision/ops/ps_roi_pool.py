"""Position-sensitive RoI Pool (R-FCN): the average of each bin of every region, where output
bin (ph, pw) of output channel c reads only input channel ``(c * PH + ph) * PW + pw``.

Corners are rounded to whole pixels of the scaled map (half away from zero, in the input's
precision) and a region is at least one pixel wide; bin ``i`` of ``n`` over a length ``L``
covers ``[floor(i L / n), ceil((i + 1) L / n))`` from the region's corner.  torchvision's
kernel clips the bins to ``[0, size - 1]`` in the forward pass but to ``[0, size]`` in the
backward pass, so a bin touching the last row or column is averaged without it yet sends it
gradient; :class:`_PSRoIPool` keeps both, as the specification.
"""
import math

import numpy as np

import ember

from ... import nn
from ...autograd.function import Function
from ._utils import as_rois, by_image
from .ps_roi_align import _channels_out
from .roi_align import _pair
from .roi_pool import _round_half_away


def _bins(start, end, bins, size, limit, real):
    """Per bin: (first, stop) clipped to ``[0, limit]``, for a region [start, end) of a map
    ``size`` long; the bin size and its multiples are computed in ``real`` (the input's
    floating type)."""
    step = real(max(end - start, 1)) / real(bins)
    return [(min(max(math.floor(real(i) * step) + start, 0), limit),
             min(max(math.ceil(real(i + 1) * step) + start, 0), limit)) for i in range(bins)]


def _masks(rois, ph, pw, height, width, scale, real, backward):
    """``[K, PH, H]`` and ``[K, PW, W]`` 0/1 bin masks and ``[K, PH, PW]`` inverse bin areas
    (0 for an empty bin), with the forward's or the backward's clipping."""
    my = np.zeros((len(rois), ph, height), real)
    mx = np.zeros((len(rois), pw, width), real)
    inv_area = np.zeros((len(rois), ph, pw), real)
    s = real(scale)
    for k, (_, x1, y1, x2, y2) in enumerate(rois):
        x1, y1, x2, y2 = (_round_half_away(float(real(v) * s)) for v in (x1, y1, x2, y2))
        rows = _bins(y1, y2, ph, height, height if backward else height - 1, real)
        cols = _bins(x1, x2, pw, width, width if backward else width - 1, real)
        for i, (a, b) in enumerate(rows):
            my[k, i, a:b] = 1
            for j, (c, d) in enumerate(cols):
                if b > a and d > c:
                    inv_area[k, i, j] = 1 / real((b - a) * (d - c))
        for j, (c, d) in enumerate(cols):
            mx[k, j, c:d] = 1
    return my, mx, inv_area


class _PSRoIPool(Function):
    @staticmethod
    def forward(ctx, input, rois, ph, pw, scale):
        n, channels, height, width = input.shape
        cout = _channels_out(channels, ph, pw)
        real = np.float64 if input.dtype == ember.float64 else np.float32
        boxes = rois.tolist()
        ctx.args = (boxes, ph, pw, scale, real, input.shape)
        ctx.save_for_backward(rois)
        if not boxes:
            return input.new_zeros((0, cout, ph, pw))
        my, mx, inv_area = (ember.tensor(a, device=input.device)
                            for a in _masks(boxes, ph, pw, height, width, scale, real, False))
        planes = input.reshape(n, cout, ph, pw, height, width)
        out = input.new_empty((len(boxes), cout, ph, pw))
        for b, k in by_image(rois):
            out[k] = ember.einsum("kph,cpqhw,kqw->kcpq", my[k], planes[b], mx[k])
        return out * inv_area[:, None]

    @staticmethod
    def backward(ctx, grad):
        boxes, ph, pw, scale, real, shape = ctx.args
        (rois,) = ctx.saved_tensors
        n, channels, height, width = shape
        grad_input = grad.new_zeros((n, channels // (ph * pw), ph, pw, height, width))
        if boxes:
            my, mx, inv_area = (ember.tensor(a, device=grad.device)
                                for a in _masks(boxes, ph, pw, height, width, scale, real, True))
            grad = grad * inv_area[:, None]
            for b, k in by_image(rois):
                grad_input[b] += ember.einsum("kph,kcpq,kqw->cpqhw", my[k], grad[k], mx[k])
        return grad_input.reshape(shape), None, None, None, None


def ps_roi_pool(input, boxes, output_size, spatial_scale=1.0):
    """``[K, C / (PH * PW), PH, PW]``: each region of ``boxes`` (``[K, 5]`` RoIs or per-image
    ``[L, 4]`` boxes) pooled position-sensitively by averaging the pixels of each bin."""
    rois = as_rois(input, boxes).detach()
    ph, pw = _pair(output_size)
    return _PSRoIPool.apply(input, rois, ph, pw, spatial_scale)


class PSRoIPool(nn.Module):
    """Module form of :func:`ps_roi_pool`."""

    def __init__(self, output_size, spatial_scale):
        super().__init__()
        self.output_size = output_size
        self.spatial_scale = spatial_scale

    def forward(self, input, rois):
        return ps_roi_pool(input, rois, self.output_size, self.spatial_scale)

    def __repr__(self):
        return (f"{self.__class__.__name__}(output_size={self.output_size}, "
                f"spatial_scale={self.spatial_scale})")
