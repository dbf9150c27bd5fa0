"""``DistributedSampler``: each of ``num_replicas`` processes reads its own share of the keys.

The partition (padding by wrapping around, or dropping the tail, then taking every
``num_replicas``-th key from ``rank``) is torch's exactly.  With ``shuffle=True`` the per-epoch
permutation comes from ``randperm`` under a generator seeded with ``seed + epoch``; it is
deterministic and identical across ranks, but Ember's random streams differ from PyTorch's, so
the shuffled order itself is not PyTorch's.
"""
import math

from ... import _errors
from ..._ops.random import Generator, randperm
from .sampler import Sampler, _T_co


def _world(what):
    """World size or rank from an initialised process group (``ember.distributed``)."""
    try:
        from ... import distributed as dist
    except ImportError:
        dist = None
    if dist is None or not dist.is_available():
        raise _errors.distributed_unavailable()
    return dist.get_world_size() if what == "size" else dist.get_rank()


class DistributedSampler(Sampler[_T_co]):
    def __init__(self, dataset, num_replicas=None, rank=None, shuffle=True, seed=0,
                 drop_last=False):
        if num_replicas is None:
            num_replicas = _world("size")
        if rank is None:
            rank = _world("rank")
        if rank >= num_replicas or rank < 0:
            raise _errors.distributed_rank(rank, num_replicas)
        self.dataset = dataset
        self.num_replicas = num_replicas
        self.rank = rank
        self.epoch = 0
        self.drop_last = drop_last
        n = len(dataset)
        if drop_last and n % num_replicas:
            self.num_samples = math.ceil((n - num_replicas) / num_replicas)
        else:
            self.num_samples = math.ceil(n / num_replicas)
        self.total_size = self.num_samples * num_replicas
        self.shuffle = shuffle
        self.seed = seed

    def __iter__(self):
        n = len(self.dataset)
        if self.shuffle:
            g = Generator().manual_seed(self.seed + self.epoch)
            indices = randperm(n, generator=g).tolist()
        else:
            indices = list(range(n))
        if self.drop_last:
            indices = indices[:self.total_size]
        else:
            pad = self.total_size - len(indices)
            indices += (indices * math.ceil(pad / len(indices)))[:pad] if pad else []
        return iter(indices[self.rank:self.total_size:self.num_replicas])

    def __len__(self):
        return self.num_samples

    def set_epoch(self, epoch):
        """Choose the epoch: with ``shuffle=True`` every epoch has its own order."""
        self.epoch = epoch
