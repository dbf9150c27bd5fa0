"""``torch.accelerator``: the current accelerator, if any (CUDA is the only one Ember has)."""
from . import cuda as _cuda
from ._device import device as _device


def is_available():
    return _cuda.is_available()


def current_accelerator(check_available=False):
    if _cuda.is_available():
        return _device("cuda")
    return None


def device_count():
    return _cuda.device_count() if _cuda.is_available() else 0


def current_device_index():
    return _cuda.current_device() if _cuda.is_available() else -1
