"""Geometric functionals: each has kernels for images (tensors and PIL, through the v1
kernels), videos, masks, bounding boxes and keypoints, so that a sample's targets move with
its image."""
import math
import numbers

import numpy as np

from ..... import _dtype, cat, ones, tensor as _tensor
from ....._tensor import Tensor
from .... import tv_tensors
from ....tv_tensors import BoundingBoxFormat
from ... import functional as F1
from ..._functional_tensor import warp
from ...functional import (InterpolationMode, _interp, _inverse_affine, _output_size, _pair,
                           _tensor_fill, _tensor_mode)
from ._meta import _check_upright, _clamp_bounding_boxes, _from_xyxy, _to_xyxy
from ._utils import PIL_IMAGE, _dispatch, _register_kernel_internal
from ..... import _errors

_B, _K = tv_tensors.BoundingBoxes, tv_tensors.KeyPoints
_IMAGES = (Tensor, PIL_IMAGE, tv_tensors.Image, tv_tensors.Video)


def _register_images(functional, kernel, mask_kernel=None):
    for t in _IMAGES:
        _register_kernel_internal(functional, t)(kernel)
    _register_kernel_internal(functional, tv_tensors.Mask)(mask_kernel or kernel)


def _as_3d(kernel):
    """A mask kernel from an image kernel: 2-D masks get a channel dimension meanwhile."""
    def mask_kernel(mask, *args, **kwargs):
        if mask.ndim >= 3:
            return kernel(mask, *args, **kwargs)
        return kernel(mask.unsqueeze(0), *args, **kwargs).squeeze(0)
    return mask_kernel


def _boxes_kernel(functional):
    """Register ``kernel(boxes, format, canvas_size, clamping_mode, **kw) -> (out, canvas)``
    for BoundingBoxes."""
    def decorator(kernel):
        def dispatch(boxes, *args, **kwargs):
            _check_upright(boxes.format)
            out, canvas = kernel(boxes.as_subclass(Tensor), boxes.format, boxes.canvas_size,
                                 boxes.clamping_mode, *args, **kwargs)
            return tv_tensors.wrap(out, like=boxes, canvas_size=canvas)
        _register_kernel_internal(functional, _B, wrap=False)(dispatch)
        return kernel
    return decorator


def _points_kernel(functional):
    """Register ``kernel(points, canvas_size, **kw) -> (out, canvas)`` for KeyPoints."""
    def decorator(kernel):
        def dispatch(points, *args, **kwargs):
            out, canvas = kernel(points.as_subclass(Tensor), points.canvas_size, *args,
                                 **kwargs)
            return tv_tensors.wrap(out, like=points, canvas_size=canvas)
        _register_kernel_internal(functional, _K, wrap=False)(dispatch)
        return kernel
    return decorator


def _shift(boxes, fmt, dx, dy):
    """Boxes moved by ``(dx, dy)``."""
    delta = [dx, dy, dx, dy] if fmt is BoundingBoxFormat.XYXY else [dx, dy, 0, 0]
    return boxes + _tensor(delta, dtype=boxes.dtype, device=boxes.device)


# ---- flips ----------------------------------------------------------------------------------
def horizontal_flip(inpt):
    return _dispatch(horizontal_flip, inpt)


def vertical_flip(inpt):
    return _dispatch(vertical_flip, inpt)


hflip, vflip = horizontal_flip, vertical_flip
_register_images(horizontal_flip, F1.hflip)
_register_images(vertical_flip, F1.vflip)


def _flip_boxes(boxes, fmt, canvas_size, axis):
    """Mirror along x (``axis=0``) or y (``axis=1``)."""
    extent = canvas_size[1 - axis]
    out = boxes.clone().reshape(-1, 4)
    if fmt is BoundingBoxFormat.XYXY:
        out[:, [axis + 2, axis]] = out[:, [axis, axis + 2]].sub_(extent).neg_()
    elif fmt is BoundingBoxFormat.XYWH:
        out[:, axis].add_(out[:, axis + 2]).sub_(extent).neg_()
    else:
        out[:, axis].sub_(extent).neg_()
    return out.reshape(boxes.shape)


def _flip_points(points, canvas_size, axis):
    out = points.clone().reshape(-1, 2)
    out[..., axis] = out[..., axis].sub_(canvas_size[1 - axis] - 1).neg_()
    return out.reshape(points.shape)


def horizontal_flip_bounding_boxes(bounding_boxes, format, canvas_size):
    return _flip_boxes(bounding_boxes, format, canvas_size, 0)


def vertical_flip_bounding_boxes(bounding_boxes, format, canvas_size):
    return _flip_boxes(bounding_boxes, format, canvas_size, 1)


for _functional, _axis in ((horizontal_flip, 0), (vertical_flip, 1)):
    _boxes_kernel(_functional)(
        lambda b, fmt, canvas, mode, _a=_axis: (_flip_boxes(b, fmt, canvas, _a), canvas))
    _points_kernel(_functional)(
        lambda p, canvas, _a=_axis: (_flip_points(p, canvas, _a), canvas))


# ---- resize ---------------------------------------------------------------------------------
def _resized_size(canvas_size, size, max_size=None):
    """``(H, W)`` after resizing; ``size=None`` scales the long side to ``max_size``."""
    h, w = canvas_size
    if size is None:
        if max_size is None:
            raise _errors.v2_max_size_integer_when_size(None)
        scale = max_size / max(h, w)
        return int(h * scale), int(w * scale)
    if isinstance(size, (list, tuple)) and len(size) != 1 and max_size is not None:
        raise _errors.v2_max_size_passed_size_none()
    return tuple(_output_size(h, w, size, max_size))


def resize(inpt, size, interpolation=InterpolationMode.BILINEAR, max_size=None, antialias=True):
    return _dispatch(resize, inpt, size, interpolation=interpolation, max_size=max_size,
                     antialias=antialias)


def resize_image(image, size, interpolation=InterpolationMode.BILINEAR, max_size=None,
                 antialias=True):
    _, h, w = F1.get_dimensions(image)
    new = _resized_size((h, w), size, max_size)
    if new == (h, w):
        return image
    return F1.resize(image, list(new), _interp(interpolation),
                     antialias=bool(antialias) if antialias is not None else False)


def resize_mask(mask, size, interpolation=InterpolationMode.NEAREST, max_size=None,
                antialias=True):
    mode = _interp(interpolation)
    if mode not in (InterpolationMode.NEAREST, InterpolationMode.NEAREST_EXACT):
        mode = InterpolationMode.NEAREST
    return _as_3d(resize_image)(mask, size, mode, max_size)


_register_images(resize, resize_image, resize_mask)


def _scale(t, canvas_size, new_size, width):
    ratios = [new_size[1] / canvas_size[1], new_size[0] / canvas_size[0]] * (width // 2)
    return t.mul(_tensor(ratios, device=t.device)).to(t.dtype)


@_boxes_kernel(resize)
def _resize_boxes(boxes, fmt, canvas_size, mode, size, max_size=None, **_):
    new = _resized_size(canvas_size, size, max_size)
    return (boxes, canvas_size) if new == tuple(canvas_size) else (_scale(boxes, canvas_size,
                                                                          new, 4), new)


@_points_kernel(resize)
def _resize_points(points, canvas_size, size, max_size=None, **_):
    new = _resized_size(canvas_size, size, max_size)
    return (points, canvas_size) if new == tuple(canvas_size) else (_scale(points, canvas_size,
                                                                           new, 2), new)


# ---- crops ----------------------------------------------------------------------------------
def crop(inpt, top, left, height, width):
    return _dispatch(crop, inpt, top, left, height, width)


_register_images(crop, F1.crop)


@_boxes_kernel(crop)
def _crop_boxes(boxes, fmt, canvas_size, mode, top, left, height, width):
    canvas = (height, width)
    return _clamp_bounding_boxes(_shift(boxes, fmt, -left, -top), fmt, canvas, mode), canvas


@_points_kernel(crop)
def _crop_points(points, canvas_size, top, left, height, width):
    return points - _tensor([left, top], dtype=points.dtype, device=points.device), \
        (height, width)


def _center_crop_box(canvas_size, output_size):
    ch, cw = _pair(output_size)
    h, w = canvas_size
    return int(round((h - ch) / 2.0)), int(round((w - cw) / 2.0)), ch, cw


def center_crop(inpt, output_size):
    return _dispatch(center_crop, inpt, output_size)


_register_images(center_crop, F1.center_crop)
_boxes_kernel(center_crop)(lambda b, fmt, canvas, mode, output_size: _crop_boxes(
    b, fmt, canvas, mode, *_center_crop_box(canvas, output_size)))
_points_kernel(center_crop)(lambda p, canvas, output_size: _crop_points(
    p, canvas, *_center_crop_box(canvas, output_size)))


def resized_crop(inpt, top, left, height, width, size, interpolation=InterpolationMode.BILINEAR,
                 antialias=True):
    return _dispatch(resized_crop, inpt, top, left, height, width, size,
                     interpolation=interpolation, antialias=antialias)


def _resized_crop_image(image, top, left, height, width, size,
                        interpolation=InterpolationMode.BILINEAR, antialias=True):
    return resize_image(F1.crop(image, top, left, height, width), size, interpolation,
                        antialias=antialias)


_register_images(resized_crop, _resized_crop_image, _as_3d(
    lambda m, top, left, height, width, size, **_: resize_mask(
        F1.crop(m, top, left, height, width), size)))


@_boxes_kernel(resized_crop)
def _resized_crop_boxes(boxes, fmt, canvas_size, mode, top, left, height, width, size, **_):
    boxes, canvas = _crop_boxes(boxes, fmt, canvas_size, mode, top, left, height, width)
    return _resize_boxes(boxes, fmt, canvas, mode, size)


@_points_kernel(resized_crop)
def _resized_crop_points(points, canvas_size, top, left, height, width, size, **_):
    points, canvas = _crop_points(points, canvas_size, top, left, height, width)
    return _resize_points(points, canvas, size)


def five_crop(inpt, size):
    return _dispatch(five_crop, inpt, size)


def ten_crop(inpt, size, vertical_flip=False):
    return _dispatch(ten_crop, inpt, size, vertical_flip=vertical_flip)


for _t in _IMAGES:
    _register_kernel_internal(five_crop, _t, wrap=False)(F1.five_crop)
    _register_kernel_internal(ten_crop, _t, wrap=False)(F1.ten_crop)


# ---- pad ------------------------------------------------------------------------------------
def _parse_pad_padding(padding):
    """``[left, right, top, bottom]``."""
    if isinstance(padding, int):
        return [padding] * 4
    if isinstance(padding, (tuple, list)):
        if len(padding) == 1:
            return [padding[0]] * 4
        if len(padding) == 2:
            return [padding[0], padding[0], padding[1], padding[1]]
        if len(padding) == 4:
            return [padding[0], padding[2], padding[1], padding[3]]
        raise _errors.v2_padding_int_1_2_4(padding)
    raise _errors.v2_padding_integer_tuple_list_integers(padding)


def pad(inpt, padding, fill=None, padding_mode="constant"):
    return _dispatch(pad, inpt, padding, fill=fill, padding_mode=padding_mode)


def pad_image(image, padding, fill=None, padding_mode="constant"):
    left, right, top, bottom = _parse_pad_padding(padding)
    if padding_mode not in ("constant", "edge", "reflect", "symmetric"):
        raise _errors.v2_padding_mode_either_constant_edge_2(padding_mode)
    fill = 0 if fill is None else fill
    if isinstance(fill, (list, tuple)) and len(fill) == 1:
        fill = fill[0]
    if not isinstance(fill, (list, tuple)) or not isinstance(image, Tensor):
        return F1.pad(image, [left, top, right, bottom], fill=fill, padding_mode=padding_mode)
    if padding_mode != "constant":
        raise _errors.v2_pad_vector_fill_mode(padding_mode)
    # a fill per channel: pad with zeros, then paint the borders
    out = F1.pad(image, [left, top, right, bottom], fill=0, padding_mode="constant")
    values = _tensor(fill, device=image.device).to(dtype=image.dtype).reshape(-1, 1, 1)
    for index, width in (((..., slice(None, top), slice(None)), top),
                         ((..., slice(None), slice(None, left)), left),
                         ((..., slice(-bottom or None, None), slice(None)), bottom),
                         ((..., slice(None), slice(-right or None, None)), right)):
        if width > 0:
            out[index] = values
    return out


def _pad_mask(mask, padding, fill=None, padding_mode="constant"):
    if isinstance(fill, (tuple, list)):
        raise _errors.v2_non_scalar_fill_value_not()
    return _as_3d(pad_image)(mask, padding, fill, padding_mode)


_register_images(pad, pad_image, _pad_mask)


def _padded(canvas_size, padding, padding_mode, what):
    if padding_mode != "constant":
        raise _errors.v2_pad_mode_unsupported(padding_mode, what)
    left, right, top, bottom = _parse_pad_padding(padding)
    return left, top, (canvas_size[0] + top + bottom, canvas_size[1] + left + right)


@_boxes_kernel(pad)
def _pad_boxes(boxes, fmt, canvas_size, mode, padding, fill=None, padding_mode="constant"):
    left, top, canvas = _padded(canvas_size, padding, padding_mode, "bounding boxes")
    return _clamp_bounding_boxes(_shift(boxes, fmt, left, top), fmt, canvas, mode), canvas


@_points_kernel(pad)
def _pad_points(points, canvas_size, padding, fill=None, padding_mode="constant"):
    left, top, canvas = _padded(canvas_size, padding, padding_mode, "KeyPoints")
    return points + _tensor([left, top], dtype=points.dtype, device=points.device), canvas


# ---- affine and rotate ----------------------------------------------------------------------
def _affine_parse_args(angle, translate, scale, shear, center):
    if not isinstance(angle, (int, float)):
        raise _errors.v2_argument_angle_int_float()
    if not isinstance(translate, (list, tuple)):
        raise _errors.v2_argument_translate_sequence()
    if len(translate) != 2:
        raise _errors.v2_argument_translate_sequence_length_2()
    if scale <= 0.0:
        raise _errors.affine_scale()
    if not isinstance(shear, (numbers.Number, list, tuple)):
        raise _errors.v2_shear_either_single_value_sequence()
    shear = [shear, 0.0] if isinstance(shear, numbers.Number) else list(shear)
    if len(shear) == 1:
        shear = [shear[0], shear[0]]
    if len(shear) != 2:
        raise _errors.v2_shear_sequence_containing_two_values(shear)
    if center is not None:
        if not isinstance(center, (list, tuple)):
            raise _errors.v2_argument_center_sequence()
        center = [float(c) for c in center]
    return float(angle), list(translate), shear, center


def _forward_affine(center, angle, translate, scale, shear):
    """Row-major 2×3 matrix mapping input coordinates to output coordinates."""
    rot, sx, sy = math.radians(angle), math.radians(shear[0]), math.radians(shear[1])
    cx, cy = center
    a = math.cos(rot - sy) / math.cos(sy)
    b = -(a * math.tan(sx) + math.sin(rot))
    c = math.sin(rot - sy) / math.cos(sy)
    d = math.cos(rot) - c * math.tan(sx)
    m = [a * scale, b * scale, 0.0, c * scale, d * scale, 0.0]
    m[2] += cx + translate[0] - m[0] * cx - m[1] * cy
    m[5] += cy + translate[1] - m[3] * cx - m[4] * cy
    return m


def _expanded_size(matrix, w, h):
    """``(W, H)`` of the canvas holding the whole transformed image, computed as torchvision
    does (float32 corners of ``matrix``, snapped to 1e-4 before rounding outwards)."""
    f32 = np.float32
    half = np.array([0.5 * w, 0.5 * h], dtype=f32)
    corners = np.array([[-1, -1, 1], [-1, 1, 1], [1, 1, 1], [1, -1, 1]], dtype=f32) * \
        np.array([half[0], half[1], 1], dtype=f32)
    new = corners @ np.asarray(matrix, dtype=f32).reshape(2, 3).T
    lo, hi = new.min(axis=0) + half, new.max(axis=0) + half
    cmax = np.ceil(np.trunc(hi * f32(1e4)) * f32(1e-4))
    cmin = np.floor(np.trunc(lo * f32(1e4)) * f32(1e-4))
    size = cmax - cmin
    return int(size[0]), int(size[1])


def _affine_points(points, canvas_size, angle, translate, scale, shear, center, expand):
    """Points ``(N, 2)`` (float) through the affine map, and the new canvas."""
    angle, translate, shear, center = _affine_parse_args(angle, translate, scale, shear, center)
    height, width = canvas_size
    if center is None:
        center = [width * 0.5, height * 0.5]
    matrix = _tensor(_forward_affine(center, angle, translate, scale, shear),
                     dtype=points.dtype, device=points.device).reshape(2, 3).T
    homogeneous = cat([points, ones(points.shape[0], 1, dtype=points.dtype,
                                    device=points.device)], dim=-1)
    out = homogeneous.matmul(matrix)
    if expand:
        corners = _tensor([[0.0, 0.0, 1.0], [0.0, float(height), 1.0],
                           [float(width), float(height), 1.0], [float(width), 0.0, 1.0]],
                          dtype=points.dtype, device=points.device)
        out = out - corners.matmul(matrix).amin(dim=0, keepdim=True)
        new_w, new_h = _expanded_size(_inverse_affine(center, angle, translate, scale, shear),
                                      width, height)
        canvas_size = (new_h, new_w)
    return out, canvas_size


def _affine_boxes(boxes, fmt, canvas_size, mode, angle, translate, scale, shear, center=None,
                  expand=False):
    if boxes.numel() == 0:
        return boxes, canvas_size
    floats = boxes if boxes.is_floating_point() else boxes.float()
    xyxy = _to_xyxy(floats, fmt).reshape(-1, 4)
    corners = xyxy[:, [[0, 1], [2, 1], [2, 3], [0, 3]]].reshape(-1, 2)
    out, canvas = _affine_points(corners, canvas_size, angle, translate, scale, shear, center,
                                 expand)
    lo, hi = out.reshape(-1, 4, 2).aminmax(dim=1)
    out = _clamp_bounding_boxes(cat([lo, hi], dim=1), BoundingBoxFormat.XYXY, canvas, mode)
    return _from_xyxy(out, fmt).reshape(boxes.shape).to(boxes.dtype), canvas


def _affine_keypoints(points, canvas_size, angle, translate, scale, shear, center=None,
                      expand=False):
    if points.numel() == 0:
        return points, canvas_size
    floats = points.clone() if points.is_floating_point() else points.float()
    out, canvas = _affine_points(floats.reshape(-1, 2), canvas_size, angle, translate, scale,
                                 shear, center, expand)
    return out.reshape(points.shape).to(points.dtype), canvas


def affine(inpt, angle, translate, scale, shear, interpolation=InterpolationMode.NEAREST,
           fill=None, center=None):
    return _dispatch(affine, inpt, angle=angle, translate=translate, scale=scale, shear=shear,
                     interpolation=interpolation, fill=fill, center=center)


def _affine_image(image, angle, translate, scale, shear, interpolation=InterpolationMode.NEAREST,
                  fill=None, center=None):
    angle, translate, shear, center = _affine_parse_args(angle, translate, scale, shear, center)
    return F1.affine(image, angle, translate, scale, shear, _interp(interpolation), fill, center)


_register_images(affine, _affine_image, _as_3d(
    lambda m, interpolation=None, **kw: _affine_image(m, interpolation=InterpolationMode.NEAREST,
                                                      **kw)))
_boxes_kernel(affine)(
    lambda b, fmt, canvas, mode, interpolation=None, fill=None, **kw: _affine_boxes(
        b, fmt, canvas, mode, **kw))
_points_kernel(affine)(
    lambda p, canvas, interpolation=None, fill=None, **kw: _affine_keypoints(p, canvas, **kw))


def rotate(inpt, angle, interpolation=InterpolationMode.NEAREST, expand=False, center=None,
           fill=None):
    return _dispatch(rotate, inpt, angle=angle, interpolation=interpolation, expand=expand,
                     center=center, fill=fill)


def _rotate_image(image, angle, interpolation=InterpolationMode.NEAREST, expand=False,
                  center=None, fill=None):
    if not isinstance(image, Tensor):
        return F1.rotate(image, angle, _interp(interpolation), expand, center, fill)
    angle = angle % 360
    if center is None:
        if angle == 0:
            return image.clone()
        if angle == 180 or ((expand or image.shape[-1] == image.shape[-2])
                            and angle in (90, 270)):
            return image.rot90(k=int(angle) // 90, dims=(-2, -1))
    mode = _interp(interpolation)
    h, w = image.shape[-2:]
    cf = [0.0, 0.0] if center is None else [c - s * 0.5 for c, s in zip(center, (w, h))]
    m = _inverse_affine(cf, -angle, [0.0, 0.0], 1.0, [0.0, 0.0])
    out_w, out_h = _expanded_size(m, w, h) if expand else (w, h)
    return warp(image, [m[:3], m[3:]], _tensor_mode(mode), _tensor_fill(fill, image),
                (out_h, out_w))


_register_images(rotate, _rotate_image, _as_3d(
    lambda m, interpolation=None, **kw: _rotate_image(m, interpolation=InterpolationMode.NEAREST,
                                                      **kw)))
_rotation = dict(translate=[0.0, 0.0], scale=1.0, shear=[0.0, 0.0])
_boxes_kernel(rotate)(
    lambda b, fmt, canvas, mode, angle, interpolation=None, fill=None, **kw: _affine_boxes(
        b, fmt, canvas, mode, angle=-angle, **_rotation, **kw))
_points_kernel(rotate)(
    lambda p, canvas, angle, interpolation=None, fill=None, **kw: _affine_keypoints(
        p, canvas, angle=-angle, **_rotation, **kw))


# ---- perspective ----------------------------------------------------------------------------
def _perspective_coefficients(startpoints, endpoints, coefficients):
    if coefficients is not None:
        if startpoints is not None and endpoints is not None:
            raise _errors.v2_startpoints_endpoints_coefficients_shouldn_t()
        if len(coefficients) != 8:
            raise _errors.v2_argument_coefficients_8_float_values()
        return coefficients
    if startpoints is not None and endpoints is not None:
        return F1._get_perspective_coeffs(startpoints, endpoints)
    raise _errors.v2_either_startpoints_endpoints_coefficients_non()


def perspective(inpt, startpoints, endpoints, interpolation=InterpolationMode.BILINEAR,
                fill=None, coefficients=None):
    return _dispatch(perspective, inpt, startpoints, endpoints, interpolation=interpolation,
                     fill=fill, coefficients=coefficients)


def _perspective_image(image, startpoints, endpoints, interpolation=InterpolationMode.BILINEAR,
                       fill=None, coefficients=None):
    coeffs = _perspective_coefficients(startpoints, endpoints, coefficients)
    mode = _interp(interpolation)
    if not isinstance(image, Tensor):
        from ..._functional_pil import perspective as pil_perspective
        from ...functional import _PIL_CODES
        return pil_perspective(image, coeffs, _PIL_CODES[mode.value], fill)
    from ..._functional_tensor import perspective as tensor_perspective
    return tensor_perspective(image, coeffs, _tensor_mode(mode), _tensor_fill(fill, image))


_register_images(perspective, _perspective_image, _as_3d(
    lambda m, startpoints, endpoints, interpolation=None, **kw: _perspective_image(
        m, startpoints, endpoints, InterpolationMode.NEAREST, **kw)))


def _perspective_points(points, coeffs, what):
    """Points ``(N, 2)`` through the forward perspective map (the inverse of ``coeffs``)."""
    c = coeffs
    denom = c[0] * c[4] - c[1] * c[3]
    if denom == 0:
        raise _errors.v2_provided_perspective_coeffs_can_not(coeffs, what, denom)
    inv = [(c[4] - c[5] * c[7]) / denom, (-c[1] + c[2] * c[7]) / denom,
           (c[1] * c[5] - c[2] * c[4]) / denom, (-c[3] + c[5] * c[6]) / denom,
           (c[0] - c[2] * c[6]) / denom, (-c[0] * c[5] + c[2] * c[3]) / denom,
           (-c[4] * c[6] + c[3] * c[7]) / denom, (-c[0] * c[7] + c[1] * c[6]) / denom]
    theta1 = _tensor([inv[:3], inv[3:6]], dtype=points.dtype, device=points.device)
    theta2 = _tensor([[inv[6], inv[7], 1.0]] * 2, dtype=points.dtype, device=points.device)
    homogeneous = cat([points, ones(points.shape[0], 1, dtype=points.dtype,
                                    device=points.device)], dim=-1)
    return homogeneous.matmul(theta1.T).div_(homogeneous.matmul(theta2.T))


@_boxes_kernel(perspective)
def _perspective_boxes(boxes, fmt, canvas_size, mode, startpoints, endpoints,
                       interpolation=None, fill=None, coefficients=None):
    if boxes.numel() == 0:
        return boxes, canvas_size
    coeffs = _perspective_coefficients(startpoints, endpoints, coefficients)
    xyxy = _to_xyxy(boxes, fmt).reshape(-1, 4)   # integer boxes are truncated here, as in tv
    if not xyxy.is_floating_point():
        xyxy = xyxy.float()
    corners = xyxy[:, [[0, 1], [2, 1], [2, 3], [0, 3]]].reshape(-1, 2)
    lo, hi = _perspective_points(corners, coeffs, "bounding boxes").reshape(-1, 4, 2) \
        .aminmax(dim=1)
    out = _clamp_bounding_boxes(cat([lo, hi], dim=1), BoundingBoxFormat.XYXY, canvas_size, mode)
    return _from_xyxy(out, fmt).reshape(boxes.shape).to(boxes.dtype), canvas_size


@_points_kernel(perspective)
def _perspective_keypoints(points, canvas_size, startpoints, endpoints, interpolation=None,
                           fill=None, coefficients=None):
    if points.numel() == 0:
        return points, canvas_size
    coeffs = _perspective_coefficients(startpoints, endpoints, coefficients)
    floats = points if points.is_floating_point() else points.float()
    out = _perspective_points(floats.reshape(-1, 2), coeffs, "keypoints")
    return out.to(points.dtype).reshape(points.shape), canvas_size


# ---- elastic --------------------------------------------------------------------------------
def _identity_grid(size, dtype):
    """``(1, H, W, 2)`` normalised pixel-centre coordinates (``grid_sample``'s, no corners)."""
    from ..... import empty, linspace
    sy, sx = size
    grid = empty(1, sy, sx, 2, dtype=dtype)
    grid[..., 0] = linspace((-sx + 1) / sx, (sx - 1) / sx, sx, dtype=dtype)
    grid[..., 1] = linspace((-sy + 1) / sy, (sy - 1) / sy, sy, dtype=dtype).unsqueeze(-1)
    return grid


def _check_displacement(displacement, size):
    if not isinstance(displacement, Tensor):
        raise _errors.v2_displacement_type()
    expected = (1, size[0], size[1], 2)
    if tuple(displacement.shape) != expected:
        raise _errors.v2_displacement_shape(expected, displacement.shape)


def elastic(inpt, displacement, interpolation=InterpolationMode.BILINEAR, fill=None):
    """Move each pixel by ``displacement`` (``(1, H, W, 2)``, normalised units)."""
    return _dispatch(elastic, inpt, displacement, interpolation=interpolation, fill=fill)


elastic_transform = elastic


def _elastic_image(image, displacement, interpolation=InterpolationMode.BILINEAR, fill=None):
    if not isinstance(image, Tensor):
        return F1.to_pil_image(_elastic_image(F1.pil_to_tensor(image), displacement,
                                              interpolation, fill), mode=image.mode)
    from ..._functional_tensor import remap
    _check_displacement(displacement, image.shape[-2:])
    dtype = image.dtype if image.is_floating_point() else _dtype.float32
    grid = (_identity_grid(image.shape[-2:], dtype) + displacement.to(dtype))[0].numpy()
    return remap(image, grid[..., 0], grid[..., 1], _tensor_mode(_interp(interpolation)),
                 _tensor_fill(fill, image))


_register_images(elastic, _elastic_image, _as_3d(
    lambda m, displacement, interpolation=None, fill=None: _elastic_image(
        m, displacement, InterpolationMode.NEAREST, fill)))


def _elastic_points(points, canvas_size, displacement, dtype):
    """Points ``(N, 2)`` moved by the inverse displacement read at their pixels."""
    inv_grid = _identity_grid(canvas_size, dtype) - displacement.to(dtype)
    index = points.to(_dtype.int64)
    ix = index[:, 0].clamp(0, inv_grid.shape[2] - 1)
    iy = index[:, 1].clamp(0, inv_grid.shape[1] - 1)
    size = _tensor(canvas_size[::-1], dtype=dtype)
    return inv_grid[0, iy, ix, :].add_(1).mul_(0.5 * size).sub_(0.5)


@_boxes_kernel(elastic)
def _elastic_boxes(boxes, fmt, canvas_size, mode, displacement, interpolation=None, fill=None):
    _check_displacement(displacement, canvas_size)
    if boxes.numel() == 0:
        return boxes, canvas_size
    dtype = boxes.dtype if boxes.is_floating_point() else _dtype.float32
    xyxy = _to_xyxy(boxes, fmt).reshape(-1, 4)
    corners = xyxy[:, [[0, 1], [2, 1], [2, 3], [0, 3]]].reshape(-1, 2)
    if corners.is_floating_point():
        corners = corners.ceil()
    lo, hi = _elastic_points(corners, canvas_size, displacement, dtype).reshape(-1, 4, 2) \
        .aminmax(dim=1)
    out = cat([lo, hi], dim=1).to(boxes.dtype)
    out = _clamp_bounding_boxes(out, BoundingBoxFormat.XYXY, canvas_size, mode)
    return _from_xyxy(out, fmt).reshape(boxes.shape), canvas_size


@_points_kernel(elastic)
def _elastic_keypoints(points, canvas_size, displacement, interpolation=None, fill=None):
    _check_displacement(displacement, canvas_size)
    if points.numel() == 0:
        return points, canvas_size
    dtype = points.dtype if points.is_floating_point() else _dtype.float32
    out = _elastic_points(points.reshape(-1, 2), canvas_size, displacement, dtype)
    return out.to(points.dtype).reshape(points.shape), canvas_size
