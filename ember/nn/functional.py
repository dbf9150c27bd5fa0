"""``torch.nn.functional``: each family lives in ``nn/_functional/<family>.py``."""
from ._functional.activation import *  # noqa: F401,F403
from ._functional.linear import *  # noqa: F401,F403
from ._functional.dropout import *  # noqa: F401,F403
from ._functional.sparse import *  # noqa: F401,F403
from ._functional.conv import *  # noqa: F401,F403
from ._functional.pooling import *  # noqa: F401,F403
from ._functional.vision import *  # noqa: F401,F403
from ._functional.normalization import *  # noqa: F401,F403
from ._functional.loss import *  # noqa: F401,F403
from ._functional.attention import *  # noqa: F401,F403
from ._functional.linear_cross_entropy import *  # noqa: F401,F403
from ._functional.grid import *  # noqa: F401,F403
from ._functional.fractional_pool import *  # noqa: F401,F403
from ._functional.dispatch import *  # noqa: F401,F403

from .. import _subclass  # noqa: E402

_subclass.add_public_functions(v for n, v in list(globals().items())
                               if not n.startswith("_") and callable(v)
                               and getattr(v, "__module__", "").startswith("ember.nn"))


def __getattr__(name):
    if name == "grad":      # torch.nn.functional.grad is the module torch.nn.grad
        from . import grad
        return grad
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
