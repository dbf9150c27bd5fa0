"""Quantization schemes (``torch.qscheme`` and its five values) and the quantized-tensor entry
points, which Ember refuses: it has the qint dtypes as names but no quantized storage or
kernels.  Observers and fake quantization (floating point) are in ``ember.ao.quantization``."""
from . import _errors

__all__ = ["qscheme", "per_tensor_affine", "per_channel_affine", "per_tensor_symmetric",
           "per_channel_symmetric", "per_channel_affine_float_qparams", "quantize_per_tensor",
           "quantize_per_channel", "quantize_per_tensor_dynamic", "dequantize"]


class qscheme:
    """A quantization scheme; the five instances are singletons compared with ``is``."""
    __slots__ = ("name",)

    def __init__(self, name):
        self.name = name

    def __repr__(self):
        return f"torch.{self.name}"

    def __reduce__(self):
        return self.name        # pickled by reference to this module's attribute


per_tensor_affine = qscheme("per_tensor_affine")
per_channel_affine = qscheme("per_channel_affine")
per_tensor_symmetric = qscheme("per_tensor_symmetric")
per_channel_symmetric = qscheme("per_channel_symmetric")
per_channel_affine_float_qparams = qscheme("per_channel_affine_float_qparams")


def refused(name, namespace="torch", error=_errors.quantized_tensors_missing):
    """A function ``namespace.name`` that raises ``error`` (by default: it needs quantized
    tensors)."""
    def unsupported(*args, **kwargs):
        raise error(f"{namespace}.{name}")
    unsupported.__name__ = unsupported.__qualname__ = name
    return unsupported


quantize_per_tensor = refused("quantize_per_tensor")
quantize_per_channel = refused("quantize_per_channel")
quantize_per_tensor_dynamic = refused("quantize_per_tensor_dynamic")


def dequantize(tensors):
    """Every Ember tensor is already unquantized: as torch does for float tensors, the
    tensor (or list of tensors) comes back as it is."""
    return tensors
