"""Floating-point operations as PyTorch's compiled CPU kernels perform them, in NumPy.

* ``fma32`` / ``fma64``: fused multiply-add with a single rounding (the compiler contracts
  ``a * b + c`` in PyTorch's sampling kernels).  float32 goes through exact float64 products
  and a float64 sum made round-to-odd where its rounding could matter (``sum_to_f32``);
  float64 uses Dekker's error-free product and Knuth's two-sum.
* ``logf`` / ``sincosf``: the Cephes single-precision polynomials PyTorch's AVX2 normal sampler
  evaluates 8 lanes at a time, with the same operation order and the same fused steps, so
  float32 ``normal_`` matches it bit for bit rather than to within an ulp.  They are the hot
  loop of ``normal_``: every step writes into a preallocated ``Scratch`` (no temporaries);
  ``tests/test_normal_exact.py``'s slow tests compare them with torch on all 2**24 inputs the
  sampler can feed them.
* ``log1pf``: the C library's single-precision ``log1p`` (PyTorch's float32 binomial kernel
  calls it), which is not correctly rounded in glibc: rounding ``math.log1p`` differs from it
  in about 0.2% of inputs.
"""
import functools
import math

import numpy as np

_f = np.float32
_SPLIT = 134217729.0          # 2**27 + 1


_TIE_BITS, _TIE = np.int64((1 << 29) - 1), np.int64(1 << 28)


def fma32(a, b, c):
    """round32(a * b + c) for float32 inputs, rounded once (the float64 product is exact)."""
    return sum_to_f32(np.asarray(a, np.float64) * np.float64(b), np.float64(c))


def sum_to_f32(p, c):
    """round32(p + c), one rounding, for a float64 array ``p`` and a float64 scalar or array
    ``c``.  The float64 sum's own rounding matters only where it lands exactly on a float32 tie
    (or in float32's subnormal range): there the sum is made round-to-odd (moved a float64 ulp
    toward the exact sum, known from TwoSum, when its last bit is even), which float32 then
    rounds correctly."""
    s = p + c
    flat, bits = s.reshape(-1), s.view(np.int64).reshape(-1)
    near = ((bits & _TIE_BITS) == _TIE) | (np.abs(flat) < 2.0 ** -125)
    if near.any():
        i = np.flatnonzero(near)
        pi, ci, si = p.reshape(-1)[i], np.broadcast_to(c, p.shape).reshape(-1)[i], flat[i]
        v = si - pi
        err = (pi - (si - v)) + (ci - v)
        move = (err != 0) & ((bits[i] & 1) == 0)
        flat[i] = np.where(move, np.nextafter(si, np.copysign(np.inf, err)), si)
    return s.astype(np.float32)


def fma64(a, b, c):
    """round64(a * b + c) for float64 ``a`` (array) and scalars or arrays ``b``, ``c``."""
    p = a * b
    t = a * _SPLIT
    ah = t - (t - a)
    al = a - ah
    t = np.multiply(b, _SPLIT)
    bh = t - (t - b)
    bl = b - bh
    perr = ((ah * bh - p) + ah * bl + al * bh) + al * bl
    s = p + c
    v = s - p
    serr = (p - (s - v)) + (c - v)
    return s + (serr + perr)


@functools.lru_cache(maxsize=None)
def _libm_log1pf():
    """``log1pf`` of the process's C math library, or None where it cannot be loaded."""
    import ctypes
    import ctypes.util
    # the process's own symbols first (Python links libm); searching for the library runs
    # external tools, so only where that fails
    for find in (lambda: None, lambda: ctypes.util.find_library("m")):
        try:
            fn = ctypes.CDLL(find()).log1pf
        except (OSError, AttributeError, TypeError):
            continue
        fn.restype, fn.argtypes = ctypes.c_float, [ctypes.c_float]
        return fn
    return None


def log1pf(x):
    """float32 log1p of the float32 value ``x`` (a Python float), as the C library rounds it
    (``math.log1p`` rounded to float32 where no C library is found)."""
    fn = _libm_log1pf()
    return fn(x) if fn is not None else float(_f(math.log1p(x)))


# ---- work arrays ----------------------------------------------------------------------------------
class Scratch:
    """Preallocated arrays for ``logf`` / ``sincosf`` on up to ``n`` lanes: float32 ``a``,
    ``b``, ``c``, ``f``, ``x``, int32 ``i``-``l``, and stacked rows (sine and cosine are worked
    on together): float32 ``p`` (2, n), float64 ``q`` (2, n) and ``w`` (3, n).  ``view(m)``
    gives the first ``m`` lanes of each.  Not thread-safe: one per thread."""
    _LAYOUT = {**dict.fromkeys("abcfx", ((), np.float32)), **dict.fromkeys("ijkl", ((), np.int32)),
               "p": ((2,), np.float32), "q": ((2,), np.float64), "w": ((3,), np.float64)}

    def __init__(self, n, arrays=None):
        self.n = n
        if arrays is None:
            arrays = {k: np.empty(rows + (n,), dt) for k, (rows, dt) in self._LAYOUT.items()}
        self.__dict__.update(arrays)
        self._last = None           # the latest view (repeated draws of one size reuse it)

    def view(self, m):
        if m == self.n:
            return self
        if self._last is None or self._last.n != m:
            self._last = Scratch(m, {k: getattr(self, k)[..., :m] for k in self._LAYOUT})
        return self._last


def _k(value, dtype=np.float32):
    """A constant as a 0-d array: ufuncs take it about 0.3 us faster than a NumPy scalar, which
    counts at a hundred calls per run."""
    return np.array(value, dtype)


# ---- Cephes logf ---------------------------------------------------------------------------------
_LOG_P = tuple(_k(_f(c), np.float64) for c in (
    7.0376836292e-2, -1.1514610310e-1, 1.1676998740e-1, -1.2420140846e-1, 1.4249322787e-1,
    -1.6668057665e-1, 2.0000714765e-1, -2.4999993993e-1, 3.3333331174e-1))
_LOG_Q1, _LOG_Q2 = _k(-2.12194440e-4), _k(0.693359375)
_ONE, _MINUS_HALF = _k(1), _k(-0.5)
_SQRT_HALF_MANTISSA = _k(0x3504F3, np.int32)    # sqrt(1/2) as a float32 is 0x3F3504F3
_MANTISSA, _HALF_EXPONENT = _k(0x007FFFFF, np.int32), _k(0x3F000000, np.int32)
_I1, _I23, _I29, _I30, _I31 = (_k(i, np.int32) for i in (1, 23, 29, 30, 31))
_EXPONENT_BIAS = {shift: _k(126 + shift, np.int32) for shift in (0, 24)}   # logf's shifts


def logf(x, s, shift=0):
    """Natural log of ``x * 2**-shift`` (``shift`` 0 or 24) for positive normal float32 ``x``,
    in work array ``s.i`` (viewed as float32; valid until ``s`` is reused): exponent and
    mantissa in [sqrt(1/2), sqrt(2)), then a degree-9 polynomial in ``m - 1`` (Horner steps
    fused).  Branch-free, in integer operations on the bits where the float32 ones are exact."""
    bits = x.view(np.int32)
    mant, low, e, ef = s.i, s.j, s.k, s.a
    np.bitwise_and(bits, _MANTISSA, out=mant)
    np.subtract(mant, _SQRT_HALF_MANTISSA, out=low)
    low >>= _I31                    # -1 where the mantissa is below sqrt(1/2): it is doubled
    np.right_shift(bits, _I23, out=e)
    e += low
    np.subtract(e, _EXPONENT_BIAS[shift], out=ef, casting="unsafe")   # the exponent, as float32
    low <<= _I23
    mant -= low
    mant |= _HALF_EXPONENT          # m in [sqrt(1/2), sqrt(2)); m - 1 is exact
    x = mant.view(np.float32)
    x -= _ONE
    z = np.multiply(x, x, out=s.b)
    # Horner: each step's float64 product of float32 values is exact, so adding the coefficient
    # in float64 and rounding to float32 is the fused multiply-add.  (A float32 * float64 ufunc
    # casts in small buffers: converting whole arrays is faster; ``y[...] = t`` rounds to
    # float32, and item assignment costs less per call than ``np.copyto``.)
    x64, t, y = s.w[0], s.q[0], s.c
    x64[...] = x
    np.multiply(x64, _LOG_P[0], out=t)
    for c in _LOG_P[1:-1]:
        t += c
        y[...] = t
        t[...] = y
        t *= x64
    t += _LOG_P[-1]
    y[...] = t
    y *= x
    t[...] = y
    x64[...] = z
    t *= x64
    np.multiply(ef, _LOG_Q1, out=y)
    x64[...] = y
    t += x64
    y[...] = t                                      # fma(y, z, e * Q1)
    # z * -0.5 and e * Q2 (an integer times a 9-bit constant) are exact in float32, so these
    # two fused steps round once as plain float32 additions
    z *= _MINUS_HALF
    y += z
    x += y
    ef *= _LOG_Q2
    x += ef
    return x


# ---- Cephes sincosf -------------------------------------------------------------------------------
_DP = (_k(-0.78515625), _k(-2.4187564849853515625e-4), _k(_f(-3.77489497744594108e-8), np.float64))
_FOUR_OVER_PI = _k(1.27323954473516)
_MINUS_HALF64 = _k(-0.5, np.float64)
_SIGN, _NOT_ONE = _k(-0x80000000, np.int32), _k(~1, np.int32)


def _grid_horner(cos_coeffs, sin_coeffs, binades):
    """The float64 constants of the cosine and sine fused Horner chains (rows), each of whose
    results stays in one float32 binade ``[2**(b-1), 2**b)``: the leading coefficients, then per
    step ``(c + M, M)``, where adding ``c + M`` to the exact float64 product rounds the sum once
    onto that binade's float32 grid (``M`` = 1.5 * 2**(52 + b - 24)) and subtracting ``M`` is
    exact: a fused multiply-add in two float64 operations, with no conversion."""
    rows = np.array([cos_coeffs, sin_coeffs], np.float32).astype(np.float64)
    m = 1.5 * 2.0 ** (52 + np.array(binades, np.float64) - 24)
    return rows[:, :1], tuple(((rows[:, i + 1] + m[:, i])[:, None], m[:, i][:, None])
                              for i in range(m.shape[1]))


# (results over all reduced arguments: cosine steps in [2**-10, 2**-9), [2**-5, 2**-4), sine
# steps in [2**-7, 2**-6), [2**-3, 2**-2))
_POLY = _grid_horner((2.443315711809948e-5, -1.388731625493765e-3, 4.166664568298827e-2),
                     (-1.9515295891e-4, 8.3321608736e-3, -1.6666654611e-1), [(-9, -4), (-6, -2)])


def sincosf(x, s):
    """(cos x, sin x) for float32 ``x >= 0`` (not ``s.a``'s memory), as the rows of work array
    ``s.p``: reduce by multiples of pi/4 (three-part pi), then the sine or cosine polynomial on
    [-pi/4, pi/4] per octant (chosen and signed with bit operations, branch-free)."""
    j = s.l
    np.multiply(x, _FOUR_OVER_PI, out=j, casting="unsafe")     # truncated to int32
    j += _I1
    j &= _NOT_ONE
    y = s.b
    y[...] = j
    # j is a small even integer: y * DP1 and y * DP2 are exact, so only the last step rounds twice
    r = np.multiply(y, _DP[0], out=s.c)
    r += x
    r += np.multiply(y, _DP[1], out=s.f)
    t, w = s.q, s.w
    z64, r64, half_z = w                      # w[:2]: the last factors; w[2:0:-1]: the addends
    t[0] = y
    t[0] *= _DP[2]
    r64[...] = r
    t[0] += r64
    r[...] = t[0]                                   # fma(y, DP3, r): the reduced argument
    r64[...] = r
    z = np.multiply(r, r, out=y)
    z64[...] = z
    np.multiply(z64, _MINUS_HALF64, out=half_z)
    # both polynomials P(z), rounded onto their grids, then round32(P(z) * z) and the closing
    # fused steps: cosine fma(., z, -z / 2) + 1, sine fma(., r, r)
    c0, steps = _POLY
    np.multiply(z64, c0, out=t)
    for i, (cm, m) in enumerate(steps):
        if i:
            t *= z64
        t += cm
        t -= m
    t *= z64
    poly = s.p
    poly[...] = t
    t[...] = poly
    t *= w[:2]
    t += w[2:0:-1]
    poly[...] = t
    poly[0] += _ONE
    c_bits, s_bits = poly.view(np.int32)
    flip = s.k
    # octants where sine and cosine trade polynomials (bit 1 of j): swap the bit patterns under
    # a mask of all ones; j << 30 is that bit alone, in the sign position (j is even)
    bit1, swap = s.i, s.j
    np.left_shift(j, _I30, out=bit1)
    np.right_shift(bit1, _I31, out=swap)
    np.bitwise_xor(s_bits, c_bits, out=flip)
    flip &= swap
    s_bits ^= flip
    c_bits ^= flip
    # the sine is negative for bit 2 of j, the cosine for bit 2 of j + 2 (bit 2 xor bit 1)
    j <<= _I29
    j &= _SIGN
    s_bits ^= j
    c_bits ^= j
    c_bits ^= bit1
    return poly
