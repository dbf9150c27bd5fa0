"""Fake quantization modules: an observer plus ``torch.fake_quantize_per_*_affine``, so that
training sees the rounding error of the quantized model while everything stays floating point
(quantization-aware training)."""
import re

import ember as torch

from ... import _errors
from ...nn import Module
from .observer import (MovingAverageMinMaxObserver, MovingAveragePerChannelMinMaxObserver,
                       ResizedOnLoad, _with_args, _with_callable_args)
from .utils import is_float_qparams, is_per_channel, is_per_tensor

__all__ = ["FakeQuantizeBase", "FakeQuantize", "FusedMovingAvgObsFakeQuantize", "disable_fake_quant", "disable_observer",
           "enable_fake_quant", "enable_observer", "default_fake_quant",
           "default_weight_fake_quant", "default_per_channel_weight_fake_quant",
           "default_fused_act_fake_quant", "default_fused_wt_fake_quant",
           "default_fused_per_channel_wt_fake_quant"]


class FakeQuantizeBase(Module):
    """Switches (uint8 buffers, as in torch's state dicts) for fake quantization and
    observation."""

    def __init__(self):
        super().__init__()
        self.register_buffer("fake_quant_enabled", torch.tensor([1], dtype=torch.uint8))
        self.register_buffer("observer_enabled", torch.tensor([1], dtype=torch.uint8))

    def enable_fake_quant(self, enabled=True):
        self.fake_quant_enabled[0] = 1 if enabled else 0

    def disable_fake_quant(self):
        self.enable_fake_quant(False)

    def enable_observer(self, enabled=True):
        self.observer_enabled[0] = 1 if enabled else 0

    def disable_observer(self):
        self.enable_observer(False)

    with_args = classmethod(_with_args)
    with_callable_args = classmethod(_with_callable_args)


class FakeQuantize(ResizedOnLoad, FakeQuantizeBase):
    """``observer`` watches the input, and the input is fake-quantized with the observer's
    current scale and zero point (kept in the ``scale`` / ``zero_point`` buffers)."""
    _resized_on_load = ("scale", "zero_point")

    def __init__(self, observer=MovingAverageMinMaxObserver, quant_min=None, quant_max=None,
                 is_dynamic=False, **observer_kwargs):
        super().__init__()
        if quant_min is not None and quant_max is not None:
            if quant_min > quant_max:
                raise _errors.fake_quant_range("order")
            dtype = observer_kwargs.get("dtype", torch.quint8)
            if hasattr(observer, "p"):      # a with_args constructor may bind the dtype
                dtype = getattr(getattr(observer, "p", {}), "keywords", {}).get("dtype", dtype)
            if torch.iinfo(dtype).min > quant_min:
                raise _errors.fake_quant_range("min")
            if quant_max > torch.iinfo(dtype).max:
                raise _errors.fake_quant_range("max")
            observer_kwargs.update({"quant_min": quant_min, "quant_max": quant_max})
        observer_kwargs["is_dynamic"] = is_dynamic
        self.activation_post_process = observer(**observer_kwargs)
        post = self.activation_post_process
        self.quant_min, self.quant_max = post.quant_min, post.quant_max
        self.is_dynamic = post.is_dynamic
        zero_point_dtype = torch.float if is_float_qparams(post.qscheme) else torch.int
        self.register_buffer("scale", torch.tensor([1.0], dtype=torch.float))
        self.register_buffer("zero_point", torch.tensor([0], dtype=zero_point_dtype))
        self.dtype = post.dtype
        self.qscheme = post.qscheme
        self.ch_axis = getattr(post, "ch_axis", -1)
        if not (is_per_channel(self.qscheme) or is_per_tensor(self.qscheme)):
            raise _errors.fake_quant_scheme(self.qscheme)
        self.is_per_channel = is_per_channel(self.qscheme)

    def calculate_qparams(self):
        return self.activation_post_process.calculate_qparams()

    def forward(self, X):
        if self.observer_enabled[0] == 1:
            self.activation_post_process(X.detach())
            scale, zero_point = self.calculate_qparams()
            scale, zero_point = scale.to(self.scale.device), zero_point.to(self.zero_point.device)
            if self.scale.shape != scale.shape:
                self.scale.resize_(scale.shape)
                self.zero_point.resize_(zero_point.shape)
            self.scale.copy_(scale)
            self.zero_point.copy_(zero_point)
        if self.fake_quant_enabled[0] == 1:
            post = self.activation_post_process
            if self.is_per_channel:
                X = torch.fake_quantize_per_channel_affine(
                    X, self.scale, self.zero_point, self.ch_axis, post.quant_min, post.quant_max)
            else:
                X = torch.fake_quantize_per_tensor_affine(
                    X, self.scale, self.zero_point, post.quant_min, post.quant_max)
        return X

    def extra_repr(self):
        post = self.activation_post_process
        return (f"fake_quant_enabled={self.fake_quant_enabled}, "
                f"observer_enabled={self.observer_enabled}, quant_min={post.quant_min}, "
                f"quant_max={post.quant_max}, dtype={self.dtype}, qscheme={self.qscheme}, "
                f"ch_axis={self.ch_axis}, scale={self.scale}, zero_point={self.zero_point}")


class FusedMovingAvgObsFakeQuantize(FakeQuantize):
    """torch's fused observer + fake quantize kernel, written as ``FakeQuantize`` with a
    moving-average observer (the same arithmetic, not one kernel)."""

    def __init__(self, observer=MovingAverageMinMaxObserver, quant_min=0, quant_max=255,
                 **observer_kwargs):
        super().__init__(observer, quant_min, quant_max, **observer_kwargs)
        self.register_buffer("is_symmetric_quant", torch.tensor(
            [self.qscheme in (torch.per_tensor_symmetric, torch.per_channel_symmetric)],
            dtype=torch.long))


def _is_fake_quant(mod):
    return isinstance(mod, FakeQuantizeBase) or bool(
        re.search(r"FakeQuantize", type(mod).__name__))


def disable_fake_quant(mod):
    """``model.apply(disable_fake_quant)``: turn fake quantization off."""
    if _is_fake_quant(mod):
        mod.disable_fake_quant()


def enable_fake_quant(mod):
    if _is_fake_quant(mod):
        mod.enable_fake_quant()


def disable_observer(mod):
    if _is_fake_quant(mod):
        mod.disable_observer()


def enable_observer(mod):
    if _is_fake_quant(mod):
        mod.enable_observer()


default_fake_quant = FakeQuantize.with_args(
    observer=MovingAverageMinMaxObserver, quant_min=0, quant_max=255, dtype=torch.quint8,
    qscheme=torch.per_tensor_affine, reduce_range=True)
default_weight_fake_quant = FakeQuantize.with_args(
    observer=MovingAverageMinMaxObserver, quant_min=-128, quant_max=127, dtype=torch.qint8,
    qscheme=torch.per_tensor_symmetric, reduce_range=False)
default_per_channel_weight_fake_quant = FakeQuantize.with_args(
    observer=MovingAveragePerChannelMinMaxObserver, quant_min=-128, quant_max=127,
    dtype=torch.qint8, qscheme=torch.per_channel_symmetric, reduce_range=False, ch_axis=0)
default_fused_act_fake_quant = FusedMovingAvgObsFakeQuantize.with_args(
    observer=MovingAverageMinMaxObserver, quant_min=0, quant_max=255, dtype=torch.quint8)
default_fused_wt_fake_quant = FusedMovingAvgObsFakeQuantize.with_args(
    observer=MovingAverageMinMaxObserver, quant_min=-128, quant_max=127, dtype=torch.qint8,
    qscheme=torch.per_tensor_symmetric)
default_fused_per_channel_wt_fake_quant = FusedMovingAvgObsFakeQuantize.with_args(
    observer=MovingAveragePerChannelMinMaxObserver, quant_min=-128, quant_max=127,
    dtype=torch.qint8, qscheme=torch.per_channel_symmetric)
