"""Image grids and saving (``torchvision.utils.make_grid`` / ``save_image``) and drawing
(boxes, masks, keypoints, optical flow)."""
import math

import ember

from .. import _errors
from ._draw import (draw_bounding_boxes, draw_keypoints, draw_segmentation_masks,  # noqa: F401
                    flow_to_image)
from ._pil import pil


def _as_batch(tensor):
    """A list or (H, W) / (C, H, W) / (B, C, H, W) tensor as a 3-channel-or-more batch."""
    if isinstance(tensor, (list, tuple)):
        tensor = ember.stack(list(tensor), dim=0)
    if tensor.dim() == 2:
        tensor = tensor.unsqueeze(0)
    if tensor.dim() == 3:
        tensor = tensor.unsqueeze(0)
    if tensor.dim() != 4:
        raise _errors.make_grid_dims(tensor.dim())
    if tensor.size(1) == 1:                          # grey images are shown as RGB
        tensor = ember.cat([tensor, tensor, tensor], dim=1)
    return tensor


def _rescale_(img, value_range):
    lo, hi = value_range if value_range is not None else (float(img.min()), float(img.max()))
    img.clamp_(min=lo, max=hi).sub_(lo).div_(max(hi - lo, 1e-5))


def make_grid(tensor, nrow=8, padding=2, normalize=False, value_range=None, scale_each=False,
              pad_value=0.0):
    """Tile a batch of images into one ``(C, H', W')`` image, ``nrow`` images per row."""
    with ember.no_grad():
        tensor = _as_batch(tensor)
        if normalize:
            tensor = tensor.clone()
            for img in (tensor if scale_each else [tensor]):
                _rescale_(img, value_range)
        if tensor.size(0) == 1:
            return tensor.squeeze(0)
        n, c, h, w = tensor.shape
        cols = min(nrow, n)
        rows = int(math.ceil(n / cols))
        step_h, step_w = h + padding, w + padding
        grid = ember.full((c, step_h * rows + padding, step_w * cols + padding), pad_value,
                          dtype=tensor.dtype, device=tensor.device)
        for k in range(n):
            y, x = divmod(k, cols)
            grid[:, y * step_h + padding:(y + 1) * step_h,
                 x * step_w + padding:(x + 1) * step_w] = tensor[k]
        return grid


def save_image(tensor, fp, format=None, **kwargs):
    """Write ``make_grid(tensor, **kwargs)`` as an 8-bit image file (PNG by default for .png)."""
    grid = make_grid(tensor, **kwargs)
    arr = (grid * 255 + 0.5).clamp(0, 255).permute(1, 2, 0).to(ember.uint8).cpu().numpy()
    pil().fromarray(arr).save(fp, format=format)
