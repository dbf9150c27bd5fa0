"""Fused QAT modules ending in ReLU: the weight fake-quantized, the ReLU applied after."""
from ......nn import functional as F
from ....qat.modules import conv, linear
from ...modules import fused

__all__ = ["LinearReLU", "ConvReLU1d", "ConvReLU2d", "ConvReLU3d"]


def _with_relu(name, base, fused_cls):
    def forward(self, input):
        return F.relu(base.forward(self, input))
    return type(name, (base, fused._FusedModule), {
        "_FLOAT_MODULE": fused_cls, "forward": forward, "__module__": __name__,
        "__doc__": f"QAT {base.__name__} followed by ReLU (from ``{fused_cls.__name__}``)."})


LinearReLU = _with_relu("LinearReLU", linear.Linear, fused.LinearReLU)
ConvReLU1d = _with_relu("ConvReLU1d", conv.Conv1d, fused.ConvReLU1d)
ConvReLU2d = _with_relu("ConvReLU2d", conv.Conv2d, fused.ConvReLU2d)
ConvReLU3d = _with_relu("ConvReLU3d", conv.Conv3d, fused.ConvReLU3d)
