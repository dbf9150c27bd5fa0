"""``torch.distributed.fsdp.fully_sharded_data_parallel``: the path libraries import FSDP's
names from (the same classes as ``ember.distributed.fsdp``: importable, not usable)."""
from . import (CPUOffload, FullyShardedDataParallel, MixedPrecision, OptimStateKeyType,
               ShardingStrategy, StateDictType)
from .api import *  # noqa: F401,F403  (torch's module holds the configuration types too)

__all__ = ["CPUOffload", "FullyShardedDataParallel", "MixedPrecision", "OptimStateKeyType",
           "ShardingStrategy", "StateDictType"]
