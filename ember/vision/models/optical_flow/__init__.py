"""``torchvision.models.optical_flow``: RAFT."""
from .raft import *  # noqa: F401,F403
