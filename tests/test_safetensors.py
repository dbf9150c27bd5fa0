"""ember.safetensors against the format (hand-built files) and the ``safetensors`` package."""
import json
import struct

import numpy as np
import pytest

import ember
from ember import safetensors as st

NAMES = ["float16", "bfloat16", "float32", "float64", "complex64", "bool", "uint8", "int8",
         "int16", "int32", "int64"]


def _tensor(name, shape=(2, 3)):
    rng = np.random.default_rng(len(name))
    v = rng.standard_normal(shape) * 50
    return ember.tensor(v).to(getattr(ember, name))


def _np(t):
    return (t.float() if t.dtype is ember.bfloat16 else t).numpy()


def _hand_built(entries, metadata=None):
    """A safetensors file written from the specification."""
    header, data = {}, b""
    if metadata:
        header["__metadata__"] = metadata
    for name, (code, shape, raw) in entries.items():
        header[name] = {"dtype": code, "shape": shape,
                        "data_offsets": [len(data), len(data) + len(raw)]}
        data += raw
    text = json.dumps(header).encode()
    return struct.pack("<Q", len(text)) + text + data


def test_round_trip_all_dtypes(tmp_path):
    tensors = {n: _tensor(n) for n in NAMES}
    tensors["zero_d"] = ember.tensor(3.5)
    tensors["empty"] = ember.ones(0, 4)
    tensors["strided"] = _tensor("float32", (4, 6))[::2, 1::2]
    st.save_file(tensors, tmp_path / "t.safetensors", metadata={"format": "pt"})
    back = st.load_file(tmp_path / "t.safetensors")
    assert set(back) == set(tensors)
    for k, t in tensors.items():
        assert back[k].dtype is t.dtype and back[k].shape == t.shape
        np.testing.assert_array_equal(_np(back[k]), _np(t))
    with st.safe_open(tmp_path / "t.safetensors", framework="pt") as f:
        assert f.metadata() == {"format": "pt"} and sorted(f.keys()) == sorted(tensors)
        np.testing.assert_array_equal(f.get_tensor("int16").numpy(), tensors["int16"].numpy())
    in_memory = st.load(st.save(tensors))
    np.testing.assert_array_equal(_np(in_memory["bfloat16"]), _np(tensors["bfloat16"]))


def test_load_is_zero_copy_and_private(tmp_path):
    import mmap
    path = tmp_path / "z.safetensors"
    st.save_file({"a": ember.arange(4.)}, path)
    before = path.read_bytes()
    a = st.load_file(path)["a"]
    holder = a._data.base.base
    assert isinstance(getattr(holder, "obj", holder), mmap.mmap)
    a[0] = 9.
    assert a.tolist() == [9., 1., 2., 3.] and path.read_bytes() == before


def test_reads_hand_built_file(tmp_path):
    bf16 = np.array([1.5, -2.0], dtype=ember.bfloat16.np)
    raw = _hand_built({"x": ("F32", [2, 2], np.arange(4, dtype="<f4").tobytes()),
                       "b": ("BF16", [2], bf16.tobytes()),
                       "m": ("BOOL", [3], bytes([1, 0, 1]))}, metadata={"k": "v"})
    (tmp_path / "h.safetensors").write_bytes(raw)
    r = st.load_file(tmp_path / "h.safetensors")
    assert r["x"].tolist() == [[0., 1.], [2., 3.]]
    assert r["b"].dtype is ember.bfloat16 and r["b"].float().tolist() == [1.5, -2.0]
    assert r["m"].tolist() == [True, False, True]
    with st.safe_open(tmp_path / "h.safetensors") as f:
        assert f.metadata() == {"k": "v"}


@pytest.mark.parametrize("raw", [
    b"", b"\x10\0\0\0\0\0\0\0{}",                                     # truncated header
    struct.pack("<Q", 2) + b"[]",                                      # not an object
    _hand_built({"x": ("F32", [3], b"\0" * 8)}),                        # size mismatch
    _hand_built({"x": ("F99", [1], b"\0" * 4)}),                        # unknown dtype
    _hand_built({"x": ("F32", [-1], b"")}),                             # negative dim
])
def test_invalid_files(raw):
    with pytest.raises(ValueError, match="^Error while deserializing: "):
        st.load(raw)


@pytest.mark.parametrize("tensors,metadata", [([1], None), ({"x": [1, 2]}, None),
                                              ({"x": 1.0}, {"k": 1}), ({"x": 1.0}, {2: "v"})])
def test_bad_arguments_match_the_package(tensors, metadata):
    real = pytest.importorskip("safetensors.torch")
    torch = pytest.importorskip("torch")

    def call(lib, st_mod):
        st_mod.save({k: lib.ones(1) if v == 1.0 else v for k, v in tensors.items()}
                    if isinstance(tensors, dict) else tensors, metadata=metadata)
    with pytest.raises(Exception) as expected:
        call(torch, real)
    with pytest.raises(type(expected.value)) as got:
        call(ember, st)
    assert str(got.value) == str(expected.value)


# ---- against the reference implementation --------------------------------------------------------
def test_against_safetensors_package(tmp_path, torch):
    ref = pytest.importorskip("safetensors.torch")
    tensors = {n: _tensor(n) for n in NAMES}
    st.save_file(tensors, tmp_path / "e.safetensors", metadata={"who": "ember"})
    theirs = ref.load_file(tmp_path / "e.safetensors")
    for k, t in tensors.items():
        assert str(theirs[k].dtype) == str(t.dtype)
        got = theirs[k].float() if theirs[k].dtype == torch.bfloat16 else theirs[k]
        np.testing.assert_array_equal(got.numpy(), _np(t))
    ref.save_file(theirs, tmp_path / "t.safetensors", metadata={"who": "torch"})
    back = st.load_file(tmp_path / "t.safetensors")
    for k, t in tensors.items():
        np.testing.assert_array_equal(_np(back[k]), _np(t))
    with st.safe_open(tmp_path / "t.safetensors") as f:
        assert f.metadata() == {"who": "torch"}
    assert set(ref.load(st.save(tensors))) == set(tensors)
    assert st.load(ref.save(theirs))["int64"].tolist() == tensors["int64"].tolist()
