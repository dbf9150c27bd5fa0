"""Drawing on image tensors (``torchvision.utils``'s ``draw_bounding_boxes``,
``draw_segmentation_masks``, ``draw_keypoints``, ``flow_to_image``): boxes, text and keypoints
go through Pillow's ``ImageDraw`` as in torchvision, masks and flows through tensor ops."""
import warnings

import numpy as np

from .. import _dtype, _errors, arange, atan2, floor, from_numpy, tensor as _tensor, zeros
from .._tensor import Tensor


def _generate_color_palette(num_objects):
    palette = np.array([2 ** 25 - 1, 2 ** 15 - 1, 2 ** 21 - 1])
    return [tuple(int(v) for v in (i * palette) % 255) for i in range(num_objects)]


def _parse_colors(colors, *, num_objects, dtype=_dtype.uint8):
    """One RGB triplet per object (scaled to ``[0, 1]`` for float images)."""
    from PIL import ImageColor
    if colors is None:
        colors = _generate_color_palette(num_objects)
    elif isinstance(colors, list):
        if len(colors) < num_objects:
            raise _errors.draw_too_few_colors(len(colors), num_objects)
    elif not isinstance(colors, (tuple, str)):
        raise _errors.draw_colors_type(colors)
    elif isinstance(colors, tuple) and len(colors) != 3:
        raise _errors.draw_colors_triplet(colors)
    else:
        colors = [colors] * num_objects
    colors = [ImageColor.getrgb(c) if isinstance(c, str) else c for c in colors]
    if dtype.is_floating_point:
        colors = [tuple(v / 255 for v in c) for c in colors]
    return colors


def _check_image(image, channels=(3,), name="The image must be a tensor"):
    if not isinstance(image, Tensor):
        raise _errors.draw_image_type(image, name)
    if not (image.dtype == _dtype.uint8 or image.is_floating_point()):
        raise _errors.draw_image_dtype(image.dtype)
    if image.dim() != 3:
        raise _errors.draw_batched_image()
    if image.size(0) not in channels:
        raise _errors.draw_channels(channels)


def _to_pil(image):
    """The image as a PIL RGB image (float images scaled to uint8 first)."""
    from PIL import Image
    if image.is_floating_point():
        from .transforms.v2.functional import to_dtype
        image = to_dtype(image, dtype=_dtype.uint8, scale=True)
    return Image.fromarray(np.ascontiguousarray(image.permute(1, 2, 0).numpy()))


def _from_pil(picture, dtype):
    out = from_numpy(np.array(picture)).permute(2, 0, 1)
    if dtype.is_floating_point:
        from .transforms.v2.functional import to_dtype
        out = to_dtype(out, dtype=dtype, scale=True)
    return out


def draw_bounding_boxes(image, boxes, labels=None, colors=None, fill=False, width=1, font=None,
                        font_size=None, label_colors=None, label_background_colors=None,
                        fill_labels=False):
    """Draw ``(xmin, ymin, xmax, ymax)`` boxes (and their labels) on a ``(C, H, W)`` image."""
    from PIL import ImageDraw, ImageFont
    _check_image(image, (1, 3), "Tensor expected")
    if boxes.shape[-1] == 4 and ((boxes[:, 0] > boxes[:, 2]).any()
                                 or (boxes[:, 1] > boxes[:, 3]).any()):
        raise _errors.draw_boxes_format()
    num_boxes = boxes.shape[0]
    if num_boxes == 0:
        warnings.warn("boxes doesn't contain any box. No box was drawn")
        return image
    if labels is None:
        labels = [None] * num_boxes
    elif len(labels) != num_boxes:
        raise _errors.draw_labels_count(num_boxes, len(labels))
    colors = _parse_colors(colors, num_objects=num_boxes)
    label_colors = _parse_colors(label_colors or "black", num_objects=num_boxes) \
        if label_colors or fill_labels else list(colors)
    label_background_colors = _parse_colors(label_background_colors, num_objects=num_boxes) \
        if fill_labels and label_background_colors else list(colors)
    if font is None:
        if font_size is not None:
            warnings.warn("Argument 'font_size' will be ignored since 'font' is not set.")
        txt_font = ImageFont.load_default()
    else:
        txt_font = ImageFont.truetype(font=font, size=font_size or 10)
    if image.size(0) == 1:
        image = image.tile((3, 1, 1))
    picture = _to_pil(image)
    draw = ImageDraw.Draw(picture, "RGBA" if fill else None)
    for bbox, color, label, label_color, label_bg in zip(
            boxes.to(_dtype.int64).tolist(), colors, labels, label_colors,
            label_background_colors):
        if len(bbox) > 4:
            draw.polygon(bbox, outline=color, fill=color + (100,) if fill else None, width=width)
        else:
            draw.rectangle(bbox, width=width, outline=color,
                           fill=color + (100,) if fill else None)
        if label is not None:
            margin = width + 1
            if fill_labels:
                left, top, right, bottom = draw.textbbox((bbox[0] + margin, bbox[1] + margin),
                                                         label, font=txt_font)
                draw.rectangle((left - 1, top - 1, right + 1, bottom + 1), fill=label_bg)
            draw.text((bbox[0] + margin, bbox[1] + margin), label, fill=label_color,
                      font=txt_font)
    return _from_pil(picture, image.dtype)


def draw_segmentation_masks(image, masks, alpha=0.8, colors=None):
    """Blend boolean ``masks`` (``(N, H, W)`` or ``(H, W)``) over an RGB image with ``alpha``;
    pixels covered by several masks turn black."""
    _check_image(image)
    if masks.ndim == 2:
        masks = masks[None, :, :]
    if masks.ndim != 3:
        raise _errors.draw_masks_shape()
    if masks.dtype != _dtype.bool_:
        raise _errors.draw_masks_dtype(masks.dtype)
    if masks.shape[-2:] != image.shape[-2:]:
        raise _errors.draw_masks_size()
    num_masks = masks.size()[0]
    overlapping = masks.sum(dim=0) > 1
    if num_masks == 0:
        warnings.warn("masks doesn't contain any mask. No mask was drawn")
        return image
    dtype = image.dtype
    colors = [_tensor(c, dtype=dtype) for c in _parse_colors(colors, num_objects=num_masks,
                                                               dtype=dtype)]
    drawn = image.detach().clone()
    for mask, color in zip(masks, colors):
        drawn[:, mask] = color[:, None]
    drawn[:, overlapping] = 0
    return (image * (1 - alpha) + drawn * alpha).to(dtype)


def draw_keypoints(image, keypoints, connectivity=None, colors=None, radius=2, width=3,
                   visibility=None):
    """Draw each instance's visible keypoints ``(N, K, 2)`` as discs, and the ``connectivity``
    pairs between them as lines."""
    from PIL import ImageDraw
    from .. import ones
    _check_image(image)
    if keypoints.ndim != 3:
        raise _errors.draw_keypoints_shape()
    if visibility is None:
        visibility = ones(keypoints.shape[:-1], dtype=_dtype.bool_)
    if visibility.ndim == 3:
        visibility = visibility.squeeze(-1)
    if visibility.ndim != 2:
        raise _errors.draw_visibility_ndim(visibility.ndim)
    if visibility.shape != keypoints.shape[:-1]:
        raise _errors.draw_visibility_shape(visibility.shape, keypoints.shape)
    picture = _to_pil(image)
    draw = ImageDraw.Draw(picture)
    for points, visible in zip(keypoints.to(_dtype.int64).tolist(), visibility.bool().tolist()):
        for (x, y), vis in zip(points, visible):
            if vis:
                draw.ellipse([x - radius, y - radius, x + radius, y + radius], fill=colors,
                             outline=None, width=0)
        for start, end in connectivity or ():
            if visible[start] and visible[end]:
                draw.line((tuple(points[start]), tuple(points[end])), width=width)
    return _from_pil(picture, image.dtype)


def _make_colorwheel():
    """The 55 colours of the Middlebury flow colour wheel (``(55, 3)``, 0-255)."""
    wheel = zeros((55, 3))
    col = 0
    # (segment length, channel rising or falling, channel held at 255)
    for n, ramp, up, full in ((15, 1, True, 0), (6, 0, False, 1), (4, 2, True, 1),
                              (11, 1, False, 2), (13, 0, True, 2), (6, 2, False, 0)):
        steps = floor(255 * arange(0, n) / n)
        wheel[col:col + n, full] = 255
        wheel[col:col + n, ramp] = steps if up else 255 - steps
        col += n
    return wheel


def flow_to_image(flow):
    """An optical flow ``(2, H, W)`` or ``(N, 2, H, W)`` (float32) as a uint8 RGB image:
    direction as hue, magnitude (normalised by the largest) as saturation."""
    if flow.dtype != _dtype.float32:
        raise _errors.flow_dtype(flow.dtype)
    orig_shape = flow.shape
    if flow.ndim == 3:
        flow = flow[None]
    if flow.ndim != 4 or flow.shape[1] != 2:
        raise _errors.flow_shape(orig_shape)
    max_norm = flow.pow(2).sum(dim=1).sqrt().max()
    normalized = flow / (max_norm + float(np.finfo(np.float32).eps))
    n, _, h, w = normalized.shape
    image = zeros((n, 3, h, w), dtype=_dtype.uint8)
    wheel = _make_colorwheel()
    num_cols = wheel.shape[0]
    norm = normalized.pow(2).sum(dim=1).sqrt()
    a = atan2(-normalized[:, 1, :, :], -normalized[:, 0, :, :]) / np.pi
    fk = (a + 1) / 2 * (num_cols - 1)
    k0 = floor(fk).to(_dtype.int64)
    k1 = k0 + 1
    k1[k1 == num_cols] = 0
    f = fk - k0
    for c in range(3):
        col0, col1 = wheel[:, c][k0] / 255.0, wheel[:, c][k1] / 255.0
        col = 1 - norm * (1 - ((1 - f) * col0 + f * col1))
        image[:, c, :, :] = floor(255 * col)
    return image[0] if len(orig_shape) == 3 else image
