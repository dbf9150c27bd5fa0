"""``torch.frombuffer`` and ``torch.from_file``, compared with torch: the tensor shares the
buffer's (or the file's) memory, ``count`` / ``offset`` / ``size`` select elements, and bad
requests raise torch's errors."""
import array
import warnings

import numpy as np
import pytest

import ember

torch = pytest.importorskip("torch")
LIBS = [ember, torch]


def _outcome(call):
    try:
        return ("ok", call().tolist())
    except Exception as e:
        return (type(e).__name__, str(e))


@pytest.mark.parametrize("dtype", ["uint8", "int16", "int32", "float32", "float64", "bfloat16",
                                   "float16", "complex64", "bool"])
@pytest.mark.parametrize("count, offset", [(-1, 0), (3, 0), (2, 8), (-1, 16), (1, 63)])
def test_values_count_and_offset(dtype, count, offset):
    data = np.random.default_rng(0).integers(0, 2, 64, dtype=np.uint8) if dtype == "bool" else \
        np.random.default_rng(0).integers(0, 250, 64, dtype=np.uint8)
    got, expected = (_outcome(lambda lib=lib: lib.frombuffer(
        bytearray(data.tobytes()), dtype=getattr(lib, dtype), count=count, offset=offset))
        for lib in LIBS)
    assert got[0] == expected[0]
    if got[0] == "ok":
        np.testing.assert_array_equal(np.array(got[1]), np.array(expected[1]))
    else:
        assert got == expected


@pytest.mark.parametrize("make", [
    lambda lib: lib.frombuffer(bytearray(), dtype=lib.uint8),
    lambda lib: lib.frombuffer(bytearray(8), dtype=lib.int32, count=0),
    lambda lib: lib.frombuffer(bytearray(8), dtype=lib.int32, offset=-1),
    lambda lib: lib.frombuffer(bytearray(8), dtype=lib.int32, offset=8),
    lambda lib: lib.frombuffer(bytearray(8), dtype=lib.int32, offset=2),
    lambda lib: lib.frombuffer(bytearray(8), dtype=lib.int32, count=3),
    lambda lib: lib.frombuffer([1, 2], dtype=lib.uint8),
    lambda lib: lib.frombuffer(bytearray(8)),
    lambda lib: lib.frombuffer(np.arange(6.0)[::2], dtype=lib.float64)])
def test_refusals(make):
    got, expected = (_outcome(lambda lib=lib: make(lib)) for lib in LIBS)
    assert got == expected and got[0] != "ok"


def test_memory_is_shared_both_ways():
    for lib in LIBS:
        buf = bytearray(range(16))
        t = lib.frombuffer(buf, dtype=lib.int32, count=2, offset=4)
        buf[4] = 200
        t[1] = -7
        assert t.tolist() == [int.from_bytes(bytes([200, 5, 6, 7]), "little"), -7]
        assert bytes(buf[8:12]) == (-7).to_bytes(4, "little", signed=True)
        floats = array.array("f", [1.0, 2.0, 3.0])
        lib.frombuffer(floats, dtype=lib.float32).mul_(2)
        assert floats.tolist() == [2.0, 4.0, 6.0]


def test_requires_grad_and_read_only_buffers():
    for lib in LIBS:
        t = lib.frombuffer(array.array("d", [1.0, 2.0]), dtype=lib.float64, requires_grad=True)
        (t * t).sum().backward()
        assert t.requires_grad and t.grad.tolist() == [2.0, 4.0]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            assert lib.frombuffer(b"abcd", dtype=lib.uint8).tolist() == [97, 98, 99, 100]


def test_from_file_private_and_shared(tmp_path):
    """``from_file``: a private mapping keeps writes from the file; a shared one writes
    through, and makes the file (anew, when too short) at the size it needs."""
    got = []
    for lib in LIBS:
        path = tmp_path / f"{lib.__name__}.bin"
        np.arange(10, dtype=np.float32).tofile(path)
        private = lib.from_file(str(path), size=4, dtype=lib.float32)
        private[0] = -1.0
        shared = lib.from_file(str(path), shared=True, size=10)
        shared[1] = 42.0
        made = tmp_path / f"{lib.__name__}_new.bin"
        fresh = lib.from_file(str(made), shared=True, size=3, dtype=lib.int32)
        got.append((private.tolist(), np.fromfile(path, np.float32).tolist(), fresh.tolist(),
                    made.stat().st_size, lib.from_file(str(path)).shape == (0,)))
    assert got[0] == got[1]


def test_from_file_refusals(tmp_path):
    path = tmp_path / "short.bin"
    path.write_bytes(b"abcd")
    for make in (lambda lib: lib.from_file(str(path), size=2),
                 lambda lib: lib.from_file(str(tmp_path / "none.bin"), size=2)):
        got, expected = (_outcome(lambda lib=lib: make(lib)) for lib in LIBS)
        assert got == expected and got[0] == "RuntimeError"
