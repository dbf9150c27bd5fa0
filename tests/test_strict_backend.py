"""The strict CuPy-shaped test backend (``EMBER_FAKE_CUDA=strict``): its arrays behave towards
NumPy as CuPy's do, and ember's CUDA tensors work on it; plus CUDA availability and its
install hint without a GPU."""
import os
import subprocess
import sys

import numpy as np
import pytest

import ember
from ember import _backend
from ember._backend.strict import StrictArray, xp


@pytest.fixture
def a():
    return xp.asarray(np.arange(6.0).reshape(2, 3))


def test_no_silent_conversion_to_numpy(a):
    for convert in (np.asarray, np.array, np.ascontiguousarray):
        with pytest.raises(TypeError, match="Implicit conversion to a NumPy array"):
            convert(a)
    host = a.get()
    assert type(host) is np.ndarray and np.array_equal(host, np.arange(6.0).reshape(2, 3))
    assert np.array_equal(xp.asnumpy(a), host)
    host[0, 0] = 99   # a copy
    assert a[0, 0].item() == 0


def test_numpy_functions_and_ufuncs_dispatch_to_the_strict_module(a):
    for r in (np.add(a, a), np.exp(a), np.sum(a, axis=0), np.concatenate([a, a]),
              np.where(a > 2, a, 0.0), np.maximum.reduce(a, axis=1)):
        assert type(r) is StrictArray
    s = np.sum(a)
    assert type(s) is StrictArray and s.shape == () and float(s) == 15.0   # 0-d, not a scalar
    assert type(a.sum()) is StrictArray and int(a.max()) == 5


@pytest.mark.parametrize("mix", [
    lambda a, h: a + h, lambda a, h: h + a, lambda a, h: np.add(h, a),
    lambda a, h: xp.concatenate([a, h]), lambda a, h: xp.add.at(a, [0], h[:1]),
    lambda a, h: a.__setitem__(0, h[0])], ids=["add", "radd", "ufunc", "concat", "at", "set"])
def test_host_arrays_from_numpy_creation_refuse_to_mix(a, mix):
    with pytest.raises(TypeError):
        mix(a, np.ones((2, 3)))


def test_host_data_may_be_copied_over_explicitly(a):
    b = xp.asarray(np.ones((2, 3)))
    assert type(b) is StrictArray and float((a + b).sum()) == 21.0
    assert a[np.array([1, 0])].shape == (2, 3)   # host index arrays are copied over, as in CuPy
    a[0] = [7.0, 8.0, 9.0]
    assert a[0].tolist() == [7.0, 8.0, 9.0]


def test_flags_are_cupys(a):
    f = a.flags
    assert f.c_contiguous and not f.f_contiguous and f.owndata and f["C_CONTIGUOUS"]
    assert not hasattr(f, "writeable")
    assert not a.T.flags.c_contiguous
    for name in ("ctypes", "__array_interface__", "setflags", "tobytes"):
        assert not hasattr(a, name)


def test_views_know_their_base(a):
    v = a[:, 1:]
    assert v.base is a and v.base is v.base   # one object, as CuPy's (reference counts work)
    assert a.base is None


def test_in_place_operators_write_through(a):
    v = a[0]
    v += 1
    assert a[0].tolist() == [1.0, 2.0, 3.0]


def test_cuda_tensors_hold_strict_arrays(strict_cuda):
    x = ember.arange(6.0, device="cuda").reshape(2, 3).requires_grad_()
    assert type(x._data) is StrictArray
    y = (x.exp() * x).sum()
    y.backward()
    expect = np.exp(np.arange(6.0)).reshape(2, 3) * (1 + np.arange(6.0).reshape(2, 3))
    np.testing.assert_allclose(x.grad.cpu().numpy(), expect, rtol=1e-6)
    with pytest.raises(TypeError, match="can't convert cuda:0 device type tensor to numpy"):
        x.detach().numpy()
    with pytest.raises(RuntimeError, match="Expected all tensors to be on the same device"):
        x + ember.ones(3)


@pytest.mark.slow
def test_strict_from_the_environment():
    code = ("import ember; x = ember.ones(2, device='cuda'); "
            "print(type(x._data).__name__, ember.cuda.is_available())")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         env={**os.environ, "EMBER_FAKE_CUDA": "strict"}, check=True).stdout
    assert out.split() == ["StrictArray", "True"]


def test_cuda_unavailable_says_why_and_what_to_install(monkeypatch):
    from ember._backend import cuda_probe
    monkeypatch.setattr(cuda_probe, "_probe",
                        {"cupy": None, "count": 0, "why": "CuPy is not importable (test)"})
    was = _backend.fake_cuda_enabled()
    _backend.enable_fake_cuda(False)
    try:
        assert ember.cuda.is_available() is False
        with pytest.raises(AssertionError, match="Torch not compiled with CUDA enabled") as e:
            ember.cuda.get_device_name()
        assert "CuPy is not importable (test)" in str(e.value)
        assert "pip install 'ember[cuda]'" in str(e.value) and "cupy-cuda12x" in str(e.value)
        with pytest.raises(AssertionError, match="cupy-cuda12x"):
            ember.zeros(1, device="cuda")
    finally:
        _backend.enable_fake_cuda(was)


def test_probe_runs_once_and_is_cached(monkeypatch):
    from ember._backend import cuda_probe
    calls = []
    monkeypatch.setattr(cuda_probe, "_probe", {})
    monkeypatch.setattr(cuda_probe, "_run_probe",
                        lambda: calls.append(1) or (None, 0, "no GPU (test)"))
    assert cuda_probe.device_count() == 0 and cuda_probe.device_count() == 0
    assert cuda_probe.unavailable_reason() == "no GPU (test)" and calls == [1]


def test_kernel_modules_are_rebound_privately(strict_cuda):
    from ember._backend import numpy_nn, rebind, strict
    nn = strict._strict_kernels("numpy_nn")
    assert nn is not numpy_nn and numpy_nn.np is np and isinstance(nn.np, rebind._Namespace)
    x = xp.asarray(np.arange(16.0).reshape(1, 1, 4, 4))
    assert type(nn.pad_zeros(x, (1, 1), (1, 1))) is StrictArray


def test_a_function_the_array_module_lacks_runs_on_the_host():
    from ember._backend import rebind
    ns = rebind.on_host(np, StrictArray, StrictArray.get, StrictArray)
    r = ns.cumsum(xp.asarray(np.arange(3.0)))
    assert type(r) is StrictArray and r.tolist() == [0.0, 1.0, 3.0]


class _FakeCupy:
    """A CuPy stand-in built from the strict module, so ``cupy_backend`` runs without a GPU."""

    class cuda:
        class Device:
            def __init__(self, index):
                self.index = index

            def __enter__(self):
                return self

            def __exit__(self, *exc):
                return False

            def synchronize(self):
                pass

        class PinnedMemoryPointer(bytearray):
            """Page-locked host memory (here: plain bytes)."""

    class _Pool:
        def used_bytes(self):
            return 1024

        def total_bytes(self):
            return 4096

        def free_all_blocks(self):
            pass

    ndarray = StrictArray
    asnumpy = staticmethod(xp.asnumpy)

    def get_default_memory_pool(self):
        return self._Pool()

    def __getattr__(self, name):
        return getattr(xp, name)


def _ufunc_at(op):
    return lambda a, index, values: getattr(xp, op).at(a, index, values)


def _empty_pinned(shape, dtype=float):
    """``cupyx.empty_pinned``: a NumPy array over a ``PinnedMemoryPointer``, as CuPy builds it."""
    dtype = np.dtype(dtype)
    nbytes = int(np.prod(shape)) * dtype.itemsize
    return np.ndarray(shape, dtype, buffer=_FakeCupy.cuda.PinnedMemoryPointer(nbytes))


@pytest.fixture
def cupy_backend(monkeypatch):
    import types
    monkeypatch.setitem(sys.modules, "cupy", _FakeCupy())
    monkeypatch.setitem(sys.modules, "cupyx", types.SimpleNamespace(
        scatter_add=_ufunc_at("add"), scatter_max=_ufunc_at("maximum"),
        scatter_min=_ufunc_at("minimum"), empty_pinned=_empty_pinned))
    monkeypatch.delitem(sys.modules, "ember._backend.cupy_backend", raising=False)
    from ember._backend import cupy_backend
    yield cupy_backend.CUDA(0)
    sys.modules.pop("ember._backend.cupy_backend", None)


def test_cupy_backend_against_a_stand_in(cupy_backend):
    b = cupy_backend
    host = np.arange(12.0).reshape(3, 4)
    a = b.from_host(host)
    assert type(a) is StrictArray and np.array_equal(b.to_host(a), host)
    v = a[1:]
    assert b.root(v) is a and b.data_ptr(v) == b.data_ptr(a) + 4 * 8
    assert b.storage_offset(v) == 4 and b.shares_memory(a, v)
    assert b.writeable(a) and not b.writeable(xp.broadcast_to(a[0], (5, 4)))
    assert b.view_reshape(a, (4, 3)).shape == (4, 3) and b.view_reshape(a.T, (12,)) is None
    t = xp.ones(3)
    b.scatter_reduce(t, xp.asarray(np.array([0, 0, 2])), xp.asarray(np.array([2., 3., 5.])),
                     "multiply")
    assert t.tolist() == [6.0, 1.0, 5.0]
    out, first = b.segment_max(xp.asarray(np.array([[1.], [3.], [2.]])),
                               xp.asarray(np.array([0, 0, 2])), 3)
    assert out.tolist() == [[3.0], [0.0], [2.0]] and first.tolist() == [[1], [-1], [2]]
    assert b.memory_allocated() == 1024 and b.memory_reserved() == 4096
    x = xp.asarray(np.random.default_rng(0).standard_normal((1, 2, 5, 5)))
    w = xp.asarray(np.random.default_rng(1).standard_normal((3, 2, 3, 3)))
    y = b.nn.conv_forward(x, w, None, (1, 1), (1, 1), (1, 1), 1)
    from ember._backend import numpy_nn
    ref = numpy_nn.conv_forward(x.get(), w.get(), None, (1, 1), (1, 1), (1, 1), 1)
    assert type(y) is StrictArray and np.allclose(y.get(), ref)
    eng = b.rng(5)
    assert type(b.random.uniform(eng, 4, "float32", 0.0, 1.0)) is StrictArray
    from ember._ops.pinned import _in_pinned_memory
    pinned = b.pin(host)
    assert np.array_equal(pinned, host) and _in_pinned_memory(pinned[1:], b)
    assert not _in_pinned_memory(host, b)
