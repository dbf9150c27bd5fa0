"""``torch.ao.nn``: the module families of quantization (``intrinsic`` fused sequences,
``qat`` fake-quantized training modules, ``quantized`` modules)."""
from . import intrinsic, qat, quantized  # noqa: F401
