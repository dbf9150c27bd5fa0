"""``torch.mps`` (Apple GPUs) as a PyTorch build without MPS answers it: nothing is available,
``manual_seed`` does nothing, and the calls that need the Metal runtime raise torch's
``RuntimeError: Cannot execute ...() without MPS backend.``"""
from .. import _errors

__all__ = ["is_available", "device_count", "manual_seed", "synchronize", "empty_cache", "seed",
           "get_rng_state", "set_rng_state", "current_allocated_memory",
           "driver_allocated_memory", "recommended_max_memory", "set_per_process_memory_fraction"]


def is_available():
    return False


def device_count():
    return 0


def manual_seed(seed):
    """No device generator to seed (as torch, silently)."""


def _needs(call):
    """A function that raises as torch's does without MPS (it reaches ``call`` first)."""
    def unavailable(*args, **kwargs):
        raise _errors.mps_unavailable(call)
    return unavailable


synchronize = _needs("deviceSynchronize")
empty_cache = _needs("emptyCache")
seed = get_rng_state = set_rng_state = _needs("getDefaultGenerator")
current_allocated_memory = _needs("getCurrentAllocatedMemory")
driver_allocated_memory = _needs("getDriverAllocatedMemory")
recommended_max_memory = _needs("getRecommendedMaxMemory")
set_per_process_memory_fraction = _needs("setMemoryFraction")
