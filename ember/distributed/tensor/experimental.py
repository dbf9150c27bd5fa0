"""``torch.distributed.tensor.experimental``.  ``implicit_replication()`` lets DTensor ops
treat plain tensors as replicated; Ember has no DTensors, so no op ever sees one and the block
runs unchanged.  The DTensor-building helpers raise ``ember.UnsupportedError``."""
import contextlib

from ..._errors import unsupported
from . import _WHY, DTensor  # noqa: F401

__all__ = ["context_parallel", "implicit_replication", "local_map", "register_sharding"]


@contextlib.contextmanager
def implicit_replication():
    yield


def local_map(*args, **kwargs):
    raise unsupported("torch.distributed.tensor.experimental.local_map", _WHY)


def register_sharding(*args, **kwargs):
    raise unsupported("torch.distributed.tensor.experimental.register_sharding", _WHY)


def context_parallel(*args, **kwargs):
    raise unsupported("torch.distributed.tensor.experimental.context_parallel", _WHY)
