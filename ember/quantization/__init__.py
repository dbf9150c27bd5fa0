"""``torch.quantization``: the older name of ``torch.ao.quantization`` (the same objects and
submodules)."""
from ..ao._alias import alias_submodules
from ..ao.quantization import *  # noqa: F401,F403
from ..ao.quantization import __name__ as _TARGET

globals().update(alias_submodules(__name__, _TARGET, (
    "fake_quantize", "fuse_modules", "fuser_method_mappings", "observer", "qconfig",
    "quantization_mappings", "quantize", "quantize_fx", "stubs", "utils")))
