"""``torch.ao.nn.intrinsic.qat``: fused QAT modules (Conv + BN (+ ReLU), Conv / Linear +
ReLU)."""
from .modules import *  # noqa: F401,F403
