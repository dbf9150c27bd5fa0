"""Automatic differentiation: the graph (``graph``), the engine, grad modes and helpers."""
from . import grad_mode, graph, functional
from .grad_mode import (no_grad, enable_grad, set_grad_enabled, inference_mode,
                        is_grad_enabled, is_inference_mode_enabled, set_multithreading_enabled,
                        is_multithreading_enabled)
from .engine import backward, grad, _is_checkpoint_valid  # noqa: F401
from .graph import Node
from .function import Function, once_differentiable
from .variable import Variable
from .gradcheck import gradcheck, gradgradcheck, GradcheckError
from .anomaly_mode import (detect_anomaly, set_detect_anomaly, is_anomaly_enabled,
                           is_anomaly_check_nan_enabled)
from ..overrides import handle_torch_function, has_torch_function, is_tensor_like  # noqa: F401

__all__ = ["Function", "Variable", "backward", "grad", "gradcheck", "gradgradcheck",
           "functional", "detect_anomaly", "set_detect_anomaly", "no_grad", "enable_grad",
           "set_grad_enabled", "inference_mode", "set_multithreading_enabled", "graph"]


def is_view_replay_enabled():
    """False: views record how they were made, and in-place updates of a view replay that
    (CopySlices) without torch's switch to replay views instead of ``as_strided``."""
    return False


def kineto_available():
    """As ``torch.profiler.kineto_available`` (False: Ember's profiler is its own op timer)."""
    from ..profiler import kineto_available
    return kineto_available()


def __getattr__(name):
    if name in ("profiler", "forward_ad"):   # torch.autograd.<name>, loaded on first use
        import importlib
        return importlib.import_module(f"{__name__}.{name}")
    from .. import _errors
    raise _errors.module_attribute(__name__, name)
