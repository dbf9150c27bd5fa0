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

    @classmethod
    def from_file(cls, filename, shared=False, nbytes=0):
        """The first ``nbytes`` bytes of a file, memory-mapped: writes reach the file when
        ``shared``, else they stay private (copy on write)."""
        import numpy as np
        from ._device import cpu
        s = object.__new__(cls)
        s._array = np.memmap(filename, dtype=np.uint8, mode="r+" if shared else "c",
                             shape=(nbytes,)) if nbytes else np.empty(0, np.uint8)
        s._device = cpu
        return s

    def __getitem__(self, index):
        """A byte (int index) or a sub-storage sharing this memory (slice)."""
        if isinstance(index, slice):
            sub = object.__new__(type(self))
            sub._array = self._bytes()[index]
            sub._device = self._device
            return sub
        return int(self._bytes()[index])

    def untyped(self):
        return self

    def _bytes(self):
        """The storage as a flat uint8 array sharing its memory."""
        a = self._array
        return a.reshape(-1).view("uint8") if a.flags.c_contiguous else a.view("uint8")

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
