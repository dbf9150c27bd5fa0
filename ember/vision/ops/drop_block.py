"""DropBlock: drop contiguous square (cubic) regions of feature maps, then renormalise."""
import ember

from ... import _errors, nn
from ...nn import functional as F


def _drop_block(input, p, block_size, inplace, eps, training, dims):
    if p < 0.0 or p > 1.0:
        raise _errors.drop_probability(p, period=True)
    if input.ndim != dims + 2:
        raise _errors.drop_block_dims(dims + 2, input.ndim)
    if not training or p == 0.0:
        return input
    spatial = input.shape[2:]
    block_size = min(block_size, *spatial)
    if block_size % 2 == 0:
        raise _errors.drop_block_even(block_size)
    area, valid = 1, 1
    for s in spatial:
        area, valid = area * s, valid * (s - block_size + 1)
    gamma = p * area / (block_size ** dims * valid)
    seeds = ember.empty(tuple(input.shape[:2]) + tuple(s - block_size + 1 for s in spatial),
                        dtype=input.dtype, device=input.device).bernoulli_(gamma)
    half = block_size // 2
    seeds = F.pad(seeds, [half] * (2 * dims), value=0)
    pool = F.max_pool2d if dims == 2 else F.max_pool3d
    keep = 1 - pool(seeds, kernel_size=(block_size,) * dims, stride=(1,) * dims, padding=half)
    scale = keep.numel() / (eps + keep.sum())
    if inplace:
        return input.mul_(keep).mul_(scale)
    return input * keep * scale


def drop_block2d(input, p, block_size, inplace=False, eps=1e-06, training=True):
    """DropBlock on ``[N, C, H, W]``: blocks of ``block_size`` (odd) centred on seeds drawn
    so that about a fraction ``p`` of the map is dropped."""
    return _drop_block(input, p, block_size, inplace, eps, training, 2)


def drop_block3d(input, p, block_size, inplace=False, eps=1e-06, training=True):
    """DropBlock on ``[N, C, D, H, W]``."""
    return _drop_block(input, p, block_size, inplace, eps, training, 3)


class DropBlock2d(nn.Module):
    """Module form of :func:`drop_block2d` (active in training mode only)."""
    _fn = staticmethod(drop_block2d)

    def __init__(self, p, block_size, inplace=False, eps=1e-06):
        super().__init__()
        self.p = p
        self.block_size = block_size
        self.inplace = inplace
        self.eps = eps

    def forward(self, input):
        return self._fn(input, self.p, self.block_size, self.inplace, self.eps, self.training)

    def __repr__(self):
        return (f"{self.__class__.__name__}(p={self.p}, block_size={self.block_size}, "
                f"inplace={self.inplace})")


class DropBlock3d(DropBlock2d):
    """Module form of :func:`drop_block3d`."""
    _fn = staticmethod(drop_block3d)
