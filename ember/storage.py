"""``torch.storage``: the untyped storage under tensors, and the deprecated typed view of it
(``TypedStorage``, ``Tensor.storage()``) with the legacy classes ``torch.FloatStorage`` & co."""
import warnings

from . import _dtype as D
from . import _errors
from ._storage import UntypedStorage

__all__ = ["UntypedStorage", "TypedStorage"]

_warned = []


def _warn_typed_storage(stacklevel=3):
    """PyTorch warns once per process that typed storages are deprecated."""
    if not _warned:
        _warned.append(True)
        warnings.warn(_errors.TYPED_STORAGE_DEPRECATED, UserWarning, stacklevel=stacklevel)


class TypedStorage:
    """A storage seen as elements of ``dtype`` (the memory is an ``UntypedStorage``)."""
    is_sparse = False

    def __init__(self, *args, wrap_storage=None, dtype=None, device=None, _internal=False):
        if not _internal:
            _warn_typed_storage()
        self.dtype = D.get_default_dtype() if dtype is None else D.to_dtype(dtype)
        if wrap_storage is not None:
            self._untyped_storage = wrap_storage
            return
        from ._ops.creation import empty, tensor
        if len(args) == 1 and not isinstance(args[0], int):
            data = tensor(list(args[0]), dtype=self.dtype, device=device)
        else:
            data = empty(args[0] if args else 0, dtype=self.dtype, device=device)
        self._untyped_storage = data.untyped_storage()

    def _elements(self):
        """The storage as a flat array of ``dtype`` sharing its memory."""
        return self._untyped_storage._bytes().view(self.dtype.np)

    @property
    def device(self):
        return self._untyped_storage.device

    def size(self):
        return self._untyped_storage.nbytes() // self.dtype.itemsize

    __len__ = size

    def element_size(self):
        return self.dtype.itemsize

    def nbytes(self):
        return self._untyped_storage.nbytes()

    def data_ptr(self):
        return self._untyped_storage.data_ptr()

    def untyped(self):
        return self._untyped_storage

    def is_shared(self):
        return False

    def __getitem__(self, index):
        if isinstance(index, slice):
            part = self._untyped_storage[index.start * self.element_size() if index.start else None:
                                         index.stop * self.element_size() if index.stop else None]
            return TypedStorage(wrap_storage=part, dtype=self.dtype, _internal=True)
        return self._elements()[index].item()

    def __setitem__(self, index, value):
        self._elements()[index] = value

    def __iter__(self):
        return iter(self.tolist())

    def tolist(self):
        return self._elements().tolist()

    def fill_(self, value):
        self._elements()[...] = value
        return self

    def type(self, dtype=None, non_blocking=False):
        """The legacy class name (``torch.FloatStorage``)."""
        return f"torch.{self.dtype.storage_name}" if dtype is None else dtype

    def pickle_storage_type(self):
        return self.dtype.storage_name

    def __repr__(self):
        body = "\n".join(f" {v}" for v in self.tolist())
        return (f"{body}\n[torch.storage.TypedStorage(dtype={self.dtype!r}, "
                f"device={self.device}) of size {self.size()}]")


class _LegacyStorageMeta(type):
    """``isinstance(t.storage(), torch.FloatStorage)`` holds for a float32 typed storage."""

    def __instancecheck__(cls, instance):
        if type(instance) is TypedStorage:
            return instance.dtype is cls.dtype and instance.device.type == "cpu"
        return super().__instancecheck__(instance)


class _LegacyStorage(TypedStorage, metaclass=_LegacyStorageMeta):
    """``torch.FloatStorage(size_or_sequence)`` & co.: a ``TypedStorage`` of the class's dtype."""
    dtype = None

    def __new__(cls, *args, **kwargs):
        return TypedStorage(*args, dtype=cls.dtype, **kwargs)


LEGACY_STORAGES = {d.storage_name: type(d.storage_name, (_LegacyStorage,),
                                        {"dtype": d, "__module__": "torch"})
                   for d in D.ALL_DTYPES if d.storage_name is not None}


def typed_storage_of(t):
    """``Tensor.storage()``: the tensor's storage typed by its dtype (deprecated)."""
    _warn_typed_storage(stacklevel=4)
    return TypedStorage(wrap_storage=t.untyped_storage(), dtype=t._dtype, _internal=True)


def storage_type_of(t):
    """``Tensor.storage_type()``: the legacy class of its dtype."""
    return LEGACY_STORAGES[t._dtype.storage_name]
