"""``torch.distributed.fsdp.api``: FSDP's configuration types (those of
``ember.distributed.fsdp``; MMEngine imports them from here)."""
from . import (BackwardPrefetch, CPUOffload, FullOptimStateDictConfig,  # noqa: F401
               FullStateDictConfig, LocalOptimStateDictConfig, LocalStateDictConfig,
               MixedPrecision, OptimStateDictConfig, ShardedOptimStateDictConfig,
               ShardedStateDictConfig, ShardingStrategy, StateDictConfig, StateDictSettings,
               StateDictType)

__all__ = ["ShardingStrategy", "BackwardPrefetch", "MixedPrecision", "CPUOffload",
           "StateDictType", "StateDictConfig", "FullStateDictConfig", "LocalStateDictConfig",
           "ShardedStateDictConfig", "OptimStateDictConfig", "FullOptimStateDictConfig",
           "LocalOptimStateDictConfig", "ShardedOptimStateDictConfig", "StateDictSettings"]
