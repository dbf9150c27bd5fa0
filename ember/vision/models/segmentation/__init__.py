"""``torchvision.models.segmentation``: FCN, DeepLabV3 and LR-ASPP."""
from .deeplabv3 import *  # noqa: F401,F403
from .fcn import *  # noqa: F401,F403
from .lraspp import *  # noqa: F401,F403
