"""Anchor generators: a fixed set of boxes per feature-map cell, for every image."""
import math

import ember

from .... import _errors, nn

__all__ = ["AnchorGenerator", "DefaultBoxGenerator"]


class AnchorGenerator(nn.Module):
    """Per feature map, ``len(sizes[i]) * len(aspect_ratios[i])`` anchors centred on each cell
    (the cell's top-left corner in image coordinates); ``forward`` returns, per image, all
    maps' anchors concatenated as ``[sum(H*W*A), 4]`` xyxy boxes."""

    def __init__(self, sizes=((128, 256, 512),), aspect_ratios=((0.5, 1.0, 2.0),)):
        super().__init__()
        if not isinstance(sizes[0], (list, tuple)):
            sizes = tuple((s,) for s in sizes)
        if not isinstance(aspect_ratios[0], (list, tuple)):
            aspect_ratios = (aspect_ratios,) * len(sizes)
        self.sizes = sizes
        self.aspect_ratios = aspect_ratios
        self.cell_anchors = [self.generate_anchors(s, a) for s, a in zip(sizes, aspect_ratios)]

    def generate_anchors(self, scales, aspect_ratios, dtype=ember.float32, device="cpu"):
        """Zero-centred ``[len(aspect_ratios) * len(scales), 4]`` anchors, rounded: area
        ``scale**2`` and ``height / width = aspect_ratio``."""
        scales = ember.as_tensor(scales, dtype=dtype, device=device)
        h_ratios = ember.sqrt(ember.as_tensor(aspect_ratios, dtype=dtype, device=device))
        w_ratios = 1 / h_ratios
        ws = (w_ratios[:, None] * scales[None, :]).view(-1)
        hs = (h_ratios[:, None] * scales[None, :]).view(-1)
        return (ember.stack([-ws, -hs, ws, hs], dim=1) / 2).round()

    def set_cell_anchors(self, dtype, device):
        self.cell_anchors = [a.to(dtype=dtype, device=device) for a in self.cell_anchors]

    def num_anchors_per_location(self):
        return [len(s) * len(a) for s, a in zip(self.sizes, self.aspect_ratios)]

    def grid_anchors(self, grid_sizes, strides):
        anchors = []
        for (grid_h, grid_w), (stride_h, stride_w), base in zip(grid_sizes, strides,
                                                               self.cell_anchors):
            device = base.device
            shifts_x = ember.arange(0, grid_w, dtype=ember.int32, device=device) * stride_w
            shifts_y = ember.arange(0, grid_h, dtype=ember.int32, device=device) * stride_h
            shift_y, shift_x = ember.meshgrid(shifts_y, shifts_x, indexing="ij")
            shift_x, shift_y = shift_x.reshape(-1), shift_y.reshape(-1)
            shifts = ember.stack((shift_x, shift_y, shift_x, shift_y), dim=1)
            anchors.append((shifts.view(-1, 1, 4) + base.view(1, -1, 4)).reshape(-1, 4))
        return anchors

    def forward(self, image_list, feature_maps):
        grid_sizes = [fm.shape[-2:] for fm in feature_maps]
        image_size = image_list.tensors.shape[-2:]
        dtype, device = feature_maps[0].dtype, feature_maps[0].device
        strides = [[ember.tensor(image_size[0] // g[0], dtype=ember.int64, device=device),
                    ember.tensor(image_size[1] // g[1], dtype=ember.int64, device=device)]
                   for g in grid_sizes]
        self.set_cell_anchors(dtype, device)
        all_maps = ember.cat(self.grid_anchors(grid_sizes, strides))
        return [all_maps for _ in image_list.image_sizes]


class DefaultBoxGenerator(nn.Module):
    """SSD's default boxes: per feature map ``k`` and cell, squares of scale ``s_k`` and
    ``sqrt(s_k * s_{k+1})`` plus a ``(w, h)`` / ``(h, w)`` pair per aspect ratio, centred on
    the cell (``steps`` give the cell size in pixels, else the map's own grid); the scales
    are fractions of the image size, linearly spaced in ``[min_ratio, max_ratio]`` unless
    given; ``clip`` clamps the box sizes to [0, 1]."""

    def __init__(self, aspect_ratios, min_ratio=0.15, max_ratio=0.9, scales=None, steps=None,
                 clip=True):
        super().__init__()
        if steps is not None and len(aspect_ratios) != len(steps):
            raise _errors.default_boxes_steps()
        self.aspect_ratios = aspect_ratios
        self.steps = steps
        self.clip = clip
        num_outputs = len(aspect_ratios)
        if scales is None:
            if num_outputs > 1:
                span = max_ratio - min_ratio
                self.scales = [min_ratio + span * k / (num_outputs - 1.0)
                               for k in range(num_outputs)] + [1.0]
            else:
                self.scales = [min_ratio, max_ratio]
        else:
            self.scales = scales
        self._wh_pairs = self._generate_wh_pairs(num_outputs)

    def _generate_wh_pairs(self, num_outputs, dtype=ember.float32, device="cpu"):
        pairs = []
        for k in range(num_outputs):
            s_k = self.scales[k]
            s_prime = math.sqrt(self.scales[k] * self.scales[k + 1])
            wh = [[s_k, s_k], [s_prime, s_prime]]
            for ar in self.aspect_ratios[k]:
                sq = math.sqrt(ar)
                wh += [[s_k * sq, s_k / sq], [s_k / sq, s_k * sq]]
            pairs.append(ember.as_tensor(wh, dtype=dtype, device=device))
        return pairs

    def num_anchors_per_location(self):
        return [2 + 2 * len(r) for r in self.aspect_ratios]

    def _grid_default_boxes(self, grid_sizes, image_size, dtype=ember.float32):
        """``[sum(H*W*A), 4]`` boxes as (cx, cy, w, h) fractions of the image."""
        boxes = []
        for k, f_k in enumerate(grid_sizes):
            if self.steps is not None:
                x_f_k, y_f_k = image_size[1] / self.steps[k], image_size[0] / self.steps[k]
            else:
                y_f_k, x_f_k = f_k
            shifts_x = ((ember.arange(0, f_k[1]) + 0.5) / x_f_k).to(dtype=dtype)
            shifts_y = ((ember.arange(0, f_k[0]) + 0.5) / y_f_k).to(dtype=dtype)
            shift_y, shift_x = ember.meshgrid(shifts_y, shifts_x, indexing="ij")
            shift_x, shift_y = shift_x.reshape(-1), shift_y.reshape(-1)
            shifts = ember.stack((shift_x, shift_y) * len(self._wh_pairs[k]),
                                 dim=-1).reshape(-1, 2)
            wh = self._wh_pairs[k].clamp(min=0, max=1) if self.clip else self._wh_pairs[k]
            boxes.append(ember.cat((shifts, wh.repeat(f_k[0] * f_k[1], 1)), dim=1))
        return ember.cat(boxes, dim=0)

    def __repr__(self):
        return (f"{self.__class__.__name__}(aspect_ratios={self.aspect_ratios}, "
                f"clip={self.clip}, scales={self.scales}, steps={self.steps})")

    def forward(self, image_list, feature_maps):
        grid_sizes = [fm.shape[-2:] for fm in feature_maps]
        image_size = image_list.tensors.shape[-2:]
        dtype, device = feature_maps[0].dtype, feature_maps[0].device
        boxes = self._grid_default_boxes(grid_sizes, image_size, dtype=dtype).to(device)
        x_y_size = ember.tensor([image_size[1], image_size[0]], device=device)
        xyxy = ember.cat([(boxes[:, :2] - 0.5 * boxes[:, 2:]) * x_y_size,
                          (boxes[:, :2] + 0.5 * boxes[:, 2:]) * x_y_size], -1)
        return [xyxy for _ in image_list.image_sizes]
