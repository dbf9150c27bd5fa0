"""Anchor generators: a fixed set of boxes per feature-map cell, for every image."""
import ember

from .... import nn

__all__ = ["AnchorGenerator"]


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
