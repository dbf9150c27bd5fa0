"""``torch.nn.quantized``: the older name of ``torch.ao.nn.quantized``."""
from ...ao._alias import alias_submodules
from ...ao.nn.quantized import *  # noqa: F401,F403
from ...ao.nn.quantized import __name__ as _TARGET

globals().update(alias_submodules(__name__, _TARGET, ("functional", "functional_modules")))
