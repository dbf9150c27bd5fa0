"""``torch.xpu`` (Intel GPUs) as a PyTorch build without XPU answers it: nothing is
available, the counters are 0, seeding and ``empty_cache`` do nothing, and whatever needs a
device raises ``AssertionError: Torch not compiled with XPU enabled``."""
from .. import _errors

__all__ = ["is_available", "device_count", "is_initialized", "is_bf16_supported",
           "get_arch_list", "empty_cache", "manual_seed", "manual_seed_all", "seed", "seed_all",
           "memory_allocated", "max_memory_allocated", "memory_reserved", "max_memory_reserved",
           "init", "current_device", "synchronize", "initial_seed", "get_device_name",
           "get_device_properties", "get_device_capability", "set_device", "get_rng_state",
           "set_rng_state", "current_stream", "mem_get_info"]


def is_available():
    return False


def device_count():
    return 0


def is_initialized():
    return False


def is_bf16_supported(including_emulation=True):
    return False


def get_arch_list():
    return []


def empty_cache():
    """Nothing cached: no device."""


def manual_seed(seed):
    """No device generator to seed (as torch, silently)."""


manual_seed_all = manual_seed


def seed():
    """No device generator to seed."""


seed_all = seed


def memory_allocated(device=None):
    return 0


max_memory_allocated = memory_reserved = max_memory_reserved = memory_allocated


def _no_device(*args, **kwargs):
    raise _errors.xpu_not_compiled()


def set_rng_state(new_state, device="xpu"):
    """Kept for a device that never comes (torch queues it until XPU initialises)."""


(init, current_device, synchronize, initial_seed, get_device_name, get_device_properties,
 get_device_capability, set_device, get_rng_state, current_stream,
 mem_get_info) = [_no_device] * 11
