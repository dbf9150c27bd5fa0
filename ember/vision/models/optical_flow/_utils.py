"""Coordinate grids, sampling at pixel coordinates and flow upsampling for the flow models."""
import ember

from ....nn import functional as F


def grid_sample(img, absolute_grid, mode="bilinear", align_corners=None):
    """``F.grid_sample`` with a grid in pixel coordinates ``(x, y)`` instead of [-1, 1]."""
    h, w = img.shape[-2:]
    x, y = absolute_grid.split([1, 1], dim=-1)
    x = 2 * x / (w - 1) - 1
    if h > 1:                   # a one-row image keeps its y as given
        y = 2 * y / (h - 1) - 1
    return F.grid_sample(img, ember.cat([x, y], dim=-1), mode=mode, align_corners=align_corners)


def make_coords_grid(batch_size, h, w, device="cpu"):
    """``(batch_size, 2, h, w)`` float pixel coordinates, x first."""
    ys, xs = ember.meshgrid(ember.arange(h, device=device), ember.arange(w, device=device),
                            indexing="ij")
    return ember.stack([xs, ys], dim=0).float()[None].repeat(batch_size, 1, 1, 1)


def upsample_flow(flow, up_mask=None, factor=8):
    """Scale a flow field up by ``factor``: bilinearly, or (given ``up_mask``, 9 weights per
    output pixel) as a learned convex combination of each coarse pixel's 3x3 neighbourhood."""
    n, c, h, w = flow.shape
    if up_mask is None:
        return factor * F.interpolate(flow, size=(h * factor, w * factor), mode="bilinear",
                                      align_corners=True)
    weights = up_mask.view(n, 1, 9, factor, factor, h, w).softmax(dim=2)
    neighbours = F.unfold(factor * flow, kernel_size=3, padding=1).view(n, c, 9, 1, 1, h, w)
    up = (weights * neighbours).sum(dim=2)
    return up.permute(0, 1, 4, 2, 5, 3).reshape(n, c, h * factor, w * factor)
