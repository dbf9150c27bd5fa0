"""CUDA device queries.  ``is_available()`` never raises: without CuPy, a driver or a GPU it is
False.  With the test-only fake backend enabled, the fake devices are reported."""
from .. import _backend
from .._device import device as _device


def is_available():
    try:
        return device_count() > 0
    except Exception:  # any failure to reach a GPU means "not available"
        return False


def device_count():
    return _backend.cuda_device_count()


def current_device():
    return _backend.current_cuda_index()


def set_device(dev):
    idx = dev if isinstance(dev, int) else _device(dev).index or 0
    _backend._current_cuda[0] = idx


def is_initialized():
    return is_available()


def synchronize(device=None):
    """Wait for all kernels on the device (a no-op on the NumPy-backed fake)."""
    if _backend.fake_cuda_enabled() or not is_available():
        return
    _backend.get("cuda", current_device() if device is None else _device(device).index)\
        .synchronize()


def manual_seed(seed):
    from .._ops import random as _random
    if hasattr(_random, "manual_seed_cuda"):
        _random.manual_seed_cuda(seed)


manual_seed_all = manual_seed


def __getattr__(name):
    if name == "amp":      # torch.cuda.amp, loaded on first use
        import importlib
        return importlib.import_module(__name__ + ".amp")
    from .. import _errors
    raise _errors.module_attribute(__name__, name)
