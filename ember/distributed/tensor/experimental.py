"""``torch.distributed.tensor.experimental``.  ``implicit_replication()`` lets DTensor ops
treat plain tensors as replicated; Ember has no DTensors, so no op ever sees one and the block
runs unchanged.  The DTensor-building helpers raise ``ember.UnsupportedError``."""
import contextlib

from . import _refused, DTensor  # noqa: F401

__all__ = ["context_parallel", "implicit_replication", "local_map", "register_sharding"]


@contextlib.contextmanager
def implicit_replication():
    yield


_HERE = "torch.distributed.tensor.experimental"
local_map = _refused(_HERE, "local_map")
register_sharding = _refused(_HERE, "register_sharding")
context_parallel = _refused(_HERE, "context_parallel")
