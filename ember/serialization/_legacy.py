"""PyTorch's legacy (pre-1.6, non-zip) checkpoint format.

A stream of pickles: a magic number, the protocol version (1001), a ``sys_info`` dict, the
object itself (storage persistent ids carry a sixth item, ``view_metadata``), then the list of
storage keys; after those, for each key in that order, the storage's element count (int64,
little-endian) followed by its raw bytes.  The element size of each storage is only known from
the object's pickle, so the storages are allocated while it is read and filled afterwards.
"""
import io
import pickle
import pickletools
import struct

import numpy as np

from .. import _errors
from ._unpickler import WeightsUnpickler

MAGIC_NUMBER = 0x1950a86a20f9469cfc6c
PROTOCOL_VERSION = 1001
_SYS_INFO = {"protocol_version": PROTOCOL_VERSION, "little_endian": True,
             "type_sizes": {"short": 2, "int": 4, "long": 4}}


def _no_pid(pid):
    raise _errors.pickle_malformed("persistent_id")


def _plain(buf, pos):
    """Unpickle a header pickle (no globals beyond the allow-list, no storages)."""
    u = WeightsUnpickler(buf, _no_pid, pos)
    return u.load(), u.pos


def _pickle_end(buf, pos):
    """Where the pickle starting at ``pos`` ends (scans opcodes, executes nothing)."""
    f = io.BytesIO(buf)
    f.seek(pos)
    try:
        for _op, _arg, _at in pickletools.genops(f):
            pass
    except Exception as e:  # noqa: BLE001 - any scan failure means a malformed file
        raise _errors.checkpoint_corrupt(f"malformed pickle ({e})") from None
    return f.tell()


def load(buf, unpickle_object, allocated):
    """Load a legacy checkpoint held in ``buf``.  ``unpickle_object(pos)`` unpickles the object
    at ``pos`` with the caller's storage loader, which records each storage it allocates in the
    dict ``allocated`` (key -> (flat uint8 array to fill, element size))."""
    magic, pos = _plain(buf, 0)
    if magic != MAGIC_NUMBER:
        raise _errors.checkpoint_corrupt("invalid magic number; corrupt file?")
    version, pos = _plain(buf, pos)
    if version != PROTOCOL_VERSION:
        raise _errors.checkpoint_corrupt(f"Invalid protocol version: {version!r}")
    sys_info, pos = _plain(buf, pos)
    if not isinstance(sys_info, dict) or not sys_info.get("little_endian", True):
        raise _errors.unsupported("loading big-endian legacy checkpoints")
    end = _pickle_end(buf, pos)
    obj = unpickle_object(pos)
    keys, pos = _plain(buf, end)
    if not isinstance(keys, list):
        raise _errors.checkpoint_corrupt("bad storage key list")
    view = memoryview(buf).cast("B")
    for key in keys:
        raw, itemsize = allocated.get(key, (None, 0))
        if raw is None or pos + 8 > len(view):
            raise _errors.checkpoint_corrupt(f"storage {key!r} is missing or truncated")
        numel = struct.unpack("<q", view[pos:pos + 8])[0]
        pos += 8
        if numel * itemsize != raw.nbytes or pos + raw.nbytes > len(view):
            raise _errors.checkpoint_corrupt(f"storage {key!r} has a bad size")
        raw[:] = np.frombuffer(view, np.uint8, raw.nbytes, pos)
        pos += raw.nbytes
    return obj


def write(f, pickler_cls, obj, protocol):
    """Write ``obj`` in the legacy format to the binary file ``f``."""
    for header in (MAGIC_NUMBER, PROTOCOL_VERSION, _SYS_INFO):
        pickle.dump(header, f, protocol=protocol)
    p = pickler_cls(f, protocol, legacy=True)
    p.dump(obj)
    pickle.dump([rec.key for rec in p.records], f, protocol=protocol)
    for rec in p.records:
        data = rec.host_bytes()
        f.write(struct.pack("<q", data.nbytes // rec.dtype.itemsize))
        f.write(memoryview(data))
