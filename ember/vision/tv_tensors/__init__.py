"""``torchvision.tv_tensors``: tensor subclasses telling the v2 transforms what they hold."""
from ._bounding_boxes import BoundingBoxes, BoundingBoxFormat, is_rotated_bounding_format
from ._image import Image, Mask, Video
from ._keypoints import KeyPoints
from ._tv_tensor import TVTensor, set_return_type

__all__ = ["BoundingBoxes", "BoundingBoxFormat", "is_rotated_bounding_format", "Image", "Mask",
           "Video", "KeyPoints", "TVTensor", "set_return_type", "wrap"]


def wrap(wrappee, *, like, **kwargs):
    """``wrappee`` as the TVTensor class of ``like``, with ``like``'s metadata (``kwargs``
    override single fields)."""
    wrap_method = getattr(type(like), "wrap", None)
    if wrap_method is not None:
        return wrap_method(wrappee, like, **kwargs)
    return wrappee.as_subclass(type(like))
