"""``torch.PyTorchFileReader``: the records of a zip checkpoint, read one by one (libraries
use it to load a checkpoint lazily, tensor by tensor)."""
import numpy as np

from .. import _dtype as D
from .._tensor import _make
from .._device import cpu
from . import _zipfmt


class PyTorchFileReader:
    """Opens a checkpoint written by ``torch.save`` / ``ember.save`` (a path or a seekable
    binary file); record names are relative to the archive's folder (``data.pkl``,
    ``data/0``, ``byteorder``...)."""

    def __init__(self, file):
        self._owned = isinstance(file, str)
        self._fp = open(file, "rb") if self._owned else file
        self._archive = _zipfmt.ArchiveReader(self._fp)

    def has_record(self, name):
        return self._archive.has(name)

    def get_all_records(self):
        prefix = self._archive.prefix
        return [n[len(prefix):] for n in self._archive.zf.namelist()]

    def get_record(self, name):
        """The record's bytes."""
        if name.startswith("data/") and name[5:].isdigit():
            info = self._archive._info(name)
            return self._archive.read_storage(name[5:], info.file_size).tobytes()
        return self._archive.read_small(name)

    def get_record_offset(self, name):
        return self._archive._data_offset(self._archive._info(name))

    def get_storage_from_record(self, name, numel, dtype):
        """The storage record ``name`` as a 1-D tensor of ``numel`` elements of ``dtype`` (bytes,
        as uint8, when ``dtype`` is not a dtype: libraries pass ``UntypedStorage``)."""
        if not isinstance(dtype, D.dtype):
            dtype = D.uint8
        raw = self._archive.read_storage(name[5:] if name.startswith("data/") else name,
                                         numel * dtype.itemsize)
        return _make(np.frombuffer(raw, dtype=dtype.np).copy(), dtype, cpu)

    def serialization_id(self):
        return self.get_record(".data/serialization_id").decode() \
            if self.has_record(".data/serialization_id") else ""

    def __del__(self):
        if getattr(self, "_owned", False):
            self._fp.close()


__all__ = ["PyTorchFileReader"]
