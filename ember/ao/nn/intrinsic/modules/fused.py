"""Fused module sequences (``fuse_modules``' results): ``nn.Sequential`` subclasses that mark
layers quantized as one unit."""
from ..... import _errors
from .....nn import (BatchNorm1d, BatchNorm2d, BatchNorm3d, Conv1d, Conv2d, Conv3d, Linear, ReLU,
                    Sequential)
from .....nn.utils.parametrize import type_before_parametrizations

__all__ = ["ConvReLU1d", "ConvReLU2d", "ConvReLU3d", "LinearReLU", "ConvBn1d", "ConvBn2d",
           "ConvBn3d", "ConvBnReLU1d", "ConvBnReLU2d", "ConvBnReLU3d", "BNReLU2d", "BNReLU3d",
           "LinearBn1d"]


class _FusedModule(Sequential):
    pass


def _fused(name, *kinds):
    """A fused module class taking one module of each of ``kinds``, in order."""
    def __init__(self, *modules):
        found = [type_before_parametrizations(m) for m in modules]
        if found != list(kinds):
            names = [t.__name__ for t in found]
            listed = " and ".join(names) if len(names) < 3 else \
                ", ".join(names[:-1]) + ", and " + names[-1]
            raise _errors.quantization_workflow("fused_types", listed=listed)
        _FusedModule.__init__(self, *modules)
    return type(name, (_FusedModule,), {"__init__": __init__, "__module__": __name__,
                                        "__doc__": f"{' + '.join(k.__name__ for k in kinds)}"
                                                   f", fused."})


ConvReLU1d = _fused("ConvReLU1d", Conv1d, ReLU)
ConvReLU2d = _fused("ConvReLU2d", Conv2d, ReLU)
ConvReLU3d = _fused("ConvReLU3d", Conv3d, ReLU)
LinearReLU = _fused("LinearReLU", Linear, ReLU)
ConvBn1d = _fused("ConvBn1d", Conv1d, BatchNorm1d)
ConvBn2d = _fused("ConvBn2d", Conv2d, BatchNorm2d)
ConvBn3d = _fused("ConvBn3d", Conv3d, BatchNorm3d)
ConvBnReLU1d = _fused("ConvBnReLU1d", Conv1d, BatchNorm1d, ReLU)
ConvBnReLU2d = _fused("ConvBnReLU2d", Conv2d, BatchNorm2d, ReLU)
ConvBnReLU3d = _fused("ConvBnReLU3d", Conv3d, BatchNorm3d, ReLU)
BNReLU2d = _fused("BNReLU2d", BatchNorm2d, ReLU)
BNReLU3d = _fused("BNReLU3d", BatchNorm3d, ReLU)
LinearBn1d = _fused("LinearBn1d", Linear, BatchNorm1d)
