"""``Image``, ``Video`` and ``Mask``: tensors tagged with what they hold."""
from .._pil import is_pil_image
from ._tv_tensor import TVTensor
from ... import _errors


def _from_pil(data):
    if is_pil_image(data):
        from ..transforms.v2 import functional as F
        return F.pil_to_tensor(data)
    return data


class Image(TVTensor):
    """An image ``(..., C, H, W)``; a 2-D input gets a channel dimension, a PIL image is
    converted as ``pil_to_tensor`` does."""

    def __new__(cls, data, *, dtype=None, device=None, requires_grad=None):
        tensor = cls._to_tensor(_from_pil(data), dtype=dtype, device=device,
                                requires_grad=requires_grad)
        if tensor.ndim < 2:
            raise _errors.tv_tensor_2d_higher_d_tensor(tensor)
        if tensor.ndim == 2:
            tensor = tensor.unsqueeze(0)
        return tensor.as_subclass(cls)

    def __repr__(self):
        return self._make_repr()


class Video(TVTensor):
    """A video ``(..., T, C, H, W)``."""

    def __new__(cls, data, *, dtype=None, device=None, requires_grad=None):
        tensor = cls._to_tensor(data, dtype=dtype, device=device, requires_grad=requires_grad)
        if data.ndim < 4:
            raise ValueError
        return tensor.as_subclass(cls)

    def __repr__(self):
        return self._make_repr()


class Mask(TVTensor):
    """A segmentation mask ``(..., H, W)``."""

    def __new__(cls, data, *, dtype=None, device=None, requires_grad=None):
        tensor = cls._to_tensor(_from_pil(data), dtype=dtype, device=device,
                                requires_grad=requires_grad)
        return tensor.as_subclass(cls)


