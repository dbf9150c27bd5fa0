"""The pickler that writes a checkpoint's ``data.pkl`` the way ``torch.save`` does.

Ember tensors are written as ``torch._utils._rebuild_tensor_v2(<storage pid>, offset, size,
stride, requires_grad, OrderedDict())``, parameters as ``torch._utils._rebuild_parameter``,
dtypes as ``torch.float32`` & co., ``Size`` and ``device`` as ``torch.Size`` / ``torch.device``.
Classes and functions of Ember's modules are written under torch's names (``ember.nn.X`` as
``torch.nn.X``), so a whole pickled model loads in PyTorch and back.
The standard C pickler insists on importing every global it writes, and torch is not (and must
not be) importable here, so this subclasses the pure-Python pickler and writes those GLOBAL
opcodes itself; everything else pickles as usual.

Each distinct root buffer becomes one storage record, so tensors that view one buffer stay
views of one storage in the file.
"""
import collections
import pickle

from .. import _dtype as D
from .. import _errors, _names
from .._device import device as Device
from .._layout import strided
from .._tensor import Tensor, Size
from ._rebuild import STORAGE_TYPES, UNTYPED_STORAGE, StorageType


class _Global:
    """A ``module.name`` global to write without importing it."""
    __slots__ = ("module", "name")

    def __init__(self, module, name):
        self.module, self.name = module, name

    def __call__(self, *args):
        # Only here because the pickler insists that a reduce function be callable.
        raise _errors.checkpoint_name_only(f"{self.module}.{self.name}")


_REBUILD_TENSOR = _Global("torch._utils", "_rebuild_tensor_v2")
_REBUILD_TENSOR_V3 = _Global("torch._utils", "_rebuild_tensor_v3")
_REBUILD_PARAMETER = _Global("torch._utils", "_rebuild_parameter")
_REBUILD_SPARSE = _Global("torch._utils", "_rebuild_sparse_tensor")
_GET_LAYOUT = _Global("torch.serialization", "_get_layout")
_SIZE = _Global("torch", "Size")
_DEVICE = _Global("torch", "device")


class _StorageRef:
    """Pickles as the persistent id ``('storage', <Type>Storage, key, location, numel)``."""
    __slots__ = ("pid",)

    def __init__(self, pid):
        self.pid = pid


class _Reduced:
    """An object whose reduction is already computed (a Parameter's inner tensor)."""
    __slots__ = ("rv",)

    def __init__(self, rv):
        self.rv = rv


class StorageRecord:
    __slots__ = ("key", "root", "device", "dtype")

    def __init__(self, key, root, device, dtype):
        self.key, self.root, self.device, self.dtype = key, root, device, dtype

    def host_bytes(self):
        """The storage's bytes in memory order, as a flat uint8 host array (no copy on CPU)."""
        import numpy as np
        host = self.device._backend.to_host(self.root)
        return np.asarray(host).reshape(-1, order="A").view(np.uint8)


def _storage_geometry(t):
    """(root, element offset, element strides) when ``t`` can be written as a view of its root
    buffer, else None (then it gets a storage of its own)."""
    be = t._device._backend
    a = t._data
    root = be.root(a)
    isz = t._dtype.itemsize
    if not (root.flags.c_contiguous or root.flags.f_contiguous) or root.nbytes % isz:
        return None
    off = be.data_ptr(a) - be.data_ptr(root)
    if off < 0 or off % isz or any(s < 0 or s % isz for s in a.strides):
        return None
    return root, off // isz, tuple(s // isz for s in a.strides)


class CheckpointPickler(pickle._Pickler):
    """Collects the storage records in ``self.records`` (in key order) while pickling."""

    def __init__(self, file, protocol=2, legacy=False):
        super().__init__(file, protocol)
        self.legacy = legacy        # legacy persistent ids end with view_metadata (None)
        self.records = []
        self._by_root = {}

    def persistent_id(self, obj):
        return obj.pid if type(obj) is _StorageRef else None

    def reducer_override(self, obj):
        t = type(obj)
        if t is _Global or t is D.dtype or t is StorageType:
            return obj.name
        if t is _Reduced:
            return obj.rv
        if isinstance(obj, Tensor):
            if obj.layout is not strided:     # sparse COO: its indices and values tensors
                layout = _Reduced((_GET_LAYOUT, ("torch.sparse_coo",)))
                return (_REBUILD_SPARSE, (layout, (obj._indices(), obj._values(), obj.shape,
                                                   obj.is_coalesced())))
            from ..nn.parameter import Parameter
            if isinstance(obj, Parameter):
                inner = _Reduced(self._tensor_reduction(obj, False))
                return (_REBUILD_PARAMETER, (inner, obj._requires_grad, collections.OrderedDict()))
            return self._tensor_reduction(obj, obj._requires_grad)
        if t is Size:
            return (_SIZE, (tuple(obj),))
        if t is Device:
            return (_DEVICE, (str(obj),))
        return NotImplemented

    def save_global(self, obj, name=None):
        t = type(obj)
        if t is _Global or t is StorageType:
            module, name = obj.module, obj.name
        elif t is D.dtype:
            module, name = "torch", obj.name
        else:
            module = _names.to_torch(getattr(obj, "__module__", None) or "")
            if module is None:
                return super().save_global(obj, name)
            name = name or obj.__qualname__
        self.write(pickle.GLOBAL + f"{module}\n{name}\n".encode("ascii"))
        self.memoize(obj)

    def _tensor_reduction(self, t, requires_grad):
        geometry = _storage_geometry(t)
        if geometry is None:
            root, offset = t._device._backend.copy(t._data), 0
            stride = tuple(s // t._dtype.itemsize for s in root.strides)
        else:
            root, offset, stride = geometry
        rec = self._by_root.get(id(root))
        if rec is None:
            rec = StorageRecord(str(len(self.records)), root, t._device, t._dtype)
            self._by_root[id(root)] = rec
            self.records.append(rec)
        elif rec.dtype is not t._dtype:
            raise _errors.save_storage_dtype_conflict()
        typed = STORAGE_TYPES.get(t._dtype)
        numel = root.nbytes // (t._dtype.itemsize if typed else 1)
        pid = ("storage", typed or UNTYPED_STORAGE, rec.key, str(t._device), numel)
        if self.legacy:
            pid += (None,)
        args = (_StorageRef(pid), offset, tuple(t._data.shape), stride, bool(requires_grad),
                collections.OrderedDict())
        return (_REBUILD_TENSOR, args) if typed else (_REBUILD_TENSOR_V3, args + (t._dtype,))
