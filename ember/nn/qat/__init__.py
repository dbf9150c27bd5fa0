"""``torch.nn.qat``: the older name of ``torch.ao.nn.qat``."""
from ...ao._alias import alias_submodules
from ...ao.nn.qat import *  # noqa: F401,F403
from ...ao.nn.qat import __name__ as _TARGET

globals().update(alias_submodules(__name__, _TARGET, ("modules",)))
