"""``torch.version``: the PyTorch release Ember stands in for, and what it is built against.

Ember follows PyTorch ``PYTORCH_VERSION``'s behaviour; under the drop-in runner
``torch.__version__`` is ``__version__`` here (``2.13.0+ember.<ember version>``, a PEP 440 local
version, so ``packaging`` parses it and it compares as 2.13.0).  No CUDA or HIP toolkit is
compiled in: those fields are ``None`` as in a CPU-only PyTorch build.
"""
from .torch_version import TorchVersion

__all__ = ["__version__", "debug", "cuda", "git_version", "hip", "xpu"]

EMBER_VERSION = "0.1.0"
PYTORCH_VERSION = "2.13.0"
TORCHVISION_VERSION = "0.28.0"

__version__ = TorchVersion(f"{PYTORCH_VERSION}+ember.{EMBER_VERSION}")
torchvision_version = TorchVersion(f"{TORCHVISION_VERSION}+ember.{EMBER_VERSION}")
debug = False
cuda = None
hip = None
xpu = None
git_version = "unknown"
