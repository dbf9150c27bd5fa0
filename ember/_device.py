"""Device objects ("cpu", "cuda", "cuda:1"): parsing, interning and their array backend.

Devices are interned, so tensors compare devices with ``is``.  Each device knows its backend
(see ``_backend``), which owns the array module and the kernels that differ per backend.
"""
from . import _backend

_cache = {}


class device:
    __slots__ = ("type", "index", "_backend", "__weakref__")

    def __new__(cls, type_or_str, index=None):
        if isinstance(type_or_str, device):
            return type_or_str
        if isinstance(type_or_str, int) and index is None:
            type_or_str, index = "cuda", type_or_str
        key = (type_or_str, index)
        d = _cache.get(key)
        if d is not None:
            return d
        dev_type, idx = _parse(type_or_str, index)
        canon = (dev_type, idx)
        d = _cache.get(canon)
        if d is None:
            d = object.__new__(cls)
            d.type = dev_type
            d.index = idx
            d._backend = None
            _cache[canon] = d
        _cache[key] = d
        return d

    @property
    def backend(self):
        b = self._backend
        if b is None:
            b = _backend.bind(self)
        return b

    def __repr__(self):
        if self.index is None:
            return f"device(type='{self.type}')"
        return f"device(type='{self.type}', index={self.index})"

    def __str__(self):
        return self.type if self.index is None else f"{self.type}:{self.index}"

    def __eq__(self, other):
        # as in PyTorch, a device never equals a string (``device("cpu") == "cpu"`` is False)
        if not isinstance(other, device):
            return NotImplemented
        return self.type == other.type and self.index == other.index

    def __hash__(self):
        return hash((self.type, self.index))

    def __reduce__(self):
        return (device, (str(self),))

    def __enter__(self):
        _default_stack.append(self)
        return self

    def __exit__(self, *exc):
        _default_stack.pop()


# torch's device types (Ember has backends for cpu, cuda and meta; the others parse, and
# placing a tensor on them raises what a CPU-only torch raises)
_VALID = ("cpu", "cuda", "ipu", "xpu", "mkldnn", "opengl", "opencl", "ideep", "hip", "ve", "fpga",
          "maia", "xla", "lazy", "vulkan", "mps", "meta", "hpu", "mtia", "privateuseone")


def _parse(spec, index):
    from . import _errors
    if not isinstance(spec, str):
        raise _errors.device_invalid_args(spec)
    s = spec.strip()
    if ":" in s:
        if index is not None:
            raise _errors.device_index_twice(spec)
        s, _, num = s.partition(":")
        if not num.isdigit():
            raise _errors.invalid_device_string(spec)
        index = int(num)
    if s not in _VALID:
        raise _errors.invalid_device_string(spec)
    if index is not None and index < 0:
        raise _errors.invalid_device_string(spec)
    if s == "cuda" and index is None:
        # "cuda" means the current CUDA device; tensors always carry a concrete index.
        pass
    return s, index


_default_stack = []

cpu = device("cpu")
cpu.backend


_global_default = [cpu]     # set_default_device; a ``with device(...)`` block overrides it


def resolve(spec):
    """Turn a user's ``device=`` argument into a concrete interned device (``cuda`` -> ``cuda:N``)."""
    if spec is None:
        if not _default_stack:
            return _global_default[0]
        d = _default_stack[-1]
    else:
        d = spec if type(spec) is device else device(spec)
    if d.type == "cuda" and d.index is None:
        d = device("cuda", _backend.current_cuda_index())
    if d._backend is None:
        d.backend  # load it now: ops read ``device._backend`` directly
    return d


def set_default_device(spec):
    """The device factory functions use when given no ``device=`` (None: back to the CPU)."""
    _global_default[0] = cpu if spec is None else resolve(spec)


def get_default_device():
    return resolve(None)
