"""``torch.distributed.tensor``: Ember has no distributed tensors (DTensor).

The classes exist so that code can ask ``isinstance(t, DTensor)`` — always False for Ember's
tensors, as for any tensor that is not a DTensor in PyTorch — but creating a DTensor, a
placement-driven layout or a device mesh raises ``ember.UnsupportedError``.
"""
from ..._errors import unsupported
from ..._tensor import Tensor
from .placement_types import Partial, Placement, Replicate, Shard

_WHY = "Ember has no distributed tensors; use DistributedDataParallel"


class DTensor(Tensor):
    """Never instantiated in Ember: ``isinstance(x, DTensor)`` is False for every tensor."""

    def __new__(cls, *args, **kwargs):
        raise unsupported("torch.distributed.tensor.DTensor", _WHY)

    @staticmethod
    def from_local(*args, **kwargs):
        raise unsupported("torch.distributed.tensor.DTensor.from_local", _WHY)


def _refused(module, name):
    """A function ``module.name`` that raises ``ember.UnsupportedError`` when called."""
    def refuse(*args, **kwargs):
        raise unsupported(f"{module}.{name}", _WHY)
    refuse.__name__ = refuse.__qualname__ = name
    return refuse


distribute_tensor = _refused("torch.distributed.tensor", "distribute_tensor")
distribute_module = _refused("torch.distributed.tensor", "distribute_module")


__all__ = ["DTensor", "Placement", "Shard", "Replicate", "Partial", "distribute_tensor",
           "distribute_module"]
