"""``torch.distributed.tensor.placement_types``: how a DTensor lies on a device mesh.  Ember has
no DTensor, so creating a placement raises ``ember.UnsupportedError``."""
from ..._errors import unsupported

_WHY = "Ember has no distributed tensors; use DistributedDataParallel"


class Placement:
    """Base of the DTensor placements (Shard, Replicate, Partial)."""

    def __init__(self, *args, **kwargs):
        raise unsupported(f"torch.distributed.tensor.{type(self).__name__}", _WHY)


class Shard(Placement):
    pass


class Replicate(Placement):
    pass


class Partial(Placement):
    pass


class _StridedShard(Shard):
    pass


__all__ = ["Placement", "Shard", "Replicate", "Partial"]
