"""``torch.ao.nn.intrinsic``: fused module sequences (Conv + BN + ReLU, Linear + ReLU...)."""
from .modules import *  # noqa: F401,F403
from .modules import _FusedModule  # noqa: F401
