"""Conversions between PIL images, NumPy arrays, tensors and tv_tensors (v2 transforms)."""
import numpy as np

from ...._tensor import Tensor
from ... import tv_tensors
from ..._pil import is_pil_image
from . import functional as F
from ._transform import Transform
from ._utils import is_pure_tensor


class PILToTensor(Transform):
    _transformed_types = (is_pil_image,)

    def transform(self, inpt, params):
        return F.pil_to_tensor(inpt)


class ToImage(Transform):
    _transformed_types = (is_pure_tensor, is_pil_image, np.ndarray)

    def transform(self, inpt, params):
        return F.to_image(inpt)


class ToPILImage(Transform):
    _transformed_types = (is_pure_tensor, tv_tensors.Image, np.ndarray)

    def __init__(self, mode=None):
        super().__init__()
        self.mode = mode

    def transform(self, inpt, params):
        return F.to_pil_image(inpt, mode=self.mode)


class ToPureTensor(Transform):
    """Every tv_tensor of the sample as a plain tensor."""
    _transformed_types = (tv_tensors.TVTensor,)

    def transform(self, inpt, params):
        return inpt.as_subclass(Tensor)
