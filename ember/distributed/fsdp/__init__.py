"""``torch.distributed.fsdp``: Ember has no fully sharded data parallelism.

The configuration types are torch's (enums and dataclasses with its fields and defaults), so
code that builds an FSDP configuration, or asks ``isinstance(m, FullyShardedDataParallel)`` /
``isinstance(m, FSDPModule)`` (False for every Ember module), runs; wrapping or sharding a
module (``FullyShardedDataParallel(...)``, ``fully_shard``) raises ``ember.UnsupportedError``:
use ``DistributedDataParallel``.
"""
import dataclasses
import enum
from typing import Any

from ..._errors import unsupported

_WHY = "Ember has no fully sharded data parallelism; use DistributedDataParallel"


class _Unsupported:
    def __init__(self, *args, **kwargs):
        raise unsupported(f"torch.distributed.fsdp.{type(self).__name__}", _WHY)


class FullyShardedDataParallel(_Unsupported):
    pass


class FSDPModule(_Unsupported):
    """The class ``fully_shard`` mixes into a module's; no Ember module is one."""


class UnshardHandle(_Unsupported):
    pass


def fully_shard(*args, **kwargs):
    raise unsupported("torch.distributed.fsdp.fully_shard", _WHY)


def register_fsdp_forward_method(module, method_name):
    raise unsupported("torch.distributed.fsdp.register_fsdp_forward_method", _WHY)


def share_comm_ctx(modules):
    raise unsupported("torch.distributed.fsdp.share_comm_ctx", _WHY)


class ShardingStrategy(enum.Enum):
    FULL_SHARD = 1
    SHARD_GRAD_OP = 2
    NO_SHARD = 3
    HYBRID_SHARD = 4
    _HYBRID_SHARD_ZERO2 = 5


class BackwardPrefetch(enum.Enum):
    BACKWARD_PRE = 1
    BACKWARD_POST = 2


class StateDictType(enum.Enum):
    FULL_STATE_DICT = 1
    LOCAL_STATE_DICT = 2
    SHARDED_STATE_DICT = 3


class OptimStateKeyType(enum.Enum):
    PARAM_NAME = 1
    PARAM_ID = 2


@dataclasses.dataclass
class CPUOffload:
    offload_params: bool = False


def _batch_norm_classes():
    from ...nn.modules.batchnorm import _BatchNorm
    return (_BatchNorm,)


@dataclasses.dataclass
class MixedPrecision:
    param_dtype: Any = None
    reduce_dtype: Any = None
    buffer_dtype: Any = None
    keep_low_precision_grads: bool = False
    cast_forward_inputs: bool = False
    cast_root_forward_inputs: bool = True
    _module_classes_to_ignore: tuple = dataclasses.field(default_factory=_batch_norm_classes)


@dataclasses.dataclass
class StateDictConfig:
    offload_to_cpu: bool = False


@dataclasses.dataclass
class FullStateDictConfig(StateDictConfig):
    rank0_only: bool = False


@dataclasses.dataclass
class LocalStateDictConfig(StateDictConfig):
    pass


@dataclasses.dataclass
class ShardedStateDictConfig(StateDictConfig):
    _use_dtensor: bool = False


@dataclasses.dataclass
class OptimStateDictConfig:
    offload_to_cpu: bool = True


@dataclasses.dataclass
class FullOptimStateDictConfig(OptimStateDictConfig):
    rank0_only: bool = False


@dataclasses.dataclass
class LocalOptimStateDictConfig(OptimStateDictConfig):
    offload_to_cpu: bool = False


@dataclasses.dataclass
class ShardedOptimStateDictConfig(OptimStateDictConfig):
    _use_dtensor: bool = False


@dataclasses.dataclass
class StateDictSettings:
    state_dict_type: StateDictType
    state_dict_config: StateDictConfig
    optim_state_dict_config: OptimStateDictConfig


@dataclasses.dataclass
class OffloadPolicy:
    pass


@dataclasses.dataclass
class CPUOffloadPolicy(OffloadPolicy):
    pin_memory: bool = True


@dataclasses.dataclass(frozen=True)
class MixedPrecisionPolicy:
    param_dtype: Any = None
    reduce_dtype: Any = None
    output_dtype: Any = None
    cast_forward_inputs: bool = True


@dataclasses.dataclass
class DataParallelMeshDims:
    shard: Any = None
    replicate: Any = None


__all__ = ["BackwardPrefetch", "CPUOffload", "FullOptimStateDictConfig", "FullStateDictConfig",
           "FullyShardedDataParallel", "LocalOptimStateDictConfig", "LocalStateDictConfig",
           "MixedPrecision", "OptimStateDictConfig", "OptimStateKeyType",
           "ShardedOptimStateDictConfig", "ShardedStateDictConfig", "ShardingStrategy",
           "StateDictConfig", "StateDictSettings", "StateDictType", "CPUOffloadPolicy",
           "DataParallelMeshDims", "FSDPModule", "fully_shard", "MixedPrecisionPolicy",
           "OffloadPolicy", "register_fsdp_forward_method", "UnshardHandle", "share_comm_ctx"]
