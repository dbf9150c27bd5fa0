from .conv_fused import *  # noqa: F401,F403
from .linear_relu import LinearReLU  # noqa: F401
