"""Conversions between PIL images, tensors and ``tv_tensors.Image``."""
import numpy as np

from ....._tensor import Tensor
from .... import tv_tensors
from ...functional import pil_to_tensor, to_pil_image  # noqa: F401  (re-exported)
from ..... import _errors


def to_image(inpt):
    """A ``tv_tensors.Image`` from a PIL image, a NumPy ``HWC`` array or a tensor."""
    from ..... import from_numpy
    if isinstance(inpt, np.ndarray):
        output = from_numpy(np.atleast_3d(inpt)).permute((2, 0, 1)).contiguous()
    elif isinstance(inpt, Tensor):
        output = inpt
    else:
        from ...._pil import is_pil_image
        if not is_pil_image(inpt):
            raise _errors.v2_input_can_either_pure_tensor(inpt)
        output = pil_to_tensor(inpt)
    return tv_tensors.Image(output)
