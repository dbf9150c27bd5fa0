"""``torch.ao.quantization`` (and its alias ``torch.quantization``): observers, fake
quantization, qconfigs, stubs, module fusion and the eager-mode ``prepare`` / ``prepare_qat``
workflow, all in floating point.  Conversion to quantized modules needs quantized tensors,
which Ember does not have: ``convert`` without a mapping, ``quantize``, ``quantize_dynamic``
raise ``NotImplementedError`` (docs/quantization.md)."""
from .fake_quantize import *  # noqa: F401,F403
from .fuse_modules import *  # noqa: F401,F403
from .fuser_method_mappings import *  # noqa: F401,F403
from .observer import *  # noqa: F401,F403
from .qconfig import *  # noqa: F401,F403
from .quantization_mappings import *  # noqa: F401,F403
from .quantize import *  # noqa: F401,F403
from .stubs import *  # noqa: F401,F403
from . import quantize_fx  # noqa: F401
from .utils import *  # noqa: F401,F403
