"""``torch.ao.nn.qat.Conv1d`` / ``Conv2d`` / ``Conv3d``: convolutions whose weight is
fake-quantized."""
from ..... import nn
from ._weight_fake_quant import WeightFakeQuant

__all__ = ["Conv1d", "Conv2d", "Conv3d"]


class _ConvNd(WeightFakeQuant):
    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0,
                 dilation=1, groups=1, bias=True, padding_mode="zeros", qconfig=None,
                 device=None, dtype=None):
        self._FLOAT_CONV_MODULE.__init__(self, in_channels, out_channels, kernel_size, stride,
                                         padding, dilation, groups, bias, padding_mode,
                                         device=device, dtype=dtype)
        self._init_fake_quant(qconfig, device, dtype)

    @staticmethod
    def _float_args(mod):
        return (mod.in_channels, mod.out_channels, mod.kernel_size, mod.stride, mod.padding,
                mod.dilation, mod.groups)

    def forward(self, input):
        return self._conv_forward(input, self.weight_fake_quant(self.weight), self.bias)


class Conv1d(_ConvNd, nn.Conv1d):
    _FLOAT_MODULE = _FLOAT_CONV_MODULE = nn.Conv1d


class Conv2d(_ConvNd, nn.Conv2d):
    _FLOAT_MODULE = _FLOAT_CONV_MODULE = nn.Conv2d


class Conv3d(_ConvNd, nn.Conv3d):
    _FLOAT_MODULE = _FLOAT_CONV_MODULE = nn.Conv3d
