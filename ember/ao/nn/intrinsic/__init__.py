"""``torch.ao.nn.intrinsic``: fused module sequences (Conv + BN + ReLU, Linear + ReLU...)."""
from .modules import *  # noqa: F401,F403
from .modules import _FusedModule  # noqa: F401


def __getattr__(name):
    if name == "qat":               # the QAT fused modules, loaded on first use
        import importlib
        return importlib.import_module(f".{name}", __name__)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
