"""``torch.backends``: feature switches and availability queries."""
from . import cpu, cuda, cudnn, mkldnn, mps, openmp  # noqa: F401
