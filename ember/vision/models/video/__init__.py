"""``torchvision.models.video``: video classifiers over ``(N, C, T, H, W)`` clips (R3D, MC3,
R(2+1)D, S3D, MViT, Video Swin Transformer)."""
from .mvit import *  # noqa: F401,F403
from .resnet import *  # noqa: F401,F403
from .s3d import *  # noqa: F401,F403
from .swin_transformer import *  # noqa: F401,F403
