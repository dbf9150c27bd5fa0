"""Transform kernels for PIL images: each one delegates to Pillow the way torchvision does, so
the output pixels are identical to torchvision's."""
import numpy as np

from ... import _errors
from .._pil import pil


def get_dimensions(img):
    return [len(img.getbands()), img.height, img.width]


def _fill_kwarg(fill, img, name="fillcolor"):
    """Pillow wants a per-band tuple of ints (floats for mode 'F') or a scalar for one band."""
    bands = len(img.getbands())
    if fill is None:
        fill = 0
    if isinstance(fill, (int, float)) and bands > 1:
        fill = (fill,) * bands
    if isinstance(fill, (list, tuple)):
        if len(fill) == 1:
            fill = tuple(fill) * bands
        if len(fill) != bands:
            raise _errors.fill_channels(len(fill), bands)
        fill = tuple(fill) if img.mode == "F" else tuple(int(v) for v in fill)
    elif img.mode != "F":
        fill = int(fill)
    return {name: fill}


def hflip(img):
    return img.transpose(pil().Transpose.FLIP_LEFT_RIGHT)


def vflip(img):
    return img.transpose(pil().Transpose.FLIP_TOP_BOTTOM)


def crop(img, top, left, height, width):
    return img.crop((left, top, left + width, top + height))


def resize(img, size, resample):
    h, w = size
    return img.resize((w, h), resample)


def pad(img, left, top, right, bottom, fill, padding_mode):
    if padding_mode == "constant":
        from PIL import ImageOps
        if min(left, top, right, bottom) < 0:
            img = img.crop((-min(left, 0), -min(top, 0), img.width + min(right, 0),
                            img.height + min(bottom, 0)))
            left, top, right, bottom = (max(v, 0) for v in (left, top, right, bottom))
        out = ImageOps.expand(img, border=(left, top, right, bottom),
                              **_fill_kwarg(fill, img, "fill"))
        if img.mode == "P":
            out.putpalette(img.getpalette())
        return out
    arr = np.asarray(img)
    if min(left, top, right, bottom) < 0:
        arr = arr[max(-top, 0):arr.shape[0] - max(-bottom, 0),
                  max(-left, 0):arr.shape[1] - max(-right, 0)]
        left, top, right, bottom = (max(v, 0) for v in (left, top, right, bottom))
    widths = [(top, bottom), (left, right)] + [(0, 0)] * (arr.ndim - 2)
    out = pil().fromarray(np.pad(arr, widths, mode=padding_mode), mode=img.mode)
    if img.mode == "P":
        out.putpalette(img.getpalette())
    return out


def rotate(img, angle, resample, expand, center, fill):
    return img.rotate(angle, resample, expand, center, **_fill_kwarg(fill, img))


def affine(img, matrix, resample, fill):
    return img.transform(img.size, pil().Transform.AFFINE, matrix, resample,
                         **_fill_kwarg(fill, img))


def perspective(img, coeffs, resample, fill):
    return img.transform(img.size, pil().Transform.PERSPECTIVE, coeffs, resample,
                         **_fill_kwarg(fill, img))


def _enhancer(name):
    """``adjust_x(img, factor)`` by PIL's ``ImageEnhance.<name>``."""
    def adjust(img, factor):
        from PIL import ImageEnhance
        return getattr(ImageEnhance, name)(img).enhance(factor)
    return adjust


adjust_brightness = _enhancer("Brightness")
adjust_contrast = _enhancer("Contrast")
adjust_saturation = _enhancer("Color")
adjust_sharpness = _enhancer("Sharpness")


def _image_ops():
    from PIL import ImageOps
    return ImageOps


def invert(img):
    return _image_ops().invert(img)


def posterize(img, bits):
    return _image_ops().posterize(img, bits)


def solarize(img, threshold):
    return _image_ops().solarize(img, threshold)


def autocontrast(img):
    return _image_ops().autocontrast(img)


def equalize(img):
    return _image_ops().equalize(img)


def adjust_hue(img, factor):
    if img.mode in ("L", "1", "I", "F"):
        return img
    mode = img.mode
    h, s, v = img.convert("HSV").split()
    shift = int(factor * 255) % 256          # the hue channel wraps around like a uint8
    h = pil().fromarray(((np.asarray(h).astype(np.int32) + shift) % 256).astype(np.uint8), "L")
    return pil().merge("HSV", (h, s, v)).convert(mode)


def adjust_gamma(img, gamma, gain):
    mode = img.mode
    img = img.convert("RGB")
    table = [int((256 - 1e-3) * gain * (i / 255.0) ** gamma) for i in range(256)] * 3
    return img.point(table).convert(mode)


def to_grayscale(img, num_output_channels):
    img = img.convert("L")
    if num_output_channels == 3:
        img = pil().merge("RGB", (img, img, img))
    return img
