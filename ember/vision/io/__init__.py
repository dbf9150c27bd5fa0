"""``torchvision.io`` for Ember: read, decode, encode and write images as uint8 ``[C, H, W]``
tensors, with Pillow doing the codecs (``pip install 'ember[vision]'``).

Images decode to their own channels (``UNCHANGED``) or to the ``ImageReadMode`` asked for;
16-bit PNGs decode to uint16.  Video I/O is not provided.
"""
import enum
import io as _io

import numpy as np

import ember

from ... import _errors
from .._pil import pil


class ImageReadMode(enum.Enum):
    """The channels a decoded image is converted to."""
    UNCHANGED = 0
    GRAY = 1
    GRAY_ALPHA = 2
    RGB = 3
    RGB_ALPHA = 4
    RGBA = RGB_ALPHA


_PIL_MODE = {ImageReadMode.GRAY: "L", ImageReadMode.GRAY_ALPHA: "LA",
             ImageReadMode.RGB: "RGB", ImageReadMode.RGB_ALPHA: "RGBA"}


def read_file(path):
    """A file's bytes as a 1-D uint8 tensor."""
    try:
        with open(path, "rb") as f:
            return ember.from_numpy(np.frombuffer(f.read(), dtype=np.uint8).copy())
    except OSError as e:
        raise _errors.io_read_failed(e) from None


def write_file(filename, data):
    """Write a 1-D uint8 tensor's bytes to ``filename``."""
    if data.dtype != ember.uint8:
        raise _errors.io_bytes_dtype(data.dtype)
    if data.dim() != 1:
        raise _errors.io_bytes_tensor()
    with open(filename, "wb") as f:
        f.write(data.contiguous().numpy().tobytes())


def _mode(mode):
    return ImageReadMode[mode.upper()] if isinstance(mode, str) else mode


def _decode(data, mode, apply_exif_orientation, expected=None):
    Image = pil()
    if data.dtype != ember.uint8:
        raise _errors.io_bytes_dtype(data.dtype)
    if data.dim() != 1 or data.numel() == 0:
        raise _errors.io_bytes_tensor()
    raw = data.contiguous().numpy().tobytes()
    try:
        img = Image.open(_io.BytesIO(raw))
        img.load()
    except (OSError, SyntaxError) as e:
        raise _errors.io_undecodable(expected[0] if expected else "image", e) from None
    if expected and img.format not in expected:
        raise _errors.io_wrong_format(expected[0])
    if apply_exif_orientation:
        from PIL import ImageOps
        img = ImageOps.exif_transpose(img)
    mode = _mode(mode)
    if mode is ImageReadMode.UNCHANGED:
        if img.mode in ("I;16", "I;16B", "I"):
            arr = np.asarray(img).astype(np.uint16)
            return ember.from_numpy(arr[None].copy())
        if img.mode not in ("L", "LA", "RGB", "RGBA"):
            img = img.convert("RGBA" if "A" in img.getbands() or "transparency" in img.info
                              else "RGB")
    else:
        img = img.convert(_PIL_MODE[mode])
    arr = np.asarray(img, dtype=np.uint8)
    arr = arr[:, :, None] if arr.ndim == 2 else arr
    return ember.from_numpy(np.ascontiguousarray(arr.transpose(2, 0, 1)))


def decode_image(input, mode=ImageReadMode.UNCHANGED, apply_exif_orientation=False):
    """Decode PNG, JPEG, GIF (first frame), WebP, BMP, TIFF... bytes (a 1-D uint8 tensor) or a
    path into a ``[C, H, W]`` tensor."""
    if not isinstance(input, ember.Tensor):
        input = read_file(str(input))
    return _decode(input, mode, apply_exif_orientation)


def read_image(path, mode=ImageReadMode.UNCHANGED, apply_exif_orientation=False):
    """``decode_image(read_file(path))``."""
    return _decode(read_file(str(path)), mode, apply_exif_orientation)


def decode_png(input, mode=ImageReadMode.UNCHANGED, apply_exif_orientation=False):
    """Decode PNG bytes into ``[C, H, W]`` (uint8, or uint16 for 16-bit images)."""
    return _decode(input, mode, apply_exif_orientation, expected=("PNG",))


def decode_jpeg(input, mode=ImageReadMode.UNCHANGED, device="cpu", apply_exif_orientation=False):
    """Decode JPEG bytes (or a list of them) into uint8 ``[C, H, W]`` tensors on ``device``."""
    if isinstance(input, list):
        if not input:
            raise _errors.io_empty_list()
        return [decode_jpeg(t, mode, device, apply_exif_orientation) for t in input]
    return _decode(input, mode, apply_exif_orientation, expected=("JPEG", "MPO")).to(device)


def _image_array(input):
    """``[C, H, W]`` uint8 with 1 or 3 channels -> a host ``[H, W(, C)]`` array for Pillow."""
    if input.dtype != ember.uint8:
        raise _errors.io_encode_dtype()
    if input.dim() != 3:
        raise _errors.io_encode_dims()
    if input.shape[0] not in (1, 3):
        raise _errors.io_encode_channels(input.shape[0])
    arr = input.detach().cpu().numpy().transpose(1, 2, 0)
    return arr[:, :, 0] if arr.shape[2] == 1 else arr


def _encode(arr, **options):
    buf = _io.BytesIO()
    pil().fromarray(np.ascontiguousarray(arr)).save(buf, **options)
    return ember.from_numpy(np.frombuffer(buf.getvalue(), dtype=np.uint8).copy())


def encode_png(input, compression_level=6):
    """PNG bytes (1-D uint8 tensor) of a uint8 ``[C, H, W]`` image with 1 or 3 channels."""
    if not 0 <= compression_level <= 9:
        raise _errors.io_compression_level(compression_level)
    return _encode(_image_array(input), format="PNG", compress_level=compression_level)


def encode_jpeg(input, quality=75):
    """JPEG bytes of a uint8 ``[C, H, W]`` image (1 or 3 channels), or of a list of them."""
    if isinstance(input, list):
        if not input:
            raise _errors.io_empty_list()
        return [encode_jpeg(t, quality) for t in input]
    if not 1 <= quality <= 100:
        raise _errors.io_jpeg_quality(quality)
    return _encode(_image_array(input), format="JPEG", quality=quality)


def write_png(input, filename, compression_level=6):
    write_file(filename, encode_png(input, compression_level))


def write_jpeg(input, filename, quality=75):
    write_file(filename, encode_jpeg(input, quality))


__all__ = ["ImageReadMode", "read_file", "write_file", "decode_image", "read_image", "decode_png",
           "decode_jpeg", "encode_png", "encode_jpeg", "write_png", "write_jpeg"]
