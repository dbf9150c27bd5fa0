"""Fused QAT convolutions: Conv + ReLU, and Conv + BatchNorm (+ ReLU) trained with the
BatchNorm folded into the fake-quantized weight, as the quantized model will run it."""
import math

import ember as torch

from ...... import _errors
from ...... import nn
from ......nn import functional as F
from ......nn import init
from ....qat.modules import conv
from ...modules import fused

__all__ = ["ConvReLU1d", "ConvReLU2d", "ConvReLU3d", "ConvBn1d", "ConvBn2d", "ConvBn3d",
           "ConvBnReLU1d", "ConvBnReLU2d", "ConvBnReLU3d", "freeze_bn_stats", "update_bn_stats"]


def with_relu(name, base, fused_cls, module):
    """``base`` (a QAT module) followed by ReLU, built from the float ``fused_cls``."""
    def forward(self, input):
        return F.relu(base.forward(self, input))
    return type(name, (base, fused._FusedModule), {
        "_FLOAT_MODULE": fused_cls, "forward": forward, "__module__": module,
        "__doc__": f"QAT {base.__name__} followed by ReLU (from ``{fused_cls.__name__}``)."})


ConvReLU1d = with_relu("ConvReLU1d", conv.Conv1d, fused.ConvReLU1d, __name__)
ConvReLU2d = with_relu("ConvReLU2d", conv.Conv2d, fused.ConvReLU2d, __name__)
ConvReLU3d = with_relu("ConvReLU3d", conv.Conv3d, fused.ConvReLU3d, __name__)


class _ConvBnNd:
    """A convolution whose weight is scaled by the BatchNorm's ``weight / running_std`` and
    fake-quantized; the output is unscaled and the (child) BatchNorm applied, so training
    updates the BatchNorm's statistics as usual (torch's one-pass approximation)."""
    _version = 2

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0,
                 dilation=1, groups=1, bias=None, padding_mode="zeros", eps=1e-05,
                 momentum=0.1, freeze_bn=False, qconfig=None):
        self._FLOAT_CONV_MODULE.__init__(self, in_channels, out_channels, kernel_size, stride,
                                         padding, dilation, groups, False, padding_mode)
        if not qconfig:
            raise _errors.quantization_workflow("qat_qconfig")
        self.qconfig = qconfig
        self.freeze_bn = freeze_bn if self.training else True
        self.bn = self._FLOAT_BN_MODULE(out_channels, eps, momentum, True, True)
        self.weight_fake_quant = self.qconfig.weight()
        if bias:
            self.bias = nn.Parameter(torch.empty(out_channels))
        else:
            self.register_parameter("bias", None)
        self.reset_bn_parameters()
        if self.training and not freeze_bn:
            self.update_bn_stats()
        else:
            self.freeze_bn_stats()

    def reset_running_stats(self):
        self.bn.reset_running_stats()

    def reset_bn_parameters(self):
        self.bn.reset_running_stats()
        init.uniform_(self.bn.weight)
        init.zeros_(self.bn.bias)
        if self.bias is not None:
            fan_in, _ = init._calculate_fan_in_and_fan_out(self.weight)
            bound = 1 / math.sqrt(fan_in)
            init.uniform_(self.bias, -bound, bound)

    def update_bn_stats(self):
        self.freeze_bn = False
        self.bn.training = True
        return self

    def freeze_bn_stats(self):
        self.freeze_bn = True
        self.bn.training = False
        return self

    def forward(self, input):
        ones = [1] * (self.weight.dim() - 2)
        per_channel = [1, -1, *ones]
        scale_factor = self.bn.weight / torch.sqrt(self.bn.running_var + self.bn.eps)
        scaled_weight = self.weight_fake_quant(self.weight * scale_factor.reshape(-1, 1, *ones))
        bias = torch.zeros(self.out_channels, device=scaled_weight.device, dtype=input.dtype)
        out = self._conv_forward(input, scaled_weight, bias) / scale_factor.reshape(per_channel)
        if self.bias is not None:
            out = out + self.bias.reshape(per_channel)
        return self.bn(out)

    def train(self, mode=True):
        """A frozen BatchNorm stays in eval mode when the model trains."""
        self.training = mode
        if not self.freeze_bn:
            for module in self.children():
                module.train(mode)
        return self

    @classmethod
    def from_float(cls, mod, use_precomputed_fake_quant=False):
        if type(mod) is not cls._FLOAT_MODULE:
            raise _errors.quantization_workflow(
                "qat_from", name=cls.__name__, float_name=cls._FLOAT_MODULE.__name__,
                got=type(mod).__name__)
        if not hasattr(mod, "qconfig"):
            raise _errors.quantization_workflow("qat_no_qconfig")
        if not mod.qconfig:
            raise _errors.quantization_workflow("qat_bad_qconfig")
        conv_, bn = mod[0], mod[1]
        qat = cls(conv_.in_channels, conv_.out_channels, conv_.kernel_size, conv_.stride,
                  conv_.padding, conv_.dilation, conv_.groups, conv_.bias is not None,
                  conv_.padding_mode, bn.eps, bn.momentum, False, mod.qconfig)
        qat.weight, qat.bias = conv_.weight, conv_.bias
        qat.bn.weight, qat.bn.bias = bn.weight, bn.bias
        qat.bn.running_mean, qat.bn.running_var = bn.running_mean, bn.running_var
        qat.bn.num_batches_tracked = bn.num_batches_tracked
        return qat


def _conv_bn(name, float_conv, float_bn, fused_cls):
    return type(name, (_ConvBnNd, float_conv, fused._FusedModule), {
        "_FLOAT_MODULE": fused_cls, "_FLOAT_CONV_MODULE": float_conv,
        "_FLOAT_BN_MODULE": float_bn, "__module__": __name__,
        "__doc__": f"QAT {float_conv.__name__} + {float_bn.__name__} (from "
                   f"``{fused_cls.__name__}``)."})


ConvBn1d = _conv_bn("ConvBn1d", nn.Conv1d, nn.BatchNorm1d, fused.ConvBn1d)
ConvBn2d = _conv_bn("ConvBn2d", nn.Conv2d, nn.BatchNorm2d, fused.ConvBn2d)
ConvBn3d = _conv_bn("ConvBn3d", nn.Conv3d, nn.BatchNorm3d, fused.ConvBn3d)
ConvBnReLU1d = with_relu("ConvBnReLU1d", ConvBn1d, fused.ConvBnReLU1d, __name__)
ConvBnReLU2d = with_relu("ConvBnReLU2d", ConvBn2d, fused.ConvBnReLU2d, __name__)
ConvBnReLU3d = with_relu("ConvBnReLU3d", ConvBn3d, fused.ConvBnReLU3d, __name__)


def update_bn_stats(mod):
    """``model.apply(update_bn_stats)``: the fused BatchNorms track statistics again."""
    if isinstance(mod, _ConvBnNd):
        mod.update_bn_stats()


def freeze_bn_stats(mod):
    """``model.apply(freeze_bn_stats)``: the fused BatchNorms use their running statistics."""
    if isinstance(mod, _ConvBnNd):
        mod.freeze_bn_stats()
