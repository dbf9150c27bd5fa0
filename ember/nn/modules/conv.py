"""nn modules: Conv1d/2d/3d and ConvTranspose1d/2d/3d (PyTorch's attributes, init and repr)."""
import math

from ... import _errors
from ... import _ops
from .. import init
from .. import functional as F
from ..parameter import Parameter
from .module import Module
from .utils import _to_tuple

__all__ = ["Conv1d", "Conv2d", "Conv3d", "ConvTranspose1d", "ConvTranspose2d",
           "ConvTranspose3d"]

_PADDING_MODES = {"zeros", "reflect", "replicate", "circular"}


class _ConvNd(Module):
    """Shared state of the convolution modules; ``_nsp`` is the number of spatial dims."""
    __constants__ = ["stride", "padding", "dilation", "groups", "padding_mode",
                     "output_padding", "in_channels", "out_channels", "kernel_size"]
    _nsp = 2
    _transposed = False

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0,
                 dilation=1, groups=1, bias=True, padding_mode="zeros", device=None,
                 dtype=None, output_padding=0):
        super().__init__()
        n = self._nsp
        if groups <= 0:
            raise _errors.conv_groups_positive()
        if in_channels % groups != 0:
            raise _errors.conv_channels_groups("in_channels")
        if out_channels % groups != 0:
            raise _errors.conv_channels_groups("out_channels")
        kernel_size, stride, dilation = (_to_tuple(v, n) for v in (kernel_size, stride, dilation))
        if isinstance(padding, str):
            if padding not in ("same", "valid"):
                raise _errors.conv_padding_string_invalid(padding)
            if padding == "same" and any(s != 1 for s in stride):
                raise _errors.conv_same_padding_strided(ValueError)
        else:
            padding = _to_tuple(padding, n)
        if padding_mode not in _PADDING_MODES:
            raise _errors.conv_padding_mode_invalid(_PADDING_MODES, padding_mode)
        self.in_channels = in_channels
        self.out_channels = out_channels
        self.kernel_size = kernel_size
        self.stride = stride
        self.padding = padding
        self.dilation = dilation
        self.transposed = self._transposed
        self.output_padding = _to_tuple(output_padding, n)
        self.groups = groups
        self.padding_mode = padding_mode
        self._reversed_padding_repeated_twice = self._pad_amounts()
        shape = ((in_channels, out_channels // groups) if self._transposed
                 else (out_channels, in_channels // groups)) + kernel_size
        self.weight = Parameter(_ops.creation.empty(*shape, device=device, dtype=dtype))
        if bias:
            self.bias = Parameter(_ops.creation.empty(out_channels, device=device, dtype=dtype))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def _pad_amounts(self):
        """F.pad amounts (last dim first) for non-zero padding modes."""
        if self.padding == "valid":
            return [0, 0] * self._nsp
        out = []
        if self.padding == "same":
            for d, k in zip(reversed(self.dilation), reversed(self.kernel_size)):
                total = d * (k - 1)
                out += [total // 2, total - total // 2]
            return out
        for p in reversed(self.padding):
            out += [p, p]
        return out

    def reset_parameters(self):
        init.kaiming_uniform_(self.weight, a=math.sqrt(5))
        if self.bias is not None:
            fan_in, _ = init._calculate_fan_in_and_fan_out(self.weight)
            if fan_in != 0:
                bound = 1 / math.sqrt(fan_in)
                init.uniform_(self.bias, -bound, bound)

    def extra_repr(self):
        s = "{in_channels}, {out_channels}, kernel_size={kernel_size}, stride={stride}"
        if self.padding != (0,) * len(self.padding):
            s += ", padding={padding}"
        if self.dilation != (1,) * len(self.dilation):
            s += ", dilation={dilation}"
        if self.output_padding != (0,) * len(self.output_padding):
            s += ", output_padding={output_padding}"
        if self.groups != 1:
            s += ", groups={groups}"
        if self.bias is None:
            s += ", bias=False"
        if self.padding_mode != "zeros":
            s += ", padding_mode={padding_mode}"
        return s.format(**self.__dict__)

    def __setstate__(self, state):
        super().__setstate__(state)
        if not hasattr(self, "padding_mode"):
            self.padding_mode = "zeros"


class _Conv(_ConvNd):
    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0,
                 dilation=1, groups=1, bias=True, padding_mode="zeros", device=None,
                 dtype=None):
        super().__init__(in_channels, out_channels, kernel_size, stride, padding, dilation,
                         groups, bias, padding_mode, device, dtype)

    def _conv_forward(self, input, weight, bias):
        fn = _CONV[self._nsp]
        if self.padding_mode != "zeros":
            return fn(F.pad(input, self._reversed_padding_repeated_twice,
                            mode=self.padding_mode),
                      weight, bias, self.stride, 0, self.dilation, self.groups)
        return fn(input, weight, bias, self.stride, self.padding, self.dilation, self.groups)

    def forward(self, input):
        return self._conv_forward(input, self.weight, self.bias)


class Conv1d(_Conv):
    _nsp = 1


class Conv2d(_Conv):
    _nsp = 2


class Conv3d(_Conv):
    _nsp = 3


class _ConvTranspose(_ConvNd):
    _transposed = True

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0,
                 output_padding=0, groups=1, bias=True, dilation=1, padding_mode="zeros",
                 device=None, dtype=None):
        if padding_mode != "zeros":
            raise _errors.conv_transpose_padding_mode(self)
        super().__init__(in_channels, out_channels, kernel_size, stride, padding, dilation,
                         groups, bias, padding_mode, device, dtype, output_padding)

    def _output_padding(self, input, output_size):
        """The output_padding that yields ``output_size`` (PyTorch's checks and messages)."""
        if output_size is None:
            return self.output_padding
        n = self._nsp
        lead = 2 if input.dim() == n + 2 else 1
        output_size = list(output_size)
        if len(output_size) == lead + n:
            output_size = output_size[lead:]
        if len(output_size) != n:
            raise _errors.conv_transpose_output_size_len(input, n, lead, output_size)
        lo = [(input.size(d + lead) - 1) * self.stride[d] - 2 * self.padding[d]
              + self.dilation[d] * (self.kernel_size[d] - 1) + 1 for d in range(n)]
        hi = [m + s - 1 for m, s in zip(lo, self.stride)]
        for size, a, b in zip(output_size, lo, hi):
            if not a <= size <= b:
                raise _errors.conv_transpose_output_size_range(input, output_size, lo, hi, lead)
        return tuple(size - a for size, a in zip(output_size, lo))

    def forward(self, input, output_size=None):
        op = self._output_padding(input, output_size)
        return _CONV_T[self._nsp](input, self.weight, self.bias, self.stride, self.padding, op,
                                  self.groups, self.dilation)


_ConvTransposeNd = _ConvTranspose      # torch's name for the base class


class _ConvTransposeMixin(_ConvTranspose):
    """torch's deprecated alias of the transposed-convolution base (libraries import it)."""

    def __init__(self, *args, **kwargs):
        import warnings
        from ..._errors import private_api
        warnings.warn(private_api.CONV_TRANSPOSE_MIXIN_DEPRECATED, FutureWarning, stacklevel=2)
        super().__init__(*args, **kwargs)


class ConvTranspose1d(_ConvTranspose):
    _nsp = 1


class ConvTranspose2d(_ConvTranspose):
    _nsp = 2


class ConvTranspose3d(_ConvTranspose):
    _nsp = 3


_CONV = {1: F.conv1d, 2: F.conv2d, 3: F.conv3d}
_CONV_T = {1: F.conv_transpose1d, 2: F.conv_transpose2d, 3: F.conv_transpose3d}

from .conv_lazy import *  # noqa: F401,F403,E402  (torch.nn.modules.conv.LazyConv*)
