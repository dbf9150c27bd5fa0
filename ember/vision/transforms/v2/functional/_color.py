"""Colour functionals: the v1 kernels for brightness/contrast/saturation/hue/gamma/grayscale,
and torchvision v2's invert, posterize, solarize, autocontrast, equalize, sharpness and
channel permutation (tensors via ember ops, PIL images via ``PIL.ImageOps``)."""
import numpy as np

from ..... import _dtype, cat, where
from ....._ops._core import wrap
from ....._tensor import Tensor
from .... import tv_tensors
from ... import _functional_pil as FP, functional as F1
from ..._functional_tensor import max_value, smoothed
from ._misc import to_dtype_image
from ._utils import PIL_IMAGE, _dispatch, _register_kernel_internal
from ..... import _errors

_TENSORS = (Tensor, tv_tensors.Image, tv_tensors.Video)


def _functional(name, kernel, pil_kernel=None, tensors=_TENSORS):
    """A dispatching functional ``name`` with ``kernel`` for tensor images/videos and
    ``pil_kernel`` (default ``kernel``) for PIL images."""
    def functional(inpt, *args, **kwargs):
        return _dispatch(functional, inpt, *args, **kwargs)
    functional.__name__ = functional.__qualname__ = name
    for t in tensors:
        _register_kernel_internal(functional, t)(kernel)
    _register_kernel_internal(functional, PIL_IMAGE)(pil_kernel or kernel)
    return functional


adjust_brightness = _functional("adjust_brightness", F1.adjust_brightness)
adjust_contrast = _functional("adjust_contrast", F1.adjust_contrast)
def _fma(acc, x, alpha):
    """``acc + alpha * x`` rounded once (to float32 for float32 ``acc``), as torch's
    vectorised ``add_(x, alpha=)`` (a fused multiply-add) computes it."""
    if acc.dtype == np.float64:
        return acc + x * alpha
    f32 = np.float32
    return (acc.astype(np.float64) + x.astype(np.float64) * float(f32(alpha))).astype(f32)


def _saturation(image, factor):
    """torchvision v2's kernel: its grayscale and blend use fused multiply-adds, so integer
    images can round differently from v1's."""
    if factor < 0:
        raise _errors.v2_saturation_negative(factor)
    _check_channels(image)
    if image.shape[-3] == 1:
        return image
    xp = image._device._backend.xp
    a = image._data
    fp = image.is_floating_point()
    work = a.dtype.type if fp else np.float32
    r, g, b = a[..., 0, :, :], a[..., 1, :, :], a[..., 2, :, :]
    gray = _fma(_fma((r * work(0.2989)).astype(work), g, 0.587), b, 0.114).astype(work)
    if not fp:
        gray = xp.floor(gray)
    scaled = (a * work(factor)).astype(work)
    out = _fma(scaled, xp.broadcast_to(gray[..., None, :, :], a.shape), 1.0 - factor)
    out = xp.clip(out.astype(work), 0, max_value(image.dtype))
    return wrap(out.astype(a.dtype), image._dtype, image._device)


adjust_saturation = _functional("adjust_saturation", _saturation, F1.adjust_saturation)
adjust_hue = _functional("adjust_hue", F1.adjust_hue)
adjust_gamma = _functional("adjust_gamma", F1.adjust_gamma)
rgb_to_grayscale = _functional("rgb_to_grayscale", F1.rgb_to_grayscale,
                               tensors=(Tensor, tv_tensors.Image))
grayscale = to_grayscale = rgb_to_grayscale
grayscale_to_rgb = _functional(
    "grayscale_to_rgb", lambda x: x if x.shape[-3] >= 3 else F1.rgb_to_grayscale(x, 3),
    lambda im: im.convert(mode="RGB"), tensors=(Tensor, tv_tensors.Image))


def _value_bits(dtype):
    return {_dtype.uint8: 8, _dtype.int8: 7, _dtype.int16: 15, _dtype.int32: 31,
            _dtype.int64: 63}[dtype]


def _invert(image):
    if image.is_floating_point():
        return 1.0 - image
    if image.dtype == _dtype.uint8:
        return image.bitwise_not()
    return image.bitwise_xor((1 << _value_bits(image.dtype)) - 1)


def _posterize(image, bits):
    if not isinstance(bits, int) or not 0 <= bits <= 8:
        raise _errors.v2_bits_positive_integer_range_0(bits)
    if image.is_floating_point():
        levels = 1 << bits
        return image.mul(levels).floor_().clamp_(0, levels - 1).mul_(1.0 / levels)
    value_bits = _value_bits(image.dtype)
    if bits >= value_bits:
        return image
    return image & (((1 << bits) - 1) << (value_bits - bits))


def _solarize(image, threshold):
    if threshold > max_value(image.dtype):
        raise _errors.v2_threshold_less_equal_maximum_value(threshold)
    return where(image >= threshold, _invert(image), image)


def _check_channels(image, error=_errors.v2_channels_1_or_3):
    c = image.shape[-3]
    if c not in (1, 3):
        raise error(c)


def _autocontrast(image):
    _check_channels(image)
    if image.numel() == 0:
        return image
    bound = max_value(image.dtype)
    x = image if image.is_floating_point() else image.to(_dtype.float32)
    lo = x.amin(dim=(-2, -1), keepdim=True)
    hi = x.amax(dim=(-2, -1), keepdim=True)
    same = hi == lo
    inv_scale = where(same, 1.0, (hi - lo) * (1.0 / bound))
    lo = where(same, 0.0, lo)
    return (x - lo).div_(inv_scale).clamp_(0, bound).to(image.dtype)


def _equalize(image):
    """Histogram equalisation per channel, as torchvision's tensor kernel."""
    if image.numel() == 0:
        return image
    out_dtype = image.dtype
    image = to_dtype_image(image, _dtype.uint8, scale=True)
    batch = image.shape[:-2]
    flat = image.flatten(start_dim=-2).to(_dtype.int64)
    hist = flat.new_zeros(batch + (256,), dtype=_dtype.int32)
    hist.scatter_add_(-1, flat, hist.new_ones(1).expand_as(flat))
    cum = hist.cumsum(dim=-1)
    index = cum.argmax(dim=-1).unsqueeze(-1)
    step = (flat.shape[-1] - hist.gather(-1, index)).div(255, rounding_mode="floor")
    valid = step.ne(0).unsqueeze(-1)
    cum = (cum[..., :-1] + step // 2).div(step.clamp(min=1), rounding_mode="floor").clamp(0, 255)
    lut = cat([cum.new_zeros(batch + (1,)), cum], dim=-1).to(_dtype.uint8)
    equalized = lut.gather(-1, flat).view_as(image)
    return to_dtype_image(where(valid, equalized, image), out_dtype, scale=True)


def _sharpness(image, sharpness_factor):
    c, h, w = image.shape[-3:]
    _check_channels(image, _errors.v2_sharpness_channels)
    factor = sharpness_factor
    if factor < 0:
        raise _errors.v2_sharpness_factor_not_non_negative(factor)
    if image.numel() == 0 or h <= 2 or w <= 2:
        return image
    fp = image.is_floating_point()
    out, blurred = smoothed(image)
    view = out[..., 1:-1, 1:-1]
    view.add_(blurred.sub_(view), alpha=1.0 - factor)
    out = out.clamp_(0, max_value(image.dtype)).reshape(image.shape)
    return out if fp else out.to(image.dtype)


def _permute_channels(image, permutation):
    shape = image.shape
    c, h, w = shape[-3:]
    if len(permutation) != c:
        raise _errors.v2_length_permutation_does_not_match(permutation, c)
    if image.numel() == 0:
        return image
    return image.reshape(-1, c, h, w)[:, permutation, :, :].reshape(shape)


def _via_tensor(kernel):
    """A PIL kernel computing on the image's pixels as a tensor (as torchvision does)."""
    def pil_kernel(image, *args):
        return F1.to_pil_image(kernel(F1.pil_to_tensor(image), *args), mode=image.mode)
    return pil_kernel


invert = _functional("invert", _invert, FP.invert)
posterize = _functional("posterize", _posterize, FP.posterize)
solarize = _functional("solarize", _solarize, FP.solarize)
autocontrast = _functional("autocontrast", _autocontrast, FP.autocontrast)
equalize = _functional("equalize", _equalize, FP.equalize)
adjust_sharpness = _functional(
    "adjust_sharpness", _sharpness,
    lambda im, sharpness_factor: FP.adjust_sharpness(im, sharpness_factor))
permute_channels = _functional("permute_channels", _permute_channels,
                               _via_tensor(_permute_channels))
