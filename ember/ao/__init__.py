"""``torch.ao``: quantization (``ember.ao.quantization``, ``ember.ao.nn``)."""
import importlib

_SUBMODULES = ("nn", "quantization")


def __getattr__(name):
    if name in _SUBMODULES:
        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
