"""Every PyTorch-facing error message, worded as torch 2.13 words it.

One module per family (tensor, autograd, nn, optim, data, serialization, ...); this package
re-exports them all, so callers write ``raise _errors.xxx(...)``.  Each function builds its
exception only when an error is actually raised, so nothing here costs anything on the fast
path.  This is the ground floor: it imports nothing else from ember.
"""
from .base import *  # noqa: F401,F403
from .tensor import *  # noqa: F401,F403
from .autograd import *  # noqa: F401,F403
from .pointwise import *  # noqa: F401,F403
from .linalg import *  # noqa: F401,F403
from .random import *  # noqa: F401,F403
from .nn_ops import *  # noqa: F401,F403
from .nn_functional import *  # noqa: F401,F403
from .nn_modules import *  # noqa: F401,F403
from .nn_utils import *  # noqa: F401,F403
from .optim import *  # noqa: F401,F403
from .data import *  # noqa: F401,F403
from .serialization import *  # noqa: F401,F403
from .vision import *  # noqa: F401,F403
from .vision_models import *  # noqa: F401,F403
from .runner import *  # noqa: F401,F403
from .deployment import *  # noqa: F401,F403
from .fx import *  # noqa: F401,F403
from .distributed import *  # noqa: F401,F403
from .signatures import *  # noqa: F401,F403
from .compiler import *  # noqa: F401,F403
from .global_state import *  # noqa: F401,F403
from .library import *  # noqa: F401,F403
from .amp import *  # noqa: F401,F403
from .utils import *  # noqa: F401,F403
from .prune import *  # noqa: F401,F403
from .distributions import *  # noqa: F401,F403
from .spectral import *  # noqa: F401,F403
from .ops_misc import *  # noqa: F401,F403
from .func import *  # noqa: F401,F403
from .vmap import *  # noqa: F401,F403
from .forward_ad import *  # noqa: F401,F403
from .vision_v2 import *  # noqa: F401,F403
from .vision_detection import *  # noqa: F401,F403
from .copies import *  # noqa: F401,F403
from .masked import *  # noqa: F401,F403
from .nn_linear_loss import *  # noqa: F401,F403
from .nn_grid import *  # noqa: F401,F403
from .dlpack import *  # noqa: F401,F403
from .vision_video import *  # noqa: F401,F403
from .sparse import *  # noqa: F401,F403
from .nn_modules_extra import *  # noqa: F401,F403
from .dispatch import *  # noqa: F401,F403
from .private_api import *  # noqa: F401,F403
from .accelerators import *  # noqa: F401,F403
from .quantization import *  # noqa: F401,F403
from .benchmark import *  # noqa: F401,F403
from .nested import *  # noqa: F401,F403
