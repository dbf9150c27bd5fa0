"""The device-specific amp names (``torch.cuda.amp``, ``torch.cpu.amp``) that PyTorch keeps
as deprecated spellings of ``torch.amp``'s, with its FutureWarnings."""
import warnings

from .. import _dtype as D
from .. import _errors
from . import autocast_mode
from .grad_scaler import GradScaler


def _warn(old, new):
    warnings.warn(_errors.amp_deprecated(old, new), FutureWarning, stacklevel=3)


def device_autocast(device_type, default_dtype):
    """The deprecated ``torch.<device>.amp.autocast`` class."""
    class autocast(autocast_mode.autocast):
        def __init__(self, enabled=True, dtype=default_dtype, cache_enabled=True):
            _warn(f"torch.{device_type}.amp.autocast",
                  f"torch.amp.autocast('{device_type}', args...)")
            super().__init__(device_type, enabled=enabled, dtype=dtype,
                             cache_enabled=cache_enabled)

    autocast.__module__ = f"ember.{device_type}.amp.autocast_mode"
    return autocast


def device_grad_scaler(device_type):
    """The deprecated ``torch.<device>.amp.GradScaler`` class."""
    class DeviceGradScaler(GradScaler):
        def __init__(self, init_scale=2.0 ** 16, growth_factor=2.0, backoff_factor=0.5,
                     growth_interval=2000, enabled=True):
            _warn(f"torch.{device_type}.amp.GradScaler",
                  f"torch.amp.GradScaler('{device_type}', args...)")
            super().__init__(device_type, init_scale, growth_factor, backoff_factor,
                             growth_interval, enabled)

    DeviceGradScaler.__name__ = DeviceGradScaler.__qualname__ = "GradScaler"
    DeviceGradScaler.__module__ = f"ember.{device_type}.amp.grad_scaler"
    return DeviceGradScaler


def cuda_custom_fwd(fwd=None, *, cast_inputs=None):
    _warn("torch.cuda.amp.custom_fwd", "torch.amp.custom_fwd(args..., device_type='cuda')")
    return autocast_mode.custom_fwd(fwd, device_type="cuda", cast_inputs=cast_inputs)


def cuda_custom_bwd(bwd):
    _warn("torch.cuda.amp.custom_bwd", "torch.amp.custom_bwd(args..., device_type='cuda')")
    return autocast_mode.custom_bwd(bwd, device_type="cuda")


cpu_autocast = device_autocast("cpu", D.bfloat16)
cuda_autocast = device_autocast("cuda", D.float16)
cpu_grad_scaler = device_grad_scaler("cpu")
cuda_grad_scaler = device_grad_scaler("cuda")
