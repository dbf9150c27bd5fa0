"""CPU arrays in memory that other processes can map (``Tensor.share_memory_`` and tensors
sent through ``ember.multiprocessing`` queues).

An array is copied into a file under ``/dev/shm`` mapped ``MAP_SHARED``; other processes map
the same file from its descriptor (path, byte offset, shape, strides, dtype), so writes on
either side are seen by the other, as with PyTorch's shared storages.  A process removes at
exit the files it created and never sent.  A sent file stays (a sender that exits right after
sending must not pull it from under a receiver that has yet to map it, and any number of
processes may receive it): like PyTorch's ``file_system`` strategy without its manager
daemon, it is left in ``/dev/shm`` until the machine restarts.
"""
import atexit
import itertools
import mmap
import os
import tempfile
import weakref

import numpy as np

_DIR = "/dev/shm" if os.path.isdir("/dev/shm") else tempfile.gettempdir()
_counter = itertools.count()
_paths = weakref.WeakKeyDictionary()     # mmap -> its file
_created = []
_sent = set()        # created files whose descriptor went to another process


def _map(path, nbytes):
    fd = os.open(path, os.O_RDWR)
    try:
        return mmap.mmap(fd, max(nbytes, 1), mmap.MAP_SHARED)
    finally:
        os.close(fd)


def _root(array):
    base = array
    while isinstance(base, np.ndarray) and base.base is not None:
        base = base.base
    return base


def is_shared(array):
    return isinstance(_root(array), mmap.mmap) and _root(array) in _paths


def share(array):
    """A copy of ``array`` (same shape and strides when contiguous) in shared memory."""
    if is_shared(array):
        return array
    path = os.path.join(_DIR, f"ember_shm_{os.getpid()}_{next(_counter)}")
    fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_RDWR, 0o600)
    try:
        os.ftruncate(fd, max(array.nbytes, 1))
    finally:
        os.close(fd)
    _created.append(path)
    mm = _map(path, array.nbytes)
    _paths[mm] = path
    out = np.ndarray(array.shape, array.dtype, buffer=mm)
    out[...] = array
    return out


def descriptor(array):
    """What another process needs to map ``array`` (which must be shared)."""
    root = _root(array)
    buf = np.frombuffer(root, np.uint8)
    offset = array.__array_interface__["data"][0] - buf.__array_interface__["data"][0]
    _sent.add(_paths[root])
    return (_paths[root], len(root), offset, array.shape, array.strides, array.dtype.str)


def rebuild(path, nbytes, offset, shape, strides, dtype):
    """The shared array described by ``descriptor``, mapped in this process."""
    mm = _map(path, nbytes)
    _paths[mm] = path
    return np.ndarray(shape, np.dtype(dtype), buffer=mm, offset=offset, strides=strides)


@atexit.register
def _cleanup():
    for path in _created:
        if path in _sent:
            continue
        try:
            os.unlink(path)
        except OSError:
            pass
