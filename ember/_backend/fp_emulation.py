"""Floating-point operations as PyTorch's compiled CPU kernels perform them, in NumPy.

* ``fma32`` / ``fma64``: fused multiply-add with a single rounding (the compiler contracts
  ``a * b + c`` in PyTorch's sampling kernels).  float32 goes through exact float64 products
  and a float64 sum made round-to-odd where its rounding could matter (``sum_to_f32``);
  float64 uses Dekker's error-free product and Knuth's two-sum.
* ``logf`` / ``sincosf``: the Cephes single-precision polynomials PyTorch's AVX2 normal sampler
  evaluates 8 lanes at a time, with the same operation order and the same fused steps, so
  float32 ``normal_`` matches it bit for bit rather than to within an ulp.
"""
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


# ---- Cephes logf ---------------------------------------------------------------------------------
_LOG_P = tuple(_f(c) for c in (7.0376836292e-2, -1.1514610310e-1, 1.1676998740e-1,
                                -1.2420140846e-1, 1.4249322787e-1, -1.6668057665e-1,
                                2.0000714765e-1, -2.4999993993e-1, 3.3333331174e-1))
_LOG_Q1, _LOG_Q2 = _f(-2.12194440e-4), _f(0.693359375)
_SQRT_HALF = _f(0.707106781186547524)


def _horner(x64, coeffs):
    """The float32 Horner chain ``y = round32(y * x + c)`` over ``coeffs`` (each step a fused
    multiply-add: the product of two float32 values is exact in float64), for float64 ``x64``
    holding float32 values.  Returns the float32 result."""
    t = x64 * np.float64(coeffs[0])
    t += np.float64(coeffs[1])
    y = t.astype(np.float32)
    y64 = np.empty_like(x64)
    for c in coeffs[2:]:
        np.copyto(y64, y)
        np.multiply(y64, x64, out=t)
        t += np.float64(c)
        np.copyto(y, t, casting="same_kind")
    return y


def _fma_arrays(a, b, c):
    """round32(a * b + c) for a float32 array ``a`` and float32 arrays or scalars ``b``, ``c``
    (a fresh float32 array)."""
    t = a.astype(np.float64)
    t *= b
    t += c
    return t.astype(np.float32)


def logf(x):
    """Natural log of positive normal float32 ``x``: exponent and mantissa in [sqrt(1/2),
    sqrt(2)), then a degree-9 polynomial in ``m - 1`` (Horner steps fused).  Branch-free (a
    masked NumPy operation costs as much as twenty plain ones)."""
    bits = x.view(np.int32)
    e = (bits >> 23).astype(np.float32)
    m = ((bits & 0x007FFFFF) | 0x3F000000).view(np.float32)
    # a mantissa below sqrt(1/2) is doubled (f = 2) and the exponent lowered; m * f - 1 is exact
    f = (m < _SQRT_HALF).astype(np.float32)
    f += _f(1)
    e -= f
    e -= _f(125)
    x = m * f
    x -= _f(1)
    z = x * x
    y = _horner(x.astype(np.float64), _LOG_P)
    y *= x
    y = _fma_arrays(y, z, e * _LOG_Q1)
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
    the sine or cosine polynomial on [-pi/4, pi/4] per octant (chosen and signed with bit
    operations, branch-free)."""
    j = (x * _FOUR_OVER_PI).astype(np.int32)
    j += 1
    j &= ~1
    y = j.astype(np.float32)
    # j is a small even integer: y * DP1 and y * DP2 are exact, so only the last step rounds twice
    x = (x + y * _DP[0]) + y * _DP[1]
    x = _fma_arrays(y, np.float64(_DP[2]), x)
    z = x * x
    z64 = z.astype(np.float64)
    zc = _horner(z64, _COS)
    zc *= z
    cos_poly = _fma_arrays(zc, z, z * _f(-0.5))
    cos_poly += _f(1)
    sz = _horner(z64, _SIN)
    sz *= z
    s = _fma_arrays(sz, x, x)
    s_bits, c_bits = s.view(np.int32), cos_poly.view(np.int32)
    # octants where sine and cosine trade polynomials (bit 1 of j): swap the bit patterns under
    # a mask of all ones (j << 30 >> 31, an arithmetic shift)
    swap = j << 30
    swap >>= 31
    swap &= s_bits ^ c_bits
    s_bits ^= swap
    c_bits ^= swap
    # the sine is negative for bit 2 of j, the cosine for bit 2 of j + 2
    s_bits ^= (j << 29) & _SIGN
    j += 2
    j <<= 29
    j &= _SIGN
    c_bits ^= j
    return s, cos_poly
