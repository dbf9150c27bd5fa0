"""``torch.distributed.fsdp``: Ember has no fully sharded data parallelism.

The names exist so that libraries which import them at load time work, and so that
``isinstance(m, FullyShardedDataParallel)`` answers False; wrapping a module or building a
policy raises ``ember.UnsupportedError`` (use ``DistributedDataParallel``).
"""
import enum

from ..._errors import unsupported

_WHY = "Ember has no fully sharded data parallelism; use DistributedDataParallel"


class _Unsupported:
    def __init__(self, *args, **kwargs):
        raise unsupported(f"torch.distributed.fsdp.{type(self).__name__}", _WHY)


class FullyShardedDataParallel(_Unsupported):
    pass


class CPUOffload(_Unsupported):
    pass


class CPUOffloadPolicy(_Unsupported):
    pass


class MixedPrecision(_Unsupported):
    pass


class MixedPrecisionPolicy(_Unsupported):
    pass


class ShardingStrategy(enum.Enum):
    FULL_SHARD = 1
    SHARD_GRAD_OP = 2
    NO_SHARD = 3
    HYBRID_SHARD = 4
    _HYBRID_SHARD_ZERO2 = 5


class StateDictType(enum.Enum):
    FULL_STATE_DICT = 1
    LOCAL_STATE_DICT = 2
    SHARDED_STATE_DICT = 3


__all__ = ["FullyShardedDataParallel", "CPUOffload", "CPUOffloadPolicy", "MixedPrecision",
           "MixedPrecisionPolicy", "ShardingStrategy", "StateDictType"]
