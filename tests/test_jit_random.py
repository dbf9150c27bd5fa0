"""The optional numba kernels (``ember/_backend/jit_random.py``) give PyTorch's numbers, as the
NumPy kernels do: every test runs on both paths (``path`` fixture) against torch 2.13, bit for
bit, with the generator's state bytes and the next draw compared afterwards; the kernels are
also compared with the NumPy ones directly, on crafted words.  Loading: ``import ember`` never
imports numba, ``EMBER_JIT=0`` keeps the NumPy kernels, and a package directory numba cannot
write its cache to does not break anything."""
import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest

import ember
from ember._backend import torch_random
from ember._backend.mt19937 import MT19937

torch = pytest.importorskip("torch")


@pytest.fixture(params=["numpy", "jit"])
def path(request, monkeypatch):
    """Which kernels sample: NumPy's, or numba's from the first element on."""
    if request.param == "jit":
        pytest.importorskip("numba")
        from ember._backend import jit_random
        monkeypatch.setattr(torch_random, "_JIT", [jit_random])
        monkeypatch.setattr(torch_random, "JIT_MIN", 0)
    else:
        monkeypatch.setattr(torch_random, "_JIT", [None])
    return request.param


def _bits(t):
    a = t.detach()
    a = (a.float() if a.dtype in (torch.bfloat16, ember.bfloat16) else a).numpy()
    return np.ascontiguousarray(a).view(np.uint8)


def _same(fn, seed=0, f64_ulps=False):
    """``fn(lib)`` (a tensor or tuple of them) from the same seed in both libraries, then the
    next draws (a scalar-path and a vectorised normal): equal bits, equal state bytes.
    ``f64_ulps``: float64 results through the C library's log / sin / cos may differ from
    torch's in the last bit or two."""
    out = {}
    for lib in (torch, ember):
        lib.manual_seed(seed)
        r = fn(lib)
        r = r if isinstance(r, tuple) else (r,)
        out[lib] = (*r, lib.randn(3), lib.randn(40), lib.get_rng_state())
    for i, (e, t) in enumerate(zip(out[ember], out[torch])):
        assert e.dtype.is_floating_point == t.dtype.is_floating_point and e.shape == t.shape, i
        if f64_ulps and t.dtype == torch.float64:
            np.testing.assert_allclose(e.numpy(), t.numpy(), rtol=4e-16, atol=0, err_msg=str(i))
        else:
            assert np.array_equal(_bits(e), _bits(t)), f"result {i}"


SIZES = [0, 1, 15, 16, 17, 65_535, 65_537, (1 << 20) + 3]
DTYPES = ["float32", "float64", "float16", "bfloat16"]


def _sizes(path):
    # (the NumPy kernels' large requests are covered by test_random_streams / test_normal_exact)
    return [n for n in SIZES if n < 70_000 or path == "jit"]


@pytest.mark.parametrize("dtype", DTYPES)
def test_normal_and_randn(path, dtype):
    for n in _sizes(path):
        _same(lambda L: L.empty(n, dtype=getattr(L, dtype)).normal_(0.5, 2.0), n, True)
        _same(lambda L: L.randn(n, dtype=getattr(L, dtype)), n, True)


@pytest.mark.parametrize("mean, std", [(0.0, 1.0), (0.0, 0.02), (-1.5, 1.0), (0.25, 3.0),
                                       (2.0, 1e-30), (-0.0, 0.5)])
def test_normal_moments(path, mean, std):
    # each way the closing fma(z, std, mean) is evaluated, float32 and float64
    for dtype in ("float32", "float64"):
        _same(lambda L: L.empty(4099, dtype=getattr(L, dtype)).normal_(mean, std), 3, True)


@pytest.mark.parametrize("dtype", DTYPES)
def test_uniform_and_rand(path, dtype):
    for n in _sizes(path):
        for lo, hi in ((0.0, 1.0), (-0.125, 0.125), (-1.0, 3.0), (2.0, 2.0000002)):
            _same(lambda L: L.empty(n, dtype=getattr(L, dtype)).uniform_(lo, hi), n)
        _same(lambda L: L.rand(n, dtype=getattr(L, dtype)), n)


def test_in_place_views(path):
    # contiguous targets are filled in place (the draws land in the tensor's own memory);
    # transposed ones in storage order
    def run(L):
        a, b = L.empty(300, 70), L.empty(70, 300).t()
        c = L.empty(200, 100, dtype=L.float64)[:, ::2]
        return a.normal_(), b.normal_(1.0, 0.1), a.uniform_(-2, 2), b.uniform_(), c.normal_()
    _same(run, f64_ulps=True)


def test_init_vgg_sized_layers(path):
    # VGG-16's largest convolution and a classifier-sized linear layer: the default
    # kaiming_uniform_, then VGG's own init, and the other nn.init samplers
    def run(L):
        nn = L.nn
        conv, fc = nn.Conv2d(512, 512, 3), nn.Linear(1024, 1000)
        out = [conv.weight.detach().clone(), conv.bias.detach().clone(), fc.weight.detach().clone()]
        nn.init.kaiming_normal_(conv.weight, mode="fan_out", nonlinearity="relu")
        nn.init.normal_(fc.weight, 0, 0.01)
        w = L.empty(256, 64, 3, 3)
        return (*out, conv.weight.detach(), fc.weight.detach(), nn.init.xavier_uniform_(w),
                nn.init.xavier_normal_(w), nn.init.uniform_(w, -2, 3), nn.init.normal_(w, 1, 0.1),
                nn.init.trunc_normal_(w, std=0.5))
    _same(run)


def test_multivariate_normal_rsample(path):
    def run(L):
        a = L.randn(4, 4)
        d = L.distributions.MultivariateNormal(L.randn(4096, 4), covariance_matrix=a @ a.T
                                               + 4 * L.eye(4))
        return d.rsample(), d.rsample((3,))
    out = {}
    for lib in (torch, ember):
        lib.manual_seed(5)
        out[lib] = run(lib)
    # the same normals; the Cholesky factor and product round as each library's LAPACK does
    for e, t in zip(out[ember], out[torch]):
        np.testing.assert_allclose(e.numpy(), t.numpy(), rtol=1e-5, atol=1e-5)
    assert bytes(ember.get_rng_state().numpy()) == bytes(torch.get_rng_state().numpy())


def test_generator_objects_and_state_round_trip(path):
    # a Generator's own stream, a state saved mid-stream and loaded back, then a copied engine
    def run(L):
        g = L.Generator().manual_seed(11)
        a = L.randn(20_000, generator=g)
        state = g.get_state()
        b = L.rand(70_001, generator=g)
        g.set_state(state)
        return a, b, L.rand(70_001, generator=g), L.empty(5000).normal_(generator=g)
    _same(run)


def test_threads_sharing_a_generator(path):
    # the kernels release the GIL; draws on one engine still take its lock, so threads
    # sampling from one generator at once leave it where the same draws made serially do
    from concurrent.futures import ThreadPoolExecutor
    g, ref = ember.Generator().manual_seed(8), ember.Generator().manual_seed(8)
    jobs = [lambda: ember.rand(300_001, generator=g), lambda: ember.randn(70_000, generator=g),
            lambda: ember.randn(9 * 65536, generator=g)] * 2
    with ThreadPoolExecutor(3) as pool:
        list(pool.map(lambda job: job(), jobs))
    for _ in range(2):
        ember.rand(300_001, generator=ref), ember.randn(70_000, generator=ref)
        ember.randn(9 * 65536, generator=ref)
    assert bytes(g.get_state().numpy()) == bytes(ref.get_state().numpy())


# ---- the kernels themselves ----------------------------------------------------------------
def _jit():
    pytest.importorskip("numba")
    from ember._backend import jit_random
    return jit_random


@pytest.mark.parametrize("n", [0, 1, 623, 624, 625, 1249, 5000])
def test_draws_advance_state_as_numpy(n):
    J = _jit()
    a, b = MT19937(99), MT19937(99)
    a.u32(5)
    b.u32(5)
    words = np.empty(n, np.uint32)
    J.draw32(b.state_words(), words)
    np.testing.assert_array_equal(words, a.u32(n))
    pairs = np.empty(n, np.uint64)
    J.draw64(b.state_words(), pairs)
    np.testing.assert_array_equal(pairs, a.u64(n))
    assert a.get_state() == b.get_state()


@pytest.mark.parametrize("mean, std", [(0.0, 1.0), (0.0, 0.02), (1.5, 1.0), (97.98, 0.51),
                                       (-0.0, 3.0), (0.0, 1e-40)])
def test_normal_kernel_equals_numpy_kernel(mean, std):
    # words covering every octant, radius uniforms at both ends, high bytes set
    J = _jit()
    rng = np.random.default_rng(3)
    words = rng.integers(0, 1 << 32, 16 * 4096, dtype=np.uint32)
    words[:64] = np.arange(64, dtype=np.uint32) | np.uint32(0xFF000000)
    words[64:128] = np.uint32((1 << 24) - 1) - np.arange(64, dtype=np.uint32)
    mean, std = np.float32(mean), np.float32(std)
    ref = np.empty(words.size, np.float32)
    torch_random._fill16_f32((words & np.uint32(0xFFFFFF)).reshape(-1, 16), ref.reshape(-1, 16),
                             mean, std)
    got = np.empty(words.size, np.float32)
    J.normal_f32(words, got, mean, std, torch_random._fma_mode(mean, std))
    np.testing.assert_array_equal(got.view(np.int32), ref.view(np.int32))


def test_copied_engine_draws_its_own_state():
    # the state words follow the bit generator: a deep-copied engine has its own
    import copy
    J = _jit()
    a = MT19937(4)
    J.draw32(a.state_words(), np.empty(10, np.uint32))
    b = copy.deepcopy(a)
    J.draw32(b.state_words(), np.empty(700, np.uint32))
    assert a.get_state() != b.get_state()
    a.u32(700)
    assert a.get_state() == b.get_state()


# ---- loading ---------------------------------------------------------------------------------
def _python(code, **env):
    root = os.path.dirname(os.path.dirname(os.path.abspath(ember.__file__)))
    env = {**os.environ, "PYTHONPATH": root, "NUMBA_CACHE_DIR": "", **env}
    res = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], env=env,
                         capture_output=True, text=True, timeout=120)
    assert res.returncode == 0, res.stderr
    return res.stdout.split()


_DRAW = """
    import sys, ember
    from ember._backend import torch_random
    ember.manual_seed(0)
    small = [ember.randn(3000), ember.rand(60, 60)]
    before = "numba" in sys.modules
    x = ember.randn(1 << 20)
    print(before, torch_random._JIT[0] is not None if torch_random._JIT else None,
          float(x[-1000:].sum()))
"""


@pytest.mark.slow
def test_lazy_import():
    # numba is not imported with ember, nor for small draws; with EMBER_JIT=1 the first
    # large one loads it, by default only much more work (a 1M draw is not enough): the same
    # numbers either way
    _jit()
    numba_before, jit, total = _python(_DRAW, EMBER_JIT="1")
    assert (numba_before, jit) == ("False", "True")
    assert _python(_DRAW) == ["False", "None", total]


@pytest.mark.parametrize("setting, loads", [(None, True), ("0", False), ("1", True)])
def test_loads_after_enough_numpy_work(monkeypatch, setting, loads):
    # by default once the NumPy kernels' estimated time on large requests reaches the
    # budget, with EMBER_JIT=1 at the first large request, with EMBER_JIT=0 never
    _jit()
    if setting is None:
        monkeypatch.delenv("EMBER_JIT", raising=False)
    else:
        monkeypatch.setenv("EMBER_JIT", setting)
    monkeypatch.setattr(torch_random, "_JIT", [])
    monkeypatch.setattr(torch_random, "_numpy_ns", 0.0)
    monkeypatch.setattr(torch_random, "JIT_AFTER_NS", 20_000 * torch_random.NS_NORMAL32)
    ember.randn(torch_random.JIT_MIN - 1)          # small requests do not count
    ember.randn(10_000)
    assert bool(torch_random._JIT) == (setting == "1")
    ember.randn(10_000)
    assert bool(torch_random._JIT) == loads


@pytest.mark.slow
def test_unwritable_cache_dirs(tmp_path):
    # the package directory read-only: numba caches in the user's directory instead; and
    # where no cache directory is writable at all, the NumPy kernels stand in
    _jit()
    patch = """
        import numba.core.caching as caching
        def refuse(self):
            raise PermissionError("read-only")
        {refused}.ensure_cache_path = refuse
    """
    fallback = _python(textwrap.dedent(patch.format(refused="caching.InTreeCacheLocator"))
                       + textwrap.dedent(_DRAW), XDG_CACHE_HOME=str(tmp_path), HOME=str(tmp_path),
                       EMBER_JIT="1")
    assert fallback[1] == "True"
    assert list(tmp_path.rglob("*jit_random*.nbi"))        # the user-wide cache was written
    nowhere = _python(textwrap.dedent(patch.format(refused="caching._CacheLocator"))
                      + textwrap.dedent(_DRAW), XDG_CACHE_HOME=str(tmp_path / "x"), EMBER_JIT="1")
    assert nowhere[1:] == ["False", fallback[2]]
