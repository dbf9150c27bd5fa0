"""``torch.ao.quantization.quantize_fx``: FX graph mode quantization is not written (the names
exist so that libraries importing them load; calling one raises)."""
from ... import _errors
from ..._quantized import refused

__all__ = ["fuse_fx", "prepare_fx", "prepare_qat_fx", "convert_fx", "convert_to_reference_fx"]

globals().update((name, refused(name, __name__.replace("ember.", "torch.", 1),
                                _errors.quantization_not_written)) for name in __all__)
