"""JPEG compression artefacts (``v2.functional.jpeg``): a Pillow encode/decode round trip."""
from ....._tensor import Tensor
from .... import tv_tensors
from ._utils import PIL_IMAGE, _dispatch, _register_kernel_internal


def jpeg(image, quality):
    """``image`` (uint8 ``[..., 1 or 3, H, W]`` tensor, video or PIL image) after JPEG
    compression at ``quality`` (1 to 100) and decompression."""
    return _dispatch(jpeg, image, quality=quality)


def jpeg_image(image, quality):
    from ..... import stack
    from ....io import decode_jpeg, encode_jpeg
    shape = image.shape
    frames = image.reshape((-1,) + tuple(shape[-3:]))
    if frames.shape[0] == 0:
        return image.clone()
    return stack([decode_jpeg(encode_jpeg(f, quality=quality)) for f in frames]).view(shape)


def _jpeg_pil(image, quality):
    import io
    from ...._pil import pil
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=quality)
    return pil().open(buffer).copy()     # a plain Image, not a JpegImageFile


jpeg_video = jpeg_image
for _t in (Tensor, tv_tensors.Image, tv_tensors.Video):
    _register_kernel_internal(jpeg, _t)(jpeg_image)
_register_kernel_internal(jpeg, PIL_IMAGE)(_jpeg_pil)
