"""Observers: modules that watch the values flowing through them (running min / max, or a
histogram) and turn them into quantization parameters (``calculate_qparams`` -> scale and
zero point), with torch's formulas.  They compute in floating point and need no quantized
tensors."""
import functools
import warnings
from abc import ABCMeta, abstractmethod

import ember as torch

from ... import _errors
from ...nn import Module
from .utils import (calculate_qmin_qmax, check_min_max_valid, is_per_channel, is_per_tensor,
                    validate_qmin_qmax)

__all__ = ["ObserverBase", "UniformQuantizationObserverBase", "MinMaxObserver",
           "MovingAverageMinMaxObserver", "PerChannelMinMaxObserver",
           "MovingAveragePerChannelMinMaxObserver", "HistogramObserver", "PlaceholderObserver",
           "RecordingObserver", "NoopObserver", "default_observer", "default_weight_observer",
           "default_per_channel_weight_observer", "default_histogram_observer",
           "default_placeholder_observer", "default_debug_observer",
           "default_dynamic_quant_observer", "default_float_qparams_observer",
           "get_observer_state_dict", "load_observer_state_dict"]

_EPS = torch.finfo(torch.float32).eps
_OBSERVER_DTYPES = (torch.qint8, torch.quint8, torch.quint4x2, torch.qint32, torch.int8,
                    torch.uint8, torch.int16, torch.int32, torch.float8_e5m2,
                    torch.float8_e4m3fn, torch.uint16)
_QSCHEMES = (torch.per_tensor_affine, torch.per_tensor_symmetric, torch.per_channel_affine,
             torch.per_channel_symmetric, torch.per_channel_affine_float_qparams)


class _PartialWrapper:
    """A constructor with some arguments bound (``Observer.with_args(...)``); its
    ``callable_args`` are called for their values at each construction."""

    def __init__(self, p):
        self.p = p
        self.callable_args = {}

    def __call__(self, *args, **keywords):
        for name, fn in self.callable_args.items():
            if name not in keywords:
                keywords = {**keywords, name: fn()}
        return self.p(*args, **keywords)

    def __repr__(self):
        return self.p.__repr__() + self.callable_args.__repr__()

    def with_args(self, **kwargs):
        return _with_args(self, **kwargs)

    def with_callable_args(self, **kwargs):
        result = _PartialWrapper(p=self.p)
        result.callable_args = {**self.callable_args, **kwargs}
        return result


def _with_args(cls_or_self, **kwargs):
    """``cls_or_self`` with ``kwargs`` bound: each call makes a new instance (QConfig needs
    constructors, not instances)."""
    return _PartialWrapper(functools.partial(cls_or_self, **kwargs))


def _with_callable_args(cls_or_self, **kwargs):
    return _PartialWrapper(functools.partial(cls_or_self)).with_callable_args(**kwargs)


def _factory_kwargs(factory_kwargs):
    """``device`` / ``dtype`` of the buffers to make (torch.nn.factory_kwargs)."""
    return {k: v for k, v in (factory_kwargs or {}).items() if k in ("device", "dtype")}


def _register_range(observer, factory_kwargs, per_channel=False):
    """The running range buffers ``min_val`` / ``max_val``: +inf / -inf until something is
    observed, or empty per channel (the first batch gives the channel count)."""
    factory_kwargs = _factory_kwargs(factory_kwargs)
    for name, start in (("min_val", float("inf")), ("max_val", float("-inf"))):
        observer.register_buffer(name, torch.tensor([] if per_channel else start,
                                                    **factory_kwargs))


class ObserverBase(Module, metaclass=ABCMeta):
    """Base of observers: ``forward`` records statistics and returns its input unchanged;
    ``calculate_qparams`` gives the quantization parameters."""

    def __init__(self, dtype, is_dynamic=False):
        super().__init__()
        self.dtype = dtype
        self.is_dynamic = is_dynamic

    @abstractmethod
    def forward(self, x):
        pass

    @abstractmethod
    def calculate_qparams(self, **kwargs):
        pass

    with_args = classmethod(_with_args)
    with_callable_args = classmethod(_with_callable_args)


class UniformQuantizationObserverBase(ObserverBase):
    """Observers of a uniform (affine or symmetric) scheme: the quantized range
    ``[quant_min, quant_max]`` of ``dtype`` and torch's min/max -> (scale, zero point)."""

    def __init__(self, dtype=torch.quint8, qscheme=torch.per_tensor_affine, reduce_range=False,
                 quant_min=None, quant_max=None, factory_kwargs=None, eps=_EPS,
                 is_dynamic=False, **kwargs):
        factory_kwargs = _factory_kwargs(factory_kwargs)
        super().__init__(dtype=dtype, is_dynamic=is_dynamic, **kwargs)
        self.qscheme = qscheme
        if reduce_range:
            warnings.warn("Please use quant_min and quant_max to specify the range for "
                          "observers.                     reduce_range will be deprecated in a "
                          "future release of PyTorch.")
        self.reduce_range = reduce_range
        self.register_buffer("eps", torch.tensor([eps], **factory_kwargs))
        if self.qscheme not in _QSCHEMES:
            raise _errors.observer_qscheme()
        if self.dtype not in _OBSERVER_DTYPES:
            raise _errors.observer_dtype(_OBSERVER_DTYPES)
        self.has_customized_qrange = quant_min is not None and quant_max is not None
        if self.has_customized_qrange:
            validate_qmin_qmax(quant_min, quant_max)
        self.quant_min, self.quant_max = calculate_qmin_qmax(
            quant_min, quant_max, self.has_customized_qrange, self.dtype, self.reduce_range)

    def _calculate_qparams(self, min_val, max_val):
        """(scale, zero_point) of the observed range, as 1-element tensors per tensor or one
        element per channel."""
        if not check_min_max_valid(min_val, max_val):
            return torch.tensor([1.0], device=min_val.device.type), \
                torch.tensor([0], device=min_val.device.type)
        quant_min, quant_max = self.quant_min, self.quant_max
        min_val_neg = torch.min(min_val, torch.zeros_like(min_val))
        max_val_pos = torch.max(max_val, torch.zeros_like(max_val))
        device = min_val_neg.device
        zero_point = torch.zeros(min_val_neg.size(), dtype=torch.int64, device=device)
        if self.qscheme in (torch.per_tensor_symmetric, torch.per_channel_symmetric):
            max_val_pos = torch.max(-min_val_neg, max_val_pos)
            scale = torch.max(max_val_pos / (float(quant_max - quant_min) / 2), self.eps)
            if self.dtype in (torch.quint8, torch.uint8):
                mid = (quant_min + quant_max) // 2 if self.has_customized_qrange else 128
                zero_point = zero_point.new_full(zero_point.size(), mid)
            elif self.dtype is torch.uint16:
                zero_point = zero_point.new_full(zero_point.size(), 2 ** 15)
        elif self.qscheme is torch.per_channel_affine_float_qparams:
            scale = (max_val - min_val) / float(quant_max - quant_min)
            scale = torch.where(scale > self.eps, scale, torch.ones_like(scale))
            zero_point = -1 * min_val / scale
        else:
            scale = torch.max((max_val_pos - min_val_neg) / float(quant_max - quant_min),
                              self.eps)
            zero_point = quant_min - torch.round(min_val_neg / scale).to(torch.int)
            zero_point = torch.clamp(zero_point, quant_min, quant_max)
        if scale.dim() == 0:
            scale = torch.tensor([float(scale)], dtype=scale.dtype, device=device)
        if zero_point.dim() == 0:
            value = float(zero_point) if self.qscheme is torch.per_channel_affine_float_qparams \
                else int(zero_point)
            zero_point = torch.tensor([value], dtype=zero_point.dtype, device=device)
        return scale, zero_point

    def reset_min_max_vals(self):
        raise _errors.observer_cannot_reset()


class MinMaxObserver(UniformQuantizationObserverBase):
    """Running minimum and maximum of everything observed (per tensor)."""

    def __init__(self, dtype=torch.quint8, qscheme=torch.per_tensor_affine, reduce_range=False,
                 quant_min=None, quant_max=None, factory_kwargs=None, eps=_EPS,
                 is_dynamic=False, **kwargs):
        if not is_per_tensor(qscheme):
            raise _errors.observer_per_tensor_only()
        super().__init__(dtype=dtype, qscheme=qscheme, reduce_range=reduce_range,
                         quant_min=quant_min, quant_max=quant_max,
                         factory_kwargs=factory_kwargs, eps=eps, is_dynamic=is_dynamic, **kwargs)
        _register_range(self, factory_kwargs)
        _check_symmetric_range(self)

    def forward(self, x_orig):
        if x_orig.numel() == 0:
            return x_orig
        x = x_orig.detach().to(self.min_val.dtype)
        min_val_cur, max_val_cur = torch.aminmax(x)
        self.min_val.copy_(torch.min(min_val_cur, self.min_val))
        self.max_val.copy_(torch.max(max_val_cur, self.max_val))
        return x_orig

    def calculate_qparams(self):
        return self._calculate_qparams(self.min_val, self.max_val)

    def extra_repr(self):
        return f"min_val={self.min_val}, max_val={self.max_val}"

    def reset_min_max_vals(self):
        self.min_val.copy_(torch.tensor(float("inf")))
        self.max_val.copy_(torch.tensor(float("-inf")))


class MovingAverageMinMaxObserver(MinMaxObserver):
    """Exponential moving averages of each batch's minimum and maximum."""

    def __init__(self, averaging_constant=0.01, dtype=torch.quint8,
                 qscheme=torch.per_tensor_affine, reduce_range=False, quant_min=None,
                 quant_max=None, eps=_EPS, is_dynamic=False, **kwargs):
        if not is_per_tensor(qscheme):
            raise _errors.observer_per_tensor_only(qscheme)
        self.averaging_constant = averaging_constant
        if is_dynamic and self.averaging_constant != 1:
            raise _errors.observer_not_dynamic("MovingAverageMinMaxObserver",
                                               self.averaging_constant)
        super().__init__(dtype=dtype, qscheme=qscheme, reduce_range=reduce_range,
                         quant_min=quant_min, quant_max=quant_max, eps=eps,
                         is_dynamic=is_dynamic, **kwargs)

    def forward(self, x_orig):
        if x_orig.numel() == 0:
            return x_orig
        x = x_orig.detach().to(self.min_val.dtype)
        min_val, max_val = self.min_val, self.max_val
        if min_val == float("inf") and max_val == float("-inf"):
            min_val, max_val = torch.aminmax(x)
        else:
            min_val_cur, max_val_cur = torch.aminmax(x)
            min_val = min_val + self.averaging_constant * (min_val_cur - min_val)
            max_val = max_val + self.averaging_constant * (max_val_cur - max_val)
        self.min_val.copy_(min_val)
        self.max_val.copy_(max_val)
        return x_orig


class ResizedOnLoad:
    """Buffers ``_resized_on_load`` (per-channel ranges and parameters) take the shapes of
    their entries in a loaded state dict, so any channel count loads."""
    _resized_on_load = ()

    def _load_from_state_dict(self, state_dict, prefix, local_metadata, strict,
                              missing_keys, unexpected_keys, error_msgs):
        for name in self._resized_on_load:
            key = prefix + name
            if key in state_dict:
                getattr(self, name).resize_(state_dict[key].shape)
        super()._load_from_state_dict(state_dict, prefix, local_metadata, strict,
                                      missing_keys, unexpected_keys, error_msgs)


class PerChannelMinMaxObserver(ResizedOnLoad, UniformQuantizationObserverBase):
    """Running minimum and maximum of each slice along ``ch_axis``."""
    _resized_on_load = ("min_val", "max_val")

    def __init__(self, ch_axis=0, dtype=torch.quint8, qscheme=torch.per_channel_affine,
                 reduce_range=False, quant_min=None, quant_max=None, factory_kwargs=None,
                 eps=_EPS, is_dynamic=False, **kwargs):
        if not is_per_channel(qscheme):
            raise _errors.observer_per_channel_only("PerChannelMinMaxObserver")
        if is_dynamic:
            raise _errors.observer_not_dynamic("PerChannelMinMaxObserver")
        super().__init__(dtype=dtype, qscheme=qscheme, reduce_range=reduce_range,
                         quant_min=quant_min, quant_max=quant_max,
                         factory_kwargs=factory_kwargs, eps=eps, is_dynamic=is_dynamic, **kwargs)
        self.ch_axis = ch_axis
        _register_range(self, factory_kwargs, per_channel=True)
        _check_symmetric_range(self)

    def forward(self, x_orig):
        return self._forward(x_orig)

    def _channel_rows(self, x_orig):
        """The observed values as rows, one per channel."""
        x = x_orig.detach()
        axes = list(range(x.dim()))
        axes[self.ch_axis], axes[0] = 0, self.ch_axis
        return torch.flatten(x.permute(axes).to(self.min_val.dtype), start_dim=1)

    def _forward(self, x_orig):
        if x_orig.numel() == 0:
            return x_orig
        y = self._channel_rows(x_orig)
        min_val, max_val = self.min_val, self.max_val
        if min_val.numel() == 0 or max_val.numel() == 0:
            min_val, max_val = torch.aminmax(y, dim=1)
        else:
            min_val_cur, max_val_cur = torch.aminmax(y, dim=1)
            min_val, max_val = self._combine(min_val, max_val, min_val_cur, max_val_cur)
        self.min_val.resize_(min_val.shape)
        self.max_val.resize_(max_val.shape)
        self.min_val.copy_(min_val)
        self.max_val.copy_(max_val)
        return x_orig

    def _combine(self, min_val, max_val, min_val_cur, max_val_cur):
        return torch.min(min_val_cur, min_val), torch.max(max_val_cur, max_val)

    def calculate_qparams(self):
        return self._calculate_qparams(self.min_val, self.max_val)

    def extra_repr(self):
        return f"min_val={self.min_val}, max_val={self.max_val}"

    def reset_min_max_vals(self):
        self.min_val = torch.rand(0)
        self.max_val = torch.rand(0)


class MovingAveragePerChannelMinMaxObserver(PerChannelMinMaxObserver):
    """Exponential moving averages of each channel's minimum and maximum."""

    def __init__(self, averaging_constant=0.01, ch_axis=0, dtype=torch.quint8,
                 qscheme=torch.per_channel_affine, reduce_range=False, quant_min=None,
                 quant_max=None, eps=_EPS, is_dynamic=False, **kwargs):
        if not is_per_channel(qscheme):
            raise _errors.observer_per_channel_only("MovingAveragePerChannelMinMaxObserver")
        if is_dynamic:
            raise _errors.observer_not_dynamic("MovingAveragePerChannelMinMaxObserver")
        super().__init__(ch_axis=ch_axis, dtype=dtype, qscheme=qscheme,
                         reduce_range=reduce_range, quant_min=quant_min, quant_max=quant_max,
                         eps=eps, is_dynamic=is_dynamic, **kwargs)
        self.averaging_constant = averaging_constant

    def _combine(self, min_val, max_val, min_val_cur, max_val_cur):
        c = self.averaging_constant
        return min_val + c * (min_val_cur - min_val), max_val + c * (max_val_cur - max_val)


class HistogramObserver(UniformQuantizationObserverBase):
    """A running histogram (``bins`` bins over the observed range, re-binned as the range
    grows); ``calculate_qparams`` narrows the range to the one minimising the L2 quantization
    error of the histogram (torch's search, from caffe2's norm minimization), then computes
    scale and zero point as ``MinMaxObserver`` does."""

    def __init__(self, bins=2048, dtype=torch.quint8, qscheme=torch.per_tensor_affine,
                 reduce_range=False, quant_min=None, quant_max=None, factory_kwargs=None,
                 eps=_EPS, is_dynamic=False, **kwargs):
        if not is_per_tensor(qscheme):
            raise _errors.observer_per_tensor_only(name="HistogramObserver")
        if is_dynamic:
            raise _errors.observer_not_dynamic("HistogramObserver")
        super().__init__(dtype=dtype, qscheme=qscheme, reduce_range=reduce_range,
                         quant_min=quant_min, quant_max=quant_max,
                         factory_kwargs=factory_kwargs, eps=eps, is_dynamic=is_dynamic, **kwargs)
        self.bins = bins
        self.register_buffer("histogram", torch.zeros(self.bins,
                                                      **_factory_kwargs(factory_kwargs)))
        _register_range(self, factory_kwargs)
        self.dst_nbins = 2 ** torch.iinfo(self.dtype).bits
        self.upsample_rate = 16     # finer bins when an old histogram is re-binned

    def _quantization_error(self, start_bin, end_bin):
        """L2 error of quantizing the histogram's values (uniform within each bin) with
        ``dst_nbins`` levels spread over bins ``start_bin..end_bin``."""
        bin_width = (self.max_val.item() - self.min_val.item()) / self.bins
        dst_width = bin_width * (end_bin - start_bin + 1) / self.dst_nbins
        if dst_width == 0.0:
            return 0.0
        device = self.histogram.device
        begin = (torch.arange(self.bins, device=device) - start_bin) * bin_width
        end = begin + bin_width
        dst_of_begin = torch.clamp(torch.div(begin, dst_width, rounding_mode="floor"), 0,
                                   self.dst_nbins - 1)
        dst_of_end = torch.clamp(torch.div(end, dst_width, rounding_mode="floor"), 0,
                                 self.dst_nbins - 1)
        density = self.histogram / bin_width
        half = dst_width / 2

        def l2(lo, hi):     # density * integral of x^2 over [lo, hi]
            return density * ((hi * hi * hi - lo * lo * lo) / 3)

        norm = torch.zeros(self.bins, device=device)
        norm += l2(begin - (dst_of_begin + 0.5) * dst_width,
                   torch.ones(self.bins, device=device) * half)
        norm += (dst_of_end - dst_of_begin - 1) * l2(torch.tensor(-half), torch.tensor(half))
        norm += l2(torch.tensor(-half), end - (dst_of_end * dst_width + half))
        return norm.sum().item()

    def _non_linear_param_search(self):
        """The (min, max) whose quantization error is smallest, moving the bounds inwards
        by quantiles of 1e-5 while the error decreases."""
        bin_width = (self.max_val - self.min_val) / self.bins
        total = torch.sum(self.histogram).item()
        cumulative = torch.cumsum(self.histogram, dim=0).tolist()
        f32 = torch.tensor(0.0).numpy().dtype.type   # comparisons as torch's: in float32
        alpha, beta, stepsize = 0.0, 1.0, 1e-5
        start_bin, end_bin = 0, self.bins - 1
        norm_min = float("inf")
        while alpha < beta:
            next_alpha, next_beta = alpha + stepsize, beta - stepsize
            left, right = start_bin, end_bin
            while left < end_bin and cumulative[left] < f32(next_alpha * total):
                left += 1
            while right > start_bin and cumulative[right] > f32(next_beta * total):
                right -= 1
            next_start, next_end = start_bin, end_bin
            if left - start_bin > end_bin - right:
                next_start, alpha = left, next_alpha
            else:
                next_end, beta = right, next_beta
            if next_start == start_bin and next_end == end_bin:
                continue
            norm = self._quantization_error(next_start, next_end)
            if norm > norm_min:
                break
            norm_min, start_bin, end_bin = norm, next_start, next_end
        return self.min_val + bin_width * start_bin, self.min_val + bin_width * (end_bin + 1)

    def _rebinned(self, histogram, lo, hi, new_lo, new_hi):
        """``histogram`` over [lo, hi] re-binned over [new_lo, new_hi] (each bin split into
        ``upsample_rate`` parts placed at their centres)."""
        n = self.bins * self.upsample_rate
        fine = histogram.repeat_interleave(self.upsample_rate) / self.upsample_rate
        device = histogram.device
        centres = torch.linspace(lo, hi, n + 1, device=device)[:-1] + 0.5 * ((hi - lo) / n)
        edges = torch.linspace(new_lo, new_hi, self.bins + 1, device=device)
        index = torch.clamp(torch.bucketize(centres, edges, right=True) - 1, 0, self.bins - 1)
        return torch.bincount(index, weights=fine, minlength=self.bins)

    def _combine(self, new_hist, lo, hi, new_lo, new_hi):
        if new_lo == lo and new_hi == hi:
            return self.histogram + new_hist
        if lo == hi:        # everything seen so far is one value
            return torch.histc(lo, bins=self.bins, min=new_lo.item(), max=new_hi.item()) * \
                torch.sum(self.histogram) + new_hist
        return new_hist + self._rebinned(self.histogram, lo, hi, new_lo, new_hi)

    def _store(self, name, value):
        buffer = getattr(self, name)
        buffer.detach_().resize_(value.shape)
        buffer.copy_(value)

    def forward(self, x_orig):
        if x_orig.numel() == 0:
            return x_orig
        x = x_orig.detach()
        x_min, x_max = torch.aminmax(x)
        if x_min == -torch.inf or x_max == torch.inf:
            warnings.warn("torch.inf detected in input tensor, ignoring input", stacklevel=2)
            x = x[x.abs() != torch.inf]
            if x.numel() == 0:
                return x_orig
            x_min, x_max = torch.aminmax(x)
        if self.min_val == float("inf") or self.max_val == float("-inf"):
            self._store("min_val", x_min)
            self._store("max_val", x_max)
            self._store("histogram", torch.histc(x, self.bins, min=x_min.item(),
                                                 max=x_max.item()))
            return x_orig
        lo, hi = self.min_val, self.max_val
        new_lo, new_hi = torch.min(lo, x_min).detach(), torch.max(hi, x_max).detach()
        new_hist = torch.histc(x, self.bins, min=new_lo.item(), max=new_hi.item())
        self._store("histogram", self._combine(new_hist, lo, hi, new_lo, new_hi))
        self._store("min_val", new_lo)
        self._store("max_val", new_hi)
        return x_orig

    def calculate_qparams(self):
        if self.min_val == float("inf") and self.max_val == float("-inf"):
            warnings.warn("must run observer before calling calculate_qparams.               "
                          "                     Returning default scale and zero point ",
                          stacklevel=2)
            return torch.tensor([1.0], device=self.min_val.device.type), \
                torch.tensor([0], device=self.min_val.device.type)
        return self._calculate_qparams(*self._non_linear_param_search())

    def extra_repr(self):
        return f"min_val={self.min_val}, max_val={self.max_val}"


class _NoQParams(ObserverBase):
    """An observer with no quantization parameters: values pass through."""

    def forward(self, x):
        return x

    def calculate_qparams(self):
        raise _errors.observer_no_qparams(type(self).__name__)


class PlaceholderObserver(_NoQParams):
    """Observes nothing; carries ``dtype`` (and the range) to conversion."""

    def __init__(self, dtype=torch.float32, custom_op_name="", compute_dtype=None,
                 quant_min=None, quant_max=None, qscheme=None, eps=None, is_dynamic=False):
        super().__init__(dtype=dtype, is_dynamic=is_dynamic)
        if qscheme is None:
            qscheme = torch.per_tensor_affine
        if eps is None:
            eps = _EPS
        self.quant_min, self.quant_max, self.qscheme, self.eps = quant_min, quant_max, qscheme, eps
        self.custom_op = custom_op_name
        if compute_dtype:
            is_dynamic = True
            warnings.warn("Please use `is_dynamic` instead of `compute_dtype`.                     "
                          "`compute_dtype` will be deprecated in a future release                "
                          "     of PyTorch.")
        self.is_dynamic = is_dynamic


class RecordingObserver(_NoQParams):
    """Keeps every observed tensor (debugging)."""
    __annotations__ = {"tensor_val": list}

    def __init__(self, dtype=torch.quint8):
        super().__init__(dtype=dtype, is_dynamic=False)
        self.tensor_val = []

    def forward(self, x):
        self.tensor_val.append(x.clone())
        return x

    def get_tensor_value(self):
        return self.tensor_val


class NoopObserver(_NoQParams):
    """Observes nothing (float16 casting is decided by its dtype)."""

    def __init__(self, dtype=torch.float16, custom_op_name=""):
        super().__init__(dtype=dtype, is_dynamic=False)
        self.dtype = dtype
        self.custom_op = custom_op_name


def _check_symmetric_range(observer):
    if observer.qscheme in (torch.per_tensor_symmetric, torch.per_channel_symmetric) and \
            observer.reduce_range and observer.dtype is torch.quint8:
        raise _errors.observer_symmetric_reduce_range()


def get_observer_state_dict(mod):
    """The observers' entries of ``mod``'s state dict (keys containing ``observer`` or
    ``activation_post_process``)."""
    from collections import OrderedDict
    return OrderedDict((k, v) for k, v in mod.state_dict().items()
                       if "observer" in k or "activation_post_process" in k)


def load_observer_state_dict(mod, obs_dict):
    """Load ``obs_dict`` (from ``get_observer_state_dict``) into ``mod``'s observers."""
    missing, unexpected = [], []
    for name, module in mod.named_modules():
        if isinstance(module, ObserverBase):
            module._load_from_state_dict(obs_dict, name + ".", None, False, missing,
                                         unexpected, [])
    for kind, keys in (("Missing", missing), ("Unexpected", unexpected)):
        for k in keys:
            if "observer" in k or "activation_post_process" in k:
                raise _errors.observer_state_key(kind, k)


default_observer = MinMaxObserver.with_args(quant_min=0, quant_max=127)
default_placeholder_observer = PlaceholderObserver
default_debug_observer = RecordingObserver
default_weight_observer = MinMaxObserver.with_args(dtype=torch.qint8,
                                                   qscheme=torch.per_tensor_symmetric)
default_histogram_observer = HistogramObserver.with_args(quant_min=0, quant_max=127)
default_per_channel_weight_observer = PerChannelMinMaxObserver.with_args(
    dtype=torch.qint8, qscheme=torch.per_channel_symmetric)
default_dynamic_quant_observer = PlaceholderObserver.with_args(
    dtype=torch.quint8, quant_min=0, quant_max=255, is_dynamic=True)
default_float_qparams_observer = PerChannelMinMaxObserver.with_args(
    dtype=torch.quint8, qscheme=torch.per_channel_affine_float_qparams, ch_axis=0)
