"""Moving batches from workers to the main process through shared memory.

A worker writes every large CPU tensor / NumPy array of its batch into a file of its own under
``/dev/shm`` (the temp directory where there is none) and sends only a small descriptor through
the result queue.  The main process maps the file, unlinks it at once and wraps the mapping as
an array, so the data is copied once instead of being pickled through a pipe; the memory goes
back to the system when the last array using the mapping is freed.  Anything else (small
arrays, strings, custom objects) is pickled as usual.  Files are named
``<prefix><worker>_<n>`` so the main process can remove any a dead worker left behind.
"""
import glob
import itertools
import mmap
import os
import tempfile

import numpy as np

from ... import _dtype as D
from ..._device import resolve
from ..._tensor import Tensor, _make

SHM_DIR = "/dev/shm" if os.path.isdir("/dev/shm") else tempfile.gettempdir()
MIN_BYTES = 1 << 14     # smaller arrays pickle faster than a file round trip


class _SharedArray:
    """Descriptor of one array in a shared file; ``dtype_name`` is set for tensors."""
    __slots__ = ("path", "shape", "np_dtype", "dtype_name", "requires_grad")

    def __init__(self, path, shape, np_dtype, dtype_name, requires_grad):
        self.path, self.shape, self.np_dtype = path, shape, np_dtype
        self.dtype_name, self.requires_grad = dtype_name, requires_grad

    def __getstate__(self):
        return tuple(getattr(self, k) for k in self.__slots__)

    def __setstate__(self, state):
        for k, v in zip(self.__slots__, state):
            setattr(self, k, v)


class Writer:
    """Worker side: replaces large arrays in a batch by ``_SharedArray`` descriptors."""

    def __init__(self, prefix):
        self.prefix = prefix
        self.counter = itertools.count()

    def _write(self, array):
        path = f"{self.prefix}{next(self.counter)}"
        raw = memoryview(np.ascontiguousarray(array).reshape(-1).view(np.uint8))
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
        try:
            while raw:
                raw = raw[os.write(fd, raw):]
        finally:
            os.close(fd)
        return path

    def pack(self, obj):
        kind = type(obj)
        if kind is Tensor:
            if obj._device.type == "cpu" and not obj.__dict__ and obj._data.nbytes >= MIN_BYTES:
                arr = obj._data
                return _SharedArray(self._write(arr), arr.shape, arr.dtype, obj._dtype.name,
                                    obj._requires_grad)
            return obj
        if kind is np.ndarray:
            if obj.nbytes >= MIN_BYTES and not obj.dtype.hasobject:
                return _SharedArray(self._write(obj), obj.shape, obj.dtype, None, False)
            return obj
        if kind is list:
            return [self.pack(x) for x in obj]
        if kind is tuple:
            return tuple(self.pack(x) for x in obj)
        if kind is dict:
            return {k: self.pack(v) for k, v in obj.items()}
        if isinstance(obj, tuple) and hasattr(obj, "_fields"):
            return kind(*(self.pack(x) for x in obj))
        return obj


def _open(desc):
    nbytes = int(np.prod(desc.shape, dtype=np.int64)) * desc.np_dtype.itemsize
    fd = os.open(desc.path, os.O_RDWR)
    try:
        buf = mmap.mmap(fd, nbytes)
    finally:
        os.close(fd)
        os.unlink(desc.path)
    arr = np.frombuffer(buf, desc.np_dtype).reshape(desc.shape)
    if desc.dtype_name is None:
        return arr
    t = _make(arr, D._dtype_by_name(desc.dtype_name), resolve("cpu"))
    t._requires_grad = desc.requires_grad
    return t


def unpack(obj):
    """Main side: the batch with every descriptor replaced by its mapped array / tensor."""
    kind = type(obj)
    if kind is _SharedArray:
        return _open(obj)
    if kind is list:
        return [unpack(x) for x in obj]
    if kind is tuple:
        return tuple(unpack(x) for x in obj)
    if kind is dict:
        return {k: unpack(v) for k, v in obj.items()}
    if isinstance(obj, tuple) and hasattr(obj, "_fields"):
        return kind(*(unpack(x) for x in obj))
    return obj


def remove_leftovers(prefix):
    """Delete files a worker wrote but the main process never received."""
    for path in glob.glob(glob.escape(prefix) + "*"):
        try:
            os.unlink(path)
        except FileNotFoundError:
            pass
