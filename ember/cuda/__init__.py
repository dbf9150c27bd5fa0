"""CUDA device queries.  ``is_available()`` never raises: without CuPy, a driver or a GPU it is
False, and the rest answers as a CPU-only PyTorch does (device queries raise its
``AssertionError``, memory counters are 0, streams and events refuse to be created).  With the
test-only fake backend enabled, the fake devices are reported."""
import collections

from .. import _backend
from .. import _errors
from .._device import device as _device
from .._errors import OutOfMemoryError  # noqa: F401  (torch.cuda's name for it)
from .streams import Stream, Event
from .graphs import CUDAGraph, graph, is_current_stream_capturing
from . import nvtx  # noqa: F401  (torch.cuda.nvtx; torch.cuda.amp loads on first use)



def __getattr__(name):
    if name == "_initialized":     # torch's flag, read by libraries saving CUDA RNG states
        return is_initialized()
    if name == "amp":      # torch.cuda.amp, loaded on first use
        import importlib
        return importlib.import_module(__name__ + ".amp")
    # torch.cuda.FloatTensor & co., built on first use
    from .._legacy_types import CUDA_TYPES
    if name in CUDA_TYPES:
        globals().update(CUDA_TYPES)
        return CUDA_TYPES[name]
    raise _errors.module_attribute(__name__, name)


def is_available():
    try:
        return device_count() > 0
    except Exception:  # any failure to reach a GPU means "not available"
        return False


def _require():
    if not is_available():
        raise _errors.cuda_not_compiled(_backend.cuda_unavailable_reason())


def device_count():
    return _backend.cuda_device_count()


def current_device():
    return _backend.current_cuda_index()


def set_device(dev):
    idx = dev if isinstance(dev, int) else _device(dev).index or 0
    _backend._current_cuda[0] = idx


class device:
    """``with torch.cuda.device(i):`` makes ``i`` the current CUDA device inside the block."""

    def __init__(self, device):
        self.idx = -1 if device is None else (
            device if isinstance(device, int) else _device(device).index or 0)
        self.prev_idx = -1

    def __enter__(self):
        if self.idx < 0:
            return
        if not is_available():
            raise _errors.cuda_not_built()
        self.prev_idx = current_device()
        set_device(self.idx)

    def __exit__(self, *exc):
        if self.prev_idx >= 0:
            set_device(self.prev_idx)
        return False


def is_initialized():
    return is_available()


def init():
    _require()


def synchronize(device=None):
    """Wait for all kernels on the device (a no-op on the NumPy-backed fake)."""
    _require()
    if _backend.fake_cuda_enabled():
        return
    _backend.get("cuda", current_device() if device is None else _device(device).index)\
        .synchronize()


def current_stream(device=None):
    _require()
    return Stream(device)


default_stream = current_stream


class StreamContext:
    """``with torch.cuda.stream(s):``; work is issued on one stream, so only ``None`` or a
    ``Stream`` is accepted and nothing changes."""

    def __init__(self, stream):
        self.stream = stream

    def __enter__(self):
        return self.stream

    def __exit__(self, *exc):
        return False


def set_stream(stream):
    """Work is issued on one stream (see ``StreamContext``), so nothing changes."""
    _require()


def stream(stream):
    return StreamContext(stream)


def _gpu(device=None):
    """The CuPy backend for ``device`` on a real GPU; None without one (CPU-only answers) and
    on the test-only fake."""
    if _backend.fake_cuda_enabled() or not is_available():
        return None
    return _backend.get("cuda", current_device() if device is None else
                        (device if isinstance(device, int) else _device(device).index or 0))


def _counter(name):
    def query(device=None):
        b = _gpu(device)
        return 0 if b is None else getattr(b, name)()
    query.__name__ = name
    return query


memory_allocated = _counter("memory_allocated")
max_memory_allocated = _counter("max_memory_allocated")
memory_reserved = _counter("memory_reserved")
max_memory_reserved = _counter("memory_reserved")


def empty_cache():
    """Return cached blocks to the device (CuPy's memory pool frees its unused blocks)."""
    b = _gpu()
    if b is not None:
        b.empty_cache()


def memory_stats(device=None):
    b = _gpu(device)
    if b is None:
        return collections.OrderedDict()
    return collections.OrderedDict([("allocated_bytes.all.current", b.memory_allocated()),
                                    ("allocated_bytes.all.peak", b.max_memory_allocated()),
                                    ("reserved_bytes.all.current", b.memory_reserved())])


def reset_peak_memory_stats(device=None):
    """Peak counters start again (there are none without CUDA)."""
    b = _gpu(device)
    if b is not None:
        b.reset_peak_memory_stats()


reset_max_memory_allocated = reset_peak_memory_stats


def _gpu_query(name):
    """Raise torch's CPU-only error, or name the query the GPU backend does not answer yet."""
    _require()
    raise _errors.unsupported(f"torch.cuda.{name}", "not implemented for the GPU backend yet")


_DeviceProperties = collections.namedtuple(
    "_CudaDeviceProperties", "name major minor total_memory multi_processor_count")


def get_device_properties(device=None):
    b = _gpu(device)
    if b is None:
        _gpu_query("get_device_properties")
    p = b.properties()
    return _DeviceProperties(p["name"], p["major"], p["minor"], p["totalGlobalMem"],
                             p["multiProcessorCount"])


def get_device_name(device=None):
    return get_device_properties(device).name


def get_device_capability(device=None):
    p = get_device_properties(device)
    return (p.major, p.minor)


def mem_get_info(device=None):
    _gpu_query("mem_get_info")


def set_per_process_memory_fraction(fraction, device=None):
    _require()


def ipc_collect():
    _require()


def is_bf16_supported(including_emulation=True):
    return False if not is_available() else True


def is_tf32_supported():
    return False


def get_arch_list():
    return []


def get_rng_state_all():
    return [get_rng_state(i) for i in range(device_count())]


def set_rng_state_all(new_states):
    for i, state in enumerate(new_states):
        set_rng_state(state, i)


def _generator(device=None):
    """The default generator of a CUDA device (an index, a name or a device; the current one
    when not given)."""
    _require()
    from .._ops import random as _random
    if device is None or device == "cuda":
        device = current_device()
    index = device if isinstance(device, int) else _device(device).index
    return _random._default_for(_device("cuda", current_device() if index is None else index))


def get_rng_state(device="cuda"):
    return _generator(device).get_state()


def set_rng_state(new_state, device="cuda"):
    _generator(device).set_state(new_state)


def initial_seed():
    return _generator().initial_seed()


def seed():
    """Seed the current device's generator randomly (nothing to seed without CUDA)."""
    if is_available():
        _generator().seed()


def seed_all():
    """Seed every device's generator randomly, each differently."""
    for i in range(device_count() if is_available() else 0):
        _generator(i).seed()


def manual_seed(seed):
    from .._ops import random as _random
    if hasattr(_random, "manual_seed_cuda"):
        _random.manual_seed_cuda(seed)


manual_seed_all = manual_seed

__all__ = ["is_available", "device_count", "current_device", "set_device", "device",
           "is_initialized", "init", "synchronize", "current_stream", "default_stream", "stream",
           "StreamContext", "Stream", "Event", "CUDAGraph", "graph",
           "is_current_stream_capturing", "empty_cache", "memory_allocated",
           "max_memory_allocated", "memory_reserved", "max_memory_reserved", "memory_stats",
           "reset_peak_memory_stats", "reset_max_memory_allocated", "mem_get_info",
           "get_device_name", "get_device_capability", "get_device_properties",
           "set_per_process_memory_fraction", "ipc_collect", "is_bf16_supported",
           "is_tf32_supported", "get_arch_list", "get_rng_state", "set_rng_state",
           "get_rng_state_all", "set_rng_state_all", "initial_seed", "seed", "seed_all",
           "manual_seed", "manual_seed_all"]
