"""Position-sensitive RoI Align (R-FCN): RoI Align where output bin (ph, pw) of output
channel c reads only input channel ``(c * PH + ph) * PW + pw``.

Boxes are shifted by half a pixel (RoI Align's ``aligned=True`` convention) and regions are
not widened to a pixel; each bin averages its bilinear samples.  The weights are
:func:`roi_align`'s separable ones, so a group of RoIs of one image is one ``einsum`` over the
input's channels regrouped as ``[C_out, PH, PW, H, W]``, and the gradient is autograd's.
"""
import ember

from ... import _errors, nn
from ._utils import as_rois, by_image
from .roi_align import _axis_weights, _pair


def _channels_out(channels, ph, pw):
    if channels % (ph * pw):
        raise _errors.ps_roi_channels()
    return channels // (ph * pw)


def ps_roi_align(input, boxes, output_size, spatial_scale=1.0, sampling_ratio=-1):
    """``[K, C / (PH * PW), PH, PW]``: each region of ``boxes`` (``[K, 5]`` RoIs or per-image
    ``[L, 4]`` boxes) pooled position-sensitively by averaging bilinear samples."""
    work = input if input.dtype in (ember.float32, ember.float64) else input.float()
    rois = as_rois(work, boxes).detach()
    ph, pw = _pair(output_size)
    n, channels, height, width = input.shape
    cout = _channels_out(channels, ph, pw)
    if not len(rois):
        return input.new_zeros((0, cout, ph, pw))
    x1, y1, x2, y2 = (rois[:, i] * spatial_scale - 0.5 for i in range(1, 5))
    ay, grid_h = _axis_weights(y1, y2 - y1, ph, height, sampling_ratio, True)
    ax, grid_w = _axis_weights(x1, x2 - x1, pw, width, sampling_ratio, True)
    planes = work.reshape(n, cout, ph, pw, height, width)
    out = work.new_empty((len(rois), cout, ph, pw))
    for b, k in by_image(rois):
        out[k] = ember.einsum("kph,cpqhw,kqw->kcpq", ay[k], planes[b], ax[k])
    # (no floor at one sample: an empty grid divides 0 by 0, as torchvision's kernel does)
    return (out / (grid_h * grid_w)[:, None, None, None]).to(input.dtype)


class PSRoIAlign(nn.Module):
    """Module form of :func:`ps_roi_align`."""

    def __init__(self, output_size, spatial_scale, sampling_ratio):
        super().__init__()
        self.output_size = output_size
        self.spatial_scale = spatial_scale
        self.sampling_ratio = sampling_ratio

    def forward(self, input, rois):
        return ps_roi_align(input, rois, self.output_size, self.spatial_scale,
                            self.sampling_ratio)

    def __repr__(self):
        return (f"{self.__class__.__name__}(output_size={self.output_size}, "
                f"spatial_scale={self.spatial_scale}, sampling_ratio={self.sampling_ratio})")
