"""The safetensors format (``safetensors.torch``'s API on Ember tensors).

A file is an 8-byte little-endian header length, a JSON header mapping each tensor name to
``{"dtype", "shape", "data_offsets": [begin, end]}`` (offsets into the data that follows;
optional string metadata under ``"__metadata__"``), then the raw little-endian tensor bytes.
Loading from a file maps it (copy-on-write), so tensors are zero-copy views of the mapping.
"""
import json
import mmap
import os
import struct

import numpy as np

from . import _dtype as D
from . import _errors
from ._device import cpu, resolve
from ._tensor import Tensor, _make
from .serialization._files import open_write

__all__ = ["save_file", "load_file", "save", "load", "safe_open"]

_CODES = {D.bool_: "BOOL", D.uint8: "U8", D.int8: "I8", D.int16: "I16", D.int32: "I32",
          D.int64: "I64", D.float16: "F16", D.bfloat16: "BF16", D.float32: "F32",
          D.float64: "F64", D.complex64: "C64", D.uint16: "U16", D.uint32: "U32", D.uint64: "U64",
          D.float8_e4m3fn: "F8_E4M3", D.float8_e5m2: "F8_E5M2",
          D.float8_e4m3fnuz: "F8_E4M3FNUZ", D.float8_e5m2fnuz: "F8_E5M2FNUZ"}
_DTYPES = {code: d for d, code in _CODES.items()}
_MAX_HEADER = 100_000_000


# ---- writing ---------------------------------------------------------------------------------
def _host_bytes(t):
    host = np.ascontiguousarray(t._device._backend.to_host(t._data))
    return host.reshape(-1).view(np.uint8)


def _serialize(tensors, metadata):
    """(header bytes, list of data chunks) for a dict of tensors."""
    if not isinstance(tensors, dict):
        raise _errors.safetensors_not_dict(tensors)
    header, chunks, offset = {}, [], 0
    if metadata is not None:
        for item in metadata.items():
            bad = next((x for x in item if not isinstance(x, str)), None)
            if bad is not None:
                raise _errors.safetensors_metadata(bad)
        header["__metadata__"] = dict(metadata)
    for name, t in tensors.items():
        if not isinstance(t, Tensor):
            raise _errors.safetensors_not_tensor(name, t)
    # Larger elements first, then by name, so every tensor's data is naturally aligned.
    for name, t in sorted(tensors.items(), key=lambda kv: (-kv[1]._dtype.itemsize, kv[0])):
        if t._dtype not in _CODES:
            raise _errors.safetensors_dtype(t._dtype)
        data = _host_bytes(t)
        header[name] = {"dtype": _CODES[t._dtype], "shape": list(t._data.shape),
                        "data_offsets": [offset, offset + data.nbytes]}
        chunks.append(data)
        offset += data.nbytes
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * (-len(text) % 8)
    return struct.pack("<Q", len(text)) + text, chunks


def save_file(tensors, filename, metadata=None):
    """Write ``tensors`` (a dict name -> tensor) to ``filename`` atomically."""
    head, chunks = _serialize(tensors, metadata)
    with open_write(filename) as f:
        f.write(head)
        for c in chunks:
            f.write(memoryview(c))


def save(tensors, metadata=None):
    """The safetensors bytes for ``tensors``."""
    head, chunks = _serialize(tensors, metadata)
    return head + b"".join(c.tobytes() for c in chunks)


# ---- reading ---------------------------------------------------------------------------------
def _parse_header(buf):
    """(header dict without metadata, metadata or None, start of the data section)."""
    if len(buf) < 8:
        raise _errors.safetensors_invalid("small")
    n = struct.unpack("<Q", buf[:8])[0]
    if n > _MAX_HEADER or 8 + n > len(buf):
        raise _errors.safetensors_invalid("length")
    try:
        header = json.loads(bytes(buf[8:8 + n]))
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise _errors.safetensors_invalid("json", e) from None
    if not isinstance(header, dict):
        raise _errors.safetensors_invalid("object")
    metadata = header.pop("__metadata__", None)
    size = len(buf) - 8 - n
    for name, info in header.items():
        _check_entry(name, info, size)
    return header, metadata, 8 + n


def _check_entry(name, info, size):
    ok = isinstance(info, dict) and info.get("dtype") in _DTYPES
    shape, offsets = (info.get("shape"), info.get("data_offsets")) if ok else (None, None)
    ok = ok and isinstance(shape, list) and all(type(s) is int and s >= 0 for s in shape)
    ok = ok and isinstance(offsets, list) and len(offsets) == 2 and \
        all(type(o) is int for o in offsets) and 0 <= offsets[0] <= offsets[1] <= size
    if ok:
        numel = int(np.prod(shape, dtype=object)) if shape else 1
        ok = numel * _DTYPES[info["dtype"]].itemsize == offsets[1] - offsets[0]
    if not ok:
        raise _errors.safetensors_invalid("entry", name)


def _tensor(buf, start, info, device):
    dtype = _DTYPES[info["dtype"]]
    begin, end = info["data_offsets"]
    arr = np.frombuffer(buf, dtype.np, (end - begin) // dtype.itemsize, start + begin)
    t = _make(arr.reshape(info["shape"]), dtype, cpu)
    dev = resolve(device)
    return t if dev is cpu else t.to(dev)


class safe_open:
    """``with safe_open(path, framework="pt") as f: f.keys(), f.get_tensor(name)``."""

    def __init__(self, filename, framework="pt", device="cpu"):
        self._device = device
        with open(filename, "rb") as fp:
            size = os.fstat(fp.fileno()).st_size
            self._buf = mmap.mmap(fp.fileno(), 0, access=mmap.ACCESS_COPY) if size else b""
        self._header, self._metadata, self._start = _parse_header(self._buf)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def keys(self):
        return sorted(self._header)

    def offset_keys(self):
        return sorted(self._header, key=lambda k: self._header[k]["data_offsets"][0])

    def metadata(self):
        return self._metadata

    def get_tensor(self, name):
        return _tensor(self._buf, self._start, self._header[name], self._device)


def load_file(filename, device="cpu"):
    """All tensors of a safetensors file (zero-copy views of a private mapping on the CPU)."""
    with safe_open(filename, device=device) as f:
        return {k: f.get_tensor(k) for k in f.offset_keys()}


def load(data):
    """The tensors in safetensors ``data`` (bytes); they own a writable copy of it."""
    buf = bytearray(data)
    header, _meta, start = _parse_header(memoryview(buf))
    return {k: _tensor(buf, start, header[k], "cpu")
            for k in sorted(header, key=lambda k: header[k]["data_offsets"][0])}
