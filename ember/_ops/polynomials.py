"""torch.special's orthogonal polynomials of (x, n): Chebyshev T, U, V, W and their shifted
forms, the physicists' and probabilists' Hermite polynomials, Laguerre and Legendre.

Torch evaluates each element by the three-term recurrence up to degree n (n truncated to an
integer, 0 for n < 0), with closed forms at the interval ends and, for the Chebyshev kinds, the
trigonometric form cos(n acos x)... for large n inside (-1, 1).  Here the recurrence runs for
every element at once, each one stopping at its own n, in the promoted dtype as torch does.
None of them has a derivative in torch."""
from .special import _binary_special, _not, _HALF

_SIGNATURES = ("Tensor x, Tensor n, *, Tensor out = None",
               "Number x, Tensor n, *, Tensor out = None",
               "Tensor x, Number n, *, Tensor out = None")


def _degrees(n, xp, nonfinite=-1):
    """n as int64 (C's truncation); nan and +-inf become ``nonfinite``."""
    n = xp.asarray(n)
    if n.dtype.kind == "f":
        finite = xp.isfinite(n)
        return xp.where(finite, xp.trunc(xp.where(finite, n, 0)), nonfinite).astype(xp.int64)
    return n.astype(xp.int64)


def _recurrence(x, n, p1, step, xp, limit=None):
    """P_n(x) from P_0 = 1, P_1 = ``p1`` and P_m = ``step(m, x, P_(m-1), P_(m-2))``, evaluated
    up to each element's own n (0 where n < 0).  ``limit``: degrees above it give nan."""
    one = xp.ones_like(x)
    p, q = one, p1 + xp.zeros_like(x)
    top = int(n.max()) if n.size else 0
    if limit is not None:
        top = min(top, limit)
    for m in range(2, top + 1):
        r = step(m, x, q, p)
        go = n >= m
        p, q = xp.where(go, q, p), xp.where(go, r, q)
    out = xp.where(n == 0, one, q)
    if limit is not None:
        out = xp.where(n > limit, xp.nan, out)
    return xp.where(n < 0, 0, out).astype(x.dtype)


def _kernel(fn):
    """A binary kernel ``fn(x, n_int64, xp)`` on arrays broadcast to one shape."""
    def kernel(x, n, be):
        xp = be.xp
        # the result dtype: the operands' promoted float dtype (a Python number does not count)
        dtype = xp.result_type(*(a for a in (x, n) if getattr(a, "dtype", None) is not None))
        x, n = xp.broadcast_arrays(xp.asarray(x, dtype=dtype), xp.asarray(n))
        return fn(x, _degrees(n, xp), xp)
    return kernel


def _chebyshev_step(m, x, q, p):
    return (x + x) * q - p


# The Chebyshev kinds: P_1(y), the value at y = 1 and y = -1, the degree above which the
# trigonometric form is used inside (-1, 1), and that form.
def _t_ends(n, xp):
    return xp.ones(n.shape), xp.where(n % 2 == 0, 1.0, -1.0)


def _u_ends(n, xp):
    return n + 1.0, xp.where(n % 2 == 0, n + 1.0, -(n + 1.0))


def _v_ends(n, xp):
    return xp.ones(n.shape), xp.where(n % 2 == 0, n + n + 1.0, -(n + n + 1.0))


def _w_ends(n, xp):
    return n + n + 1.0, xp.where(n % 2 == 0, 1.0, -1.0)


def _t_trig(y, n, xp, at_end):
    return xp.cos(n * xp.arccos(y))


def _u_trig(y, n, xp, at_end):
    t = xp.arccos(y)
    s = xp.sin(t)
    return xp.where(s != 0, xp.sin((n + 1) * t) / xp.where(s != 0, s, 1),
                    (n + 1) * xp.cos((n + 1) * t) / y)


def _v_trig(y, n, xp, at_end):
    t = xp.arccos(y)
    return xp.where(xp.sin(t / 2) != 1, xp.cos((n + 0.5) * t) / xp.cos(t / 2), at_end[1])


def _w_trig(y, n, xp, at_end):
    t = xp.arccos(y)
    s = xp.sin(t / 2)
    return xp.where(xp.cos(t / 2) != 1, xp.sin((n + 0.5) * t) / xp.where(s != 0, s, 1),
                    at_end[0])


_CHEBYSHEV = {"t": (lambda y: y, _t_ends, _t_trig),
              "u": (lambda y: y + y, _u_ends, _u_trig),
              "v": (lambda y: y + y - 1, _v_ends, _v_trig),
              "w": (lambda y: y + y + 1, _w_ends, _w_trig)}


def _chebyshev(kind, trig_above, shifted):
    first, ends, trig = _CHEBYSHEV[kind]

    def fn(x, n, xp):
        y = x + x - 1 if shifted else x
        at_end = ends(n, xp)
        out = _recurrence(y, n, first(y), _chebyshev_step, xp)
        inside = (n > trig_above) & (xp.abs(y) < 1)
        if inside.any():
            # n in x's dtype, as in torch's float arithmetic (n * acos(y) in float32...)
            out = xp.where(inside, trig(xp.where(inside, y, 0), n.astype(y.dtype), xp, at_end),
                           out)
        out = xp.where(y == 1, at_end[0], xp.where(y == -1, at_end[1], out))
        return xp.where(n < 0, 0, out).astype(x.dtype)
    return fn


def _hermite_limit(x):
    return 128 if x.dtype.itemsize == 4 else 512


def _hermite_h(x, n, xp):
    return _recurrence(x, n, x + x, lambda m, x, q, p: (x + x) * q - (2 * m - 2) * p, xp,
                       _hermite_limit(x))


def _hermite_he(x, n, xp):
    return _recurrence(x, n, x, lambda m, x, q, p: x * q - (m - 1) * p, xp, _hermite_limit(x))


def _laguerre(x, n, xp):
    out = _recurrence(x, n, 1 - x, lambda m, x, q, p: ((2 * m - 1 - x) * q - (m - 1) * p) / m,
                      xp)
    return xp.where((x == 0) & (n >= 0), 1, out).astype(x.dtype)


def _legendre(x, n, xp):
    out = _recurrence(x, n, x, lambda m, x, q, p: ((2 * m - 1) * x * q - (m - 1) * p) / m, xp)
    ends = xp.where((x > 0) | (n % 2 == 0), 1, -1)
    return xp.where((xp.abs(x) == 1) & (n >= 0), ends, out).astype(x.dtype)


def _x_n(op):
    """A polynomial under torch's names for its operands: ``p(x=..., n=...)``."""
    def polynomial(x, n, *, out=None):
        return op(x, n, out=out)
    return polynomial


def _polynomial(name, fn):
    return _binary_special(f"special_{name}", _kernel(fn), None, None,
                           _not(f"{name}_cpu", *_HALF), _SIGNATURES, _x_n)


special_chebyshev_polynomial_t = _polynomial("chebyshev_polynomial_t", _chebyshev("t", 6, False))
special_chebyshev_polynomial_u = _polynomial("chebyshev_polynomial_u", _chebyshev("u", 8, False))
special_chebyshev_polynomial_v = _polynomial("chebyshev_polynomial_v", _chebyshev("v", 8, False))
special_chebyshev_polynomial_w = _polynomial("chebyshev_polynomial_w", _chebyshev("w", 8, False))
special_shifted_chebyshev_polynomial_t = _polynomial("shifted_chebyshev_polynomial_t",
                                                     _chebyshev("t", 6, True))
special_shifted_chebyshev_polynomial_u = _polynomial("shifted_chebyshev_polynomial_u",
                                                     _chebyshev("u", 6, True))
special_shifted_chebyshev_polynomial_v = _polynomial("shifted_chebyshev_polynomial_v",
                                                     _chebyshev("v", 6, True))
special_shifted_chebyshev_polynomial_w = _polynomial("shifted_chebyshev_polynomial_w",
                                                     _chebyshev("w", 4, True))
special_hermite_polynomial_h = _polynomial("hermite_polynomial_h", _hermite_h)
special_hermite_polynomial_he = _polynomial("hermite_polynomial_he", _hermite_he)
special_laguerre_polynomial_l = _polynomial("laguerre_polynomial_l", _laguerre)
special_legendre_polynomial_p = _polynomial("legendre_polynomial_p", _legendre)
