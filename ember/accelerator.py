"""``torch.accelerator``: the current accelerator, if any (CUDA is the only one Ember has).

Without one, every call that needs a device raises torch's ``RuntimeError``; with one, they
are the ``ember.cuda`` calls of the same meaning."""
import warnings

from . import _errors
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


def _accelerator():
    """The accelerator's device module, or torch's error without one."""
    if not _cuda.is_available():
        raise _errors.no_accelerator()
    return _cuda


def current_device_index():
    return _accelerator().current_device()


def current_device_idx():
    warnings.warn(_errors.ACCELERATOR_IDX_DEPRECATED.format("current_device_index"),
                  FutureWarning, stacklevel=2)
    return current_device_index()


def set_device_index(device, /):
    _accelerator().set_device(device)


def set_device_idx(device, /):
    warnings.warn(_errors.ACCELERATOR_IDX_DEPRECATED.format("set_device_index"), FutureWarning,
                  stacklevel=2)
    set_device_index(device)


class device_index:
    """Inside the ``with`` block the accelerator's current device is ``device`` (None: no
    change)."""

    def __init__(self, device, /):
        self.idx, self.prev_idx = device, -1

    def __enter__(self):
        if self.idx is not None:
            self.prev_idx = current_device_index()
            if self.prev_idx != self.idx:
                set_device_index(self.idx)

    def __exit__(self, *exc):
        if self.idx is not None and self.prev_idx != self.idx:
            set_device_index(self.prev_idx)
        return False


def synchronize(device=None, /):
    _accelerator().synchronize(device)


def current_stream(device=None, /):
    return _accelerator().current_stream(device)


def set_stream(stream):
    _accelerator().set_stream(stream)


def empty_cache():
    _accelerator().empty_cache()


def empty_host_cache():
    """Pinned host memory is CuPy's pool: emptied with the device cache."""
    _accelerator().empty_cache()


def memory_allocated(device_index=None, /):
    return _accelerator().memory_allocated(device_index)


def max_memory_allocated(device_index=None, /):
    return _accelerator().max_memory_allocated(device_index)


def memory_reserved(device_index=None, /):
    return _accelerator().memory_reserved(device_index)


def max_memory_reserved(device_index=None, /):
    return _accelerator().max_memory_reserved(device_index)


def memory_stats(device_index=None, /):
    return _accelerator().memory_stats(device_index)


def reset_peak_memory_stats(device_index=None, /):
    _accelerator().reset_peak_memory_stats(device_index)


def get_memory_info(device_index=None, /):
    """(free, total) bytes of the device."""
    return _accelerator().mem_get_info(device_index)
