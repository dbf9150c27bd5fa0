"""``torch.distributed.fsdp.fully_sharded_data_parallel``: the path libraries import FSDP's
names from (the same classes as ``ember.distributed.fsdp``: importable, not usable)."""
from . import (CPUOffload, FullyShardedDataParallel, MixedPrecision, ShardingStrategy,
               StateDictType)

__all__ = ["CPUOffload", "FullyShardedDataParallel", "MixedPrecision", "ShardingStrategy",
           "StateDictType"]
