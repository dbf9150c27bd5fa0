"""``torch.ao.nn.intrinsic.qat.LinearReLU``: QAT Linear followed by ReLU."""
from ....qat.modules import linear
from ...modules import fused
from .conv_fused import with_relu

__all__ = ["LinearReLU"]

LinearReLU = with_relu("LinearReLU", linear.Linear, fused.LinearReLU, __name__)
