"""``torch.utils._python_dispatch``: dispatch modes and the traceable-wrapper-subclass checks.

A ``TorchDispatchMode`` entered with ``with`` sees every aten operator the ops called in the
block reach (``aten.add.Tensor`` with its arguments), below autograd, as in PyTorch; while its
``__torch_dispatch__`` runs the mode is off (its own calls reach the next mode, or the ops).
How Ember finds the aten operator of an op call is described in ``ember/_aten_dispatch.py``.
Serialization code (huggingface_hub, safetensors) imports the wrapper-subclass checks for
every tensor it saves."""
import contextlib

from .. import _aten_dispatch
from .._tensor import Tensor

__all__ = ["is_traceable_wrapper_subclass", "is_traceable_wrapper_subclass_type",
           "TorchDispatchMode", "is_in_torch_dispatch_mode", "any_torch_dispatch_mode_on_stack",
           "return_and_correct_aliasing"]


class TorchDispatchMode:
    """Base class of dispatch modes: ``__torch_dispatch__(func, types, args, kwargs)`` is
    called for every aten operator reached while the mode is active."""

    def __init__(self, _dispatch_key=None):
        self._dispatch_key = _dispatch_key

    def __torch_dispatch__(self, func, types, args=(), kwargs=None):
        raise NotImplementedError

    def __enter__(self):
        _push_mode(self)
        return self

    def __exit__(self, exc_type, exc_value, traceback):
        _pop_mode()
        return False

    @classmethod
    def push(cls, *args, **kwargs):
        return cls(*args, **kwargs)

    @classmethod
    def is_infra_mode(cls):
        return False


def _push_mode(mode):
    _aten_dispatch.push_mode(mode)


def _pop_mode(k=None):
    return _aten_dispatch.pop_mode()


def _get_current_dispatch_mode():
    stack = _aten_dispatch.mode_stack()
    return stack[-1] if stack else None


def _get_current_dispatch_mode_stack():
    return list(_aten_dispatch.mode_stack())


def _len_torch_dispatch_stack():
    return len(_aten_dispatch.mode_stack())


def is_in_torch_dispatch_mode(include_infra_modes=True):
    return bool(_aten_dispatch.mode_stack())


def any_torch_dispatch_mode_on_stack(*, include_infra_modes=True, cls=None):
    return any(cls is None or isinstance(m, cls) for m in _aten_dispatch.mode_stack())


@contextlib.contextmanager
def _disable_current_modes():
    """Run the block with no dispatch mode active (they are restored after it)."""
    stack = _aten_dispatch.mode_stack()
    saved = [_pop_mode() for _ in range(len(stack))][::-1]
    try:
        yield saved
    finally:
        for mode in saved:
            _push_mode(mode)


@contextlib.contextmanager
def _pop_mode_temporarily(k=None):
    mode = _pop_mode()
    try:
        yield mode
    finally:
        _push_mode(mode)


def return_and_correct_aliasing(func, args, kwargs, out):
    """What a wrapper subclass's handler returns: ``out``, or for an in-place operator its
    ``self`` (Ember keeps views' aliasing on the wrapper itself, so nothing needs fixing)."""
    if func._name.endswith("_") and args and isinstance(args[0], Tensor):
        return args[0]
    return out


def is_traceable_wrapper_subclass_type(t):
    """Whether the class ``t`` is a proper Tensor subclass defining both flatten protocols."""
    return (issubclass(t, Tensor) and t is not Tensor and hasattr(t, "__tensor_flatten__") and
            hasattr(t, "__tensor_unflatten__"))


def is_traceable_wrapper_subclass(t):
    """Whether ``t`` is an instance of such a class (never a plain tensor or a non-tensor)."""
    return isinstance(t, Tensor) and is_traceable_wrapper_subclass_type(type(t))
