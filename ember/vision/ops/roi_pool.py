"""RoI Pool (Fast R-CNN): the maximum of each bin of every region, on integer bin edges.

A region's corners are rounded to whole pixels of the scaled map; bin ``i`` of ``n`` over a
length ``L`` covers ``[floor(i L / n), ceil((i + 1) L / n))``, clipped to the map, and an empty
bin gives 0.  The maximum is taken in two masked passes (columns, then rows) in ember ops, so
the gradient flows to each bin's maximum.
"""
import math

import ember

from ... import nn
from ._utils import as_rois
from .roi_align import _pair


def _round_half_away(v):
    return math.floor(v + 0.5) if v >= 0 else -math.floor(-v + 0.5)


def _bin_edges(start, end, bins, size):
    """(first, stop) pixel of each bin, clipped to [0, size]."""
    length = max(end - start + 1, 1)
    step = length / bins
    return [(min(max(math.floor(i * step) + start, 0), size),
             min(max(math.ceil((i + 1) * step) + start, 0), size)) for i in range(bins)]


def _masked_max(values, edges, origin, dim):
    """Max of ``values`` along ``dim`` (the last or second-last) within each bin's range:
    the bins become a new axis just before ``dim``'s position; empty bins give -inf."""
    n = values.shape[dim]
    idx = ember.arange(n, device=values.device)
    mask = ember.stack([(idx >= a - origin) & (idx < b - origin) for a, b in edges])
    if dim == -1:        # values [C, h, w] -> [C, h, bins]
        picked = ember.where(mask[None, None], values[:, :, None, :], -math.inf)
    else:                # values [C, h, bins] -> [C, bins(rows), bins(cols)]
        picked = ember.where(mask[None, :, :, None], values[:, None, :, :], -math.inf)
    return picked.amax(dim)


def roi_pool(input, boxes, output_size, spatial_scale=1.0):
    """Max-pool each region of ``boxes`` (``[K, 5]`` RoIs or per-image ``[L, 4]`` boxes) into
    ``output_size`` bins: ``[K, C, PH, PW]``."""
    rois = as_rois(input, boxes)
    ph, pw = _pair(output_size)
    _, channels, height, width = input.shape
    outputs = []
    for image, *corners in rois.detach().tolist():
        x1, y1, x2, y2 = (_round_half_away(v * spatial_scale) for v in corners)
        rows, cols = _bin_edges(y1, y2, ph, height), _bin_edges(x1, x2, pw, width)
        top, bottom = min(a for a, _ in rows), max(b for _, b in rows)
        left, right = min(a for a, _ in cols), max(b for _, b in cols)
        if bottom <= top or right <= left:
            outputs.append(input.new_zeros((channels, ph, pw)))
            continue
        crop = input[int(image), :, top:bottom, left:right]
        pooled = _masked_max(_masked_max(crop, cols, left, -1), rows, top, -2)
        empty = ember.tensor([[b <= a or d <= c for c, d in cols] for a, b in rows],
                             device=input.device)
        outputs.append(ember.where(empty, 0.0, pooled).to(input.dtype))
    if not outputs:
        return input.new_zeros((0, channels, ph, pw))
    return ember.stack(outputs)


class RoIPool(nn.Module):
    """Module form of :func:`roi_pool`."""

    def __init__(self, output_size, spatial_scale):
        super().__init__()
        self.output_size = output_size
        self.spatial_scale = spatial_scale

    def forward(self, input, rois):
        return roi_pool(input, rois, self.output_size, self.spatial_scale)

    def __repr__(self):
        return (f"{self.__class__.__name__}(output_size={self.output_size}, "
                f"spatial_scale={self.spatial_scale})")
