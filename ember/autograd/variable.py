"""``torch.autograd.Variable``: the legacy name of Tensor.

``Variable(t)`` returns ``t`` itself (optionally flagged ``requires_grad``) and
``isinstance(t, Variable)`` holds for every tensor, as in PyTorch.
"""
from .. import _errors
from .._tensor import Tensor


class _ExecutionEngine:
    """``Variable._execution_engine``: the backward engine's Python handle."""

    @staticmethod
    def queue_callback(callback):
        """Call ``callback()`` when the running backward finishes."""
        from . import engine
        tasks = engine._tasks()
        if not tasks:
            raise _errors.queue_callback_outside_backward()
        tasks[-1].callbacks.append(callback)


class _VariableMeta(type):
    def __instancecheck__(cls, other):
        return isinstance(other, Tensor)


class Variable(Tensor, metaclass=_VariableMeta):
    _execution_engine = _ExecutionEngine()

    def __new__(cls, data=None, requires_grad=False, volatile=False):
        if data is None:
            from .. import _ops
            data = _ops.creation.empty(0)
        if not isinstance(data, Tensor):
            raise _errors.variable_data(data)
        if requires_grad:
            data.requires_grad_(True)
        return data
