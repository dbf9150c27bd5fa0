"""Untyped storages: the memory block under a tensor and its views."""


class UntypedStorage:
    """The root buffer of a tensor's array (shared by all of its views)."""
    __slots__ = ("_array", "_device")

    @classmethod
    def _of(cls, t):
        s = object.__new__(cls)
        s._array = t._device._backend.root(t._data)
        s._device = t._device
        return s

    @property
    def device(self):
        return self._device

    def data_ptr(self):
        return self._device._backend.data_ptr(self._array)

    def nbytes(self):
        return int(self._array.nbytes)

    def size(self):
        return self.nbytes()

    __len__ = size

    def element_size(self):
        return 1

    def __sizeof__(self):
        return object.__sizeof__(self) + self.nbytes()   # as torch's: counts the data too

    def __eq__(self, other):
        return isinstance(other, UntypedStorage) and self.data_ptr() == other.data_ptr()

    def __hash__(self):
        return hash(self.data_ptr())
