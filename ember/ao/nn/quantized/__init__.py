"""``torch.ao.nn.quantized``: modules computing on quantized tensors.  Ember has no quantized
tensors, so these classes exist (for imports and ``isinstance``) but refuse to be built;
``FloatFunctional`` (floating point) works."""
from .... import _errors
from ....nn import Module
from . import functional  # noqa: F401
from .functional_modules import FloatFunctional, FXFloatFunctional  # noqa: F401

_QUANTIZED_MODULES = (
    "BatchNorm2d", "BatchNorm3d", "Conv1d", "Conv2d", "Conv3d", "ConvTranspose1d",
    "ConvTranspose2d", "ConvTranspose3d", "DeQuantize", "Dropout", "ELU", "Embedding",
    "EmbeddingBag", "GroupNorm", "Hardswish", "InstanceNorm1d", "InstanceNorm2d",
    "InstanceNorm3d", "LSTM", "LayerNorm", "LeakyReLU", "Linear", "MaxPool2d",
    "MultiheadAttention", "PReLU", "QFunctional", "Quantize", "ReLU6", "Sigmoid", "Softmax")


def _quantized_module(name):
    def __init__(self, *args, **kwargs):
        raise _errors.quantized_tensors_missing(f"torch.ao.nn.quantized.{name}")

    def from_float(cls, mod, use_precomputed_fake_quant=False):
        raise _errors.quantized_tensors_missing(f"torch.ao.nn.quantized.{name}")
    return type(name, (Module,), {"__init__": __init__, "from_float": classmethod(from_float),
                                  "__module__": __name__,
                                  "__doc__": f"Quantized {name} (refused: no quantized "
                                             "tensors in Ember)."})


globals().update((name, _quantized_module(name)) for name in _QUANTIZED_MODULES)
__all__ = [*_QUANTIZED_MODULES, "FloatFunctional", "FXFloatFunctional", "functional"]
