"""nn modules: max/avg/adaptive/LP pooling and max unpooling."""
from .. import functional as F
from .module import Module
from .utils import _Functional, _to_tuple

__all__ = ["MaxPool1d", "MaxPool2d", "MaxPool3d", "AvgPool1d", "AvgPool2d", "AvgPool3d",
           "AdaptiveAvgPool1d", "AdaptiveAvgPool2d", "AdaptiveAvgPool3d", "AdaptiveMaxPool1d",
           "AdaptiveMaxPool2d", "AdaptiveMaxPool3d", "MaxUnpool1d", "MaxUnpool2d",
           "MaxUnpool3d", "LPPool1d", "LPPool2d", "LPPool3d"]


class _MaxPoolNd(Module):
    __constants__ = ["kernel_size", "stride", "padding", "dilation", "return_indices",
                     "ceil_mode"]
    _fn = None

    def __init__(self, kernel_size, stride=None, padding=0, dilation=1, return_indices=False,
                 ceil_mode=False):
        super().__init__()
        self.kernel_size = kernel_size
        self.stride = stride if stride is not None else kernel_size
        self.padding = padding
        self.dilation = dilation
        self.return_indices = return_indices
        self.ceil_mode = ceil_mode

    def extra_repr(self):
        return ("kernel_size={kernel_size}, stride={stride}, padding={padding}, "
                "dilation={dilation}, ceil_mode={ceil_mode}".format(**self.__dict__))

    def forward(self, input):
        return type(self)._fn(input, self.kernel_size, self.stride, self.padding, self.dilation,
                              ceil_mode=self.ceil_mode, return_indices=self.return_indices)


class MaxPool1d(_MaxPoolNd):
    _fn = _Functional("max_pool1d")


class MaxPool2d(_MaxPoolNd):
    _fn = _Functional("max_pool2d")


class MaxPool3d(_MaxPoolNd):
    _fn = _Functional("max_pool3d")


class _AvgPoolNd(Module):
    __constants__ = ["kernel_size", "stride", "padding", "ceil_mode", "count_include_pad"]

    def extra_repr(self):
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"


class AvgPool1d(_AvgPoolNd):
    def __init__(self, kernel_size, stride=None, padding=0, ceil_mode=False,
                 count_include_pad=True):
        super().__init__()
        self.kernel_size = _to_tuple(kernel_size, 1)
        self.stride = _to_tuple(stride if stride is not None else kernel_size, 1)
        self.padding = _to_tuple(padding, 1)
        self.ceil_mode = ceil_mode
        self.count_include_pad = count_include_pad

    def forward(self, input):
        return F.avg_pool1d(input, self.kernel_size, self.stride, self.padding, self.ceil_mode,
                            self.count_include_pad)


class _AvgPool(_AvgPoolNd):
    __constants__ = _AvgPoolNd.__constants__ + ["divisor_override"]
    _fn = None

    def __init__(self, kernel_size, stride=None, padding=0, ceil_mode=False,
                 count_include_pad=True, divisor_override=None):
        super().__init__()
        self.kernel_size = kernel_size
        self.stride = stride if stride is not None else kernel_size
        self.padding = padding
        self.ceil_mode = ceil_mode
        self.count_include_pad = count_include_pad
        self.divisor_override = divisor_override

    def forward(self, input):
        return type(self)._fn(input, self.kernel_size, self.stride, self.padding,
                              self.ceil_mode, self.count_include_pad, self.divisor_override)


class AvgPool2d(_AvgPool):
    _fn = _Functional("avg_pool2d")


class AvgPool3d(_AvgPool):
    _fn = _Functional("avg_pool3d")


class _AdaptivePool(Module):
    __constants__ = ["output_size"]
    _fn = None

    def __init__(self, output_size):
        super().__init__()
        self.output_size = output_size

    def extra_repr(self):
        return f"output_size={self.output_size}"

    def forward(self, input):
        return type(self)._fn(input, self.output_size)


class _AdaptiveAvgPoolNd(_AdaptivePool):
    """The adaptive average pools' base (torch's name: ``isinstance`` checks use it)."""


class AdaptiveAvgPool1d(_AdaptiveAvgPoolNd):
    _fn = _Functional("adaptive_avg_pool1d")


class AdaptiveAvgPool2d(_AdaptiveAvgPoolNd):
    _fn = _Functional("adaptive_avg_pool2d")


class AdaptiveAvgPool3d(_AdaptiveAvgPoolNd):
    _fn = _Functional("adaptive_avg_pool3d")


class _AdaptiveMaxPool(_AdaptivePool):
    __constants__ = ["output_size", "return_indices"]

    def __init__(self, output_size, return_indices=False):
        super().__init__(output_size)
        self.return_indices = return_indices

    def forward(self, input):
        return type(self)._fn(input, self.output_size, self.return_indices)


class AdaptiveMaxPool1d(_AdaptiveMaxPool):
    _fn = _Functional("adaptive_max_pool1d")


class AdaptiveMaxPool2d(_AdaptiveMaxPool):
    _fn = _Functional("adaptive_max_pool2d")


class AdaptiveMaxPool3d(_AdaptiveMaxPool):
    _fn = _Functional("adaptive_max_pool3d")


class _MaxUnpool(Module):
    _nsp = 2
    _fn = None

    def __init__(self, kernel_size, stride=None, padding=0):
        super().__init__()
        n = self._nsp
        self.kernel_size = _to_tuple(kernel_size, n)
        self.stride = _to_tuple(stride if stride is not None else kernel_size, n)
        self.padding = _to_tuple(padding, n)

    def extra_repr(self):
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"

    def forward(self, input, indices, output_size=None):
        return type(self)._fn(input, indices, self.kernel_size, self.stride, self.padding,
                              output_size)


class MaxUnpool1d(_MaxUnpool):
    _nsp = 1
    _fn = _Functional("max_unpool1d")


class MaxUnpool2d(_MaxUnpool):
    _fn = _Functional("max_unpool2d")


class MaxUnpool3d(_MaxUnpool):
    _nsp = 3
    _fn = _Functional("max_unpool3d")


class _LPPool(Module):
    __constants__ = ["norm_type", "kernel_size", "stride", "ceil_mode"]
    _fn = None

    def __init__(self, norm_type, kernel_size, stride=None, ceil_mode=False):
        super().__init__()
        self.norm_type = norm_type
        self.kernel_size = kernel_size
        self.stride = stride
        self.ceil_mode = ceil_mode

    def extra_repr(self):
        return ("norm_type={norm_type}, kernel_size={kernel_size}, stride={stride}, "
                "ceil_mode={ceil_mode}".format(**self.__dict__))

    def forward(self, input):
        return type(self)._fn(input, float(self.norm_type), self.kernel_size, self.stride,
                              self.ceil_mode)


class LPPool1d(_LPPool):
    _fn = _Functional("lp_pool1d")


class LPPool2d(_LPPool):
    _fn = _Functional("lp_pool2d")


class LPPool3d(_LPPool):
    _fn = _Functional("lp_pool3d")

from .pooling_fractional import FractionalMaxPool2d, FractionalMaxPool3d  # noqa: F401,E402


# torch's names for the other bases
_AdaptiveMaxPoolNd, _MaxUnpoolNd, _LPPoolNd = _AdaptiveMaxPool, _MaxUnpool, _LPPool
