"""``torch.distributed._composable.fsdp``: ``fully_shard`` (FSDP2), which Ember does not have."""
from ...._errors import unsupported
from ...fsdp import CPUOffloadPolicy, MixedPrecisionPolicy  # noqa: F401


def fully_shard(*args, **kwargs):
    raise unsupported("torch.distributed._composable.fsdp.fully_shard",
                      "Ember has no fully sharded data parallelism; use DistributedDataParallel")


__all__ = ["fully_shard", "CPUOffloadPolicy", "MixedPrecisionPolicy"]
