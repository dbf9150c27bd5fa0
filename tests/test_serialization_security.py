"""``ember.load(weights_only=True)`` refuses malicious or malformed checkpoints: an exception,
and no side effect."""
import collections
import io
import os
import pickle
import struct
import subprocess
import zipfile

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

import ember
from ember.serialization import _zipfmt


@pytest.fixture
def marker(tmp_path):
    """A file that any successful payload would create."""
    path = tmp_path / "pwned"
    yield path
    assert not path.exists(), "a payload ran"


def _zip(data_pkl, records=None, names=None, compress=zipfile.ZIP_STORED):
    """A checkpoint archive with the given data.pkl and storage records."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("archive/data.pkl", data_pkl)
        zf.writestr("archive/byteorder", "little")
        for key, data in (records or {}).items():
            zf.writestr(zipfile.ZipInfo(f"archive/data/{key}"), data, compress_type=compress)
        for name in names or ():
            zf.writestr(name, b"x")
        zf.writestr("archive/version", "3\n")
    buf.seek(0)
    return buf


def _valid_checkpoint():
    base = ember.arange(12.).reshape(3, 4)
    sd = collections.OrderedDict(w=ember.nn.Parameter(base), v=base[1:, ::2],
                                 i=ember.tensor([1, 2], dtype=ember.int16), n=[1, "a", None])
    sd._metadata = {"": {"version": 1}}
    buf = io.BytesIO()
    ember.save(sd, buf)
    return buf.getvalue()


class _Payload:
    def __init__(self, func, *args):
        self.func, self.args = func, args

    def __reduce__(self):
        return (self.func, self.args)


def _payloads(cmd):
    import builtins
    return [
        _Payload(os.system, cmd),
        _Payload(subprocess.call, cmd, True),
        _Payload(subprocess.Popen, cmd),
        _Payload(builtins.eval, f"__import__('os').system({cmd!r})"),
        _Payload(builtins.exec, f"import os; os.system({cmd!r})"),
        _Payload(builtins.getattr, [], "append"),
        _Payload(builtins.__import__, "os"),
    ]


@pytest.mark.parametrize("legacy", [False, True])
def test_reduce_payloads_refused(marker, legacy):
    for payload in _payloads(f"touch {marker}"):
        for obj in (payload, {"w": ember.ones(2), "evil": payload},
                    collections.OrderedDict(a=[payload])):
            buf = io.BytesIO()
            ember.save(obj, buf, _use_new_zipfile_serialization=not legacy)
            buf.seek(0)
            with pytest.raises(pickle.UnpicklingError,
                               match=r"add_safe_globals|whose module \w+ is blocked"):
                ember.load(buf)


def test_torch_written_payload_refused(marker, torch):
    buf = io.BytesIO()
    torch.save({"x": torch.ones(2), "evil": _Payload(os.system, f"touch {marker}")}, buf)
    with pytest.raises(pickle.UnpicklingError) as expected:
        torch.load(io.BytesIO(buf.getvalue()))
    with pytest.raises(pickle.UnpicklingError) as got:
        ember.load(io.BytesIO(buf.getvalue()))
    assert str(got.value) == str(expected.value)    # os is a blocked module


def _raw_pickle(*chunks):
    return b"\x80\x02" + b"".join(chunks) + b"."


def _global(module, name):
    return b"c" + f"{module}\n{name}\n".encode()


_OD = _global("collections", "OrderedDict") + b")R"


@pytest.mark.parametrize("body", [
    # BUILD that would set __class__ / dunder state on an allowed object
    _OD + b"}X\x09\x00\x00\x00__class__" + _global("collections", "OrderedDict") + b"sb",
    # BUILD on an object that is not a container, tensor or allow-listed class
    _global("builtins", "complex") + b"K\x01\x85R}b",
    # calling an object that did not come from the allow-list
    _OD + b")R",
    # NEWOBJ on a class that is not allow-listed
    _global("collections", "OrderedDict") + _global("builtins", "set") + b")\x81",
    # STACK_GLOBAL to a forbidden name
    b"X\x05\x00\x00\x00posixX\x06\x00\x00\x00system\x93",
    # APPEND / SETITEM on things that are not lists / dicts
    _global("builtins", "set") + b"]\x85RK\x01a",
    _global("builtins", "frozenset") + b")RK\x01K\x02s",
    # codecs other than plain byte encodings
    _global("_codecs", "encode") + b"X\x01\x00\x00\x00aX\x04\x00\x00\x00zlib\x86R",
    # persistent ids that are not storages, or malformed storages
    b"X\x06\x00\x00\x00moduleQ",
    b"(X\x07\x00\x00\x00storage" + _global("torch", "FloatStorage") +
    b"X\x10\x00\x00\x00../../etc/passwdX\x03\x00\x00\x00cpuK\x01tQ",
    b"(X\x07\x00\x00\x00storageX\x05\x00\x00\x00FloatX\x01\x00\x00\x000"
    b"X\x03\x00\x00\x00cpuK\x01tQ",
    b"(X\x07\x00\x00\x00storage" + _global("torch", "FloatStorage") +
    b"X\x01\x00\x00\x009X\x03\x00\x00\x00cpuK\x01tQ",
    # type names that must not be called; sizes that are not tuples of ints
    _global("torch", "Tensor") + b"J\x00\x00\x00\x7f\x85R",
    _global("torch", "Size") + b"(" + _global("builtins", "set") + b"]\x85RtR",
    # memo / stack abuse and truncation
    b"h\x05", b"0", b"t", b"X\xff\xff\xff\x7fabc", b"\x8b\xff\xff\xff\x7f",
])
def test_malformed_pickles_refused(body):
    with pytest.raises((pickle.UnpicklingError, RuntimeError)):
        ember.load(_zip(_raw_pickle(body)))


@pytest.mark.parametrize("body", [
    b"\xff",                                           # an opcode the loader does not run
    _global("subprocess", "call"),                     # a global that is not allow-listed
    _global("builtins", "eval"),                       # (printed without "builtins.")
    _global("posix", "system"),                        # a blocked module
    b"]" + b")R",                                      # calling an object not from the allow-list
    b"]}b",                                            # BUILD on a list
    b"})\x81",                                         # NEWOBJ of something that is not a class
    b"}K\x01a", b"}(K\x01e",                           # APPEND / APPENDS on a dict
    b"](K\x01K\x02u",                                  # SETITEMS on a list
])
def test_weights_only_messages_match_torch(torch, body):
    """torch's messages, except that ``add_safe_globals`` is named in ember.serialization."""
    with pytest.raises(pickle.UnpicklingError) as expected:
        torch.load(_zip(_raw_pickle(body)))
    with pytest.raises(pickle.UnpicklingError) as got:
        ember.load(_zip(_raw_pickle(body)))
    assert str(got.value) == str(expected.value).replace("`torch.serialization.",
                                                         "`ember.serialization.")


def _storage_pickle(numel, size, stride, offset=0):
    pid = (b"(X\x07\x00\x00\x00storage" + _global("torch", "FloatStorage") +
           b"X\x01\x00\x00\x000X\x03\x00\x00\x00cpuJ" + struct.pack("<i", numel) + b"tQ")
    tup = lambda v: b"(" + b"".join(b"J" + struct.pack("<i", x) for x in v) + b"t"  # noqa
    return _raw_pickle(_global("torch._utils", "_rebuild_tensor_v2") + b"(" + pid +
                       b"J" + struct.pack("<i", offset) + tup(size) + tup(stride) +
                       b"\x89" + _OD + b"tR")


def test_storage_records_checked():
    good = _storage_pickle(4, (4,), (1,))
    assert ember.load(_zip(good, {"0": b"\0" * 16})).tolist() == [0.] * 4
    bad = [
        (good, {"0": b"\0" * 12}),                               # truncated record
        (good, {"0": b"\0" * 64}),                               # oversized record
        (good, {}),                                              # missing record
        (_storage_pickle(1 << 30, (4,), (1,)), {"0": b"\0" * 16}),   # numel lies
        (_storage_pickle(4, (5,), (1,)), {"0": b"\0" * 16}),     # view past the end
        (_storage_pickle(4, (2,), (4,)), {"0": b"\0" * 16}),
        (_storage_pickle(4, (2,), (1,), offset=3), {"0": b"\0" * 16}),
        (_storage_pickle(4, (2,), (1,), offset=-1), {"0": b"\0" * 16}),
    ]
    for pkl, records in bad:
        with pytest.raises((RuntimeError, pickle.UnpicklingError)):
            ember.load(_zip(pkl, records))


def test_zip_path_traversal_refused():
    good = _storage_pickle(1, (1,), (1,))
    for name in ("archive/../../evil", "/etc/evil", "other/file", "archive\\..\\x"):
        with pytest.raises(RuntimeError, match="record name"):
            ember.load(_zip(good, {"0": b"\0" * 4}, names=[name]))


def test_zip_bombs_refused(monkeypatch):
    good = _storage_pickle(4, (4,), (1,))
    with pytest.raises(RuntimeError, match="compressed"):
        ember.load(_zip(good, {"0": b"\0" * 16}, compress=zipfile.ZIP_DEFLATED))
    # a compressed data.pkl claiming to be huge is refused before it is inflated
    monkeypatch.setattr(_zipfmt, "_MAX_SMALL_RECORD", 1 << 10)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("archive/data.pkl", b"\0" * (1 << 20))
    buf.seek(0)
    with pytest.raises(RuntimeError, match="too large"):
        ember.load(buf)


def test_not_a_checkpoint():
    for data in (b"", b"garbage", b"PK\x03\x04broken", pickle.dumps([1, 2])):
        with pytest.raises((RuntimeError, pickle.UnpicklingError)):
            ember.load(io.BytesIO(data))


# ---- fuzzing -----------------------------------------------------------------------------------
VALID = _valid_checkpoint()
_fuzz = settings(max_examples=150, deadline=None, derandomize=True,
                 suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])


def _load_never_crashes(data):
    try:
        ember.load(io.BytesIO(data))
    except Exception:       # noqa: BLE001 - refusing is fine; crashing or escaping is not
        pass


@_fuzz
@given(st.lists(st.tuples(st.integers(0, len(VALID) - 1), st.integers(0, 255)), max_size=8),
       st.one_of(st.none(), st.integers(0, len(VALID))))
def test_fuzz_checkpoint_bytes(edits, cut):
    data = bytearray(VALID)
    for pos, value in edits:
        data[pos] = value
    _load_never_crashes(bytes(data[:cut]))


def _records(raw):
    zf = zipfile.ZipFile(io.BytesIO(raw))
    return {n.split("/", 1)[1]: zf.read(n) for n in zf.namelist()}


RECORDS = _records(VALID)


@_fuzz
@given(st.lists(st.tuples(st.integers(0, len(RECORDS["data.pkl"]) - 1), st.integers(0, 255)),
                min_size=1, max_size=6),
       st.one_of(st.none(), st.integers(0, len(RECORDS["data.pkl"]))))
def test_fuzz_data_pkl(edits, cut):
    pkl = bytearray(RECORDS["data.pkl"])
    for pos, value in edits:
        pkl[pos] = value
    storages = {k[5:]: v for k, v in RECORDS.items() if k.startswith("data/")}
    _load_never_crashes(_zip(bytes(pkl[:cut]), storages).getvalue())
