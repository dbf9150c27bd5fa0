"""Sampling primitives of torch.distributions: the standard gamma sampler with its implicit
reparameterisation gradient (``_standard_gamma`` / ``_standard_gamma_grad``), the Dirichlet
sampler and the implicit gradient of its Beta marginals (``_sample_dirichlet`` /
``_dirichlet_grad``), the binomial sampler, and the regularised incomplete gamma functions
(``igamma`` / ``igammac``) that both the gradient and ``Gamma.cdf`` need.

Randomness is drawn from the engines of ``random.py`` (``_engine``) with PyTorch's recipes
(``torch_random``), element by element as its scalar samplers draw.

P(a, x) (lower) and Q(a, x) = 1 - P (upper) are computed in float64 as
``exp(a log x - x - lgamma(a)) * S``, with S the power series below x = a + 1 and the continued
fraction (modified Lentz) above, each evaluated together with its derivative dS/da (forward
mode).  The gradient of a gamma sample x with respect to its concentration a is the implicit
one, dx/da = -(dP/da) / p(x; a); with p = exp(a log x - x - lgamma(a)) / x the exponentials
cancel, leaving -x (S (log x - digamma(a)) + dS/da) for the series (the sign flips for Q), which
keeps full relative accuracy in both tails.  The Beta case is the same with the incomplete beta
function's continued fraction.
"""
import warnings

from .. import _errors
from .._tensor import Tensor
from .._type_info import finfo
from ..autograd.graph import node_class
from ._core import register, record, needs_grad, binary, wrap
from .random import _engine, _kernels, _new

_TINY = 1e-300
_EPS = 1e-15
_MAX_ITER = 2000


# ---- regularised incomplete gamma, float64 on raw arrays --------------------------------------
def _log_prefactor(a, x, be):
    """log(x^a e^-x / Gamma(a))."""
    xp = be.xp
    return a * xp.log(x) - x - be.special.lgamma(a)


def _p_series(a, x, xp):
    """S = sum_n x^n / (a (a+1) ... (a+n)), so that P = S x^a e^-x / Gamma(a), and dS/da
    (each term's derivative is -term * sum_k<=n 1 / (a + k))."""
    term = 1.0 / a
    harmonic = term.copy()
    total, dtotal = term.copy(), -term * harmonic
    n = a.copy()
    for _ in range(_MAX_ITER):
        n += 1.0
        term = term * (x / n)
        harmonic += 1.0 / n
        total += term
        dtotal -= term * harmonic
        if not bool((xp.abs(term) * harmonic > xp.abs(dtotal) * _EPS).any()
                    or (xp.abs(term) > xp.abs(total) * _EPS).any()):
            break
    return total, dtotal


def _converged(step, dstep, h, dh, xp):
    """A continued fraction h (and dh) has converged when the last factor is 1 to _EPS and no
    longer moves the derivative."""
    return not bool((xp.abs(step - 1.0) > _EPS).any()
                    or (xp.abs(h * dstep) > xp.abs(dh) * _EPS).any())


def _q_fraction(a, x, xp):
    """The continued fraction h with Q = h x^a e^-x / Gamma(a), and dh/da, by modified Lentz
    carried in forward mode (b, c, d and h with their derivatives in a)."""
    b = x + 1.0 - a
    c, dc = xp.full_like(x, 1.0 / _TINY), xp.zeros_like(x)
    d = 1.0 / xp.where(xp.abs(b) < _TINY, _TINY, b)
    dd = d * d                      # d/da (1 / b) with db/da = -1
    h, dh = d.copy(), dd.copy()
    for i in range(1, _MAX_ITER):
        an, dan = -i * (i - a), float(i)
        b = b + 2.0
        den = an * d + b
        dden = dan * d + an * dd - 1.0
        d = 1.0 / xp.where(xp.abs(den) < _TINY, _TINY, den)
        dd = -dden * d * d
        dc = -1.0 + dan / c - an * dc / (c * c)
        c = b + an / c
        c = xp.where(xp.abs(c) < _TINY, _TINY, c)
        step, dstep = d * c, dd * c + d * dc
        h, dh = h * step, dh * step + h * dstep
        if _converged(step, dstep, h, dh, xp):
            break
    return h, dh


def _gammainc_pq(a, x, be):
    """(P(a, x), Q(a, x)) in float64 for float64 arrays of one shape, torch's edge values
    included (nan for negative arguments, P(0, x>0) = 1, P(a, 0) = 0)."""
    xp = be.xp
    a, x = xp.broadcast_arrays(a, x)
    bad = (a < 0) | (x < 0) | ((a == 0) & (x == 0)) | xp.isnan(a) | xp.isnan(x)
    lower = x < a + 1.0
    p = xp.zeros(a.shape)
    q = xp.zeros(a.shape)
    inner = ~bad & (a > 0) & (x > 0) & xp.isfinite(x) & xp.isfinite(a)
    lo, hi = inner & lower, inner & ~lower
    if lo.any():
        al, xl = a[lo], x[lo]
        p[lo] = _p_series(al, xl, xp)[0] * xp.exp(_log_prefactor(al, xl, be))
        q[lo] = 1.0 - p[lo]
    if hi.any():
        ah, xh = a[hi], x[hi]
        q[hi] = _q_fraction(ah, xh, xp)[0] * xp.exp(_log_prefactor(ah, xh, be))
        p[hi] = 1.0 - q[hi]
    one = ~bad & ~inner & ((a == 0) | (x == xp.inf))
    p[one], q[one] = 1.0, 0.0
    zero = ~bad & ~inner & ~one
    p[zero], q[zero] = 0.0, 1.0
    p[bad] = q[bad] = xp.nan
    return p, q


def _igamma_kernel(upper):
    def kernel(a, x, be):
        p, q = _gammainc_pq(a.astype("float64"), x.astype("float64"), be)
        return (q if upper else p).astype(a.dtype)
    return kernel


def _igamma_grad(sign):
    """Only the derivative in x exists (torch's too): +-x^(a-1) e^-x / Gamma(a)."""
    def grad(g, a, x, y, need_a=True, need_x=True):
        if need_a:
            raise _errors.derivative_not_implemented_for(
                "igammac: input" if sign < 0 else "igamma: input")
        return None, g * sign * ((a - 1) * x.log() - x - a.lgamma()).exp()
    return grad


def _igamma_check(name):
    def check(dt):
        if dt.category < 2 or dt.is_complex:
            raise _errors.kernel_not_implemented(name, dt)
    return check


igamma, igamma_ = binary("igamma", _igamma_kernel(False), _igamma_grad(1.0), "IgammaBackward0",
                         result="float", check=_igamma_check("igamma_cpu"))[:2]
igammac, igammac_ = binary("igammac", _igamma_kernel(True), _igamma_grad(-1.0),
                           "IgammacBackward0", result="float",
                           check=_igamma_check("igammac_cpu"))[:2]


# ---- the standard gamma sampler and its implicit gradient -------------------------------------
def _gamma_grad_array(a, x, be):
    """dx/da for gamma(a) samples x (float64 arrays of one shape); 0 where not finite."""
    xp = be.xp
    r = xp.zeros(a.shape)
    ok = (a > 0) & (x > 0) & xp.isfinite(x)
    lower = ok & (x < a + 1.0)
    upper = ok & ~lower
    if lower.any():
        al, xl = a[lower], x[lower]
        s, ds = _p_series(al, xl, xp)
        r[lower] = -xl * (s * (xp.log(xl) - be.special.digamma(al)) + ds)
    if upper.any():
        au, xu = a[upper], x[upper]
        h, dh = _q_fraction(au, xu, xp)
        r[upper] = xu * (h * (xp.log(xu) - be.special.digamma(au)) + dh)
    return xp.where(xp.isfinite(r), r, 0.0)


def _standard_gamma_grad_op(self, output):
    be = self._device._backend
    arr = _gamma_grad_array(self._data.astype("float64"), output._data.astype("float64"), be)
    return wrap(arr.astype(self._dtype.np), self._dtype, self._device)


_standard_gamma_grad = register("_standard_gamma_grad", method=False,
                                differentiable=False)(_standard_gamma_grad_op)


def _standard_gamma_backward(node, g):
    alpha, out = node.saved()
    return (g * _standard_gamma_grad(alpha, out),)


_StandardGammaBackward = node_class("StandardGammaBackward0", _standard_gamma_backward)


def _gammas(alpha, generator, dtype):
    """Standard-gamma draws for each element of ``alpha`` from PyTorch's stream, in its
    iteration order (its contiguous output's: row-major, whatever ``alpha``'s strides)."""
    dev = alpha._device
    flat = dev.backend.xp.ascontiguousarray(alpha._data).reshape(-1)
    out = _kernels(dev).standard_gamma(_engine(generator, dev), flat, dtype)
    return out.reshape(alpha._data.shape)


@register("_standard_gamma", method=False, nodes=("StandardGammaBackward0",))
def _standard_gamma(input, generator=None):
    """Gamma(input, 1) samples, at least the dtype's smallest normal number (as torch)."""
    dt = input._dtype
    if dt.category < 2:
        raise _errors.kernel_not_implemented("_standard_gamma", dt)
    res = _new(_gammas(input, generator, dt.name), dt, input._device, False, None)
    if needs_grad(input):
        record(res, _StandardGammaBackward, (input,), saved=(input, res.detach()))
    return res


# ---- Dirichlet samples and the implicit gradient of their Beta marginals -----------------------
def _lentz_step(aa, daa, c, dc, d, dd, xp):
    """One modified-Lentz step of a continued fraction with numerator ``aa`` (and their
    derivatives); returns c, dc, d, dd and the step factor with its derivative."""
    den = 1.0 + aa * d
    dden = daa * d + aa * dd
    d = 1.0 / xp.where(xp.abs(den) < _TINY, _TINY, den)
    dd = -dden * d * d
    dc = daa / c - aa * dc / (c * c)
    c = 1.0 + aa / c
    c = xp.where(xp.abs(c) < _TINY, _TINY, c)
    return c, dc, d, dd, d * c, dd * c + d * dc


def _beta_fraction(a, b, x, wrt_a, xp):
    """The continued fraction F with I_x(a, b) = x^a (1-x)^b F / (a B(a, b)) (valid below
    x = (a + 1) / (a + b + 2)) and dF/da (``wrt_a``) or dF/db, in forward mode."""
    qab, qap = a + b, a + 1.0
    den = 1.0 - qab * x / qap
    dden = (qab / qap - 1.0) * x / qap if wrt_a else -x / qap
    d = 1.0 / xp.where(xp.abs(den) < _TINY, _TINY, den)
    dd = -dden * d * d
    c, dc = xp.ones_like(x), xp.zeros_like(x)
    h, dh = d.copy(), dd.copy()
    for m in range(1, _MAX_ITER):
        e1, e2 = a - 1.0 + 2 * m, a + 2.0 * m
        aa = m * (b - m) * x / (e1 * e2)
        daa = aa * (-1.0 / e1 - 1.0 / e2) if wrt_a else m * x / (e1 * e2)
        c, dc, d, dd, step, dstep = _lentz_step(aa, daa, c, dc, d, dd, xp)
        h, dh = h * step, dh * step + h * dstep
        o1, o2 = a + 2.0 * m, a + 1.0 + 2 * m
        aa = -(a + m) * (qab + m) * x / (o1 * o2)
        daa = (aa * (1.0 / (a + m) + 1.0 / (qab + m) - 1.0 / o1 - 1.0 / o2) if wrt_a
               else aa / (qab + m))
        c, dc, d, dd, step, dstep = _lentz_step(aa, daa, c, dc, d, dd, xp)
        h, dh = h * step, dh * step + h * dstep
        if _converged(step, dstep, h, dh, xp):
            break
    return h, dh


def _dirichlet_grad_array(x, alpha, total, be):
    """torch's ``_dirichlet_grad``: (dx/dalpha) / (1 - x) for x ~ Beta(alpha, total - alpha)
    with the second parameter held, dx/dalpha = -(dI_x/dalpha) / pdf (the x^a (1-x)^b factors
    of I and of the pdf cancel).  Dividing by 1 - x makes the Dirichlet Jacobian
    dx_j/dalpha_i = grad_i (delta_ij - x_j)."""
    xp = be.xp
    a, b = alpha, total - alpha
    r = xp.zeros(x.shape)
    ok = (a > 0) & (b > 0) & (x > 0) & (x < 1)
    lower = ok & (x < (a + 1.0) / (a + b + 2.0))
    upper = ok & ~lower
    psi = be.special.digamma
    if lower.any():
        al, bl, xl = a[lower], b[lower], x[lower]
        f, df = _beta_fraction(al, bl, xl, True, xp)
        dlog = xp.log(xl) - 1.0 / al - psi(al) + psi(al + bl)
        r[lower] = -xl / al * (f * dlog + df)
    if upper.any():
        au, bu, xu = a[upper], b[upper], x[upper]
        f, df = _beta_fraction(bu, au, 1.0 - xu, False, xp)     # I_x(a, b) = 1 - I_1-x(b, a)
        dlog = xp.log(xu) - psi(au) + psi(au + bu)
        r[upper] = xu / bu * (f * dlog + df)
    return xp.where(xp.isfinite(r), r, 0.0)


@register("_dirichlet_grad", method=False, differentiable=False)
def _dirichlet_grad(x, alpha, total):
    be = x._device._backend
    xp = be.xp
    arrays = xp.broadcast_arrays(*(t._data.astype("float64") for t in (x, alpha, total)))
    return wrap(_dirichlet_grad_array(*arrays, be).astype(x._dtype.np), x._dtype, x._device)


def _sample_dirichlet_not_implemented(node, g):
    raise _errors.derivative_not_implemented("_sample_dirichlet")


_SampleDirichletNotImplemented = node_class("NotImplemented", _sample_dirichlet_not_implemented)


@register("_sample_dirichlet", method=False, nodes=("NotImplemented",))
def _sample_dirichlet(input, generator=None):
    """Dirichlet samples over the last dimension: standard-gamma draws, each at least the
    dtype's smallest normal number (so that a row never sums to 0), normalised (as torch)."""
    dt = input._dtype
    if dt.category < 2:
        raise _errors.kernel_not_implemented("_sample_dirichlet", dt)
    xp = input._device._backend.xp
    gammas = _gammas(input, generator, "float64")
    ratios = (gammas / gammas.sum(-1, keepdims=True)).astype(dt.np)
    top = xp.nextafter(xp.asarray(1, dt.np), xp.asarray(0, dt.np))
    arr = xp.minimum(xp.maximum(ratios, finfo(dt).tiny), top)
    res = _new(arr, dt, input._device, False, None)
    if needs_grad(input):
        record(res, _SampleDirichletNotImplemented, (input,))
    return res


# ---- binomial -----------------------------------------------------------------------------------
def _binomial_not_implemented(node, g):
    raise _errors.derivative_not_implemented("binomial")


_BinomialNotImplemented = node_class("NotImplemented", _binomial_not_implemented)


def _binomial_operands(count, prob):
    """count and prob broadcast to one shape (count's dtype, checked as torch checks them; a
    count of another shape is the output torch resizes, with its warning)."""
    for pos, (name, t) in enumerate((("count", count), ("prob", prob)), 1):
        if not isinstance(t, Tensor):
            raise _errors.argument_type("binomial", name, pos, t)
    for name, t in (("count", count), ("prob", prob)):
        if not t._dtype.is_floating_point:
            raise _errors.binomial_dtype(name, t._dtype)
    xp = count._device._backend.xp
    try:
        n, p = xp.broadcast_arrays(count._data, prob._data)
    except ValueError:
        raise _errors.broadcast_mismatch(count._data.shape, prob._data.shape) from None
    if prob._dtype != count._dtype:
        raise _errors.bce_dtype_mismatch(prob._dtype, count._dtype)   # TensorIterator's
    if count._dtype.name not in ("float32", "float64"):
        raise _errors.kernel_not_implemented("binomial_cpu", count._dtype)
    if n.shape != count._data.shape and count._data.size:
        warnings.warn(_errors.output_resized_warning(count._data.shape, n.shape), stacklevel=3)
    return n, p


@register("binomial", method=False, nodes=("NotImplemented",))
def binomial(count, prob, generator=None):
    """Binomial(count, prob) samples in count's dtype, drawn element by element from PyTorch's
    stream (its ``sample_binomial``, in the output's row-major order)."""
    n, p = _binomial_operands(count, prob)
    dt, dev = count._dtype, count._device
    xp = dev.backend.xp
    flat = [xp.ascontiguousarray(a, dtype="float64").reshape(-1) for a in (n, p)]
    arr = _kernels(dev).binomial(_engine(generator, dev), *flat, dt.name)
    res = _new(arr.reshape(n.shape).astype(dt.np, copy=False), dt, dev, False, None)
    if needs_grad(count, prob):
        record(res, _BinomialNotImplemented, (count, prob))
    return res
