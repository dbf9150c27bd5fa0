"""``torch.amp.autocast``: regions where ops run in the dtype of their autocast policy.

Each op's policy (``lower_precision_fp``, ``fp32``, ``fp32_set_opt_dtype``, ``promote``) is
part of its registration in the op table, per device type, as in PyTorch's autocast_mode.cpp;
``_state`` applies them.  The state functions (``ember.is_autocast_enabled`` ...) are PyTorch's.
"""
import collections.abc
import functools
import warnings

from .. import _dtype as D
from .. import _errors
from .._device import device as _device
from .._tensor import Tensor
from . import _state

__all__ = ["autocast", "is_autocast_available", "custom_fwd", "custom_bwd"]


def is_autocast_available(device_type):
    """Whether autocast supports ``device_type`` (Ember: ``"cpu"`` and ``"cuda"``)."""
    return device_type in _state.AVAILABLE


def _checked(device_type):
    if device_type not in _state.AVAILABLE:
        _device(device_type)    # PyTorch's message for an unknown device type
    return device_type


def is_autocast_enabled(device_type=None):
    """``is_autocast_enabled()`` asks about CUDA, as in PyTorch."""
    return _checked("cuda" if device_type is None else device_type) in _state.tls.enabled


def set_autocast_enabled(*args):
    """``set_autocast_enabled(enabled)`` (CUDA) or
    ``set_autocast_enabled(device_type, enabled)``."""
    device_type, enabled = ("cuda",) + args if len(args) == 1 else args
    _state.set_enabled(_checked(device_type), enabled)


def get_autocast_dtype(device_type):
    _checked(device_type)
    return _state.tls.dtype.get(device_type, D.float16)


def set_autocast_dtype(device_type, dtype):
    _state.tls.dtype[_checked(device_type)] = dtype


def _legacy(old, new_call, device_type, call):
    """A deprecated per-device spelling: warns, then ``call(device_type, *args)``."""
    def legacy(*args):
        warnings.warn(_errors.autocast_legacy_deprecated(old, new_call), DeprecationWarning,
                      stacklevel=2)
        return call(device_type, *args)
    legacy.__name__ = legacy.__qualname__ = old.split("(")[0]
    return legacy


is_autocast_cpu_enabled = _legacy("is_autocast_cpu_enabled()", "is_autocast_enabled('cpu')",
                                  "cpu", is_autocast_enabled)
set_autocast_cpu_enabled = _legacy("set_autocast_cpu_enabled(enabled)",
                                   "set_autocast_enabled('cpu', enabled)", "cpu",
                                   set_autocast_enabled)
get_autocast_cpu_dtype = _legacy("get_autocast_cpu_dtype()", "get_autocast_dtype('cpu')", "cpu",
                                 get_autocast_dtype)
set_autocast_cpu_dtype = _legacy("set_autocast_cpu_dtype(dtype)",
                                 "set_autocast_dtype('cpu', dtype)", "cpu", set_autocast_dtype)
get_autocast_gpu_dtype = _legacy("get_autocast_gpu_dtype()", "get_autocast_dtype('cuda')",
                                 "cuda", get_autocast_dtype)
set_autocast_gpu_dtype = _legacy("set_autocast_gpu_dtype(dtype)",
                                 "set_autocast_dtype('cuda', dtype)", "cuda", set_autocast_dtype)


def autocast_increment_nesting():
    _state.tls.nesting += 1
    return _state.tls.nesting


def autocast_decrement_nesting():
    _state.tls.nesting -= 1
    return _state.tls.nesting


def clear_autocast_cache():
    _state.tls.cache.clear()


def is_autocast_cache_enabled():
    return _state.tls.cache_enabled


def set_autocast_cache_enabled(enabled):
    _state.tls.cache_enabled = bool(enabled)


def _cuda_available():
    from .. import cuda
    return cuda.is_available()


class autocast:
    """Context manager and decorator: ops in the region run in their autocast dtype."""

    def __init__(self, device_type, dtype=None, enabled=True, cache_enabled=None):
        if not isinstance(device_type, str):
            raise _errors.autocast_device_type(device_type)
        self.fast_dtype = get_autocast_dtype(device_type) if dtype is None else dtype
        self.device = device_type
        if not is_autocast_available(device_type):
            raise _errors.autocast_unsupported_device(device_type)
        self._cache_enabled = (is_autocast_cache_enabled() if cache_enabled is None
                               else cache_enabled)
        if enabled:
            supported = (D.bfloat16, D.float16)
            if device_type == "cuda":
                if not _cuda_available():
                    warnings.warn(_errors.AUTOCAST_NO_CUDA, stacklevel=2)
                    enabled = False
            elif self.fast_dtype not in supported:
                name = device_type.upper()
                warnings.warn(_errors.autocast_dtype_unsupported_message(name, supported),
                              stacklevel=2)
                enabled = False
        self._enabled = enabled

    def __enter__(self):
        self.prev_cache_enabled = is_autocast_cache_enabled()
        self.prev = is_autocast_enabled(self.device)
        self.prev_fastdtype = get_autocast_dtype(self.device)
        set_autocast_enabled(self.device, self._enabled)
        set_autocast_dtype(self.device, self.fast_dtype)
        autocast_increment_nesting()
        set_autocast_cache_enabled(self._cache_enabled)
        return self

    def __exit__(self, exc_type, exc_val, exc_tb):
        if autocast_decrement_nesting() == 0:
            clear_autocast_cache()
        set_autocast_enabled(self.device, self.prev)
        set_autocast_dtype(self.device, self.prev_fastdtype)
        set_autocast_cache_enabled(self.prev_cache_enabled)
        return False

    def __call__(self, func):
        if not callable(func):
            raise _errors.autocast_not_callable(func)

        @functools.wraps(func)
        def decorate_autocast(*args, **kwargs):
            with self:
                return func(*args, **kwargs)
        return decorate_autocast


def _cast(value, device_type, dtype):
    """Cast the floating tensors of ``value`` (nested in containers) on ``device_type``."""
    if isinstance(value, Tensor):
        eligible = (value.is_floating_point() and value.device.type == device_type
                    and value.dtype is not D.float64)
        return value.to(dtype) if eligible else value
    if isinstance(value, (str, bytes)) or type(value).__module__ == "numpy":
        return value
    if isinstance(value, collections.abc.Mapping):
        return {_cast(k, device_type, dtype): _cast(v, device_type, dtype)
                for k, v in value.items()}
    if isinstance(value, collections.abc.Iterable):
        items = (_cast(v, device_type, dtype) for v in value)
        return type(value)(items) if isinstance(value, (list, tuple)) else items
    return value


def custom_fwd(fwd=None, *, device_type, cast_inputs=None):
    """Decorate a custom ``Function.forward``: remember the autocast state for ``custom_bwd``;
    with ``cast_inputs``, cast floating inputs to it and run ``forward`` with autocast off."""
    if not isinstance(device_type, str):
        raise _errors.autocast_device_type(device_type)
    if fwd is None:
        return functools.partial(custom_fwd, device_type=device_type, cast_inputs=cast_inputs)

    @functools.wraps(fwd)
    def decorate_fwd(*args, **kwargs):
        ctx = args[0]
        ctx._dtype = get_autocast_dtype(device_type)
        if cast_inputs is None:
            ctx._fwd_used_autocast = is_autocast_enabled(device_type)
            return fwd(*args, **kwargs)
        ctx._fwd_used_autocast = False
        if not is_autocast_enabled(device_type):
            return fwd(*args, **kwargs)
        with autocast(device_type=device_type, enabled=False):
            return fwd(*_cast(args, device_type, cast_inputs),
                       **_cast(kwargs, device_type, cast_inputs))
    return decorate_fwd


def custom_bwd(bwd=None, *, device_type):
    """Decorate a custom ``Function.backward``: run it in the autocast state of ``forward``."""
    if not isinstance(device_type, str):
        raise _errors.autocast_device_type(device_type)
    if bwd is None:
        return functools.partial(custom_bwd, device_type=device_type)

    @functools.wraps(bwd)
    def decorate_bwd(*args, **kwargs):
        ctx = args[0]
        with autocast(device_type=device_type, enabled=ctx._fwd_used_autocast, dtype=ctx._dtype):
            return bwd(*args, **kwargs)
    return decorate_bwd
