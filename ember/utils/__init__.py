"""``torch.utils``: data loading, hooks, checkpointing, pytrees and the other utilities, each
loaded on first use."""
import importlib

from ._swap_tensors import swap_tensors  # noqa: F401

_SUBMODULES = {"data", "hooks", "checkpoint", "_pytree", "_python_dispatch", "flop_counter",
               "tensorboard", "safetensors", "dlpack", "weak", "_contextlib", "collect_env",
               "benchmark", "module_tracker"}


def __getattr__(name):
    if name in _SUBMODULES:
        return importlib.import_module(f"{__name__}.{name}")
    from .. import _errors
    raise _errors.module_attribute(__name__, name)


def __dir__():
    return sorted(set(globals()) | _SUBMODULES)
