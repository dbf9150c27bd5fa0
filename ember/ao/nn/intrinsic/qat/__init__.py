"""``torch.ao.nn.intrinsic.qat``: fused QAT modules (Linear / Conv + ReLU)."""
from .modules import ConvReLU1d, ConvReLU2d, ConvReLU3d, LinearReLU  # noqa: F401
