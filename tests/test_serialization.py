"""ember.save / ember.load against torch.save / torch.load (PyTorch's checkpoint formats),
plus ember.hub's checkpoint cache."""
import collections
import io
import struct
import json
import os
import pathlib
import pickle
import signal
import subprocess
import sys
import textwrap
import time

import numpy as np
import pytest

import ember
from ember import serialization

FIXTURES = pathlib.Path(__file__).resolve().parents[2] / "shared" / "fixtures"
DTYPES = ["float16", "bfloat16", "float32", "float64", "complex64", "complex128", "bool",
          "uint8", "int8", "int16", "int32", "int64"]


def _values(name, shape=(2, 3)):
    rng = np.random.default_rng(abs(hash(name)) % 1000)
    if name == "bool":
        return rng.random(shape) > 0.5
    if name.startswith("complex"):
        return (rng.standard_normal(shape) + 1j * rng.standard_normal(shape))
    if name.startswith(("int", "uint")):
        return rng.integers(-100 if name[0] == "i" else 0, 100, shape)
    return rng.standard_normal(shape)


def _ember(name, shape=(2, 3)):
    return ember.tensor(_values(name, shape)).to(getattr(ember, name))


def _torch_np(t):
    import torch
    return (t.float() if t.dtype == torch.bfloat16 else t).detach().numpy()


def _ember_np(t):
    return (t.float() if t.dtype is ember.bfloat16 else t).detach().numpy()


def _roundtrip_to_torch(obj, **kw):
    import torch
    buf = io.BytesIO()
    ember.save(obj, buf)
    buf.seek(0)
    return torch.load(buf, weights_only=True, **kw)


def _roundtrip_from_torch(obj, **kw):
    import torch
    buf = io.BytesIO()
    torch.save(obj, buf)
    buf.seek(0)
    return ember.load(buf, **kw)


def _same_storage_torch(a, b):
    return a.untyped_storage().data_ptr() == b.untyped_storage().data_ptr()


def _same_storage_ember(a, b):
    return a.untyped_storage() == b.untyped_storage()


# ---- dtypes, both directions ------------------------------------------------------------------
@pytest.mark.parametrize("name", DTYPES)
def test_dtype_ember_to_torch(torch, name):
    t = _ember(name)
    r = _roundtrip_to_torch({"t": t, "zero_d": t[0, 0], "empty": t[:0]})
    assert r["t"].dtype == getattr(torch, name)
    np.testing.assert_array_equal(_torch_np(r["t"]), _ember_np(t))
    assert r["zero_d"].shape == () and r["empty"].shape == (0, 3)
    np.testing.assert_array_equal(_torch_np(r["zero_d"]), _ember_np(t[0, 0]))


@pytest.mark.parametrize("name", DTYPES)
def test_dtype_torch_to_ember(torch, name):
    t = torch.from_numpy(np.asarray(_values(name))).to(getattr(torch, name))
    r = _roundtrip_from_torch({"t": t, "zero_d": t[1, 2], "empty": t[:, :0]})
    assert r["t"].dtype is getattr(ember, name)
    np.testing.assert_array_equal(_ember_np(r["t"]), _torch_np(t))
    assert r["zero_d"].shape == () and r["empty"].shape == (2, 0)
    assert r["zero_d"].storage_offset() == 5
    np.testing.assert_array_equal(_ember_np(r["zero_d"]), _torch_np(t[1, 2]))


# ---- views keep sharing one storage -----------------------------------------------------------
def _views(mod, base):
    return [base, base[1], base[:, 1], base.t(), base[1:, 2:], base.view(-1)[3:7], base[::2]]


def test_views_ember_to_torch(torch):
    base = ember.arange(12.).reshape(3, 4)
    views = _views(ember, base)
    r = _roundtrip_to_torch(views)
    for e, t in zip(views, r):
        np.testing.assert_array_equal(t.numpy(), e.numpy())
        assert t.stride() == e.stride() and t.storage_offset() == e.storage_offset()
        assert _same_storage_torch(t, r[0])
    r[0][0, 0] = 100.
    assert r[3][0, 0].item() == 100.


def test_views_torch_to_ember(torch):
    base = torch.arange(12.).reshape(3, 4)
    views = _views(torch, base)
    r = _roundtrip_from_torch(views)
    for e, t in zip(r, views):
        np.testing.assert_array_equal(e.numpy(), t.numpy())
        assert e.stride() == t.stride() and e.storage_offset() == t.storage_offset()
        assert _same_storage_ember(e, r[0])
    r[0][2, 3] = -1.
    assert r[3][3, 2].item() == -1.
    # and the reloaded views save back as one storage
    again = _roundtrip_to_torch(r)
    assert all(_same_storage_torch(t, again[0]) for t in again)


def test_separate_tensors_stay_separate(torch):
    a, b = ember.ones(3), ember.ones(3)
    r = _roundtrip_to_torch([a, b, a])
    assert not _same_storage_torch(r[0], r[1])
    assert r[2] is r[0]


def test_storage_dtype_conflict_message(torch):
    x = torch.ones(4)
    with pytest.raises(RuntimeError) as te:
        torch.save([x, x.view(torch.int32)], io.BytesIO())
    e = ember.ones(4)
    with pytest.raises(RuntimeError) as ee:
        ember.save([e, e.view(ember.int32)], io.BytesIO())
    assert str(ee.value) == str(te.value)


# ---- parameters, state dicts, containers ------------------------------------------------------
def test_state_dict_to_torch_module(torch):
    ember.manual_seed(0)
    lin = ember.nn.Linear(4, 3)
    sd = lin.state_dict()
    r = _roundtrip_to_torch(sd)
    assert isinstance(r, collections.OrderedDict) and list(r) == ["weight", "bias"]
    assert r._metadata == sd._metadata
    tlin = torch.nn.Linear(4, 3)
    tlin.load_state_dict(r)
    x = np.random.default_rng(0).standard_normal((2, 4)).astype(np.float32)
    np.testing.assert_allclose(tlin(torch.from_numpy(x)).detach().numpy(),
                               lin(ember.tensor(x)).detach().numpy(), rtol=1e-6)


def test_torch_state_dict_to_ember_module(torch):
    tnet = torch.nn.Sequential(torch.nn.Conv2d(3, 4, 3), torch.nn.BatchNorm2d(4))
    r = _roundtrip_from_torch(tnet.state_dict())
    assert r._metadata == tnet.state_dict()._metadata
    assert r["1.num_batches_tracked"].dtype is ember.int64
    enet = ember.nn.Sequential(ember.nn.Conv2d(3, 4, 3), ember.nn.BatchNorm2d(4))
    enet.load_state_dict(r)
    for k, v in tnet.state_dict().items():
        np.testing.assert_array_equal(enet.state_dict()[k].numpy(), v.numpy())


def test_parameters_both_ways(torch):
    p = ember.nn.Parameter(ember.ones(2, 2))
    frozen = ember.nn.Parameter(ember.zeros(3), requires_grad=False)
    r = _roundtrip_to_torch({"p": p, "frozen": frozen, "again": p})
    assert type(r["p"]) is torch.nn.Parameter and r["p"].requires_grad
    assert type(r["frozen"]) is torch.nn.Parameter and not r["frozen"].requires_grad
    assert r["again"] is r["p"]
    back = _roundtrip_from_torch(r)
    assert isinstance(back["p"], ember.nn.Parameter) and back["p"].requires_grad
    assert not back["frozen"].requires_grad and back["again"] is back["p"]


def test_requires_grad_and_nested_containers(torch):
    x = ember.ones(2, requires_grad=True)
    obj = {"list": [x, (x * 2).detach(), 3], "tuple": (1.5, "s", None, True),
           "nested": {"deep": [{"x": x}]}, "set": {1, 2}, "bytes": b"\x00\xff",
           "complex": 1 + 2j, "size": ember.Size([2, 3]), "dtype": ember.bfloat16,
           "device": ember.device("cpu"), "big": 2 ** 80}
    r = _roundtrip_to_torch(obj)
    assert r["list"][0].requires_grad and r["nested"]["deep"][0]["x"] is r["list"][0]
    assert r["tuple"] == (1.5, "s", None, True) and r["set"] == {1, 2}
    assert r["bytes"] == b"\x00\xff" and r["complex"] == 1 + 2j and r["big"] == 2 ** 80
    assert r["size"] == torch.Size([2, 3]) and isinstance(r["size"], torch.Size)
    assert r["dtype"] is torch.bfloat16 and r["device"] == torch.device("cpu")
    back = _roundtrip_from_torch(r)
    assert back["size"] == (2, 3) and type(back["size"]) is ember.Size
    assert back["dtype"] is ember.bfloat16 and back["device"] == ember.device("cpu")
    assert back["list"][0].requires_grad and back["set"] == {1, 2}


def test_torch_tensors_with_python_attributes(torch):
    x = torch.ones(2)
    x.note = "kept"
    p = torch.nn.Parameter(torch.zeros(1))
    p.tag = 3
    r = _roundtrip_from_torch([x, p])
    assert r[0].note == "kept" and type(r[0]) is ember.Tensor
    assert r[1].tag == 3 and isinstance(r[1], ember.nn.Parameter)


# ---- files, mmap, legacy format ---------------------------------------------------------------
def test_paths_and_file_objects(tmp_path, torch):
    t = ember.arange(5)
    ember.save(t, tmp_path / "p.pt")
    ember.save(t, str(tmp_path / "s.pt"))
    with open(tmp_path / "f.pt", "wb") as f:
        ember.save(t, f, _use_new_zipfile_serialization=True)
    for name in ("p.pt", "s.pt", "f.pt"):
        assert torch.load(tmp_path / name).tolist() == list(range(5))
        assert ember.load(tmp_path / name).tolist() == list(range(5))
    with open(tmp_path / "f.pt", "rb") as f:
        assert ember.load(f).tolist() == list(range(5))
    assert not [p for p in os.listdir(tmp_path) if p.endswith(".tmp")]


def test_records_aligned(torch):
    import zipfile
    buf = io.BytesIO()
    ember.save({"a": ember.ones(3), "b": ember.ones(5, dtype=ember.int8)}, buf)
    zf = zipfile.ZipFile(buf)
    names = zf.namelist()
    assert names[0] == "archive/data.pkl" and "archive/version" in names
    raw = buf.getvalue()
    for info in zf.infolist():
        n, m = np.frombuffer(raw[info.header_offset + 26:info.header_offset + 30], "<u2")
        assert (info.header_offset + 30 + n + m) % 64 == 0
        assert info.compress_type == zipfile.ZIP_STORED


def test_torch_mmap_loads_ember_file(tmp_path, torch):
    base = ember.arange(20.).reshape(4, 5)
    ember.save({"a": base, "v": base[1:, ::2], "h": ember.ones(3, dtype=ember.float16)},
               tmp_path / "m.pt")
    r = torch.load(tmp_path / "m.pt", mmap=True, weights_only=True)
    np.testing.assert_array_equal(r["v"].numpy(), base[1:, ::2].numpy())
    assert _same_storage_torch(r["a"], r["v"]) and r["h"].dtype == torch.float16


def test_ember_mmap_is_zero_copy_and_private(tmp_path, torch):
    import mmap
    torch.save({"a": torch.arange(10.), "b": torch.ones(3, dtype=torch.int16)}, tmp_path / "m.pt")
    before = (tmp_path / "m.pt").read_bytes()
    r = ember.load(tmp_path / "m.pt", mmap=True)
    holder = r["a"]._data.base.base            # view -> root -> the mapping's buffer
    assert isinstance(getattr(holder, "obj", holder), mmap.mmap)
    r["a"][0] = 42.
    assert r["a"][0].item() == 42.
    assert (tmp_path / "m.pt").read_bytes() == before
    assert r["b"].tolist() == [1, 1, 1]


def test_mmap_errors(tmp_path, torch):
    buf = io.BytesIO()
    ember.save(ember.ones(2), buf)
    with pytest.raises(ValueError, match="f must be a file path in order to use the mmap"):
        ember.load(buf, mmap=True)
    torch.save(torch.ones(2), tmp_path / "l.pt", _use_new_zipfile_serialization=False)
    with pytest.raises(RuntimeError, match="mmap can only be used with files saved with"):
        ember.load(tmp_path / "l.pt", mmap=True)


def test_legacy_format_both_ways(tmp_path, torch):
    base = torch.arange(12.).reshape(3, 4)
    obj = {"a": base, "v": base[1:, 1], "i": torch.tensor([1, 2], dtype=torch.int16),
           "p": torch.nn.Parameter(torch.ones(2))}
    torch.save(obj, tmp_path / "l.pt", _use_new_zipfile_serialization=False)
    r = ember.load(tmp_path / "l.pt")
    np.testing.assert_array_equal(r["v"].numpy(), base[1:, 1].numpy())
    assert _same_storage_ember(r["a"], r["v"]) and r["i"].dtype is ember.int16
    assert isinstance(r["p"], ember.nn.Parameter)
    ember.save(r, tmp_path / "e.pt", _use_new_zipfile_serialization=False)
    back = torch.load(tmp_path / "e.pt")
    np.testing.assert_array_equal(back["v"].numpy(), base[1:, 1].numpy())
    assert _same_storage_torch(back["a"], back["v"])
    assert ember.load(tmp_path / "e.pt")["i"].tolist() == [1, 2]


def test_save_into_an_unseekable_stream(tmp_path, torch):
    """A checkpoint written into a zip member (a stream that cannot seek or tell), as
    stable-baselines3 saves its parameters: both libraries read what either wrote."""
    import zipfile
    obj = {"w": ember.arange(10.0).reshape(2, 5), "b": ember.tensor([1, 2], dtype=ember.int16)}
    for name, mod, value in (("e", ember, obj), ("t", torch, {k: torch.tensor(v.numpy())
                                                           for k, v in obj.items()})):
        with zipfile.ZipFile(tmp_path / f"{name}.zip", "w") as archive:
            with archive.open("params.pth", mode="w", force_zip64=True) as member:
                mod.save(value, member)
    for name in "et":
        with zipfile.ZipFile(tmp_path / f"{name}.zip") as archive:
            data = archive.read("params.pth")
        got, expected = ember.load(io.BytesIO(data)), torch.load(io.BytesIO(data))
        for k in obj:
            assert got[k].tolist() == expected[k].tolist() == obj[k].tolist()


def _python2_pickle(obj):
    """Protocol 2 with Python 2's byte strings (SHORT_BINSTRING), as old checkpoints hold."""
    out = bytearray(b"\x80\x02")

    def emit(o):
        if isinstance(o, str):
            out.extend(b"U" + bytes([len(o.encode())]) + o.encode())
        elif isinstance(o, bool):
            out.extend(b"\x88" if o else b"\x89")
        elif isinstance(o, int):
            out.extend(b"J" + struct.pack("<i", o))
        elif isinstance(o, float):
            out.extend(b"G" + struct.pack(">d", o))
        elif isinstance(o, dict):
            out.extend(b"}(")
            for k, v in o.items():
                emit(k)
                emit(v)
            out.extend(b"u")
        else:
            out.extend(b"](")
            for v in o:
                emit(v)
            out.extend(b"e")
    emit(obj)
    return bytes(out + b".")


def test_legacy_file_with_python2_strings(torch):
    magic = b"\x80\x02\x8a\x0a" + (0x1950a86a20f9469cfc6c).to_bytes(10, "little") + b"."
    data = magic + b"".join(_python2_pickle(o) for o in (
        1001, {"protocol_version": 1001, "little_endian": True,
               "type_sizes": {"short": 2, "int": 4, "long": 4}},
        {"name": "caf\u00e9", "lr": 0.5}, []))
    assert ember.load(io.BytesIO(data)) == torch.load(io.BytesIO(data)) == {
        "name": "caf\u00e9", "lr": 0.5}
    with pytest.warns(UserWarning, match="pickle_load_args only works if"):
        got = ember.load(io.BytesIO(data), encoding="bytes")
    with pytest.warns(UserWarning, match="pickle_load_args only works if"):
        assert got == torch.load(io.BytesIO(data), encoding="bytes")


# ---- map_location ------------------------------------------------------------------------------
@pytest.mark.parametrize("where", ["cpu", ember.device("cpu"), {"cpu": "cpu"},
                                   lambda storage, loc: storage, lambda storage, loc: None])
def test_map_location_cpu(torch, where):
    r = _roundtrip_from_torch({"a": torch.ones(2)}, map_location=where)
    assert r["a"].device == ember.device("cpu") and r["a"].tolist() == [1., 1.]


@pytest.mark.parametrize("weights_only", [True, False])
@pytest.mark.parametrize("zip_format", [True, False])
def test_map_location_errors_pass_through_like_torch(torch, weights_only, zip_format):
    """torch calls any other map_location as a function: a number fails with Python's own
    TypeError, and what a callable raises reaches the caller unchanged (not as a malformed
    pickle)."""
    buf = io.BytesIO()
    torch.save({"a": torch.ones(2)}, buf, _use_new_zipfile_serialization=zip_format)

    def fail(storage, location):
        raise ValueError("no room")
    for where in (3, 2.5, fail):
        raised = []
        for lib in (torch, ember):
            buf.seek(0)
            with pytest.raises(Exception) as info:
                lib.load(buf, map_location=where, weights_only=weights_only)
            raised.append(info.value)
        assert type(raised[1]) is type(raised[0]) and str(raised[1]) == str(raised[0])
    plain = io.BytesIO()
    ember.save({"a": 1}, plain)
    plain.seek(0)
    assert ember.load(plain, map_location=3) == {"a": 1}      # no storage: never called


def test_map_location_to_and_from_cuda(fake_cuda, torch):
    base = ember.arange(6.).reshape(2, 3)
    buf = io.BytesIO()
    ember.save([base, base[1]], buf)
    for where in ("cuda:0", {"cpu": "cuda:0"}, lambda s, loc: "cuda:0"):
        buf.seek(0)
        a, v = ember.load(buf, map_location=where)
        assert a.device == ember.device("cuda:0") and v.device == a.device
        assert _same_storage_ember(a, v) and v.tolist() == [3., 4., 5.]
    buf = io.BytesIO()
    ember.save(base.to("cuda:0"), buf)                 # saved with location "cuda:0"
    buf.seek(0)
    assert torch.load(buf, map_location="cpu").tolist() == base.tolist()
    buf.seek(0)
    assert ember.load(buf).device == ember.device("cuda:0")
    buf.seek(0)
    assert ember.load(buf, map_location="cpu").device == ember.device("cpu")


def test_cuda_location_without_cuda(torch, monkeypatch):
    from ember import cuda
    monkeypatch.setattr(cuda, "is_available", lambda: False)
    buf = io.BytesIO()
    ember.save(ember.ones(1), buf)
    buf.seek(0)
    with pytest.raises(RuntimeError, match="Attempting to deserialize object on a CUDA device"):
        ember.load(buf, map_location="cuda:0")


# ---- torchvision checkpoints -------------------------------------------------------------------
@pytest.mark.parametrize("name", ["squeezenet1_0", "mobilenet_v2"])
def test_torchvision_checkpoints(name):
    path = FIXTURES / f"tv_{name}.pth"
    if not path.exists():
        pytest.skip("torchvision fixtures absent")
    expected = json.loads((FIXTURES / "torchvision_models.json").read_text())["models"][name]
    entries = expected["state_dict"] if isinstance(expected, dict) else expected
    sd = ember.load(path)
    assert [k for k, _s, _d in entries] == list(sd)
    for key, shape, dtype in entries:
        assert list(sd[key].shape) == list(shape)
        assert str(sd[key].dtype) == dtype
    assert all(t.isfinite().all().item() for t in sd.values() if t.is_floating_point())


# ---- weights_only and the allow-list ------------------------------------------------------------
class Point:
    def __init__(self, x, y):
        self.x, self.y = x, y


def test_whole_module_needs_weights_only_false(tmp_path):
    ember.manual_seed(0)
    net = ember.nn.Sequential(ember.nn.Linear(3, 2), ember.nn.ReLU())
    ember.save(net, tmp_path / "net.pt")
    with pytest.raises(pickle.UnpicklingError, match="ember.serialization.add_safe_globals"):
        ember.load(tmp_path / "net.pt")
    back = ember.load(tmp_path / "net.pt", weights_only=False)
    x = ember.ones(1, 3)
    assert back(x).tolist() == net(x).tolist()
    assert isinstance(back[0].weight, ember.nn.Parameter)


def test_add_safe_globals():
    buf = io.BytesIO()
    ember.save({"pt": Point(1, ember.ones(2))}, buf)
    buf.seek(0)
    with pytest.raises(pickle.UnpicklingError, match=r"GLOBAL .*Point was not an allowed"):
        ember.load(buf)
    with serialization.safe_globals([Point]):
        buf.seek(0)
        r = ember.load(buf)
        assert Point in serialization.get_safe_globals()
    assert r["pt"].x == 1 and r["pt"].y.tolist() == [1., 1.]
    assert Point not in serialization.get_safe_globals()
    serialization.add_safe_globals([Point])
    try:
        buf.seek(0)
        assert ember.load(buf)["pt"].x == 1
    finally:
        serialization.clear_safe_globals()
    assert serialization.get_safe_globals() == []


# ---- atomic saves ----------------------------------------------------------------------------
class Explodes:
    def __reduce__(self):
        raise ValueError("boom")


def test_failing_save_leaves_old_file(tmp_path):
    path = tmp_path / "ckpt.pt"
    ember.save({"v": ember.ones(3)}, path)
    before = path.read_bytes()
    for legacy in (False, True):
        with pytest.raises(ValueError, match="boom"):
            ember.save({"v": ember.zeros(3), "x": Explodes()}, path,
                       _use_new_zipfile_serialization=not legacy)
        assert path.read_bytes() == before
    assert os.listdir(tmp_path) == ["ckpt.pt"]


@pytest.mark.slow
def test_killed_save_leaves_old_file(tmp_path):
    path = tmp_path / "ckpt.pt"
    ember.save({"v": ember.ones(3)}, path)
    before = path.read_bytes()
    flag = tmp_path / "started"
    script = textwrap.dedent(f"""
        import sys, time, pathlib
        sys.path.insert(0, {os.path.dirname(os.path.dirname(ember.__file__))!r})
        import ember
        class Slow:
            def __reduce__(self):
                pathlib.Path({str(flag)!r}).touch()
                time.sleep(60)
                return (int, ())
        big = ember.zeros(1 << 20)
        ember.save({{"big": big, "slow": Slow()}}, {str(path)!r},
                   _use_new_zipfile_serialization=False)
    """)
    proc = subprocess.Popen([sys.executable, "-c", script])
    try:
        for _ in range(600):
            if flag.exists() or proc.poll() is not None:
                break
            time.sleep(0.05)
        assert flag.exists(), "the child never reached the middle of its save"
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    finally:
        if proc.poll() is None:
            proc.kill()
    assert path.read_bytes() == before
    assert ember.load(path)["v"].tolist() == [1., 1., 1.]


# ---- hub ---------------------------------------------------------------------------------------
def test_hub_cache_and_download(tmp_path, monkeypatch):
    import hashlib
    from ember import hub
    monkeypatch.setenv("TORCH_HOME", str(tmp_path / "home"))
    monkeypatch.setattr(hub, "_hub_dir", [None])
    assert hub.get_dir() == str(tmp_path / "home" / "hub")
    src = tmp_path / "weights.pt"
    ember.save({"w": ember.ones(2)}, src)
    digest = hashlib.sha256(src.read_bytes()).hexdigest()
    named = tmp_path / f"weights-{digest[:8]}.pt"
    named.write_bytes(src.read_bytes())
    sd = hub.load_state_dict_from_url(named.as_uri(), progress=False, check_hash=True)
    cached = tmp_path / "home" / "hub" / "checkpoints" / named.name
    assert cached.exists() and sd["w"].tolist() == [1., 1.]
    named.unlink()                                   # now served from the cache only
    assert hub.load_state_dict_from_url(named.as_uri())["w"].tolist() == [1., 1.]
    bad = tmp_path / "bad-00000000.pt"
    bad.write_bytes(src.read_bytes())
    with pytest.raises(RuntimeError, match="invalid hash value"):
        hub.load_state_dict_from_url(bad.as_uri(), check_hash=True, progress=False)
    hub.set_dir(tmp_path / "elsewhere")
    assert hub.get_dir() == str(tmp_path / "elsewhere")


def test_hub_offline_error_names_the_cache_path(tmp_path):
    from ember import hub
    url = (tmp_path / "missing" / "model-1234.pth").as_uri()
    with pytest.raises(RuntimeError) as e:
        hub.load_state_dict_from_url(url, model_dir=str(tmp_path / "cache"), progress=False)
    assert str(tmp_path / "cache" / "model-1234.pth") in str(e.value)
