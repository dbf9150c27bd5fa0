"""Reading checkpoints: storage persistent ids -> storages on the device ``map_location`` picks,
and the two container formats (zip, legacy) driven through one storage loader."""
import io

import numpy as np

from .. import _errors
from .._device import cpu, device as Device, resolve
from ._rebuild import LoadContext, LoadedStorage, StorageType
from ._unpickler import FullUnpickler, WeightsUnpickler
from . import _legacy, _walk, _zipfmt


def _target_device(spec):
    d = spec if isinstance(spec, Device) else Device(spec)
    if d.type == "cuda":
        from .. import cuda
        if not cuda.is_available():
            raise _errors.load_cuda_unavailable()
    return resolve(d)


def _host_storage(raw):
    """``raw`` as an ``UntypedStorage`` on the CPU (what a callable map_location receives)."""
    from .._storage import UntypedStorage
    s = object.__new__(UntypedStorage)
    s._array, s._device = raw, cpu
    return s


class StorageLoader:
    """``persistent_load`` for checkpoints: reads each storage once through
    ``read(key, nbytes, itemsize)`` (a flat uint8 host array) and tags it with its device."""

    def __init__(self, read, map_location):
        self._read = read
        self._map = map_location
        self._raw = {}
        self._devices = {}

    def raw(self, key):
        """The host bytes read for storage ``key`` (None if it was never read)."""
        return self._raw.get(key)

    def storages(self):
        """``(key, host bytes)`` of every storage read so far."""
        return self._raw.items()

    def __call__(self, pid):
        if type(pid) is not tuple or len(pid) not in (5, 6) or pid[0] != "storage":
            raise _errors.checkpoint_corrupt(f"unsupported persistent id {pid!r}")
        stype, key, location, numel = pid[1:5]
        if type(stype) is not StorageType or type(numel) is not int or numel < 0 or \
                type(location) is not str or type(key) is not str:
            raise _errors.checkpoint_corrupt(f"bad storage persistent id {pid!r}")
        isz = stype.dtype.itemsize if stype.dtype is not None else 1
        raw = self._raw.get(key)
        if raw is None:
            raw = self._raw[key] = self._read(key, numel * isz, isz)
        if raw.nbytes != numel * isz:
            raise _errors.checkpoint_corrupt(f"storage {key!r} used with two sizes")
        view = pid[5] if len(pid) == 6 else None
        if view is not None:
            raw = self._view(raw, view, isz)
        return LoadedStorage(raw, stype.dtype, self._device(key, raw, location))

    @staticmethod
    def _view(raw, view, isz):
        """Legacy storage views: ``(view_key, offset, size)`` in elements of the root."""
        ok = type(view) is tuple and len(view) == 3 and all(type(v) is int for v in view[1:])
        if not ok or view[1] < 0 or view[2] < 0 or (view[1] + view[2]) * isz > raw.nbytes:
            raise _errors.checkpoint_corrupt(f"bad storage view {view!r}")
        return raw[view[1] * isz:(view[1] + view[2]) * isz]

    def _device(self, key, raw, location):
        d = self._devices.get(key)
        if d is None:
            d = self._devices[key] = _target_device(self._map_spec(raw, location))
        return d

    def _map_spec(self, raw, location):
        m = self._map
        if m is None:
            return location
        if isinstance(m, (str, Device)):
            return m
        if isinstance(m, dict):
            return m.get(location, location)
        r = m(_host_storage(raw), location)    # anything else is called, as torch does
        if r is None:
            return location
        return getattr(r, "device", r)


def _unpickle(data, pos, loader, weights_only, pickle_load_args):
    """The object pickled in ``data`` at ``pos``, with storage ids resolved by ``loader``."""
    if weights_only:
        return WeightsUnpickler(data, loader, pos, pickle_load_args.get("encoding", "utf-8")).load()
    f = io.BytesIO(data)
    f.seek(pos)
    return FullUnpickler(f, loader, **pickle_load_args).load()


def _crc_error(reader, loader, obj):
    """The error for the first storage that failed its CRC check, naming the tensors of
    ``obj`` (None: the pickle could not be read) built on it."""
    key, (record, stored, computed) = next(iter(reader.corrupt.items()))
    raw = loader.raw(key)
    paths = [] if obj is None or raw is None else \
        [p for p, t in _walk.iter_tensors(obj) if _walk.built_on(t, raw)]
    return _errors.checkpoint_crc_mismatch(record, stored, computed, paths)


def load_zip(fp, map_location, weights_only, mmap, pickle_load_args, verify=True):
    reader = _zipfmt.ArchiveReader(fp, _zipfmt.map_file(fp) if mmap else None, verify)
    if reader.has("byteorder") and reader.read_small("byteorder") != b"little":
        raise _errors.unsupported("loading big-endian checkpoints")
    data = reader.read_small("data.pkl")
    loader = StorageLoader(lambda key, nbytes, isz: reader.read_storage(key, nbytes),
                           map_location)
    with LoadContext() as ctx:
        try:
            obj = _unpickle(data, 0, loader, weights_only, pickle_load_args)
        except Exception:
            if reader.corrupt:      # damaged data explains whatever went wrong after it
                raise _crc_error(reader, loader, None) from None
            raise
        if reader.corrupt:
            raise _crc_error(reader, loader, obj)
        ctx.finish()
    return obj


def load_legacy(fp, map_location, weights_only, pickle_load_args):
    buf = fp.read()
    allocated = {}

    def allocate(key, nbytes, itemsize):
        if nbytes > len(buf):
            raise _errors.checkpoint_corrupt(f"storage {key!r} is larger than the file")
        allocated[key] = (np.empty(nbytes, np.uint8), itemsize)
        return allocated[key][0]

    loader = StorageLoader(allocate, map_location)
    with LoadContext() as ctx:
        obj = _legacy.load(buf, lambda pos: _unpickle(buf, pos, loader, weights_only,
                                                      pickle_load_args), allocated)
        ctx.finish()
    return obj
