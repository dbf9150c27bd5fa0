"""Normalize, dtype conversion, blur and erase (``v2.functional._misc``)."""
from ..... import _dtype
from ....._tensor import Tensor
from .... import tv_tensors
from ... import functional as F1
from ..._functional_tensor import convert_image_dtype, max_value
from ._utils import PIL_IMAGE, _dispatch, _register_kernel_internal, is_pure_tensor
from ..... import _errors

_TENSOR_IMAGES = (Tensor, tv_tensors.Image, tv_tensors.Video)


def normalize(inpt, mean, std, inplace=False):
    return _dispatch(normalize, inpt, mean=mean, std=std, inplace=inplace)


def gaussian_blur(inpt, kernel_size, sigma=None):
    return _dispatch(gaussian_blur, inpt, kernel_size=kernel_size, sigma=sigma)


def erase(inpt, i, j, h, w, v, inplace=False):
    return _dispatch(erase, inpt, i=i, j=j, h=h, w=w, v=v, inplace=inplace)


def to_dtype(inpt, dtype=_dtype.float32, scale=False):
    """``inpt`` as ``dtype``; ``scale=True`` also rescales image values to the new range."""
    return _dispatch(to_dtype, inpt, dtype=dtype, scale=scale)


def to_dtype_image(image, dtype=_dtype.float32, scale=False):
    if scale and dtype.is_floating_point and not image.is_floating_point():
        # v2 multiplies by the reciprocal where v1 divides (one ulp apart)
        return image.to(dtype).mul_(1.0 / max_value(image.dtype))
    return convert_image_dtype(image, dtype) if scale else image.to(dtype)


for _t in _TENSOR_IMAGES:
    _register_kernel_internal(normalize, _t)(F1.normalize)
    _register_kernel_internal(erase, _t)(F1.erase)
    _register_kernel_internal(to_dtype, _t)(to_dtype_image)
for _t in (*_TENSOR_IMAGES, PIL_IMAGE):
    _register_kernel_internal(gaussian_blur, _t)(F1.gaussian_blur)


def _erase_pil(image, i, j, h, w, v, inplace=False):
    return F1.to_pil_image(F1.erase(F1.pil_to_tensor(image), i, j, h, w, v), mode=image.mode)


_register_kernel_internal(erase, PIL_IMAGE)(_erase_pil)


def gaussian_noise(inpt, mean=0.0, sigma=0.1, clip=True):
    """Add ``N(mean, sigma²)`` noise (in ``[0, 1]`` units; uint8 images in 255ths)."""
    return _dispatch(gaussian_noise, inpt, mean=mean, sigma=sigma, clip=clip)


def _gaussian_noise_image(image, mean=0.0, sigma=0.1, clip=True):
    from ..... import randn_like
    if sigma < 0:
        raise _errors.v2_noise_sigma(sigma)
    if image.is_floating_point():
        out = image + (mean + randn_like(image) * sigma)
        return out.clamp(0, 1) if clip else out
    if image.dtype != _dtype.uint8:
        raise _errors.v2_noise_dtype(image.dtype)
    noise = (mean * 255 + randn_like(image, dtype=_dtype.float32) * (sigma * 255)) \
        .to(_dtype.int16)
    out = image + noise
    return (out.clamp(0, 255) if clip else out).to(_dtype.uint8)


for _t in _TENSOR_IMAGES:
    _register_kernel_internal(gaussian_noise, _t)(_gaussian_noise_image)
for _t in (tv_tensors.Mask, tv_tensors.BoundingBoxes, tv_tensors.KeyPoints):
    _register_kernel_internal(to_dtype, _t)(lambda x, dtype=_dtype.float32, scale=False:
                                            x.to(dtype))


def _get_sanitize_bounding_boxes_mask(bounding_boxes, format, canvas_size, min_size=1.0,
                                      min_area=1.0):
    """Which boxes are large enough and inside the canvas."""
    from ._meta import _convert_bounding_box_format
    from ....tv_tensors import BoundingBoxFormat
    boxes = _convert_bounding_box_format(bounding_boxes, format, BoundingBoxFormat.XYXY)
    ws, hs = boxes[:, 2] - boxes[:, 0], boxes[:, 3] - boxes[:, 1]
    valid = (ws >= min_size) & (hs >= min_size) & (boxes >= 0).all(dim=-1) & \
        (ws * hs >= min_area)
    image_h, image_w = canvas_size
    valid &= (boxes[:, 0] <= image_w) & (boxes[:, 2] <= image_w)
    valid &= (boxes[:, 1] <= image_h) & (boxes[:, 3] <= image_h)
    return valid


def sanitize_bounding_boxes(bounding_boxes, format=None, canvas_size=None, min_size=1.0,
                            min_area=1.0):
    """``(valid boxes, mask of the valid ones)``."""
    if is_pure_tensor(bounding_boxes):
        if format is None or canvas_size is None:
            raise _errors.v2_sanitize_pure_tensor_needs_meta(format, canvas_size)
        if isinstance(format, str):
            format = tv_tensors.BoundingBoxFormat[format.upper()]
        valid = _get_sanitize_bounding_boxes_mask(bounding_boxes, format, canvas_size,
                                                  min_size, min_area)
        return bounding_boxes[valid], valid
    if not isinstance(bounding_boxes, tv_tensors.BoundingBoxes):
        raise _errors.v2_bounding_boxes_tv_tensors_boundingboxes()
    if format is not None or canvas_size is not None:
        raise _errors.v2_sanitize_boxes_takes_no_meta(format, canvas_size)
    valid = _get_sanitize_bounding_boxes_mask(bounding_boxes.as_subclass(Tensor),
                                              bounding_boxes.format, bounding_boxes.canvas_size,
                                              min_size, min_area)
    return tv_tensors.wrap(bounding_boxes.as_subclass(Tensor)[valid], like=bounding_boxes), valid


def _get_sanitize_keypoints_mask(key_points, canvas_size):
    """Which keypoints (or groups of them, along the first dimension) lie on the canvas."""
    h, w = canvas_size
    x, y = key_points[..., 0], key_points[..., 1]
    valid = (x >= 0) & (x < w) & (y >= 0) & (y < h)
    return valid.flatten(start_dim=1).all(dim=1) if valid.ndim > 1 else valid


def sanitize_keypoints(key_points, canvas_size=None):
    """``(keypoints on the canvas, their mask)``."""
    if is_pure_tensor(key_points):
        if canvas_size is None:
            raise _errors.v2_sanitize_keypoints_need_canvas()
        valid = _get_sanitize_keypoints_mask(key_points, canvas_size)
        return key_points[valid], valid
    if not isinstance(key_points, tv_tensors.KeyPoints):
        raise _errors.v2_sanitize_keypoints_type()
    if canvas_size is not None:
        raise _errors.v2_sanitize_keypoints_take_no_canvas(canvas_size)
    valid = _get_sanitize_keypoints_mask(key_points.as_subclass(Tensor), key_points.canvas_size)
    return tv_tensors.wrap(key_points.as_subclass(Tensor)[valid], like=key_points), valid


def uniform_temporal_subsample(inpt, num_samples):
    """``num_samples`` frames evenly spaced over the video's time dimension (``-4``)."""
    return _dispatch(uniform_temporal_subsample, inpt, num_samples)


def _uniform_temporal_subsample_video(video, num_samples):
    from ..... import linspace
    index = linspace(0, video.shape[-4] - 1, num_samples).long()
    return video.index_select(-4, index)


for _t in (Tensor, tv_tensors.Video):
    _register_kernel_internal(uniform_temporal_subsample, _t)(_uniform_temporal_subsample_video)
