"""``v2.ToTensor``: v1's ``ToTensor`` as a v2 transform, kept for old scripts (deprecated)."""
import warnings

import numpy as np

from ..._pil import is_pil_image
from .. import functional as F1
from ._transform import Transform


class ToTensor(Transform):
    """PIL images and ``HWC`` ndarrays to ``CHW`` tensors, uint8 data scaled to ``[0, 1]``."""
    _transformed_types = (is_pil_image, np.ndarray)

    def __init__(self):
        warnings.warn("The transform `ToTensor()` is deprecated and will be removed in a future "
                      "release. Instead, please use `v2.Compose([v2.ToImage(), "
                      "v2.ToDtype(torch.float32, scale=True)])`.Output is equivalent up to "
                      "float precision.")
        super().__init__()

    def transform(self, inpt, params):
        return F1.to_tensor(inpt)
