"""``torch.distributed.optim``: ``ZeroRedundancyOptimizer`` (optimizer state sharded across the
ranks).  The RPC-based ``DistributedOptimizer`` and the post-local-SGD optimizer are not
provided (ember has no ``torch.distributed.rpc``)."""
from .zero_redundancy_optimizer import ZeroRedundancyOptimizer

__all__ = ["ZeroRedundancyOptimizer"]
