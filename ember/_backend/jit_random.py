"""numba kernels for the hottest recipes of ``torch_random``: the same numbers, computed per
element instead of in ~110 NumPy passes (the optional ``fast`` extra; ``torch_random`` imports
this module once it pays for numba's load time, see ``torch_random.JIT_AFTER_NS``, never at
``import ember``).

Each kernel advances the Mersenne Twister in the bit generator's own state memory
(``MT19937.state_words``: the 624 key words, then ``pos``), exactly as NumPy's ``mt19937_next32``
does, so the engine is where NumPy's draws would have left it, and then applies the recipe with
the operations ``torch_random`` / ``fp_emulation`` perform, in their order and with their
roundings: float32 products are exact in float64, sums are float64 then rounded to float32
where the NumPy kernel rounds, and nothing is fused or reassociated (no ``fastmath``; LLVM does
not contract ``a * b + c`` without it).  ``tests/test_jit_random.py`` compares every kernel with
the NumPy one and with torch.

All kernels are ``nogil`` (``torch_random``'s thread pool transforms runs in parallel while the
calling thread draws the next) and ``cache=True`` (numba keeps the machine code beside this file,
or in its user cache directory where this directory is read-only).
"""
import math

import numpy as np
from numba import njit

from . import fp_emulation as fp
from .torch_random import _ANGLE_STEP

_kernel = njit(nogil=True, cache=True)
_inline = njit(nogil=True, cache=True, inline="always")

N, M = 624, 397
_UPPER, _LOWER, _MATRIX_A = np.uint32(0x80000000), np.uint32(0x7FFFFFFF), np.uint32(0x9908B0DF)
_ZERO, _ONE_BIT = np.uint32(0), np.uint32(1)
_TEMPER_B, _TEMPER_C = np.uint32(0x9D2C5680), np.uint32(0xEFC60000)


# ---- the Mersenne Twister (NumPy's mt19937_gen / mt19937_next32) -----------------------------
@_inline
def _mix(key, i, i1, im):
    """Twist word ``i`` from words ``i1`` (the next) and ``im`` (M ahead), all uint32."""
    y = (key[i] & _UPPER) | (key[i1] & _LOWER)
    key[i] = key[im] ^ (y >> _ONE_BIT) ^ (_MATRIX_A if y & _ONE_BIT else _ZERO)


@_inline
def _twist(key):
    """All 624 words, in place (later words read the already twisted earlier ones)."""
    for i in range(N - M):
        _mix(key, i, i + 1, i + M)
    for i in range(N - M, N - 1):
        _mix(key, i, i + 1, i + M - N)
    _mix(key, N - 1, 0, M - 1)


@_inline
def _temper(y):
    y ^= y >> np.uint32(11)
    y ^= (y << np.uint32(7)) & _TEMPER_B
    y ^= (y << np.uint32(15)) & _TEMPER_C
    return y ^ (y >> np.uint32(18))


@_kernel
def draw32(state, out):
    """Fill the uint32 array ``out`` with the next ``len(out)`` outputs of the twister whose
    state words are ``state`` (advanced in place)."""
    key = state[:N]
    pos, i, n = np.int64(state[N]), 0, out.size
    while i < n:
        if pos == N:
            _twist(key)
            pos = 0
        take = min(N - pos, n - i)
        for j in range(take):
            out[i + j] = _temper(key[pos + j])
        pos += take
        i += take
    state[N] = pos


_LITTLE = np.little_endian


@_kernel
def draw64(state, out):
    """Fill the uint64 array ``out`` with 64-bit draws (two outputs each, the first in the high
    word: NumPy's ``next_uint64``, PyTorch's ``random64``)."""
    draw32(state, out.view(np.uint32))
    for i in range(out.size):       # the pairs came out (high, low) in memory: swap the words
        w = out[i]
        out[i] = (w << 32) | (w >> 32) if _LITTLE else w


# ---- float32 rounding helpers (fp_emulation's, per element) ----------------------------------
_F32_TIE_BITS, _F32_TIE = (1 << 29) - 1, 1 << 28


@_inline
def _sum_to_f32(p, c):
    """``fp_emulation.sum_to_f32`` for one element: round32(p + c) once (round-to-odd where
    the float64 sum lands on a float32 tie or in float32's subnormal range)."""
    s = p + c
    bits = np.float64(s).view(np.int64)
    if (bits & _F32_TIE_BITS) == _F32_TIE or abs(s) < 2.0 ** -125:
        v = s - p
        err = (p - (s - v)) + (c - v)
        if err != 0 and (bits & 1) == 0:
            s = np.nextafter(s, math.copysign(math.inf, err))
    return np.float32(s)


# fp_emulation.fma64 (Dekker's product, Knuth's sum) compiled for one element: one formula for
# both kernels
_fma64 = _inline(fp.fma64)


# ---- uniform ---------------------------------------------------------------------------------
@_kernel
def uniform_f32(state, out, lo, hi):
    """``torch_random.uniform`` for float32: ``fma(k * 2**-24, hi - lo, lo)`` (24-bit ``k``)
    into ``out``, a sample that rounds up to ``hi`` becoming ``lo``; ``lo``, ``hi`` float32."""
    bits = out.view(np.uint32)
    draw32(state, bits)
    unit, sym = lo == 0 and hi == 1, lo == -hi and 2.0 ** -100 < hi < 2.0 ** 100
    scale = hi * np.float32(2.0 ** -23)
    step, lo64 = np.float64(hi - lo) * 2.0 ** -24, np.float64(lo)
    for i in range(out.size):
        k = bits[i] & 0xFFFFFF
        if unit:
            out[i] = np.float32(k) * np.float32(2.0 ** -24)
        elif sym:       # hi * (k - 2**23) * 2**-23, one float32 product (below hi)
            out[i] = np.float32(np.int64(k) - (1 << 23)) * scale
        else:
            w = np.float64(k) * step
            v = _sum_to_f32(w, lo64) if lo != 0 else np.float32(w)
            out[i] = lo if v >= hi else v


@_kernel
def uniform_f64(state, out, lo, hi):
    """``torch_random.uniform`` for float64: 53-bit uniforms, ``fma64(x, hi - lo, lo)``, a
    sample that rounds up to ``hi`` becoming ``lo``."""
    bits = out.view(np.uint64)
    draw64(state, bits)
    unit, span = lo == 0.0 and hi == 1.0, hi - lo
    for i in range(out.size):
        x = np.float64(bits[i] & 0x1FFFFFFFFFFFFF) * 2.0 ** -53
        if not unit:
            x = _fma64(x, span, lo)
            if x >= hi:
                x = lo
        out[i] = x


# ---- float32 normal: Cephes logf and sincosf, as fp_emulation evaluates them -------------------
# fp_emulation's constants, as scalars.  (numba compiles them into the cached machine code, and
# its cache is keyed on this file only: touch it after changing them there.)
_LOG_P = tuple(float(c) for c in fp._LOG_P)
_LOG_Q1, _LOG_Q2 = np.float32(fp._LOG_Q1), np.float32(fp._LOG_Q2)
_DP1, _DP2, _DP3 = np.float32(fp._DP[0]), np.float32(fp._DP[1]), float(fp._DP[2])
_FOUR_OVER_PI = np.float32(fp._FOUR_OVER_PI)


def _grid_row(row):
    """Row ``row`` (0: cosine, 1: sine) of ``fp._POLY``: the leading coefficient, then per
    Horner step the addend ``c + M`` and the grid constant ``M``."""
    c0, steps = fp._POLY
    return (float(c0[row, 0]),) + tuple((float(cm[row, 0]), float(m[row, 0])) for cm, m in steps)


_COS, _SIN = _grid_row(0), _grid_row(1)
_ONE, _MINUS_HALF, _MINUS_TWO = np.float32(1), np.float32(-0.5), np.float32(-2)
_ANGLE_STEP = np.float32(_ANGLE_STEP)


@_inline
def _horner(t, c, x64):
    """One fused Horner step of ``logf``: the float64 product is exact, the sum rounds to
    float32 (then back, as the next factor)."""
    return np.float64(np.float32(t + c)) * x64


@_inline
def _logf_shift24(k):
    """``fp_emulation.logf(2**24 - k, shift=24)``: log(1 - k * 2**-24) for 24-bit ``k``."""
    bits = np.float32(16777216 - k).view(np.int32)
    mant = bits & 0x007FFFFF
    low = mant < 0x3504F3                       # mantissa below sqrt(1/2): doubled
    ef = np.float32((bits >> 23) - (151 if low else 150))
    x = np.int32((mant + (0x800000 if low else 0)) | 0x3F000000).view(np.float32) - _ONE
    z = x * x
    x64 = np.float64(x)
    p0, p1, p2, p3, p4, p5, p6, p7, p8 = _LOG_P
    t = x64 * p0
    t = _horner(_horner(_horner(_horner(_horner(_horner(_horner(t, p1, x64), p2, x64), p3, x64),
                                        p4, x64), p5, x64), p6, x64), p7, x64)
    y = np.float32(t + p8) * x
    y = np.float32(np.float64(y) * np.float64(z) + np.float64(ef * _LOG_Q1))
    y += z * _MINUS_HALF
    x += y
    return x + ef * _LOG_Q2


@_inline
def _grid_poly(z64, poly):
    """round32(P(z) * z) for a sine or cosine row ``poly`` of ``_grid_row``."""
    c0, (cm1, m1), (cm2, m2) = poly
    t = z64 * c0 + cm1 - m1
    t = t * z64 + cm2 - m2
    return np.float32(t * z64)


@_inline
def _sincosf(x):
    """``fp_emulation.sincosf`` for one float32 ``x >= 0``: (cos x, sin x)."""
    j = (np.int32(x * _FOUR_OVER_PI) + 1) & ~1
    y = np.float32(j)
    r = y * _DP1 + x
    r += y * _DP2
    r = np.float32(np.float64(y) * _DP3 + np.float64(r))
    r64 = np.float64(r)
    z = r * r
    z64 = np.float64(z)
    c = np.float32(np.float64(_grid_poly(z64, _COS)) * z64 + z64 * -0.5) + _ONE
    s = np.float32(np.float64(_grid_poly(z64, _SIN)) * r64 + r64)
    swap, negate = (j & 2) != 0, (j & 4) != 0        # the octant: selects, no branches
    c, s = (-s if swap else c), (c if swap else s)
    return (-c if negate else c), (-s if negate else s)


@_kernel
def normal_f32(words, out, mean, std, mode):
    """Box-Muller on 16-sample blocks of ``words`` (32-bit draws; the low 24 bits are the
    uniforms), written to ``out`` (which may be ``words``' own memory): the radius from lanes
    0-7, the angle from lanes 8-15, then ``fma(z, std, mean)`` as ``torch_random._fill_run``
    rounds it (``mode`` 0: std is 1, 1: mean is 0 and std not tiny, 2: the general fma).
    The halves are regrouped first, so the arithmetic runs on contiguous lanes (vectorised)."""
    blocks = out.size // 16
    radius_k, angle_k = np.empty(8 * blocks, np.int32), np.empty(8 * blocks, np.int32)
    for b in range(blocks):
        for lane in range(8):
            radius_k[8 * b + lane] = words[16 * b + lane] & 0xFFFFFF
            angle_k[8 * b + lane] = words[16 * b + 8 + lane] & 0xFFFFFF
    cos, sin = np.empty(8 * blocks, np.float32), np.empty(8 * blocks, np.float32)
    for i in range(8 * blocks):
        c, s = _sincosf(np.float32(angle_k[i]) * _ANGLE_STEP)
        radius = np.sqrt(_logf_shift24(radius_k[i]) * _MINUS_TWO)
        cos[i], sin[i] = radius * c, radius * s
    std64, mean64 = np.float64(std), np.float64(mean)
    for i in range(8 * blocks):
        c, s = cos[i], sin[i]
        if mode == 0:
            c, s = c + mean, s + mean
        elif mode == 1:
            c, s = c * std + mean, s * std + mean
        else:
            c = _sum_to_f32(np.float64(c) * std64, mean64)
            s = _sum_to_f32(np.float64(s) * std64, mean64)
        o = i + i // 8 * 8          # lane i of the cosines is sample o, its sine o + 8
        out[o], out[o + 8] = c, s


@_kernel
def normal_f64(words, out, mean, std):
    """Box-Muller on 16-sample blocks of 64-bit draws ``words`` (53-bit uniforms) into ``out``
    (may be ``words``' memory) with the C library's log, cos and sin, then ``fma64``."""
    for b in range(0, out.size - 15, 16):
        for lane in range(b, b + 8):
            u = np.float64(words[lane] & 0x1FFFFFFFFFFFFF) * 2.0 ** -53
            v = np.float64(words[lane + 8] & 0x1FFFFFFFFFFFFF) * 2.0 ** -53
            radius = math.sqrt(-2 * math.log(1 - u))
            theta = 2.0 * math.pi * v
            out[lane] = _fma64(radius * math.cos(theta), std, mean)
            out[lane + 8] = _fma64(radius * math.sin(theta), std, mean)
