"""``torch.utils._python_dispatch``: the traceable-wrapper-subclass checks.

Serialization code (huggingface_hub, safetensors) imports these for every tensor it saves, to
recognise wrapper subclasses (tensors that flatten into inner tensors through
``__tensor_flatten__`` / ``__tensor_unflatten__``); a missing module made each of those imports
a failed module search.  Ember has no dispatch modes: only the two checks are here."""
from .._tensor import Tensor

__all__ = ["is_traceable_wrapper_subclass", "is_traceable_wrapper_subclass_type"]


def is_traceable_wrapper_subclass_type(t):
    """Whether the class ``t`` is a proper Tensor subclass defining both flatten protocols."""
    return (issubclass(t, Tensor) and t is not Tensor and hasattr(t, "__tensor_flatten__") and
            hasattr(t, "__tensor_unflatten__"))


def is_traceable_wrapper_subclass(t):
    """Whether ``t`` is an instance of such a class (never a plain tensor or a non-tensor)."""
    return isinstance(t, Tensor) and is_traceable_wrapper_subclass_type(type(t))
