"""``torch.utils._python_dispatch``: the traceable-wrapper-subclass checks.

Serialization code (huggingface_hub, safetensors) imports these for every tensor it saves, to
recognise wrapper subclasses (tensors that flatten into inner tensors through
``__tensor_flatten__`` / ``__tensor_unflatten__``); a missing module made each of those imports
a failed module search.  Ember has no ATen dispatch layer, so no dispatch mode is ever active:
``TorchDispatchMode`` can be subclassed (libraries define their modes at import) but entering
one raises ``UnsupportedError``, and the queries answer that no mode is on."""
from .. import _errors
from .._tensor import Tensor

__all__ = ["is_traceable_wrapper_subclass", "is_traceable_wrapper_subclass_type",
           "TorchDispatchMode", "is_in_torch_dispatch_mode", "any_torch_dispatch_mode_on_stack"]


class TorchDispatchMode:
    """Base class of dispatch modes (``__torch_dispatch__`` on every ATen call); Ember runs
    no ATen calls to intercept, so ``with Mode():`` raises ``UnsupportedError``."""

    def __init__(self, _dispatch_key=None):
        self._dispatch_key = _dispatch_key

    def __torch_dispatch__(self, func, types, args=(), kwargs=None):
        raise NotImplementedError

    def __enter__(self):
        raise _errors.unsupported("torch.utils._python_dispatch.TorchDispatchMode",
                                  "Ember has no ATen dispatch layer for a mode to intercept")

    def __exit__(self, exc_type, exc_value, traceback):
        return False

    @classmethod
    def push(cls, *args, **kwargs):
        return cls(*args, **kwargs)


def is_in_torch_dispatch_mode(include_infra_modes=True):
    return False


def any_torch_dispatch_mode_on_stack(*, include_infra_modes=True, cls=None):
    return False


def _get_current_dispatch_mode():
    return None


def _len_torch_dispatch_stack():
    return 0


def is_traceable_wrapper_subclass_type(t):
    """Whether the class ``t`` is a proper Tensor subclass defining both flatten protocols."""
    return (issubclass(t, Tensor) and t is not Tensor and hasattr(t, "__tensor_flatten__") and
            hasattr(t, "__tensor_unflatten__"))


def is_traceable_wrapper_subclass(t):
    """Whether ``t`` is an instance of such a class (never a plain tensor or a non-tensor)."""
    return isinstance(t, Tensor) and is_traceable_wrapper_subclass_type(type(t))
