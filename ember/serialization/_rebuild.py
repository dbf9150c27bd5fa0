"""What the ``torch.*`` names in a checkpoint's pickle become in Ember.

A checkpoint's pickle refers to storages by persistent id and rebuilds tensors with
``torch._utils._rebuild_tensor_v2(storage, offset, size, stride, ...)``.  Here a storage is a
flat byte array (its *root*): every tensor rebuilt on one storage is an ``ndarray`` view of that
same root, so views saved together stay views of one buffer after loading.

Tensors are first built on the host.  Storages that ``map_location`` sends to another device
are moved once, when the whole pickle has been read (``LoadContext.finish``), and every tensor
built on them is re-pointed at the moved buffer; doing it at the end is what lets the legacy
format, whose data follows the pickle, share the code path with the zip format.
"""
import threading

import numpy as np

from .. import _dtype as D
from .. import _layout
from .. import _errors
from .._tensor import Tensor, Size, _make

_MAX_DIMS = 64


class StorageType:
    """Stands for ``torch.FloatStorage`` & co. (``dtype`` set) or ``torch.storage.UntypedStorage``
    (``dtype`` None: the tensor's dtype comes from ``_rebuild_tensor_v3``)."""
    __slots__ = ("module", "name", "dtype")

    def __init__(self, module, name, dtype):
        self.module, self.name, self.dtype = module, name, dtype

    def __repr__(self):
        return f"{self.module}.{self.name}"


# Legacy typed storages; dtypes without one (uint16, float8_*) are written untyped, with the
# dtype passed to ``_rebuild_tensor_v3`` (as torch writes them).
STORAGE_TYPES = {d: StorageType("torch", d.storage_name, d) for d in D.ALL_DTYPES
                 if d.storage_name is not None}
UNTYPED_STORAGE = StorageType("torch.storage", "UntypedStorage", None)


class LoadedStorage:
    """A storage read from a checkpoint: host bytes, element dtype (None when untyped) and the
    device ``map_location`` chose for it."""
    __slots__ = ("raw", "dtype", "device")

    def __init__(self, raw, dtype, device):
        self.raw, self.dtype, self.device = raw, dtype, device


class LoadContext:
    """Tracks tensors whose storage goes to a non-CPU device, to move them in ``finish``."""
    _local = threading.local()

    def __init__(self):
        self._pending = {}      # id(tensor) -> (tensor, storage, view args)

    def __enter__(self):
        stack = self._local.__dict__.setdefault("stack", [])
        stack.append(self)
        return self

    def __exit__(self, *exc):
        self._local.stack.pop()

    @classmethod
    def current(cls):
        stack = cls._local.__dict__.get("stack")
        return stack[-1] if stack else None

    def track(self, t, storage, view):
        self._pending[id(t)] = (t, storage, view)

    def alias(self, src, dst):
        """``dst`` (a Parameter made from ``src``) must move with ``src``."""
        entry = self._pending.get(id(src))
        if entry is not None:
            self._pending[id(dst)] = (dst,) + entry[1:]

    def finish(self):
        moved = {}
        for t, storage, view in self._pending.values():
            dev = storage.device
            key = (id(storage.raw), dev)
            if key not in moved:
                moved[key] = dev._backend.from_host(storage.raw)
            t._data = _view(moved[key], dev, *view)
            t._device = dev
        self._pending.clear()


def _view(raw, device, dtype, offset, size, stride):
    """An array of ``size``/``stride`` (in elements) starting ``offset`` elements into the root
    byte buffer ``raw``, whose base is ``raw`` itself (so ``root`` finds the storage)."""
    isz = dtype.itemsize
    strides = tuple(s * isz for s in stride)
    be = device._backend
    if be.xp is np:
        return np.ndarray(size, dtype.np, buffer=raw, offset=offset * isz, strides=strides)
    start = offset * isz   # any backend: a typed view of the bytes, then the strides
    count = (raw.nbytes - start) // isz
    return be.as_strided(raw[start:start + count * isz].view(dtype.np), size, strides)


def _int_tuple(v, what):
    if not isinstance(v, (tuple, list, Size)) or len(v) > _MAX_DIMS or \
            not all(type(x) is int and x >= 0 for x in v):
        raise _errors.checkpoint_corrupt(f"bad tensor {what} {v!r}")
    return tuple(v)


def rebuild(storage, offset, size, stride, dtype, requires_grad=False):
    """The tensor ``storage[offset]`` with ``size``/``stride``, bounds-checked."""
    if not isinstance(storage, LoadedStorage):
        raise _errors.checkpoint_corrupt(f"expected a storage, got {type(storage).__name__}")
    if type(dtype) is not D.dtype:
        raise _errors.checkpoint_corrupt(f"bad dtype {dtype!r}")
    size, stride = _int_tuple(size, "size"), _int_tuple(stride, "stride")
    if type(offset) is not int or offset < 0 or len(size) != len(stride):
        raise _errors.checkpoint_corrupt(f"bad tensor geometry {offset!r} {size} {stride}")
    numel = storage.raw.nbytes // dtype.itemsize
    last = offset + sum((n - 1) * s for n, s in zip(size, stride)) if all(size) else offset - 1
    if last >= numel or offset > numel:
        raise _errors.checkpoint_corrupt(f"tensor of size {size}, stride {stride} at offset "
                                         f"{offset} lies outside its storage of {numel} elements")
    from .._device import cpu
    view = (dtype, offset, size, stride)
    t = _make(_view(storage.raw, cpu, *view), dtype, cpu)
    if requires_grad:
        t.requires_grad_(True)
    if storage.device is not cpu:
        ctx = LoadContext.current()
        if ctx is None:
            raise _errors.checkpoint_corrupt("tensor rebuilt outside ember.load")
        ctx.track(t, storage, view)
    return t


# ---- the functions a checkpoint names (signatures follow PyTorch's pickles) -------------------
def _rebuild_tensor(storage, storage_offset, size, stride):
    return rebuild(storage, storage_offset, size, stride, storage.dtype if
                   isinstance(storage, LoadedStorage) else None)


def _rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad=False,
                       backward_hooks=None, metadata=None):
    dtype = storage.dtype if isinstance(storage, LoadedStorage) else None
    return rebuild(storage, storage_offset, size, stride, dtype, bool(requires_grad))


def _rebuild_tensor_v3(storage, storage_offset, size, stride, requires_grad, backward_hooks,
                       dtype, metadata=None):
    return rebuild(storage, storage_offset, size, stride, dtype, bool(requires_grad))


def _rebuild_parameter(data, requires_grad, backward_hooks):
    from ..nn.parameter import Parameter
    if not isinstance(data, Tensor):
        raise _errors.checkpoint_corrupt(f"Parameter of a {type(data).__name__}")
    p = Parameter(data, bool(requires_grad))
    ctx = LoadContext.current()
    if ctx is not None:
        ctx.alias(data, p)
    return p


def _rebuild_parameter_with_state(data, requires_grad, backward_hooks, state):
    p = _rebuild_parameter(data, requires_grad, backward_hooks)
    _set_state(p, state, "Parameter")
    return p


def _set_state(obj, state, what):
    """Plain attribute state (a dict, or PyTorch's ``(dict, slots)`` pair) onto ``obj``."""
    if isinstance(state, tuple):
        state = state[0]
    if isinstance(state, dict):
        for k, v in state.items():
            if not isinstance(k, str) or k.startswith("__"):
                raise _errors.checkpoint_corrupt(f"{what} state with key {k!r}")
            obj.__dict__[k] = v


def _rebuild_sparse_tensor(layout, data):
    """A sparse COO tensor from its (indices, values, size, is_coalesced)."""
    from .._ops.sparse import sparse_coo_tensor
    if layout is not _layout.sparse_coo or not isinstance(data, tuple) or len(data) != 4:
        raise _errors.checkpoint_corrupt(f"sparse tensor of layout {layout!r}")
    indices, values, size, coalesced = data
    return sparse_coo_tensor(indices, values, size, check_invariants=True,
                             is_coalesced=bool(coalesced))


def _get_layout(name):
    """A layout from its name as a checkpoint writes it (``"torch.sparse_coo"``)."""
    layout = _layout.layout._registry.get(str(name).rpartition(".")[2])
    if layout is None or not str(name).startswith("torch."):
        raise _errors.checkpoint_corrupt(f"unknown layout {name!r}")
    return layout


def _rebuild_from_type_v2(func, new_type, args, state):
    """A tensor of class ``new_type`` carrying Python attributes ``state``."""
    if func not in _REBUILDERS or not (isinstance(new_type, type) and
                                       issubclass(new_type, Tensor)):
        raise _errors.checkpoint_corrupt(f"cannot rebuild {new_type!r} with {func!r}")
    t = func(*args)
    if type(t) is not new_type:
        t = t.as_subclass(new_type)
    _set_state(t, state, "tensor")
    return t


def _size(dims=()):
    return Size(_int_tuple(dims, "Size"))


def _device(*args):
    from .._device import device
    return device(*args)


_REBUILDERS = (_rebuild_tensor, _rebuild_tensor_v2, _rebuild_tensor_v3, _rebuild_parameter,
               _rebuild_parameter_with_state, _rebuild_sparse_tensor)

# torch names -> ember objects, for both the weights-only allow-list and the full unpickler.
TORCH_NAMES = {
    "torch._tensor._rebuild_from_type_v2": _rebuild_from_type_v2,
    "torch.Tensor": Tensor,
    "torch._utils._rebuild_tensor": _rebuild_tensor,
    "torch._utils._rebuild_tensor_v2": _rebuild_tensor_v2,
    "torch._utils._rebuild_tensor_v3": _rebuild_tensor_v3,
    "torch._utils._rebuild_parameter": _rebuild_parameter,
    "torch._utils._rebuild_parameter_with_state": _rebuild_parameter_with_state,
    "torch._utils._rebuild_sparse_tensor": _rebuild_sparse_tensor,
    "torch.serialization._get_layout": _get_layout,
    "torch.Size": _size,
    "torch.device": _device,
    "torch.storage.UntypedStorage": UNTYPED_STORAGE,
}
TORCH_NAMES.update({f"torch.{d.name}": d for d in D.ALL_DTYPES})
TORCH_NAMES.update({f"torch.{s.name}": s for s in STORAGE_TYPES.values()})
