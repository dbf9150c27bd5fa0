"""How tensors travel between processes: a CPU tensor put on a ``ember.multiprocessing``
queue (or passed to a child process) is moved to shared memory and sent as a descriptor, so
the receiver's tensor shares the sender's memory, as in PyTorch."""
from multiprocessing.reduction import ForkingPickler

from .. import _dtype as D
from .. import _errors
from .._backend import shared_memory
from .._device import resolve
from .._tensor import Tensor, _make

__all__ = ["init_reductions", "reduce_tensor", "rebuild_tensor"]


def rebuild_tensor(cls, desc, dtype_name, requires_grad):
    t = _make(shared_memory.rebuild(*desc), getattr(D, dtype_name), resolve("cpu"))
    if cls is not Tensor:
        t = cls(t, requires_grad)
        return t
    t.requires_grad = requires_grad
    return t


def reduce_tensor(t):
    if t.requires_grad and not t.is_leaf:
        raise _errors.mp_non_leaf_tensor()
    if t._device.type != "cpu":
        return t.__reduce_ex__(4)
    t.share_memory_()
    return (rebuild_tensor, (type(t), shared_memory.descriptor(t._data), t._dtype.name,
                             t.requires_grad))


def init_reductions():
    ForkingPickler.register(Tensor, reduce_tensor)
    from ..nn.parameter import Parameter
    ForkingPickler.register(Parameter, reduce_tensor)
