"""Functional transforms (``torchvision.transforms.functional``).

Every function takes a PIL image or a tensor image ``(..., C, H, W)``: PIL images go through
Pillow exactly as in torchvision (bit-identical pixels), tensors through the array kernels in
``_functional_tensor``.
"""
import enum
import math
import numbers

import numpy as np

from ... import _dtype, _errors
from ..._ops._core import wrap
from ..._tensor import Size, Tensor
from .._pil import is_pil_image, pil
from . import _functional_pil as FP
from . import _functional_tensor as FT


class InterpolationMode(enum.Enum):
    NEAREST = "nearest"
    NEAREST_EXACT = "nearest-exact"
    BILINEAR = "bilinear"
    BICUBIC = "bicubic"
    BOX = "box"
    HAMMING = "hamming"
    LANCZOS = "lanczos"


_PIL_CODES = {"nearest": 0, "lanczos": 1, "bilinear": 2, "bicubic": 3, "box": 4, "hamming": 5}


def _interp(mode):
    """Accept an InterpolationMode, its string value or a Pillow resampling code."""
    if isinstance(mode, InterpolationMode):
        return mode
    if isinstance(mode, int):
        return next(m for m in InterpolationMode if _PIL_CODES.get(m.value) == mode)
    return InterpolationMode(mode)


def _check_img(img):
    if not (isinstance(img, Tensor) or is_pil_image(img)):
        raise _errors.img_type(img)


def get_dimensions(img):
    _check_img(img)
    return FT.get_dimensions(img) if isinstance(img, Tensor) else FP.get_dimensions(img)


def get_image_size(img):
    """``[width, height]``."""
    _, h, w = get_dimensions(img)
    return [w, h]


def get_image_num_channels(img):
    return get_dimensions(img)[0]


# ---- conversions ----------------------------------------------------------------------------
_PIL_NP = {"I": np.int32, "I;16": np.int16, "F": np.float32}


def _pil_array(pic):
    arr = np.array(pic, dtype=_PIL_NP.get(pic.mode, np.uint8), copy=True)
    if pic.mode == "1":
        arr = arr * np.uint8(255)
    return arr


def _hwc_to_tensor(arr):
    if arr.ndim == 2:
        arr = arr[:, :, None]
    arr = np.ascontiguousarray(arr.transpose(2, 0, 1))
    return wrap(arr, _dtype.from_numpy_dtype(arr.dtype), _cpu())


def _cpu():
    from ..._device import device
    return device("cpu")


def pil_to_tensor(pic):
    """PIL image to a ``(C, H, W)`` tensor with the image's own dtype (no scaling)."""
    if not is_pil_image(pic):
        raise _errors.pic_type("PIL Image", pic)
    return _hwc_to_tensor(_pil_array(pic))


def to_tensor(pic):
    """PIL image or HWC ndarray to a ``(C, H, W)`` tensor; uint8 data is scaled to [0, 1]."""
    if is_pil_image(pic):
        arr = _pil_array(pic)
    elif isinstance(pic, np.ndarray):
        if pic.ndim not in (2, 3):
            raise _errors.pic_dims(pic.ndim)
        arr = pic
    else:
        raise _errors.pic_type("PIL Image or ndarray", pic)
    t = _hwc_to_tensor(arr)
    if arr.dtype == np.uint8:
        return wrap(t._data.astype(np.float32) / 255.0, _dtype.get_default_dtype(), t._device)
    return t


_MODES_BY_CHANNELS = {2: "LA", 3: "RGB", 4: "RGBA"}
_ONE_CHANNEL_MODES = {np.dtype(np.uint8): "L", np.dtype(np.int16): "I;16",
                      np.dtype(np.int32): "I", np.dtype(np.float32): "F"}


def to_pil_image(pic, mode=None):
    """Tensor ``(C, H, W)`` or ndarray ``(H, W, C)`` to a PIL image.

    Float tensors are scaled by 255 and truncated to uint8 unless ``mode='F'``."""
    if isinstance(pic, Tensor):
        if pic.ndim not in (2, 3):
            raise _errors.pic_dims(pic.ndim)
        if pic.ndim == 2:
            pic = pic.unsqueeze(0)
        a = pic.detach().cpu()._data
        if pic._dtype.is_floating_point and mode != "F":
            a = (a * 255).astype(np.uint8)
        arr = np.transpose(a, (1, 2, 0))
    elif isinstance(pic, np.ndarray):
        if pic.ndim not in (2, 3):
            raise _errors.pic_dims(pic.ndim)
        arr = pic[:, :, None] if pic.ndim == 2 else pic
    else:
        raise _errors.to_pil_image_type(pic)
    channels = arr.shape[2]
    if channels == 1:
        arr = arr[:, :, 0]
        if mode is None:
            mode = _ONE_CHANNEL_MODES.get(arr.dtype)
            if mode is None:
                raise _errors.pil_input_type(arr.dtype)
        if mode == "F":
            arr = arr.astype(np.float32)
    elif mode is None:
        if channels not in _MODES_BY_CHANNELS or arr.dtype != np.uint8:
            raise _errors.pil_input_type(arr.dtype)
        mode = _MODES_BY_CHANNELS[channels]
    return pil().fromarray(np.ascontiguousarray(arr), mode=mode)


def convert_image_dtype(image, dtype=None):
    if not isinstance(image, Tensor):
        raise _errors.convert_image_not_tensor()
    return FT.convert_image_dtype(image, dtype or _dtype.float32)


def normalize(tensor, mean, std, inplace=False):
    """``(tensor - mean) / std`` per channel; the tensor must be a float image."""
    if not isinstance(tensor, Tensor):
        raise _errors.tensor_image_type(tensor)
    if not tensor._dtype.is_floating_point:
        raise _errors.normalize_float(tensor.dtype)
    if tensor.ndim < 3:
        raise _errors.normalize_dims(tensor.size())
    xp = FT._xp(tensor)
    np_dt = tensor._dtype.np
    m = xp.asarray(np.asarray(mean, dtype=np_dt).reshape(-1, 1, 1))
    s = xp.asarray(np.asarray(std, dtype=np_dt).reshape(-1, 1, 1))
    if bool((s == 0).any()):
        raise _errors.normalize_std_zero(tensor.dtype)
    if inplace:
        a = tensor._data
        xp.subtract(a, m, out=a)
        xp.divide(a, s, out=a)
        return tensor
    return wrap((tensor._data - m) / s, tensor._dtype, tensor._device)


# ---- geometry -------------------------------------------------------------------------------
def _output_size(h, w, size, max_size):
    if isinstance(size, numbers.Number) or len(size) == 1:
        s = int(size if isinstance(size, numbers.Number) else size[0])
        short, long = (w, h) if w <= h else (h, w)
        new_short, new_long = s, int(s * long / short)
        if max_size is not None:
            if max_size <= s:
                raise _errors.resize_max_size(max_size, size)
            if new_long > max_size:
                new_short, new_long = int(max_size * new_short / new_long), max_size
        return (new_long, new_short) if w <= h else (new_short, new_long)
    if max_size is not None:
        raise _errors.resize_max_size_sequence()
    return tuple(int(v) for v in size)


def resize(img, size, interpolation=InterpolationMode.BILINEAR, max_size=None, antialias=True):
    _check_img(img)
    mode = _interp(interpolation)
    _, h, w = get_dimensions(img)
    out = _output_size(h, w, size, max_size)
    if isinstance(img, Tensor):
        if mode.value not in ("nearest", "nearest-exact", "bilinear", "bicubic"):
            raise _errors.interpolation_tensor(mode)
        return FT.resize(img, out, mode.value, bool(antialias))
    if mode is InterpolationMode.NEAREST_EXACT:
        raise _errors.interpolation_nearest_exact_pil()
    if (h, w) == out:
        return img
    return FP.resize(img, out, _PIL_CODES[mode.value])


def _ltrb(padding):
    if isinstance(padding, numbers.Number):
        p = int(padding)
        return p, p, p, p
    padding = [int(v) for v in padding]
    if len(padding) == 1:
        return (padding[0],) * 4
    if len(padding) == 2:
        return padding[0], padding[1], padding[0], padding[1]
    if len(padding) == 4:
        return tuple(padding)
    raise _errors.padding_length(len(padding))


_PAD_MODES = {"constant": "constant", "edge": "edge", "reflect": "reflect",
              "symmetric": "symmetric"}


def pad(img, padding, fill=0, padding_mode="constant"):
    """Pad by ``padding`` = int, (lr, tb) or (left, top, right, bottom)."""
    _check_img(img)
    if padding_mode not in _PAD_MODES:
        raise _errors.padding_mode()
    ltrb = _ltrb(padding)
    kernels = FT if isinstance(img, Tensor) else FP
    return kernels.pad(img, *ltrb, fill, padding_mode)


def crop(img, top, left, height, width):
    _check_img(img)
    kernels = FT if isinstance(img, Tensor) else FP
    return kernels.crop(img, int(top), int(left), int(height), int(width))


def _pair(size):
    if isinstance(size, numbers.Number):
        return int(size), int(size)
    if len(size) == 1:
        return int(size[0]), int(size[0])
    return int(size[0]), int(size[1])


def center_crop(img, output_size):
    ch, cw = _pair(output_size)
    _, h, w = get_dimensions(img)
    if ch > h or cw > w:
        img = pad(img, [(cw - w) // 2 if cw > w else 0, (ch - h) // 2 if ch > h else 0,
                        (cw - w + 1) // 2 if cw > w else 0, (ch - h + 1) // 2 if ch > h else 0])
        _, h, w = get_dimensions(img)
        if (h, w) == (ch, cw):
            return img
    return crop(img, int(round((h - ch) / 2.0)), int(round((w - cw) / 2.0)), ch, cw)


def resized_crop(img, top, left, height, width, size,
                 interpolation=InterpolationMode.BILINEAR, antialias=True):
    return resize(crop(img, top, left, height, width), size, interpolation, antialias=antialias)


def hflip(img):
    _check_img(img)
    return FT.hflip(img) if isinstance(img, Tensor) else FP.hflip(img)


def vflip(img):
    _check_img(img)
    return FT.vflip(img) if isinstance(img, Tensor) else FP.vflip(img)


def five_crop(img, size):
    ch, cw = _pair(size)
    _, h, w = get_dimensions(img)
    if ch > h or cw > w:
        raise _errors.five_crop_size((ch, cw), (h, w))
    return (crop(img, 0, 0, ch, cw), crop(img, 0, w - cw, ch, cw),
            crop(img, h - ch, 0, ch, cw), crop(img, h - ch, w - cw, ch, cw),
            center_crop(img, (ch, cw)))


def ten_crop(img, size, vertical_flip=False):
    flip = vflip if vertical_flip else hflip
    return five_crop(img, size) + five_crop(flip(img), size)


def _inverse_affine(center, angle, translate, scale, shear):
    """Row-major 2×3 matrix mapping output pixel coordinates back to input coordinates for
    ``T(translate) · C(center) · R(angle) · Shear · Scale · C⁻¹``."""
    rot = math.radians(angle)
    sx, sy = (math.radians(s) for s in shear)
    cx, cy = center
    tx, ty = translate
    a = math.cos(rot - sy) / math.cos(sy)
    b = -math.cos(rot - sy) * math.tan(sx) / math.cos(sy) - math.sin(rot)
    c = math.sin(rot - sy) / math.cos(sy)
    d = -math.sin(rot - sy) * math.tan(sx) / math.cos(sy) + math.cos(rot)
    # The linear part has determinant 1, so its inverse is the adjugate (over scale).
    m = [d / scale, -b / scale, 0.0, -c / scale, a / scale, 0.0]
    m[2] = m[0] * (-cx - tx) + m[1] * (-cy - ty) + cx
    m[5] = m[3] * (-cx - tx) + m[4] * (-cy - ty) + cy
    return m


def _tensor_fill(fill, img):
    if fill is None:
        return None
    if isinstance(fill, (int, float)):
        return float(fill)
    return [float(v) for v in fill]


def _tensor_mode(mode):
    if mode.value not in ("nearest", "bilinear"):
        raise _errors.interpolation_tensor(mode)
    return mode.value


def rotate(img, angle, interpolation=InterpolationMode.NEAREST, expand=False, center=None,
           fill=None):
    """Rotate counter-clockwise by ``angle`` degrees about ``center`` (default: the centre)."""
    _check_img(img)
    mode = _interp(interpolation)
    if not isinstance(img, Tensor):
        return FP.rotate(img, angle, _PIL_CODES[mode.value], expand, center, fill)
    _, h, w = get_dimensions(img)
    cf = [0.0, 0.0] if center is None else [c - s * 0.5 for c, s in zip(center, (w, h))]
    m = _inverse_affine(cf, -angle, [0.0, 0.0], 1.0, [0.0, 0.0])
    size = FT.rotate_size(w, h, [m[:3], m[3:]]) if expand else None
    return FT.warp(img, [m[:3], m[3:]], _tensor_mode(mode), _tensor_fill(fill, img), size)


def affine(img, angle, translate, scale, shear, interpolation=InterpolationMode.NEAREST,
           fill=None, center=None):
    """Rotate (clockwise, degrees), translate (pixels), scale and shear (degrees) the image."""
    _check_img(img)
    mode = _interp(interpolation)
    if isinstance(shear, numbers.Number):
        shear = [shear, 0.0]
    shear = [float(s) for s in shear] if len(shear) == 2 else [float(shear[0]), 0.0]
    if scale <= 0.0:
        raise _errors.affine_scale()
    _, h, w = get_dimensions(img)
    if not isinstance(img, Tensor):
        c = [w * 0.5, h * 0.5] if center is None else center
        m = _inverse_affine(c, angle, translate, scale, shear)
        return FP.affine(img, m, _PIL_CODES[mode.value], fill)
    cf = [0.0, 0.0] if center is None else [c - s * 0.5 for c, s in zip(center, (w, h))]
    m = _inverse_affine(cf, angle, [float(t) for t in translate], scale, shear)
    return FT.warp(img, [m[:3], m[3:]], _tensor_mode(mode), _tensor_fill(fill, img))


def _get_perspective_coeffs(startpoints, endpoints):
    """``(a, b, c, d, e, f, g, h)`` mapping each ``endpoints`` corner back to its
    ``startpoints`` corner (least squares in float64, rounded to float32 as torchvision)."""
    if len(startpoints) != 4 or len(endpoints) != 4:
        raise _errors.perspective_corners(len(startpoints), len(endpoints))
    a = np.zeros((8, 8))
    for i, ((x, y), (u, v)) in enumerate(zip(endpoints, startpoints)):
        a[2 * i] = [x, y, 1, 0, 0, 0, -u * x, -u * y]
        a[2 * i + 1] = [0, 0, 0, x, y, 1, -v * x, -v * y]
    b = np.asarray(startpoints, dtype=np.float64).reshape(8)
    return np.linalg.lstsq(a, b, rcond=None)[0].astype(np.float32).tolist()


def perspective(img, startpoints, endpoints, interpolation=InterpolationMode.BILINEAR,
                fill=None):
    """Warp so that the four ``startpoints`` corners land on ``endpoints``."""
    _check_img(img)
    coeffs = _get_perspective_coeffs(startpoints, endpoints)
    mode = _interp(interpolation)
    if not isinstance(img, Tensor):
        return FP.perspective(img, coeffs, _PIL_CODES[mode.value], fill)
    return FT.perspective(img, coeffs, _tensor_mode(mode), _tensor_fill(fill, img))


# ---- colour ---------------------------------------------------------------------------------
def _colour(name, img, factor):
    _check_img(img)
    if factor < 0:
        raise _errors.colour_factor(name.split("_")[1], factor)
    kernels = FT if isinstance(img, Tensor) else FP
    return getattr(kernels, name)(img, factor)


def adjust_brightness(img, brightness_factor):
    return _colour("adjust_brightness", img, brightness_factor)


def adjust_contrast(img, contrast_factor):
    return _colour("adjust_contrast", img, contrast_factor)


def adjust_saturation(img, saturation_factor):
    return _colour("adjust_saturation", img, saturation_factor)


def adjust_hue(img, hue_factor):
    _check_img(img)
    if not -0.5 <= hue_factor <= 0.5:
        raise _errors.hue_factor(hue_factor)
    return (FT if isinstance(img, Tensor) else FP).adjust_hue(img, hue_factor)


def adjust_gamma(img, gamma, gain=1):
    _check_img(img)
    if gamma < 0:
        raise _errors.gamma_negative()
    return (FT if isinstance(img, Tensor) else FP).adjust_gamma(img, gamma, gain)


def rgb_to_grayscale(img, num_output_channels=1):
    _check_img(img)
    if num_output_channels not in (1, 3):
        raise _errors.grayscale_channels()
    if isinstance(img, Tensor):
        return FT.rgb_to_grayscale(img, num_output_channels)
    return FP.to_grayscale(img, num_output_channels)


to_grayscale = rgb_to_grayscale


def gaussian_blur(img, kernel_size, sigma=None):
    """Blur with a Gaussian kernel; PIL images are blurred as uint8 tensors and converted back,
    as torchvision does."""
    _check_img(img)
    kx, ky = _pair(kernel_size) if not isinstance(kernel_size, int) else (kernel_size,) * 2
    for k in (kx, ky):
        if k % 2 == 0 or k < 0:
            raise _errors.blur_kernel_size(kernel_size)
    if sigma is None:
        sigma = [k * 0.15 + 0.35 for k in (kx, ky)]
    elif isinstance(sigma, numbers.Number):
        sigma = [float(sigma)] * 2
    elif len(sigma) == 1:
        sigma = [float(sigma[0])] * 2
    if any(s <= 0 for s in sigma):
        raise _errors.blur_sigma(sigma)
    if isinstance(img, Tensor):
        return FT.gaussian_blur(img, (kx, ky), sigma)
    out = FT.gaussian_blur(pil_to_tensor(img), (kx, ky), sigma)
    return to_pil_image(out, mode=img.mode)


def erase(img, i, j, h, w, v, inplace=False):
    if not isinstance(img, Tensor):
        raise _errors.tensor_image_type(img)
    return FT.erase(img, i, j, h, w, v, inplace)


# ---- histogram and bit-level colour ops -------------------------------------------------------
def _pil_op(name, img, *args):
    """``PIL.ImageOps.<name>`` (``ImageEnhance.Sharpness`` for sharpness) on a PIL image."""
    if not is_pil_image(img):
        raise _errors.pil_img_type(img)
    return getattr(FP, name)(img, *args)


def _check_tensor(img, *, ndim=(3, None), uint8=False):
    """torchvision's checks on a tensor image: dimensions, dtype, then 1 or 3 channels."""
    if img.ndim < 2:
        raise _errors.tensor_not_image()
    lo, hi = ndim
    if hi is not None and not lo <= img.ndim <= hi:
        raise _errors.image_ndim_3_or_4(img.ndim)
    if img.ndim < lo:
        raise _errors.image_ndim_at_least_3(img.ndim)
    if uint8 and img._dtype is not _dtype.uint8:
        raise _errors.image_uint8_only(img.dtype)
    c = get_dimensions(img)[0]
    if c not in (1, 3):
        raise _errors.image_channels([1, 3], c)


def _v2_kernel(name):
    from .v2.functional import _color
    return getattr(_color, name)


def invert(img):
    """Each pixel becomes ``max - pixel``."""
    if not isinstance(img, Tensor):
        return _pil_op("invert", img)
    _check_tensor(img)
    return _v2_kernel("_invert")(img)


def posterize(img, bits):
    """Keep the ``bits`` high bits of each uint8 channel value."""
    if not 0 <= bits <= 8:
        raise _errors.posterize_bits(bits)
    if not isinstance(img, Tensor):
        return _pil_op("posterize", img, bits)
    _check_tensor(img, uint8=True)
    return _v2_kernel("_posterize")(img, int(bits))


def solarize(img, threshold):
    """Invert the pixels at or above ``threshold``."""
    if not isinstance(img, Tensor):
        return _pil_op("solarize", img, threshold)
    _check_tensor(img)
    if threshold > FT.max_value(img._dtype):
        raise _errors.solarize_threshold()
    return _v2_kernel("_solarize")(img, threshold)


def autocontrast(img):
    """Stretch each channel so that its darkest pixel is 0 and its lightest the maximum."""
    if not isinstance(img, Tensor):
        return _pil_op("autocontrast", img)
    _check_tensor(img)
    return FT.autocontrast(img)


def equalize(img):
    """Histogram equalisation of each channel of a uint8 image."""
    if not isinstance(img, Tensor):
        return _pil_op("equalize", img)
    _check_tensor(img, ndim=(3, 4), uint8=True)
    return _v2_kernel("_equalize")(img)


def adjust_sharpness(img, sharpness_factor):
    """Blend with a smoothed copy: 0 blurs, 1 keeps the image, 2 sharpens."""
    if not isinstance(img, Tensor):
        return _pil_op("adjust_sharpness", img, sharpness_factor)
    if sharpness_factor < 0:
        raise _errors.colour_factor("sharpness", sharpness_factor)
    if img.ndim < 2:
        raise _errors.tensor_not_image()
    c = get_dimensions(img)[0]
    if c not in (1, 3):
        raise _errors.image_channels([1, 3], c)
    if img.shape[-1] <= 2 or img.shape[-2] <= 2:
        return img
    return FT.adjust_sharpness(img, sharpness_factor)


def elastic_transform(img, displacement, interpolation=InterpolationMode.BILINEAR, fill=None):
    """Sample each pixel at its position moved by ``displacement`` (``(1, H, W, 2)``,
    normalised units); PIL images go through a uint8 tensor."""
    from .v2.functional._geometry import _elastic_image
    mode = _interp(interpolation)
    if not isinstance(displacement, Tensor):
        raise _errors.v2_displacement_type()
    _check_img(img)
    size = get_dimensions(img)[1:]
    expected = Size([1, *size, 2])
    if tuple(displacement.shape) != tuple(expected):
        raise _errors.v2_displacement_shape(expected, displacement.shape)
    return _elastic_image(img, displacement, mode, fill)
