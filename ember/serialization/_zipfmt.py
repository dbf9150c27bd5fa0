"""PyTorch's zip checkpoint container (``torch.save`` since 1.6).

Every record sits under one top-level folder: ``data.pkl``, ``.format_version``,
``.storage_alignment``, ``byteorder``, ``data/<key>`` (one per storage), ``version`` and
``.data/serialization_id``.  Records are stored uncompressed and each record's data starts on a
64-byte boundary (the local header's extra field is padded, as torch does), which is what lets
``mmap`` map storages in place.
"""
import mmap as _mmap
import os
import re
import struct
import zipfile

import numpy as np

from .. import _errors

ALIGNMENT = 64
_LOCAL_HEADER = 30
_PAD_ID = b"FB"
_KEY = re.compile(r"[A-Za-z0-9_.\-]{1,64}")
_MAX_SMALL_RECORD = 1 << 30   # data.pkl and friends, when a tool recompressed them


def is_zip(f):
    """True when the file object ``f`` (at its start) holds a zip archive; position kept."""
    pos = f.tell()
    magic = f.read(4)
    f.seek(pos)
    return magic == b"PK\x03\x04"


# ---- writing ---------------------------------------------------------------------------------
def _write_record(zf, fp, name, data):
    data = memoryview(data).cast("B")
    info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
    info.compress_type = zipfile.ZIP_STORED
    info.file_size = len(data)
    zip64 = len(data) * 1.05 > zipfile.ZIP64_LIMIT     # zipfile then appends a 20-byte extra
    header = _LOCAL_HEADER + len(name.encode("utf-8")) + 4 + (20 if zip64 else 0)
    pad = -(fp.tell() + header) % ALIGNMENT
    info.extra = _PAD_ID + struct.pack("<H", pad) + b"Z" * pad
    with zf.open(info, "w", force_zip64=zip64) as w:
        w.write(data)


def write_archive(fp, data_pkl, records, archive="archive"):
    """Write the checkpoint to the binary file object ``fp``; ``records`` are
    ``StorageRecord``s (see ``_pickler``)."""
    with zipfile.ZipFile(fp, "w", zipfile.ZIP_STORED) as zf:
        put = lambda name, data: _write_record(zf, fp, f"{archive}/{name}", data)  # noqa: E731
        put("data.pkl", data_pkl)
        put(".format_version", b"1")
        put(".storage_alignment", str(ALIGNMENT).encode())
        put("byteorder", b"little")
        for rec in records:
            put(f"data/{rec.key}", rec.host_bytes())
        put("version", b"3\n")
        put(".data/serialization_id", f"{int.from_bytes(os.urandom(16), 'big'):040d}".encode())


# ---- reading ---------------------------------------------------------------------------------
class ArchiveReader:
    """Reads records of a checkpoint archive from the seekable binary file ``fp``; with
    ``mapped`` (an ``mmap`` of the same file) storages are views of the mapping."""

    def __init__(self, fp, mapped=None):
        self.fp = fp
        self.mapped = mapped
        try:
            self.zf = zipfile.ZipFile(fp)
        except (zipfile.BadZipFile, ValueError, OSError, EOFError) as e:
            raise _errors.checkpoint_corrupt(f"not a readable zip archive ({e})") from None
        names = self.zf.namelist()
        if not names:
            raise _errors.checkpoint_corrupt("empty archive")
        self.prefix = names[0].split("/", 1)[0] + "/"
        for n in names:
            if not n.startswith(self.prefix) or n.startswith("/") or "\\" in n or \
                    ".." in n.split("/"):
                raise _errors.checkpoint_corrupt(f"unexpected record name {n!r}")
        fp.seek(0, os.SEEK_END)
        self.size = fp.tell()

    def _info(self, name):
        try:
            return self.zf.getinfo(self.prefix + name)
        except KeyError:
            raise _errors.checkpoint_corrupt(f"record {name!r} not found") from None

    def has(self, name):
        return self.prefix + name in self.zf.NameToInfo

    def read_small(self, name):
        """A metadata record's bytes (data.pkl, byteorder...)."""
        info = self._info(name)
        if info.file_size > _MAX_SMALL_RECORD:
            raise _errors.checkpoint_corrupt(f"record {name!r} is too large")
        try:
            return self.zf.read(info)
        except (zipfile.BadZipFile, ValueError, OSError, EOFError, NotImplementedError) as e:
            raise _errors.checkpoint_corrupt(f"record {name!r} is unreadable ({e})") from None

    def _data_offset(self, info):
        self.fp.seek(info.header_offset)
        head = self.fp.read(_LOCAL_HEADER)
        if len(head) != _LOCAL_HEADER or head[:4] != b"PK\x03\x04":
            raise _errors.checkpoint_corrupt(f"bad local header for {info.filename!r}")
        n, m = struct.unpack("<HH", head[26:30])
        return info.header_offset + _LOCAL_HEADER + n + m

    def read_storage(self, key, nbytes):
        """Storage ``key`` as a flat uint8 array of exactly ``nbytes`` bytes."""
        if not isinstance(key, str) or not _KEY.fullmatch(key):
            raise _errors.checkpoint_corrupt(f"bad storage key {key!r}")
        info = self._info(f"data/{key}")
        if info.file_size != nbytes:
            raise _errors.checkpoint_corrupt(f"storage {key!r} holds {info.file_size} bytes, "
                                             f"expected {nbytes}")
        if info.compress_type != zipfile.ZIP_STORED:
            raise _errors.checkpoint_corrupt(f"storage {key!r} is compressed")
        start = self._data_offset(info)
        if start + nbytes > self.size:
            raise _errors.checkpoint_corrupt(f"storage {key!r} runs past the end of the file")
        if self.mapped is not None and nbytes:
            return np.frombuffer(self.mapped, np.uint8, nbytes, start)
        out = np.empty(nbytes, np.uint8)
        self.fp.seek(start)
        if self.fp.readinto(memoryview(out)) != nbytes:
            raise _errors.checkpoint_corrupt(f"storage {key!r} is truncated")
        return out


def map_file(fp):
    """A private (copy-on-write) mapping of the whole file, as ``torch.load(mmap=True)``."""
    return _mmap.mmap(fp.fileno(), 0, access=_mmap.ACCESS_COPY)
