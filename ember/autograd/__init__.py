"""Automatic differentiation: the graph (``graph``), the engine, grad modes and helpers."""
from . import grad_mode, graph, functional
from .grad_mode import (no_grad, enable_grad, set_grad_enabled, inference_mode,
                        is_grad_enabled, is_inference_mode_enabled, set_multithreading_enabled)
from .engine import backward, grad, _is_checkpoint_valid  # noqa: F401
from .graph import Node
from .function import Function, once_differentiable
from .variable import Variable
from .gradcheck import gradcheck, gradgradcheck, GradcheckError
from .anomaly_mode import (detect_anomaly, set_detect_anomaly, is_anomaly_enabled,
                           is_anomaly_check_nan_enabled)

__all__ = ["Function", "Variable", "backward", "grad", "gradcheck", "gradgradcheck",
           "functional", "detect_anomaly", "set_detect_anomaly", "no_grad", "enable_grad",
           "set_grad_enabled", "inference_mode", "set_multithreading_enabled", "graph"]


def __getattr__(name):
    if name in ("profiler", "forward_ad"):   # torch.autograd.<name>, loaded on first use
        import importlib
        return importlib.import_module(f"{__name__}.{name}")
    from .. import _errors
    raise _errors.module_attribute(__name__, name)
