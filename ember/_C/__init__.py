"""``torch._C``: the handful of names from PyTorch's C extension that Python libraries call,
each answering as torch's does for Ember's (pure Python) build."""
from .._tensor import Tensor as _Tensor
from .._tensor import _disabled_torch_dispatch_impl  # noqa: F401
from .._ops.random import Generator  # noqa: F401  (torch._C.Generator)
from . import _nn  # noqa: F401

# Tensor's metaclass (``type(torch.Tensor)``); Ember's Tensor is an ordinary class.
_TensorMeta = type(_Tensor)


def _log_api_usage_once(event):
    """PyTorch's usage logging hook: nothing is logged."""


def _get_tracing_state():
    """The active ``jit.trace`` state, or None; Ember's tracer keeps no C-level state."""
    return None


_tracing_depth = [0]   # how many jit traces are running: jit's tracer counts them here


def _is_tracing():
    return _tracing_depth[0] > 0


def _current_graph_task_id():
    """An id of the backward running in this thread, -1 outside backward."""
    from ..autograd import engine
    return engine._tasks[-1].id if engine._tasks else -1


def _get_cudnn_enabled():
    from ..backends import cudnn
    return cudnn.enabled


def _set_cudnn_enabled(enabled):
    from ..backends import cudnn
    cudnn.enabled = bool(enabled)


def _get_mkldnn_enabled():
    from ..backends import mkldnn
    return mkldnn.enabled


def _set_mkldnn_enabled(enabled):
    from ..backends import mkldnn
    mkldnn.enabled = bool(enabled)


def _cuda_getDeviceCount():
    from .. import cuda
    return cuda.device_count()


def _get_default_device():
    from .._device import get_default_device
    return str(get_default_device())


def _are_functorch_transforms_active():
    return False


def _is_torch_function_mode_enabled():
    from ..overrides import _get_current_function_mode_stack
    return bool(_get_current_function_mode_stack())


def _disabled_torch_function_impl(func, types, args=(), kwargs=None):
    """Setting ``__torch_function__`` to this opts a subclass out of the protocol."""
    return func(*args, **(kwargs or {}))


class _DepthBlock:
    """A context manager counting how deep its blocks are nested in ``depth`` (a one-item
    list the dispatch checks)."""
    depth = None

    def __enter__(self):
        self.depth[0] += 1
        return self

    def __exit__(self, *exc):
        self.depth[0] -= 1
        return False


_subclass_dispatch_disabled = [0]     # depth of DisableTorchFunctionSubclass blocks
_torch_function_disabled = [0]        # depth of DisableTorchFunction blocks


class DisableTorchFunctionSubclass(_DepthBlock):
    """Inside the block, subclasses' ``__torch_function__`` is not consulted (active modes
    still are): what ``Tensor.__torch_function__`` runs the function under."""
    depth = _subclass_dispatch_disabled


class DisableTorchFunction(_DepthBlock):
    """Inside the block neither subclasses' ``__torch_function__`` nor active modes are
    consulted."""
    depth = _torch_function_disabled
