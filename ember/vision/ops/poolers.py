"""Multi-scale RoI Align: each region is pooled from the FPN level its size maps to (eq. 1 of
the FPN paper)."""
import math

import ember

from ... import _errors, nn
from .boxes import box_area
from .roi_align import roi_align

__all__ = ["MultiScaleRoIAlign", "LevelMapper"]


class LevelMapper:
    """Regions -> pyramid level index: ``floor(canonical_level + log2(sqrt(area) /
    canonical_scale) + eps)`` clamped to ``[k_min, k_max]``, minus ``k_min``."""

    def __init__(self, k_min, k_max, canonical_scale=224, canonical_level=4, eps=1e-6):
        self.k_min = k_min
        self.k_max = k_max
        self.s0 = canonical_scale
        self.lvl0 = canonical_level
        self.eps = eps

    def __call__(self, boxlists):
        s = ember.sqrt(ember.cat([box_area(b) for b in boxlists]))
        levels = ember.floor(self.lvl0 + ember.log2(s / self.s0) +
                             ember.tensor(self.eps, dtype=s.dtype))
        return levels.clamp(min=self.k_min, max=self.k_max).long() - self.k_min


def _as_rois(boxes):
    """Per-image ``[L, 4]`` boxes -> ``[K, 5]`` rows ``(image index, x1, y1, x2, y2)``."""
    concat = ember.cat(boxes, dim=0)
    ids = ember.cat([ember.full_like(b[:, :1], i) for i, b in enumerate(boxes)], dim=0)
    return ember.cat([ids, concat], dim=1)


def _infer_scale(feature, original_size):
    # the power of two nearest the ratio of the feature map's height to the image's
    ratio = float(feature.shape[-2]) / float(original_size[0])
    return 2.0 ** round(math.log2(ratio))


class MultiScaleRoIAlign(nn.Module):
    """RoI Align over the feature maps named ``featmap_names`` of an ordered dict; the
    levels' scales are inferred on the first call from the maps' and images' sizes."""

    def __init__(self, featmap_names, output_size, sampling_ratio, *, canonical_scale=224,
                 canonical_level=4):
        super().__init__()
        if isinstance(output_size, int):
            output_size = (output_size, output_size)
        self.featmap_names = featmap_names
        self.sampling_ratio = sampling_ratio
        self.output_size = tuple(output_size)
        self.scales = None
        self.map_levels = None
        self.canonical_scale = canonical_scale
        self.canonical_level = canonical_level

    def _setup_scales(self, features, image_shapes):
        if not image_shapes:
            raise _errors.pooler_no_images()
        largest = (max(s[0] for s in image_shapes), max(s[1] for s in image_shapes))
        self.scales = [_infer_scale(f, largest) for f in features]
        lvl_min = int(-math.log2(self.scales[0]))
        lvl_max = int(-math.log2(self.scales[-1]))
        self.map_levels = LevelMapper(lvl_min, lvl_max, self.canonical_scale,
                                      self.canonical_level)

    def forward(self, x, boxes, image_shapes):
        features = [v for k, v in x.items() if k in self.featmap_names]
        if self.scales is None or self.map_levels is None:
            self._setup_scales(features, image_shapes)
        rois = _as_rois(boxes)
        if len(features) == 1:
            return roi_align(features[0], rois, self.output_size, self.scales[0],
                             self.sampling_ratio)
        levels = self.map_levels(boxes)
        pieces, order = [], []
        for level, (feature, scale) in enumerate(zip(features, self.scales)):
            (idx,) = ember.where(levels == level)
            pieces.append(roi_align(feature, rois[idx], self.output_size, scale,
                                    self.sampling_ratio).to(features[0].dtype))
            order.append(idx)
        return ember.cat(pieces)[ember.cat(order).argsort()]

    def __repr__(self):
        return (f"{self.__class__.__name__}(featmap_names={self.featmap_names}, "
                f"output_size={self.output_size}, sampling_ratio={self.sampling_ratio})")
