"""``torch.distributed._composable.fsdp``: the older path of FSDP2's names (``fully_shard``
raises ``ember.UnsupportedError``; see ``ember.distributed.fsdp``)."""
from ...fsdp import (CPUOffloadPolicy, FSDPModule, MixedPrecisionPolicy,  # noqa: F401
                     OffloadPolicy, UnshardHandle, fully_shard, register_fsdp_forward_method)

__all__ = ["fully_shard", "FSDPModule", "UnshardHandle", "register_fsdp_forward_method",
           "CPUOffloadPolicy", "MixedPrecisionPolicy", "OffloadPolicy"]
