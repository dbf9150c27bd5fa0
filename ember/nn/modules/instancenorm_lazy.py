"""``LazyInstanceNorm1d/2d/3d`` (re-exported by ``instancenorm``, torch's module path)."""
from .instancenorm import InstanceNorm1d, InstanceNorm2d, InstanceNorm3d
from .norm_lazy import _LazyNormBase

__all__ = ["LazyInstanceNorm1d", "LazyInstanceNorm2d", "LazyInstanceNorm3d"]


class LazyInstanceNorm1d(_LazyNormBase, InstanceNorm1d):
    cls_to_become = InstanceNorm1d


class LazyInstanceNorm2d(_LazyNormBase, InstanceNorm2d):
    cls_to_become = InstanceNorm2d


class LazyInstanceNorm3d(_LazyNormBase, InstanceNorm3d):
    cls_to_become = InstanceNorm3d
