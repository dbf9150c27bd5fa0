"""``torch.nn.intrinsic``: the older name of ``torch.ao.nn.intrinsic``."""
from ...ao._alias import alias_submodules
from ...ao.nn.intrinsic import *  # noqa: F401,F403
from ...ao.nn.intrinsic import __name__ as _TARGET

globals().update(alias_submodules(__name__, _TARGET, ("modules", "qat")))
