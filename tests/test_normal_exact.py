"""float32 ``normal_`` is PyTorch's AVX2 Box-Muller kernel to the bit.

Two kinds of checks against torch 2.13:

* seeded streams: many seeds, sizes (ragged tails, several pipeline runs, the threaded path),
  means and standard deviations, dtypes, ``out=`` and non-contiguous targets;
* chosen uniforms: a crafted generator state makes torch's Mersenne Twister emit up to 623
  chosen 32-bit words (the key words are the untempered outputs, read from ``next = 0`` with
  ``left = 624``: no twist comes before the 624th), so both libraries can be fed the same
  uniforms.  With every angle uniform 0 (cos = 1, sin = 0) a block's first 8 outputs are the
  radii ``sqrt(-2 log(1 - u))`` themselves; with a radius uniform whose radius is a power of
  two, the outputs are exactly scaled cosines and sines.  A quick test sweeps a spread sample
  of the 2**24 possible uniforms, a slow one all of them (about 10 s each for radii and
  angles).  Both float32 kernels are checked on them: NumPy's and, where numba imports, the
  numba one (``jit_random``).
"""
import functools
import importlib.util
import struct

import numpy as np
import pytest

import ember
from ember._backend import torch_random
from ember._backend.mt19937 import STATE_BYTES

torch = pytest.importorskip("torch")

_WORDS = 608                         # draws per crafted state (608 normals: 38 blocks)
_BLOCKS = _WORDS // 16
_LANES = _BLOCKS * 8                 # radius (or angle) uniforms per crafted state


def _bits(a):
    return np.ascontiguousarray(a).view(np.int32 if a.dtype == np.float32 else np.int64)


# ---- seeded streams ------------------------------------------------------------------------------
def _both(fn, seed):
    res = []
    for lib in (torch, ember):
        lib.manual_seed(seed)
        t = fn(lib)
        res.append((t.float() if t.dtype == lib.bfloat16 else t).numpy())
    return res


SIZES = [16, 17, 31, 48, 100, 1023, 4096 * 4, 65536 + 5, 3 * 65536 + 23]
MOMENTS = [(0.0, 1.0), (0.0, 0.02), (1.5, 1.0), (-3.0, 0.01), (0.25, 3.0)]


@pytest.mark.parametrize("seed", [0, 7, 2 ** 31 + 11])
@pytest.mark.parametrize("n", SIZES)
def test_normal_float32_seeds_sizes(seed, n):
    for mean, std in MOMENTS[:2] if n > 5000 else MOMENTS:
        t, e = _both(lambda L: L.empty(n).normal_(mean, std), seed)
        np.testing.assert_array_equal(_bits(e), _bits(t), err_msg=f"{mean}, {std}")


def test_normal_threaded_path():
    # from AHEAD_RUNS runs of 65536 on, a thread makes the draws ahead: same numbers
    t, e = _both(lambda L: L.randn(8 * 65536 + 9), 3)
    np.testing.assert_array_equal(_bits(e), _bits(t))


@pytest.mark.parametrize("n", [65536 - 16, 65536 + 16, torch_random.AHEAD_RUNS * 65536 - 1,
                               torch_random.AHEAD_RUNS * 65536])
def test_normal_run_and_thread_edges(n):
    # either side of a kernel run (65536 samples) and of the draw-ahead threshold, with
    # the one-operation and the fused (mean, std) closings
    for mean, std in ((0.0, 1.0), (0.25, 3.0)):
        t, e = _both(lambda L: L.empty(n).normal_(mean, std), 9)
        np.testing.assert_array_equal(_bits(e), _bits(t), err_msg=f"{mean}, {std}")


def test_normal_concurrent_threads():
    # each thread works in its own arrays: user threads sampling at once (one of them large
    # enough for the drawing thread) get the numbers each generator gives alone
    from concurrent.futures import ThreadPoolExecutor
    sizes = [(3, 70_001), (4, 8 * 65536 + 16), (5, 40_000)]

    def draw(L, seed, n):
        return L.empty(n).normal_(0.5, 2.0, generator=L.Generator().manual_seed(seed)).numpy()
    with ThreadPoolExecutor(3) as pool:
        got = list(pool.map(lambda a: draw(ember, *a), sizes))
    for (seed, n), e in zip(sizes, got):
        np.testing.assert_array_equal(_bits(e), _bits(draw(torch, seed, n)))


@pytest.mark.parametrize("n", [7, 1000, 65536 + 3, 8 * 65536 + 5])
def test_uniform_unit_float32(n):
    # rand() and uniform_() on float32 fill in pipeline runs (in place for a contiguous
    # tensor); a strided target takes the same stream in memory order
    t, e = _both(lambda L: L.cat([L.rand(n), L.empty(n).uniform_(),
                                  L.empty(2, n)[:, ::2].uniform_().reshape(-1)]), 4)
    np.testing.assert_array_equal(_bits(e), _bits(t))


@pytest.mark.parametrize("dt", ["float64", "float16", "bfloat16"])
@pytest.mark.parametrize("n", [15, 16, 33, 1000])
def test_normal_other_dtypes(dt, n):
    t, e = _both(lambda L: L.empty(n, dtype=getattr(L, dt)).normal_(0.5, 2.0), 5)
    if dt == "float64":        # the C library's log/sin/cos: equal in practice, an ulp allowed
        np.testing.assert_allclose(e, t, rtol=4e-16, atol=0)
    else:
        np.testing.assert_array_equal(e, t)


def test_normal_out_and_views():
    def fn(L):
        g = L.Generator().manual_seed(11)
        out = L.empty(37, 5)
        L.randn(37, 5, generator=g, out=out)
        col = L.empty(40, 6).t()              # non-contiguous: the scalar path, in memory order
        col.normal_(1.0, 0.5, generator=g)
        rows = L.empty(64, 8)[::2]            # a strided view
        rows.normal_(generator=g)
        return L.cat([out.reshape(-1), col.reshape(-1), rows.reshape(-1),
                      L.randn(50, generator=g)])
    t, e = _both(fn, 0)
    np.testing.assert_array_equal(_bits(e), _bits(t))


@pytest.mark.parametrize("bound", [1e-3, 0.1, 0.5, 1.0, 3.0, 2.0 ** -110, 1e30, 2.0 ** 100])
def test_uniform_symmetric_ranges(bound):
    # uniform_(-b, b), the default init's range, takes a one-product float32 path
    for n in (7, 1000, 70_001):
        t, e = _both(lambda L: L.empty(n).uniform_(-bound, bound), 2)
        np.testing.assert_array_equal(_bits(e), _bits(t), err_msg=str(n))


# ---- chosen uniforms -------------------------------------------------------------------------------
def _untemper(y):
    """The Mersenne Twister key words whose tempered outputs are ``y`` (uint32)."""
    y = y.copy()
    y ^= y >> np.uint32(18)
    y ^= (y << np.uint32(15)) & np.uint32(0xEFC60000)
    x = y.copy()
    for _ in range(4):
        x = y ^ ((x << np.uint32(7)) & np.uint32(0x9D2C5680))
    y = x
    for _ in range(2):
        x = y ^ (x >> np.uint32(11))
    return x


_HEAD, _TAIL = struct.Struct("<QiiQ"), struct.Struct("<dddi4xf?3x")


def _torch_normals(words, mean=0.0, std=1.0):
    """torch's ``normal_(mean, std)`` of 608 float32 values fed the (B, 608) uint32 ``words``."""
    keys = np.zeros((len(words), 624), "<u8")
    keys[:, :_WORDS] = _untemper(words)
    head, tail = _HEAD.pack(0, 624, 1, 0), _TAIL.pack(0, 0, 0, 0, 0, False)
    g, out = torch.Generator(), torch.empty(_WORDS)
    res = np.empty(words.shape, np.float32)
    for i, key in enumerate(keys):
        state = head + key.tobytes() + tail
        g.set_state(torch.frombuffer(bytearray(state), dtype=torch.uint8))
        res[i] = out.normal_(mean, std, generator=g).numpy()
    assert len(state) == STATE_BYTES
    return res


def _ember_normals(words, mean=0.0, std=1.0, kernel="numpy"):
    """Ember's normals of the (B, 608) ``words`` from its NumPy kernel or its numba one."""
    out = np.empty(words.size, np.float32)
    mean, std = np.float32(mean), np.float32(std)
    if kernel == "numpy":
        kb = (words & np.uint32(0xFFFFFF)).reshape(-1, 16)
        torch_random._fill16_f32(kb, out.reshape(-1, 16), mean, std)
    else:
        from ember._backend import jit_random
        jit_random.normal_f32(words.reshape(-1), out, mean, std, torch_random._fma_mode(mean, std))
    return out.reshape(words.shape)


def _kernels():
    return ["numpy", "jit"] if importlib.util.find_spec("numba") else ["numpy"]


def _assert_kernels_equal(words, torch_result, mean=0.0, std=1.0):
    """Every float32 normal kernel gives torch's bits for ``words``."""
    for kernel in _kernels():
        e = _ember_normals(words, mean, std, kernel)
        bad = np.flatnonzero((_bits(torch_result) != _bits(e)).any(axis=1))
        assert bad.size == 0, f"{kernel}: {bad.size} states differ, first {words[bad[0]][:16]}"


def _words(radius_k, angle_k, rng):
    """(B, 608) words: blocks of 8 radius uniforms then 8 angle uniforms (24-bit ``k``), with
    random high bytes (the kernel keeps the low 24 bits)."""
    b = len(radius_k) // _LANES
    w = np.empty((b, _BLOCKS, 2, 8), np.uint32)
    w[:, :, 0] = radius_k.reshape(b, _BLOCKS, 8)
    w[:, :, 1] = angle_k.reshape(b, _BLOCKS, 8)
    w |= rng.integers(0, 256, w.shape, dtype=np.uint32) << np.uint32(24)
    return w.reshape(b, _WORDS)


@functools.lru_cache(None)
def _unit_radius_k():
    """A radius uniform whose float32 radius is a power of two (cosines and sines times it are
    exact): searched near 1 - exp(-r**2 / 2)."""
    for r in (1.0, 2.0, 0.5, 0.25):
        k0 = int((1 - np.exp(-r * r / 2)) * 2 ** 24)
        ks = np.arange(k0 - 64, k0 + 64, dtype=np.uint32)
        words = _words(np.resize(ks, _LANES), np.zeros(_LANES, np.uint32),
                       np.random.default_rng(0))
        radii = _ember_normals(words).reshape(_BLOCKS, 2, 8)[:, 0].reshape(-1)[:len(ks)]
        hit = np.flatnonzero(radii == np.float32(r))
        if hit.size:
            return int(ks[hit[0]])
    raise AssertionError("no power-of-two radius near the candidates")


def _sweep(ks, which, rng):
    """Compare both libraries on uniforms ``ks`` (a multiple of 304 of them) used as radius
    (``which == 0``, angles 0) or angle (``which == 1``, radius a power of two) uniforms."""
    other = np.zeros(len(ks), np.uint32) if which == 0 else np.full(len(ks), _unit_radius_k(),
                                                                     np.uint32)
    words = _words(ks, other, rng) if which == 0 else _words(other, ks, rng)
    _assert_kernels_equal(words, _torch_normals(words))


@pytest.mark.parametrize("which", [0, 1], ids=["radius", "angle"])
def test_chosen_uniforms_sample(which):
    rng = np.random.default_rng(which)
    # every 1531st uniform (a spread over the whole range), the ends, and random ones
    ks = np.concatenate([np.arange(0, 1 << 24, 1531), np.arange((1 << 24) - 100, 1 << 24),
                         np.arange(100), rng.integers(0, 1 << 24, 20_000)]).astype(np.uint32)
    _sweep(np.resize(ks, -(-len(ks) // _LANES) * _LANES), which, rng)


@pytest.mark.parametrize("mean, std", [(0.0, 1.0), (0.0, 0.02), (-0.0, 3.0), (0.0, 1e-40),
                                       (2.0, 1.0), (-1.0, 0.5)])
def test_zero_radius_sign(mean, std):
    # u = 0 gives a radius of -0.0; PyTorch's closing fma adds the mean (+0.0 turns it into +0.0)
    rng = np.random.default_rng(1)
    ks = np.resize(np.array([0, 0, 5, 1 << 23], np.uint32), _LANES)
    words = _words(ks, rng.integers(0, 1 << 24, _LANES, dtype=np.uint32), rng)
    _assert_kernels_equal(words, _torch_normals(words, mean, std), mean, std)


@pytest.mark.parametrize("mean, std, angles", [
    (97.98123931884766, 0.5104759335517883, [7029186, 2834882]),
    (-240.40118408203125, 0.5965076088905334, [2835305])])
def test_closing_fma_rounds_once(mean, std, angles):
    # angles whose fma(z, std, mean), with a unit radius, lies within half a float64 ulp of a
    # float32 tie (found by a search over all angles): a float64 sum then a float32 rounding
    # rounds twice, the wrong way
    rng = np.random.default_rng(2)
    words = _words(np.full(_LANES, _unit_radius_k(), np.uint32),
                   np.resize(np.array(angles, np.uint32), _LANES), rng)
    _assert_kernels_equal(words, _torch_normals(words, mean, std), mean, std)


@pytest.mark.slow
@pytest.mark.parametrize("which", [0, 1], ids=["radius", "angle"])
def test_chosen_uniforms_all(which):
    """Every one of the 2**24 uniforms, as a radius uniform and as an angle uniform."""
    rng, step = np.random.default_rng(which), _LANES * 2048
    for start in range(0, 1 << 24, step):
        ks = np.arange(start, start + step, dtype=np.int64)
        ks[ks >= 1 << 24] -= 1 << 24          # the last run wraps around to the start
        _sweep(ks.astype(np.uint32), which, rng)
