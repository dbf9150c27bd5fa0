"""PyTorch's zip checkpoint container (``torch.save`` since 1.6).

Every record sits under one top-level folder: ``data.pkl``, ``.format_version``,
``.storage_alignment``, ``byteorder``, ``data/<key>`` (one per storage), ``version`` and
``.data/serialization_id``.  Records are stored uncompressed and each record's data starts on a
64-byte boundary (the local header's extra field is padded, as torch does), which is what lets
``mmap`` map storages in place.

Every record's CRC-32 (zip's own checksum, in the central directory) is checked as the record
is read, so a flipped bit in tensor data is an error instead of a wrong value.
"""
import mmap as _mmap
import os
import queue
import re
import struct
import threading
import zipfile
import zlib

import numpy as np

from .. import _errors

ALIGNMENT = 64
_LOCAL_HEADER = 30
_PAD_ID = b"FB"
_KEY = re.compile(r"[A-Za-z0-9_.\-]{1,64}")
_MAX_SMALL_RECORD = 1 << 30   # data.pkl and friends, when a tool recompressed them
_CHUNK = 1 << 22              # storages are read (and checksummed) in chunks of this size
_crc32 = []
# what zipfile raises on a damaged archive
ZIP_ERRORS = (zipfile.BadZipFile, ValueError, OSError, EOFError, OverflowError,
              NotImplementedError, zlib.error)


def crc32(data, value=0):
    """zip's CRC-32 of ``data``: zlib-ng's (``pip install 'ember[fast-crc]'``, about 6x faster)
    when installed, else the standard library's.  Both release the GIL on large buffers."""
    if not _crc32:
        try:
            from zlib_ng.zlib_ng import crc32 as fast
        except ImportError:
            fast = zlib.crc32
        _crc32.append(fast)
    return _crc32[0](data, value)


def read_checked(fp, out):
    """Fill the byte buffer ``out`` from ``fp``; returns ``(bytes read, their CRC-32)``.

    Large reads are pipelined: a helper thread checksums chunk *k* while chunk *k+1* is read,
    so on a machine with a spare core the check costs almost nothing."""
    mv = memoryview(out).cast("B")
    if len(mv) <= _CHUNK:
        got = fp.readinto(mv) or 0
        return got, crc32(mv[:got])
    chunks, result = queue.SimpleQueue(), []

    def checksum():
        value = 0
        for part in iter(chunks.get, None):
            value = crc32(part, value)
        result.append(value)

    worker = threading.Thread(target=checksum, name="ember-crc32", daemon=True)
    worker.start()
    got = 0
    try:
        while got < len(mv):
            k = fp.readinto(mv[got:got + _CHUNK])
            if not k:
                break
            chunks.put(mv[got:got + k])
            got += k
    finally:
        chunks.put(None)
        worker.join()
    return got, result[0]


def is_zip(f):
    """True when the file object ``f`` (at its start) holds a zip archive; position kept."""
    pos = f.tell()
    magic = f.read(4)
    f.seek(pos)
    return magic == b"PK\x03\x04"


# ---- writing ---------------------------------------------------------------------------------
def _write_record(zf, name, data):
    data = memoryview(data).cast("B")
    info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
    info.compress_type = zipfile.ZIP_STORED
    info.file_size = len(data)
    zip64 = len(data) * 1.05 > zipfile.ZIP64_LIMIT     # zipfile then appends a 20-byte extra
    header = _LOCAL_HEADER + len(name.encode("utf-8")) + 4 + (20 if zip64 else 0)
    pad = -(zf.fp.tell() + header) % ALIGNMENT    # zf.fp counts bytes on unseekable streams
    info.extra = _PAD_ID + struct.pack("<H", pad) + b"Z" * pad
    with zf.open(info, "w", force_zip64=zip64) as w:
        w.write(data)


def write_archive(fp, data_pkl, records, archive="archive"):
    """Write the checkpoint to the binary file object ``fp``; ``records`` are
    ``StorageRecord``s (see ``_pickler``)."""
    with zipfile.ZipFile(fp, "w", zipfile.ZIP_STORED) as zf:
        put = lambda name, data: _write_record(zf, f"{archive}/{name}", data)  # noqa: E731
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
    ``mapped`` (an ``mmap`` of the same file) storages are views of the mapping.

    With ``verify`` each storage's CRC-32 is checked as it is read; a mismatch does not raise
    at once but is kept in ``corrupt`` (storage key -> (record, stored CRC, computed CRC)), so
    that the caller can name the tensors built on it once the pickle is read (see ``_load``).
    """

    def __init__(self, fp, mapped=None, verify=True):
        self.fp = fp
        self.mapped = mapped
        self.verify = verify
        self.corrupt = {}
        try:
            self.zf = zipfile.ZipFile(fp)
        except ZIP_ERRORS as e:
            raise _errors.checkpoint_corrupt(f"not a readable zip archive ({e})") from None
        names = self.zf.namelist()
        if not names:
            raise _errors.checkpoint_corrupt("empty archive")
        self.prefix = names[0].split("/", 1)[0] + "/"
        for n in names:
            if not n.startswith(self.prefix) or n.startswith("/") or "\\" in n or \
                    ".." in n.split("/"):
                raise _errors.checkpoint_corrupt(f"unexpected record name {n!r}")
        if len(set(names)) != len(names):
            raise _errors.checkpoint_corrupt("duplicate record names")
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
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise _errors.checkpoint_corrupt(f"record {name!r} uses compression method "
                                             f"{info.compress_type}")
        try:
            return self.zf.read(info)
        except ZIP_ERRORS as e:
            raise _errors.checkpoint_corrupt(f"record {name!r} is unreadable ({e})") from None

    def _data_offset(self, info):
        if info.header_offset + _LOCAL_HEADER > self.size:
            raise _errors.checkpoint_corrupt(f"record {info.filename!r} lies past the end")
        self.fp.seek(info.header_offset)
        head = self.fp.read(_LOCAL_HEADER)
        if len(head) != _LOCAL_HEADER or head[:4] != b"PK\x03\x04":
            raise _errors.checkpoint_corrupt(f"bad local header for {info.filename!r}")
        n, m = struct.unpack("<HH", head[26:30])
        if self.fp.read(n) != info.orig_filename.encode("utf-8"):
            raise _errors.checkpoint_corrupt(f"local header of {info.filename!r} names another "
                                             f"record")
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
            out = np.frombuffer(self.mapped, np.uint8, nbytes, start)
            if self.verify:
                self._check(info, crc32(out))
            return out
        out = np.empty(nbytes, np.uint8)
        self.fp.seek(start)
        got, crc = read_checked(self.fp, out)
        if got != nbytes:
            raise _errors.checkpoint_corrupt(f"storage {key!r} is truncated")
        if self.verify:
            self._check(info, crc)
        return out

    def _check(self, info, crc):
        if crc != info.CRC:
            key = info.filename[len(self.prefix) + len("data/"):]
            self.corrupt[key] = (info.filename, info.CRC, crc)

    def check_all(self):
        """``{record name: what is wrong}`` for every record that fails its CRC-32 check or
        cannot be read (streamed in chunks: the whole file is never in memory)."""
        bad = {}
        for info in self.zf.infolist():
            try:
                crc = self._record_crc(info)
            except (RuntimeError,) + ZIP_ERRORS as e:
                bad[info.filename] = str(e)
                continue
            if crc != info.CRC:
                bad[info.filename] = _errors.crc_mismatch_text(info.CRC, crc)
        return bad

    def _record_crc(self, info):
        if info.compress_type != zipfile.ZIP_STORED:
            self.zf.read(info)          # zipfile checks compressed records itself
            return info.CRC
        self.fp.seek(self._data_offset(info))
        buf = memoryview(bytearray(min(info.file_size, _CHUNK)))
        crc, left = 0, info.file_size
        while left:
            got = self.fp.readinto(buf[:min(left, _CHUNK)])
            if not got:
                raise _errors.checkpoint_corrupt(f"record {info.filename!r} is truncated")
            crc, left = crc32(buf[:got], crc), left - got
        return crc


def map_file(fp):
    """A private (copy-on-write) mapping of the whole file, as ``torch.load(mmap=True)``."""
    return _mmap.mmap(fp.fileno(), 0, access=_mmap.ACCESS_COPY)
