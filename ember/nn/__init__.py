"""Neural-network building blocks (``torch.nn``)."""
import importlib as _importlib

from .parameter import *  # noqa: F401,F403
from .modules import *  # noqa: F401,F403
from . import functional, grad, init  # noqa: F401
# ``import *`` above also brought ``modules.utils`` in as ``utils``: torch.nn.utils is this one
utils = _importlib.import_module(".utils", __name__)
from . import parallel  # noqa: F401
from .parallel import DataParallel  # noqa: F401


def __getattr__(name):
    # torch.nn's quantization families (older names of torch.ao.nn's) and nn.attention,
    # loaded on first use
    if name in ("quantized", "intrinsic", "qat", "attention"):
        return _importlib.import_module(f".{name}", __name__)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
