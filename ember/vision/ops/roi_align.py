"""RoI Align (Mask R-CNN): bilinear sampling of each region into a fixed grid of bins.

Bilinear interpolation is separable, so each region's output is ``Ay @ image @ Ax^T`` with
``Ay[ph, h]`` / ``Ax[pw, w]`` the summed interpolation weights of the bin's sample rows /
columns.  Two GEMMs per region replace a gather of every sample.  The op is linear in the input,
so its gradient needs only the weights: :class:`_Separable` runs a few regions at a time in
both directions and keeps nothing of the ``[K, C, PH, W]`` intermediate (for a detector's box
features, hundreds of MB once every proposal's was kept for backward).  The boxes get no
gradient, as in torchvision.
"""
import ember

from ... import nn
from ...autograd.function import Function
from ...nn import functional as F
from ._utils import as_rois


def _pair(v):
    return (v, v) if isinstance(v, int) else tuple(v)


def _axis_weights(start, length, bins, size, sampling_ratio, aligned):
    """``[K, bins, size]`` interpolation weights along one axis of every region.

    ``start``/``length`` are the regions' scaled extent; each bin averages ``grid`` samples
    (``sampling_ratio``, or ceil(length / bins) per region when it is <= 0) placed at the
    centres of equal sub-bins.  Samples more than one pixel outside the map count as zero."""
    if not aligned:
        length = length.clamp(min=1.0)
    bin_size = length / bins
    if sampling_ratio > 0:
        grid = ember.full_like(length, float(sampling_ratio))
        most = sampling_ratio
    else:
        grid = ember.ceil(length / bins)
        most = max(int(grid.max()) if grid.numel() else 1, 1)
    sample = ember.arange(most, device=length.device, dtype=length.dtype)
    pos = (start[:, None, None] + ember.arange(bins, device=length.device,
                                               dtype=length.dtype)[None, :, None] *
           bin_size[:, None, None] + (sample + 0.5) * (bin_size / grid)[:, None, None])
    used = (sample[None, :] < grid[:, None])[:, None, :] & (pos >= -1.0) & (pos <= size)
    pos = ember.where(used, pos, 0.0).clamp(min=0)    # (an empty grid's positions are 0 / 0)
    low = pos.floor().long()
    top = low >= size - 1
    low = ember.where(top, size - 1, low)
    high = ember.where(top, size - 1, low + 1)
    frac = ember.where(top, 0.0, pos - low)
    weight_low = ember.where(used, 1 - frac, 0.0)
    weight_high = ember.where(used, frac, 0.0)
    dense = F.one_hot(low, size) * weight_low[..., None] + \
        F.one_hot(high, size) * weight_high[..., None]
    return dense.sum(2), grid


def roi_align(input, boxes, output_size, spatial_scale=1.0, sampling_ratio=-1, aligned=False):
    """Pool each region of ``boxes`` (``[K, 5]`` RoIs or a list of per-image ``[L, 4]``
    boxes, in input coordinates before ``spatial_scale``) into ``output_size`` bins by
    averaging bilinear samples: ``[K, C, PH, PW]``."""
    rois = as_rois(input, boxes)
    ph, pw = _pair(output_size)
    work = input if input.dtype in (ember.float32, ember.float64) else input.float()
    rois = rois.detach().to(work.dtype)
    _, channels, height, width = input.shape
    offset = 0.5 if aligned else 0.0
    x1, y1, x2, y2 = (rois[:, i] * spatial_scale - offset for i in range(1, 5))
    ay, grid_h = _axis_weights(y1, y2 - y1, ph, height, sampling_ratio, aligned)
    ax, grid_w = _axis_weights(x1, x2 - x1, pw, width, sampling_ratio, aligned)
    count = (grid_h * grid_w).clamp(min=1)
    if not len(rois):
        return input.new_zeros((0, channels, ph, pw))
    out = _Separable.apply(work, ay, ax, rois[:, 0].long()) / count[:, None, None, None]
    return out.to(input.dtype)


class _Separable(Function):
    """``out[k] = ay[k] @ input[image[k]] @ ax[k]^T`` over groups of RoIs of one image, each
    group's ``[k, C, PH, W]`` intermediate at most ``BUDGET`` elements."""
    BUDGET = 1 << 21

    @staticmethod
    def _groups(shape, ay, image):
        """``(b, k)``: image ``b`` and some of its RoIs' indices ``k``."""
        _, channels, _, width = shape
        step = max(1, _Separable.BUDGET // (channels * ay.shape[1] * width))
        for b in image.unique().tolist():
            (k,) = ember.where(image == b)
            for i in range(0, len(k), step):
                yield b, k[i:i + step]

    @staticmethod
    def forward(ctx, work, ay, ax, image):
        ctx.save_for_backward(ay, ax, image)
        ctx.work_shape = work.shape
        out = work.new_empty((len(image), work.shape[1], ay.shape[1], ax.shape[1]))
        for b, k in _Separable._groups(work.shape, ay, image):
            rows = ember.einsum("kph,chw->kcpw", ay[k], work[b])
            out[k] = ember.einsum("kcpw,kqw->kcpq", rows, ax[k])
        return out

    @staticmethod
    def backward(ctx, grad):
        ay, ax, image = ctx.saved_tensors
        count, channels, height, width = ctx.work_shape
        per_image = {}
        for b, k in _Separable._groups(ctx.work_shape, ay, image):
            rows = ember.einsum("kcpq,kqw->kcpw", grad[k], ax[k])
            part = ember.einsum("kph,kcpw->chw", ay[k], rows)
            per_image[b] = per_image[b] + part if b in per_image else part
        zeros = grad.new_zeros((channels, height, width))
        return ember.stack([per_image.get(b, zeros) for b in range(count)]), None, None, None


class RoIAlign(nn.Module):
    """Module form of :func:`roi_align`."""

    def __init__(self, output_size, spatial_scale, sampling_ratio, aligned=False):
        super().__init__()
        self.output_size = output_size
        self.spatial_scale = spatial_scale
        self.sampling_ratio = sampling_ratio
        self.aligned = aligned

    def forward(self, input, rois):
        return roi_align(input, rois, self.output_size, self.spatial_scale,
                         self.sampling_ratio, self.aligned)

    def __repr__(self):
        return (f"{self.__class__.__name__}(output_size={self.output_size}, "
                f"spatial_scale={self.spatial_scale}, sampling_ratio={self.sampling_ratio}, "
                f"aligned={self.aligned})")

