"""PyTorch's CPU sampling recipes on an ``mt19937.MT19937`` stream, vectorised in NumPy.

Every kernel returns the ``n`` samples flat, in the order PyTorch's kernel writes them (the
caller lays them out in the tensor's iteration order), so a seeded stream gives PyTorch's
numbers.  The recipes (ATen's ``TransformationHelper.h`` / ``DistributionsHelper.h`` and the CPU
distribution kernels):

* uniform floats keep the low ``digits`` bits of one draw: 24 of a 32-bit draw for float32,
  53 of a 64-bit draw for float64 (11 / 8 for float16 / bfloat16), scaled by ``2**-digits``;
  ``from + x * (to - from)`` is one fused multiply-add;
* normal: contiguous tensors of >= 16 elements take the vectorised Box-Muller path (all uniforms
  first, then blocks of 16: 8 cosines then 8 sines; a ragged tail redraws the last 16); others
  draw pairs of float64 uniforms per two samples, caching the second (sine) sample in the
  generator;
* integers are ``draw % range + base``, with 64-bit draws only for ranges >= 2**32;
* the other distributions transform one float64 uniform per sample.

Transcendental functions in float64 kernels go through Python's ``math`` (the C library PyTorch
calls too) because NumPy's SIMD versions differ from it in the last bit.
"""
import math

import numpy as np

from .fp_emulation import fma32, fma64, logf, sincosf

_F32_SCALE = np.float32(2.0 ** -24)
_LOWP_DIGITS = {"float16": 11, "bfloat16": 8}
_TWO_PI_F32 = np.float32(2 * math.pi)


def _libm(fn, x):
    """``fn`` (a ``math`` function) over a float64 array, exactly as the C library rounds it."""
    return np.fromiter(map(fn, x.tolist()), np.float64, x.size)


# ---- uniform ---------------------------------------------------------------------------------
def unit_double(eng, n):
    """n float64 uniforms in [0, 1) with 53 random bits each."""
    return (eng.u64(n) & np.uint64((1 << 53) - 1)) * (2.0 ** -53)


def unit_float(eng, n):
    """n float32 uniforms in [0, 1) with 24 random bits each."""
    return (eng.u32(n) & np.uint32(0xFFFFFF)).astype(np.float32) * _F32_SCALE


def uniform(eng, n, dtype, lo=0.0, hi=1.0):
    """``uniform_(lo, hi)`` samples; ``dtype`` a NumPy float dtype name (or bfloat16)."""
    if dtype == "float64":
        x = unit_double(eng, n)
        return x if lo == 0.0 and hi == 1.0 else fma64(x, hi - lo, lo)
    if dtype == "float32":
        x = unit_float(eng, n)
        lo, hi = np.float32(lo), np.float32(hi)
        return x if lo == 0 and hi == 1 else fma32(x, hi - lo, lo)
    digits = _LOWP_DIGITS[dtype]       # bounds are rounded to the half type, math is float32
    x = (eng.u32(n) & np.uint32((1 << digits) - 1)).astype(np.float32) * np.float32(2.0 ** -digits)
    lo, hi = (np.float32(v) for v in _round_lowp((lo, hi), dtype))
    return fma32(x, hi - lo, lo)


def _round_lowp(values, dtype):
    import ml_dtypes
    np_dt = np.float16 if dtype == "float16" else ml_dtypes.bfloat16
    return np.array(values, np.float32).astype(np_dt).astype(np.float32)


# ---- normal ----------------------------------------------------------------------------------
def normal(eng, n, dtype, mean=0.0, std=1.0, contiguous=True):
    """``normal_(mean, std)`` samples (float64 for the half types' scalar path)."""
    if n >= 16 and contiguous:
        if dtype == "float32":
            return _normal_blocks_f32(eng, n, np.float32(mean), np.float32(std))
        if dtype == "float64":
            return _normal_blocks_f64(eng, n, mean, std)
        return _normal_blocks_lowp(eng, n, dtype, mean, std)
    return fma64(standard_normal_pairs(eng, n), std, mean)


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


def _blocks(eng, n, unit, fill16):
    """Uniforms for all n, Box-Muller per block of 16, the ragged tail redone on 16 new draws."""
    u = unit(eng, n)
    full = n - n % 16
    out = np.empty(n, u.dtype)
    out[:full] = fill16(u[:full].reshape(-1, 16)).reshape(-1)
    if full != n:
        out[n - 16:] = fill16(unit(eng, 16).reshape(1, 16)).reshape(-1)
    return out


def _normal_blocks_f32(eng, n, mean, std):
    """The AVX2 kernel: Cephes log/sincos in float32, results ``fma(n, std, mean)``."""
    def fill16(u):
        radius = np.sqrt(np.float32(-2) * logf(np.float32(1) - u[:, :8]))
        s, c = sincosf(_TWO_PI_F32 * u[:, 8:])
        return fma32(np.concatenate((radius * c, radius * s), axis=1), std, mean)
    return _blocks(eng, n, unit_float, fill16)


def _normal_blocks_f64(eng, n, mean, std):
    def fill16(u):
        radius = np.sqrt(-2 * _libm(math.log, 1 - u[:, :8].reshape(-1))).reshape(-1, 8)
        theta = (2.0 * math.pi * u[:, 8:]).reshape(-1)
        cs = np.concatenate((radius * _libm(math.cos, theta).reshape(-1, 8),
                             radius * _libm(math.sin, theta).reshape(-1, 8)), axis=1)
        return fma64(cs, std, mean)
    return _blocks(eng, n, unit_double, fill16)


def _normal_blocks_lowp(eng, n, dtype, mean, std):
    """Half types: the generic 16-block kernel, rounding to the half type where it stores."""
    def unit(eng, k):
        return uniform(eng, k, dtype)

    def fill16(u):
        u1 = _round_lowp(np.float32(1) - u[:, :8], dtype)
        radius = _round_lowp(np.sqrt(np.float32(-2) * np.log(u1)), dtype)
        theta = _round_lowp(2.0 * math.pi * u[:, 8:].astype(np.float64), dtype)
        m, s = _round_lowp((mean, std), dtype)
        return np.concatenate((radius * np.cos(theta) * s + m, radius * np.sin(theta) * s + m),
                              axis=1)
    return _blocks(eng, n, unit, fill16)


# ---- integers --------------------------------------------------------------------------------
_WIDE = ("int64", "float64", "float32", "bfloat16")     # types that take 64-bit draws


def integers(eng, n, span, base, dtype):
    """``random_(from, to)``: ``draw % span + base`` (int64), span = to - from >= 1."""
    draws = eng.u64(n) if span >= 1 << 32 and dtype in _WIDE else eng.u32(n)
    return (draws % np.uint64(span)).astype(np.int64) + base


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
    """A permutation of range(n): PyTorch's swap with ``i + draw % (n - i)`` for each i."""
    if n >= (1 << 32) // 20:
        raise NotImplementedError("randperm with n >= 2**32 / 20")
    perm = list(range(n))
    if n > 1:
        jumps = (eng.u32(n - 1) % np.arange(n, 1, -1, dtype=np.uint32)).tolist()
        for i, z in enumerate(jumps):
            j = i + z
            perm[i], perm[j] = perm[j], perm[i]
    return np.array(perm, np.int64)


# ---- bernoulli and the one-uniform distributions ------------------------------------------------
def bernoulli_scalar(eng, n, p):
    """``bernoulli_(p)`` with a float p: a float64 uniform below p."""
    return unit_double(eng, n) < p


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
    return _libm(math.exp, fma64(standard_normal_pairs(eng, n), std, mean))


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
