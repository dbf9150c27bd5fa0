"""``torch.backends``: feature switches and availability queries."""
from . import mps, cudnn  # noqa: F401
