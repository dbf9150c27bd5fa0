"""Pinned (page-locked) host memory: ``Tensor.pin_memory``, ``is_pinned`` and the factories'
``pin_memory=True``.  The accelerator's backend allocates it (CuPy's pinned pool on a GPU; the
fake CUDA backends hand out marked plain memory); a CPU tensor is pinned when the memory under
its array came from there.  Without an accelerator, PyTorch's errors."""
from .. import _errors
from .._tensor import _make
from ..autograd.graph import node_class
from ._core import register, record, _grad_on

# aten::_pin_memory passes the gradient through unchanged
PinMemoryBackward0 = node_class("PinMemoryBackward0", lambda node, g: (g,))


def _accelerator_backend():
    """The backend that pins host memory, or None when no accelerator is available."""
    from .. import cuda
    if not cuda.is_available():
        return None
    from .._device import device
    return device("cuda").backend


def _in_pinned_memory(array, backend):
    """Whether the memory under ``array`` (through its chain of bases) is the backend's pinned
    allocation."""
    base = array
    while base is not None:
        if isinstance(base, backend.pinned_buffer_types):
            return True
        base = base.obj if isinstance(base, memoryview) else getattr(base, "base", None)
    return False


@register("is_pinned", function=False, differentiable=False)
def is_pinned(input, device=None):
    if input._device.type != "cpu":
        return False
    backend = _accelerator_backend()
    return backend is not None and _in_pinned_memory(input._data, backend)


@register("pin_memory", function=False, nodes=("PinMemoryBackward0",))
def pin_memory(input, device=None):
    """A copy of the CPU tensor ``input`` in pinned memory (``input`` itself if it is pinned)."""
    backend = _accelerator_backend()
    if backend is None:
        raise _errors.no_accelerator()
    if input._device.type != "cpu":
        raise _errors.pin_non_cpu(input)
    if _in_pinned_memory(input._data, backend):
        return input
    out = _make(backend.pin(input._data), input._dtype, input._device)
    if _grad_on() and input._requires_grad:
        record(out, PinMemoryBackward0, (input,))
    return out


def pinned(t):
    """A new factory result ``t`` in pinned memory (``pin_memory=True``)."""
    if _accelerator_backend() is None:
        raise _errors.no_pinned_allocator()
    return pin_memory(t)
