"""PyTorch's CPU sampling recipes on an ``mt19937.MT19937`` stream, vectorised in NumPy.

Every kernel returns the ``n`` samples flat, in the order PyTorch's kernel writes them (the
caller lays them out in the tensor's iteration order), so a seeded stream gives PyTorch's
numbers.  The recipes (ATen's ``TransformationHelper.h`` / ``DistributionsHelper.h`` and the CPU
distribution kernels):

* uniform floats keep the low ``digits`` bits of one draw: 24 of a 32-bit draw for float32
  (float16 / bfloat16 round that), 53 of a 64-bit draw for float64, scaled by
  ``2**-digits``; ``from + x * (to - from)`` is one fused multiply-add;
* normal: contiguous tensors of >= 16 elements take the vectorised Box-Muller path (all uniforms
  first, then blocks of 16: 8 cosines then 8 sines; a ragged tail redraws the last 16); others
  draw pairs of float64 uniforms per two samples, caching the second (sine) sample in the
  generator;
* integers are ``draw % range + base``, with 64-bit draws for ranges >= 2**28;
* the other distributions transform one float64 uniform per sample.

Transcendental functions in float64 kernels go through Python's ``math`` (the C library PyTorch
calls too) because NumPy's SIMD versions differ from it in the last bit.
"""
import collections
import math
import os
import struct
import threading

import numpy as np

from . import jit
from .fp_emulation import Scratch, fma32, fma64, log1pf, logf, sincosf, sum_to_f32

_F32_SCALE = np.float32(2.0 ** -24)
_TWO_PI_F32 = np.float32(2 * math.pi)
_CHUNK = 1 << 16        # elements per run of the elementwise kernels (temporaries stay in cache)
_POOL = []              # [(thread pool transforming runs, how many may wait on it)]
_DRAWER = []            # [one thread making draws ahead of the calling thread]
THREADED_RUNS = 8       # numba jobs of this many runs share their transforms with the pool
AHEAD_RUNS = 4          # NumPy jobs of this many runs have their draws made ahead
_AHEAD_MAX = 16         # runs per block drawn ahead (4 MB of 32-bit draws)
os.register_at_fork(after_in_child=_POOL.clear)   # a forked child has none of the threads
os.register_at_fork(after_in_child=_DRAWER.clear)


def _executor(threads, name):
    from concurrent.futures import ThreadPoolExecutor
    return ThreadPoolExecutor(threads, name)


def _runs(n, draw, ahead=True):
    """``(i, j, draws)`` for the successive runs of ``n`` draws (``_CHUNK`` each, in stream
    order): runs stay in cache, and no n-sized array of raw draws is made.  From
    ``AHEAD_RUNS`` runs on (``ahead``), a thread makes the draws a block or two ahead of the
    caller's transforms (see ``_drawn_ahead``)."""
    step = _CHUNK
    if ahead and n >= AHEAD_RUNS * step and (os.cpu_count() or 1) > 1:
        yield from _drawn_ahead(n, draw, step)
        return
    for i in range(0, n, step):
        j = min(i + step, n)
        yield i, j, draw(j - i)


def _drawn_ahead(n, draw, step):
    """``_runs`` with the draws after the first run's made on the drawing thread, in blocks
    that grow from 2 runs to ``_AHEAD_MAX``, at most two blocks ahead of the caller.  A block
    is one long NumPy call that releases the GIL, so it runs while the caller transforms.  (The
    transforms stay on the caller: two threads making short NumPy calls do not run at once but
    take the GIL in turns, at Python's switch interval.)"""
    if not _DRAWER:
        _DRAWER.append(_executor(1, "ember-random-draws"))   # one thread: draws stay in order
    drawer = _DRAWER[0]
    first = draw(min(step, n))
    bounds, i, size = [], step, 2 * step
    while i < n:
        bounds.append((i, min(i + size, n)))
        i, size = i + size, min(2 * size, _AHEAD_MAX * step)
    ahead = collections.deque(drawer.submit(draw, j - i) for i, j in bounds[:2])
    try:
        yield 0, len(first), first
        for b, (i, j) in enumerate(bounds):
            bits = ahead.popleft().result()
            if b + 2 < len(bounds):
                lo, hi = bounds[b + 2]
                ahead.append(drawer.submit(draw, hi - lo))
            for k in range(i, j, step):
                yield k, min(k + step, j), bits[k - i:k - i + step]
    finally:        # (a caller stopped by an exception: no draw of its goes on after it)
        for job in [job for job in ahead if not job.cancel()]:
            job.exception()


def _pipeline(n, draw, work):
    """``work(i, j, draws)`` on each of ``_runs(n, draw, ahead=False)``; jobs of
    ``THREADED_RUNS`` runs or more hand the runs to a thread pool as the calling thread draws
    them (for the numba kernels, whose draws and transforms are long calls that release the
    GIL).  The calling thread transforms
    a run itself whenever the pool has a backlog, and once its draws are done it takes back the
    runs no worker has started, so every core transforms until the end."""
    if n < THREADED_RUNS * _CHUNK or (os.cpu_count() or 1) < 2:
        for run in _runs(n, draw, ahead=False):
            work(*run)
        return
    if not _POOL:
        workers = min(7, os.cpu_count() - 1)
        _POOL.append((_executor(workers, "ember-random"), 2 * workers))
    pool, depth = _POOL[0]
    jobs = collections.deque()
    for run in _runs(n, draw, ahead=False):
        while jobs and jobs[0][0].done():
            jobs.popleft()[0].result()
        if len(jobs) < depth:
            jobs.append((pool.submit(work, *run), run))
        else:
            work(*run)
    started = []
    while jobs:                 # the newest first: the workers take the oldest
        job, run = jobs.pop()
        if job.cancel():
            work(*run)
        else:
            started.append(job)
    for job in started:
        job.result()


def _libm(fn, x):
    """``fn`` (a ``math`` function) over a float64 array, exactly as the C library rounds it."""
    return np.fromiter(map(fn, x.tolist()), np.float64, x.size)


# ---- the optional numba kernels ----------------------------------------------------------------
JIT_MIN = 4096          # requests from this many samples can take the numba kernels
# Loading numba costs 0.6-1.2 s (its import and type registries; the machine code itself is
# cached), so by default it is loaded once the NumPy kernels have had about that much work on
# such requests (estimated from the per-sample costs below, the current request included): a
# program never pays more than about twice what it could have saved, and building a model of
# up to ~50M parameters never loads it.  EMBER_JIT=1 loads it at the first such request,
# EMBER_JIT=0 never.
JIT_AFTER_NS = 1e9
NS_NORMAL32, NS_NORMAL64, NS_UNIFORM = 10, 150, 3     # NumPy kernels, per sample (2 cores)
_JIT = []               # [jit_random or None], once loaded
_numpy_ns = 0.0         # the NumPy kernels' estimated time on such requests until then


def _jit(eng, n, ns):
    """(``jit_random``, the engine's state words, the lock NumPy's draws take on them) for a
    request of ``n`` samples whose NumPy kernel costs about ``ns`` per sample, or None: the
    numba kernels compute the same numbers and take over (see ``JIT_AFTER_NS``) unless numba
    is missing."""
    global _numpy_ns
    if n < JIT_MIN:
        return None
    if not _JIT:
        _numpy_ns += n * ns
        mode = os.environ.get("EMBER_JIT")
        if mode == "0" or (mode != "1" and _numpy_ns < JIT_AFTER_NS):
            return None
        _JIT.append(jit.load("jit_random"))
    words = _JIT[0] and eng.state_words()
    return None if words is None else (_JIT[0], words, eng.bits.lock)


def _drawn_into(draw, words, lock, bits):
    """A ``_pipeline`` draw step filling successive slices of ``bits`` (uint32 or uint64) in
    place with the numba kernel ``draw`` on the state ``words`` (under the engine's ``lock``:
    the kernels release the GIL)."""
    done = [0]

    def step(m):
        run = bits[done[0]:done[0] + m]
        done[0] += m
        with lock:
            draw(words, run)
        return run
    return step


# ---- uniform ---------------------------------------------------------------------------------
def unit_double(eng, n):
    """n float64 uniforms in [0, 1) with 53 random bits each."""
    return (eng.u64(n) & np.uint64((1 << 53) - 1)) * (2.0 ** -53)


def unit_float(eng, n):
    """n float32 uniforms in [0, 1) with 24 random bits each."""
    return (eng.u32(n) & np.uint32(0xFFFFFF)).astype(np.float32) * _F32_SCALE


def uniform(eng, n, dtype, lo=0.0, hi=1.0, out=None):
    """``uniform_(lo, hi)`` samples as ``dtype`` (a float dtype's name): float64 from 53-bit
    uniforms, the others from float32 ones; ``lo + x * (hi - lo)`` rounds once (a fused
    multiply-add), and a sample that rounds up to ``hi`` becomes ``lo``, keeping the interval
    half-open as PyTorch does.  ``out``: a flat float32 array the float32 path may fill (and
    return) instead of a new one."""
    jit = _jit(eng, n, NS_UNIFORM)
    if dtype == "float64":
        if jit:
            x = np.empty(n)
            kernels, words, lock = jit
            with lock:
                kernels.uniform_f64(words, x, float(lo), float(hi))
            return x
        x = unit_double(eng, n)
        if lo == 0.0 and hi == 1.0:
            return x
        return _wrap_top(fma64(x, hi - lo, lo), hi, lo)
    lo32, hi32 = np.float32(lo), np.float32(hi)
    v = np.empty(n, np.float32) if out is None else out
    if jit:     # (a draw and a conversion per sample: threads would cost more than they save)
        kernels, words, lock = jit
        with lock:
            kernels.uniform_f32(words, v, lo32, hi32)
    else:       # (a few passes per draw: likewise)
        work = _uniform_f32_work(v, lo32, hi32)
        for run in _runs(n, eng.u32, ahead=False):      # values < hi
            work(*run)
    if dtype == "float32":
        return v
    top, bottom = _to_dtype(np.array([hi32, lo32]), dtype)
    return _wrap_top(_to_dtype(v, dtype), top, bottom)


def _wrap_top(v, top, bottom):
    """``v`` with the samples that rounded up to ``top`` set to ``bottom``."""
    over = v >= top
    if over.any():
        v[over] = bottom
    return v


def _uniform_f32_work(v, lo, hi):
    """The pipeline step writing float32 ``fma(k * 2**-24, hi - lo, lo)`` for 24-bit ``k``."""
    mask = np.uint32(0xFFFFFF)
    # (the draws are the step's own array: masked in place, no temporaries)
    if lo == 0 and hi == 1:
        def work(i, j, bits):
            bits &= mask
            out = v[i:j]
            np.copyto(out, bits.view(np.int32), casting="unsafe")
            out *= _F32_SCALE
        return work
    if lo == -hi and 2.0 ** -100 < hi < 2.0 ** 100:
        # a symmetric range (the default init's): the fma is hi * (k - 2**23) * 2**-23 rounded
        # once, and k - 2**23 is exact in float32, so one float32 product gives it (below hi:
        # hi * (1 - 2**-23) is at least an ulp of hi below it)
        scale = hi * np.float32(2.0 ** -23)

        def work(i, j, bits):
            bits &= mask
            out = v[i:j]
            np.subtract(bits.view(np.int32), 1 << 23, out=out, casting="unsafe")
            out *= scale
        return work
    # x * (hi - lo) is exact in float64 (24-bit by 24-bit): adding lo and rounding to float32
    # once is the fused multiply-add
    step, lo64 = np.float64(hi - lo) * 2.0 ** -24, np.float64(lo)

    def work(i, j, bits):
        w = (bits & mask).astype(np.float64)
        w *= step
        v[i:j] = sum_to_f32(w, lo64) if lo else w
        _wrap_top(v[i:j], hi, lo)
    return work


def _to_dtype(a, dtype):
    """float32 ``a`` rounded to ``dtype`` (float32, float16 or bfloat16)."""
    if dtype == "float32":
        return a
    if dtype == "float16":
        return a.astype(np.float16)
    import ml_dtypes
    return a.astype(ml_dtypes.bfloat16)


# ---- normal ----------------------------------------------------------------------------------
def normal(eng, n, dtype, mean=0.0, std=1.0, contiguous=True, out=None):
    """``normal_(mean, std)`` samples (float64 for the half types' scalar path); ``out`` as for
    ``uniform``."""
    if n >= 16 and contiguous:
        if dtype == "float32":
            return _normal_blocks_f32(eng, n, np.float32(mean), np.float32(std), out=out)
        if dtype == "float64":
            return _normal_blocks_f64(eng, n, mean, std)
        return _to_dtype(_normal_blocks_f32(eng, n, np.float32(mean), np.float32(std), False),
                         dtype)
    return affine64(standard_normal_pairs(eng, n), std, mean)


def affine64(x, a, b):
    """round64(x * a + b): a fused multiply-add, or one operation when that rounds the same."""
    if b == 0:
        return x if a == 1 else x * a
    return x + b if a == 1 else fma64(x, a, b)


def standard_normal_pairs(eng, n):
    """n N(0, 1) float64 samples by scalar Box-Muller, consuming/refilling the generator's
    cached second sample."""
    out = np.empty(n)
    start = 0
    if n and eng.next_double is not None:
        out[0], eng.next_double, start = eng.next_double, None, 1
    k = (n - start + 1) // 2
    if k:
        u = unit_double(eng, 2 * k).reshape(k, 2)
        r = np.sqrt(-2.0 * _libm(math.log1p, -u[:, 1]))
        theta = 2.0 * math.pi * u[:, 0]
        pairs = np.empty((k, 2))
        pairs[:, 0] = r * _libm(math.cos, theta)
        pairs[:, 1] = r * _libm(math.sin, theta)
        flat = pairs.reshape(-1)
        out[start:] = flat[:n - start]
        if (n - start) % 2:
            eng.next_double = float(flat[-1])
    return out


def _blocks(eng, n, unit, fill16, upfront=True):
    """Box-Muller per block of 16 uniforms, the ragged tail redone on 16 new draws.  ``upfront``:
    all n uniforms are drawn before the tail's (float32, float64); the half types draw only the
    whole blocks' before it.  ``fill16(u, out)`` turns (k, 16) uniforms into (k, 16) normals;
    it runs on cache-sized runs of blocks."""
    full = n - n % 16
    u = unit(eng, n if upfront else full)
    out = np.empty(n, u.dtype)
    ub, ob = u[:full].reshape(-1, 16), out[:full].reshape(-1, 16)
    step = _CHUNK // 16
    for i in range(0, len(ub), step):
        fill16(ub[i:i + step], ob[i:i + step])
    if full != n:
        fill16(unit(eng, 16).reshape(1, 16), out[n - 16:].reshape(1, 16))
    return out


def _normal_blocks_f32(eng, n, mean, std, upfront=True, out=None):
    """The AVX2 kernel: Cephes log/sincos in float32 on each 24-bit uniform ``k * 2**-24``
    (radius from the first 8 of a block, angle from the last 8), then ``fma(z, std, mean)``."""
    full = n - n % 16
    out = np.empty(n, np.float32) if out is None else out
    jit = _jit(eng, n, NS_NORMAL32)
    if jit:
        _normal_blocks_jit(jit, n if upfront else full, out, mean, std)
        return out

    def work(i, j, bits):
        j = min(j, full) // 16 * 16          # a ragged tail is redrawn below
        if j > i:
            _fill16_f32(bits[:j - i].reshape(-1, 16), out[i:j].reshape(-1, 16), mean, std)
    for run in _runs(n if upfront else full, eng.u32):
        work(*run)
    if full != n:
        _fill16_f32(eng.u32(16).reshape(1, 16), out[n - 16:].reshape(1, 16), mean, std)
    return out


_HALF_BLOCK = np.dtype((np.void, 32))     # 8 float32 / uint32 lanes moved as one item
# (ufunc operands as 0-d arrays: a Python or NumPy scalar costs ~0.3 us more per call)
_ANGLE_STEP = np.array(_TWO_PI_F32 * _F32_SCALE)     # 2 pi * 2**-24, exact in float32
_LOW24, _TWO24 = np.array(0xFFFFFF, np.uint32), np.array(1 << 24, np.int32)
_MINUS_TWO = np.array(-2, np.float32)
_WORK = threading.local()


def _work():
    """This thread's work arrays for runs of up to ``_CHUNK`` samples (made on first use)."""
    w = getattr(_WORK, "arrays", None)
    if w is None:
        w = _WORK.arrays = (np.empty(_CHUNK, np.uint32), Scratch(_CHUNK // 2))
    return w


def _fill16_f32(kb, out, mean, std):
    """(k, 16) 32-bit draws ``kb`` (their low 24 bits are the uniforms) to (k, 16) normals in
    ``out``, in runs of ``_CHUNK`` samples."""
    step = _CHUNK // 16
    for i in range(0, len(kb), step):
        _fill_run(kb[i:i + step], out[i:i + step], mean, std)


def _fill_run(kb, out, mean, std):
    """``_fill16_f32`` on one run.  The halves of each block are regrouped with 32-byte moves,
    so the arithmetic runs on contiguous lanes, all in this thread's work arrays."""
    k = len(kb)
    n = 8 * k
    halves, scratch = _work()
    halves = halves[:2 * n]
    halves.view(_HALF_BLOCK).reshape(2, k)[...] = kb.view(_HALF_BLOCK).reshape(k, 2).T
    halves &= _LOW24
    s = scratch.view(n)
    radius_k, angle_k = halves[:n].view(np.int32), halves[n:].view(np.int32)
    # (1 - u) * 2**24 = 2**24 - k is exact in float32 (logf takes the 2**24 out of its
    # exponent); the angle k * (2 pi * 2**-24) rounds as 2 pi * u does (a power-of-two scale)
    np.subtract(_TWO24, radius_k, out=s.x, casting="unsafe")
    theta = np.multiply(angle_k, _ANGLE_STEP, out=s.a, dtype=np.float32)
    cos_sin = sincosf(theta, s)
    radius = logf(s.x, s, shift=24)
    radius *= _MINUS_TWO
    np.sqrt(radius, out=radius)
    res = np.multiply(radius, cos_sin, out=halves.view(np.float32).reshape(2, n))
    # PyTorch always applies fma(z, std, mean); one float32 operation rounds the same where the
    # factor is 1, or the addend is zero and no product underflows to zero (a nonzero |z| is at
    # least 3.4e-4 * 1.1e-8, the smallest radius and cosine over all 2**24 uniforms).  u = 0
    # gives z = -0.0, which the fma's zero addend turns into +0.0.
    mode = _fma_mode(mean, std)
    if mode == 0:
        res += mean
    elif mode == 1:
        res *= std
        res += mean
    else:
        res[...] = fma32(res, std, mean)
    out.view(_HALF_BLOCK).reshape(k, 2)[...] = res.view(_HALF_BLOCK).reshape(2, k).T


def _fma_mode(mean, std):
    """How ``fma(z, std, mean)`` rounds the same: 0, as ``z + mean``; 1, as ``z * std + mean``
    (no product underflows to zero); 2, only as the fused operation."""
    return 0 if std == 1 else 1 if mean == 0 and abs(std) >= 2.0 ** -100 else 2


def _normal_blocks_jit(jit, drawn, out, mean, std):
    """``_normal_blocks_f32`` / ``_f64`` with the numba kernels, into ``out`` (float32 or
    float64, of n elements): ``drawn`` draws, then the ragged tail's 16; the draws are made in
    ``out``'s own memory and transformed in place."""
    kernels, words, lock = jit
    n = out.size
    full = n - n % 16
    if out.dtype == np.float32:
        draw, bits, mode = kernels.draw32, out.view(np.uint32), _fma_mode(mean, std)

        def transform(raw, dst):
            kernels.normal_f32(raw, dst, mean, std, mode)
    else:
        draw, bits = kernels.draw64, out.view(np.uint64)

        def transform(raw, dst):
            kernels.normal_f64(raw, dst, mean, std)

    def work(i, j, raw):
        j = min(j, full)
        if j > i:
            transform(raw[:j - i], out[i:j])
    _pipeline(drawn, _drawn_into(draw, words, lock, bits), work)
    if full != n:
        tail = np.empty(16, bits.dtype)
        with lock:
            draw(words, tail)
        transform(tail, out[n - 16:])


def _normal_blocks_f64(eng, n, mean, std):
    jit = _jit(eng, n, NS_NORMAL64)
    if jit:
        out = np.empty(n)
        _normal_blocks_jit(jit, n, out, float(mean), float(std))
        return out

    def fill16(u, out):
        radius = np.sqrt(-2 * _libm(math.log, 1 - u[:, :8].reshape(-1))).reshape(-1, 8)
        theta = (2.0 * math.pi * u[:, 8:]).reshape(-1)
        out[:, :8] = radius * _libm(math.cos, theta).reshape(-1, 8)
        out[:, 8:] = radius * _libm(math.sin, theta).reshape(-1, 8)
        out[...] = fma64(out, std, mean)
    return _blocks(eng, n, unit_double, fill16)


# ---- gamma (Marsaglia-Tsang, serially per element) ---------------------------------------------
_THIRD_F32 = float(np.float32(1.0 / 3.0))     # PyTorch's ``1.0f / 3.0f``, a float constant
_SQUEEZE_F32 = float(np.float32(0.0331))      # and ``0.0331f``


class _Draws:
    """Float64 uniforms and N(0, 1) samples drawn one at a time, as PyTorch's scalar samplers
    draw them, without a NumPy call per draw: 64-bit draws are read ahead in blocks, and
    ``settle()`` puts the engine just past the draws used (and the Box-Muller cache as left)."""

    def __init__(self, eng, ahead):
        self.eng, self.saved = eng, eng.get_state()
        self.vals, self.used = unit_double(eng, ahead).tolist(), 0
        self.cached = eng.next_double

    def uniform(self):
        """53 bits of a 64-bit draw, in [0, 1)."""
        if self.used == len(self.vals):
            self.vals += unit_double(self.eng, len(self.vals)).tolist()
        self.used += 1
        return self.vals[self.used - 1]

    def normal(self):
        """The cached sine sample, or a new Box-Muller pair (cosine returned, sine cached), as
        ``standard_normal_pairs`` draws them."""
        cached = self.cached
        if cached is not None:
            self.cached = None
            return cached
        u1, u2 = self.uniform(), self.uniform()
        r = math.sqrt(-2.0 * math.log1p(-u2))
        theta = 2.0 * math.pi * u1
        self.cached = r * math.sin(theta)
        return r * math.cos(theta)

    def settle(self):
        eng = self.eng
        eng.set_state(self.saved)
        if self.used:
            eng.u64(self.used)
        eng.next_double = self.cached


_FLOAT32 = struct.Struct("f")


def _f32(x):
    """The float ``x`` rounded to float32 (a third of NumPy's scalar conversion's time)."""
    try:
        return _FLOAT32.unpack(_FLOAT32.pack(x))[0]
    except OverflowError:       # rounds beyond float32's range
        return math.copysign(math.inf, x)


def _gamma_one(draws, alpha, single):
    """PyTorch's ``sample_gamma``: Marsaglia and Tsang's rejection method, boosting ``alpha``
    below 1; ``single``: the float32 kernel, whose ``alpha`` and ``d`` are float32
    values (the rest, ``scale`` included, is float64 arithmetic: PyTorch's accumulate type)."""
    rnd = _f32 if single else float
    scale = 1.0
    if alpha < 1.0:
        if alpha == 0.0:
            return 0.0
        scale = scale * math.pow(1.0 - draws.uniform(), rnd(1.0 / alpha))
        alpha = rnd(alpha + 1.0)
    d = rnd(alpha - _THIRD_F32)
    c = 1.0 / math.sqrt(9.0 * d)
    while True:
        x = draws.normal()
        y = 1.0 + c * x
        while y <= 0:
            x = draws.normal()
            y = 1.0 + c * x
        v = y * y * y
        u = 1.0 - draws.uniform()
        xx = x * x
        if u < 1.0 - _SQUEEZE_F32 * xx * xx or math.log(u) < 0.5 * xx + d * (1.0 - v + math.log(v)):
            return scale * d * v


def standard_gamma(eng, alphas, dtype):
    """Gamma(alpha, 1) for each of ``alphas`` (flat, in iteration order) as PyTorch's CPU
    kernel draws them: one element after another (rejection makes the stream consumption
    data-dependent), at least the dtype's smallest normal number.  ``dtype``: "float32" runs
    the float32 kernel, anything else the float64 one (Dirichlet samples its gammas in
    float64)."""
    single = dtype == "float32"
    draws = _Draws(eng, 3 * alphas.size + 8)
    out = np.fromiter((_gamma_one(draws, a, single) for a in alphas.tolist()), np.float64,
                      alphas.size)
    draws.settle()
    kind = np.float32 if single else np.float64
    return np.maximum(out.astype(kind), np.finfo(kind).tiny)


# ---- Poisson (PyTorch's scalar sampler, per element) ---------------------------------------------
def _poisson_one(draws, lam):
    """PyTorch's ``sample_poisson``: Hoermann's transformed rejection (PTRS) from a rate of 10,
    multiplication of uniforms below."""
    if lam >= 10:
        slam, loglam = math.sqrt(lam), math.log(lam)
        b = 0.931 + 2.53 * slam
        a = -0.059 + 0.02483 * b
        invalpha = 1.1239 + 1.1328 / (b - 3.4)
        vr = 0.9277 - 3.6224 / (b - 2)
        while True:
            u = draws.uniform() - 0.5
            v = draws.uniform()
            us = 0.5 - abs(u)
            k = math.floor((2 * a / us + b) * u + lam + 0.43)
            if us >= 0.07 and v <= vr:
                return k
            if k < 0 or (us < 0.013 and v > us):
                continue
            if (math.log(v) + math.log(invalpha) - math.log(a / (us * us) + b)
                    <= -lam + k * loglam - math.lgamma(k + 1.0)):
                return k
    if lam == 0:
        return 0
    limit, count, prod = math.exp(-lam), 0, 1.0
    while True:
        prod *= draws.uniform()
        if prod <= limit:
            return count
        count += 1


def poisson(eng, rates):
    """Poisson(rate) for each of ``rates`` (flat, float64, in iteration order), one element
    after another as PyTorch's CPU kernel draws them."""
    draws = _Draws(eng, 2 * rates.size + 8)
    out = np.fromiter((_poisson_one(draws, r) for r in rates.tolist()), np.float64, rates.size)
    draws.settle()
    return out


# ---- binomial (PyTorch's scalar sampler, per element) -------------------------------------------
_STIRLING_TAIL = (0.0810614667953272, 0.0413406959554092, 0.0276779256849983, 0.02079067210376509,
                  0.0166446911898211, 0.0138761288230707, 0.0118967099458917, 0.0104112652619720,
                  0.00925546218271273, 0.00833056343336287)


def _stirling_tail(k):
    """log(k!) minus its Stirling approximation: tabulated to 9, a series above."""
    if k <= 9:
        return _STIRLING_TAIL[int(k)]
    kp1sq = (k + 1) * (k + 1)
    return (1.0 / 12 - (1.0 / 360 - 1.0 / 1260 / kp1sq) / kp1sq) / (k + 1)


def _log(x):
    """The C library's ``log``: -inf at 0 and nan below, where ``math.log`` raises."""
    try:
        return math.log(x)
    except ValueError:
        return -math.inf if x == 0 else math.nan


def _floor(x):
    """``floor`` as a float, inf and nan passing through."""
    return float(math.floor(x)) if math.isfinite(x) else x


def _binomial_inversion(draws, count, prob, single):
    """Successes counted as geometric waiting times until they pass ``count``; the log of
    1 - prob is the float32 ``log1pf`` in the float32 kernel."""
    logprob = log1pf(-prob) if single else math.log1p(-prob)
    total, successes = 0.0, 0.0
    while True:
        ratio = _log(draws.uniform()) / logprob
        total += float(math.ceil(ratio)) if ratio != math.inf else ratio
        if total > count:
            return successes
        successes += 1


def _btrs_setup(n, q):
    """The BTRS constants (a, b, c, v_r, r, alpha, m, count + 1) of each (count, prob) pair
    of ``n`` and ``q`` (arrays of the kernel's float type, in which their expressions round;
    the rest is float64 arithmetic, as PyTorch's accumulate type)."""
    one = n.dtype.type(1)
    stddev = np.sqrt(n * q * (one - q)).astype(np.float64)
    b = 1.15 + 2.53 * stddev
    a = -0.0873 + 0.0248 * b + 0.01 * q.astype(np.float64)
    c = (n * q).astype(np.float64) + 0.5
    v_r = 0.92 - 4.2 / b
    alpha = (2.83 + 5.1 / b) * stddev
    return a, b, c, v_r, q / (one - q), alpha, np.floor((n + one) * q), n + one


def _btrs(draws, count, setup, single):
    """Hoermann's transformed rejection with squeeze (BTRS) for count * prob >= 10, two
    uniforms per try, with PyTorch's acceptance test outside the squeeze box (the log of the
    scaled ``v`` against a bound built from Stirling tails).  ``single``: the float32 kernel,
    whose count expressions round to float32."""
    a, b, c, v_r, r, alpha, m, count1 = setup
    rnd = _f32 if single else float
    while True:
        u = draws.uniform() - 0.5
        v = draws.uniform()
        us = 0.5 - abs(u)
        if us == 0:             # C's k = floor(-inf): rejected below 0
            continue
        k = _floor((2 * a / us + b) * u + c)
        if single and not abs(k) < 2.0 ** 24:
            k = _f32(k)
        if k < 0 or k > count:
            continue
        if us >= 0.07 and v <= v_r:
            return k
        v = _log(v * alpha / (a / (us * us) + b))
        left = rnd(count - k)
        bound = ((m + 0.5) * _log((m + 1) / (r * (count - m + 1)))
                 + count1 * _log((count - m + 1) / rnd(left + 1))
                 + (k + 0.5) * _log(r * rnd(left + 1) / rnd(k + 1))
                 + _stirling_tail(m) + _stirling_tail(count - m)
                 - _stirling_tail(k) - _stirling_tail(left))
        if v <= bound:
            return k


def binomial(eng, counts, probs, dtype):
    """Binomial(count, prob) for each pair of ``counts`` and ``probs`` (flat float64 arrays
    holding ``dtype`` values, in iteration order) as PyTorch's CPU kernel (``sample_binomial``)
    draws them, in ``dtype`` ("float32" runs the float32 kernel, anything else the float64
    one): count <= 0 or prob <= 0 gives 0, prob >= 1 the count, and otherwise the smaller q of
    prob and 1 - prob is sampled (the count minus a sample of q above 0.5), by inversion below
    count * q = 10 and BTRS above, one element after another.  The per-element constants are
    worked out for all elements at once (NumPy's float32 operations round as C's do)."""
    f = np.float32 if dtype == "float32" else np.float64
    single = f is np.float32
    with np.errstate(all="ignore"):
        n, p = counts.astype(f), probs.astype(f)
        zero = (n <= 0) | (p <= 0)
        out = np.where(zero, f(0), np.where(p >= 1, n, f(np.nan)))
        todo = np.flatnonzero(~zero & (p < 1) & (n == n))   # a NaN count: PyTorch's loops never end
        n, p = n[todo], p[todo]
        flip = p > f(0.5)
        q = np.where(flip, f(1) - p, p)
        big = n * q >= 10
        setup = zip(*(x.tolist() for x in _btrs_setup(n, q)))
    draws = _Draws(eng, 3 * todo.size + 8)
    ks = np.fromiter((_btrs(draws, cnt, st, single) if btrs
                      else _binomial_inversion(draws, cnt, qq, single)
                      for cnt, qq, btrs, st in zip(n.tolist(), q.tolist(), big.tolist(), setup)),
                     np.float64, todo.size).astype(f)
    draws.settle()
    out[todo] = np.where(flip, n - ks, ks)
    return out


# ---- integers --------------------------------------------------------------------------------
def integers(eng, n, span, base):
    """``random_(from, to)``: ``draw % span + base`` (int64), span = to - from >= 1; ranges of
    2**28 or more take 64-bit draws (less modulo bias)."""
    if span >= 1 << 28:
        r = eng.u64(n) % np.uint64(span)
    else:       # the modulo in 32 bits: a quarter faster than widening the draws first
        r = eng.u32(n) % np.uint32(span)
    out = r.astype(np.int64)
    out += base
    return out


def full_range_int64(eng, n):
    """``random_(-2**63, None)``: a 64-bit draw read as int64."""
    return eng.u64(n).view(np.int64)


_DEFAULT_MOD = {"float64": (1 << 53) + 1, "float32": (1 << 24) + 1, "float16": (1 << 11) + 1,
                "bfloat16": (1 << 8) + 1, "int64": 1 << 63, "int32": 1 << 31,
                "int16": 1 << 15, "int8": 1 << 7, "uint8": 1 << 8, "uint16": 1 << 16,
                "uint32": 1 << 32, "uint64": 1 << 64, "bool": 2}


def random_default(eng, n, dtype):
    """``random_()``: [0, 2**digits] for floats, [0, max] for integers, {0, 1} for bool."""
    wide = dtype in ("float64", "int64", "uint64")
    draws = eng.u64(n) if wide else eng.u32(n).astype(np.uint64)
    mod = _DEFAULT_MOD[dtype]
    return draws if mod == 1 << 64 else draws % np.uint64(mod)


def randperm(eng, n):
    """A permutation of range(n) as PyTorch's CPU kernel makes it: for each i, swap positions i
    and ``i + draw % (n - i)`` (32-bit draws); from n = 2**32 / 20 on, the inside-out shuffle
    with 64-bit draws.  The swaps are sequential: a Python loop over a list."""
    perm = list(range(n))
    if n < (1 << 32) // 20:
        if n > 1:
            span = np.arange(n, 1, -1, dtype=np.uint32)
            targets = ((eng.u32(n - 1) % span).astype(np.int64) + np.arange(n - 1)).tolist()
            for i, j in enumerate(targets):
                perm[i], perm[j] = perm[j], perm[i]
    else:
        picks = (eng.u64(n) % np.arange(1, n + 1, dtype=np.uint64)).tolist()
        for i, z in enumerate(picks):
            perm[i], perm[z] = perm[z], i
    return np.fromiter(perm, np.int64, n)


# ---- bernoulli and the one-uniform distributions ------------------------------------------------
def bernoulli_scalar(eng, n, p):
    """``bernoulli_(p)`` with a float p: a float64 uniform below p, compared as integers
    (``k * 2**-53 < p`` exactly when ``k < ceil(p * 2**53)``)."""
    bits = eng.u64(n)
    bits &= np.uint64((1 << 53) - 1)
    return bits < np.uint64(math.ceil(p * 2.0 ** 53))


def bernoulli_tensor(eng, p):
    """``bernoulli_(p_tensor)`` for flat probabilities ``p``: float64 probabilities compare with
    float64 uniforms, the others with float32 uniforms."""
    if p.dtype == np.float64:
        return unit_double(eng, p.size) < p
    return unit_float(eng, p.size) < p.astype(np.float32)


def exponential(eng, n, lambd):
    return (-1.0 / lambd) * _libm(math.log1p, -unit_double(eng, n))


def geometric(eng, n, p):
    return np.ceil(_libm(math.log, unit_double(eng, n)) / math.log(1.0 - p))


def cauchy(eng, n, median, sigma):
    t = _libm(math.tan, math.pi * (unit_double(eng, n) - 0.5))
    return fma64(t, sigma, median)


def log_normal(eng, n, mean, std):
    return _libm(math.exp, affine64(standard_normal_pairs(eng, n), std, mean))


def multinomial_with_replacement(eng, rows, k):
    """k category indices per row of ``rows`` (float array, rows drawn one after the other): the
    first cumulative-probability bucket reaching a float64 uniform."""
    cum = np.cumsum(rows, axis=1, dtype=rows.dtype)
    total = cum[:, -1:]
    cum = np.where(total > 0, cum / total, cum)
    cum[:, -1] = 1
    u = unit_double(eng, rows.shape[0] * k).reshape(-1, k)
    return np.stack([np.searchsorted(c, ui, side="left") for c, ui in zip(cum, u)]) \
        if rows.shape[0] else np.empty((0, k), np.int64)
