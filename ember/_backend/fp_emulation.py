"""Floating-point operations as PyTorch's compiled CPU kernels perform them, in NumPy.

* ``fma32`` / ``fma64``: fused multiply-add with a single rounding (the compiler contracts
  ``a * b + c`` in PyTorch's sampling kernels).  float32 goes through exact float64 products;
  float64 uses Dekker's error-free product and Knuth's two-sum.
* ``logf`` / ``sincosf``: the Cephes single-precision polynomials PyTorch's AVX2 normal sampler
  evaluates 8 lanes at a time, with the same operation order and the same fused steps, so
  float32 ``normal_`` matches it bit for bit rather than to within an ulp.
"""
import numpy as np

_f = np.float32
_SPLIT = 134217729.0          # 2**27 + 1


def fma32(a, b, c):
    """round32(a * b + c) for float32 inputs (the float64 product is exact)."""
    return (np.asarray(a, np.float64) * np.float64(b) + np.float64(c)).astype(np.float32)


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


# ---- Cephes logf ---------------------------------------------------------------------------------
_LOG_P = tuple(_f(c) for c in (7.0376836292e-2, -1.1514610310e-1, 1.1676998740e-1,
                                -1.2420140846e-1, 1.4249322787e-1, -1.6668057665e-1,
                                2.0000714765e-1, -2.4999993993e-1, 3.3333331174e-1))
_LOG_Q1, _LOG_Q2 = _f(-2.12194440e-4), _f(0.693359375)
_SQRT_HALF = _f(0.707106781186547524)


def _fma_into(y, x64, c):
    """round32(y * x + c) for float32 ``y``, float64 ``x64`` (exact copy of a float32 array) and a
    scalar ``c``."""
    t = y.astype(np.float64)
    t *= x64
    t += c
    return t.astype(np.float32)


def logf(x):
    """Natural log of positive normal float32 ``x``: exponent and mantissa in [sqrt(1/2),
    sqrt(2)), then a degree-9 polynomial in ``m - 1`` (Horner steps fused)."""
    bits = x.view(np.int32)
    e = ((bits >> 23) - 126).astype(np.float32)
    m = ((bits & 0x007FFFFF) | 0x3F000000).view(np.float32)
    small = m < _SQRT_HALF
    x = m - _f(1)
    np.add(x, m, out=x, where=small)
    e -= small
    z = x * x
    x64 = x.astype(np.float64)
    t = x64 * np.float64(_LOG_P[0])
    t += np.float64(_LOG_P[1])
    y = t.astype(np.float32)
    for c in _LOG_P[2:]:
        y = _fma_into(y, x64, np.float64(c))
    y *= x
    y = fma32(y, z, e * _LOG_Q1)
    # z * -0.5 and e * Q2 (an integer times a 9-bit constant) are exact in float32, so these
    # two fused steps round once as plain float32 additions
    y += z * _f(-0.5)
    x += y
    x += e * _LOG_Q2
    return x


# ---- Cephes sincosf -------------------------------------------------------------------------------
_DP = (_f(-0.78515625), _f(-2.4187564849853515625e-4), _f(-3.77489497744594108e-8))
_SIN = (_f(-1.9515295891e-4), _f(8.3321608736e-3), _f(-1.6666654611e-1))
_COS = (_f(2.443315711809948e-5), _f(-1.388731625493765e-3), _f(4.166664568298827e-2))
_FOUR_OVER_PI = _f(1.27323954473516)
_SIGN = np.int32(-0x80000000)


def sincosf(x):
    """(sin x, cos x) for float32 ``x >= 0``: reduce by multiples of pi/4 (three-part pi), then
    the sine or cosine polynomial on [-pi/4, pi/4] per octant."""
    j = (x * _FOUR_OVER_PI).astype(np.int32)
    j += 1
    j &= ~1
    y = j.astype(np.float32)
    # j is a small even integer: y * DP1 and y * DP2 are exact, so only the last step rounds twice
    x = (x + y * _DP[0]) + y * _DP[1]
    x = fma32(y, _DP[2], x)
    z = x * x
    z64 = z.astype(np.float64)
    t = z64 * np.float64(_COS[0])
    t += np.float64(_COS[1])
    zc = _fma_into(t.astype(np.float32), z64, np.float64(_COS[2]))
    zc *= z
    cos_poly = fma32(zc, z, z * _f(-0.5))
    cos_poly += _f(1)
    t = z64 * np.float64(_SIN[0])
    t += np.float64(_SIN[1])
    sz = _fma_into(t.astype(np.float32), z64, np.float64(_SIN[2]))
    sz *= z
    sin_poly = fma32(sz, x, x)
    swap = (j & 2) != 0                 # octants where sine and cosine trade polynomials
    s, c = sin_poly, cos_poly.copy()
    np.copyto(c, sin_poly, where=swap)
    np.copyto(s, cos_poly, where=swap)
    s.view(np.int32)[...] ^= (j & 4) << 29
    c.view(np.int32)[...] ^= (~(j - 2) & 4) << 29
    return s, c
