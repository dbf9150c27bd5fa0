"""Special functions that are ops of their own: Bessel functions, Airy's Ai, sinc, the normal
distribution's ndtr / ndtri / log_ndtr, erfcx, entr, xlog1py, Hurwitz zeta, polygamma and the
multivariate log-gamma (and torch.special.round).  Forward through the backend's special
functions; backward in ember ops.

Ops that torch exposes only in ``torch.special`` keep aten's ``special_<name>`` as their
registered name and are bound neither as Tensor methods nor in ``ember``; ``ember.special``
gives them their public names.  (The special functions that are also ordinary ops, such as
``erf``, ``lgamma``, ``digamma`` and ``xlogy``, live with the other pointwise ops.)
"""
import math

from .. import _dtype as D
from .. import _errors
from .._tensor import Tensor
from ..autograd.graph import node_class
from ._core import OPS, unary, binary, register, record, wrap, write_out, inplace, _grad_on
from .pointwise import _reject, _special, where

_SQRT_2PI = math.sqrt(2.0 * math.pi)
_TWO_OVER_SQRT_PI = 2.0 / math.sqrt(math.pi)
# Below this |x|, i1(x)/x and i1e(x)/x are 1/2 to the dtype's precision (and 0/0 at 0).
_EPS = {D.float16: 2.0 ** -10, D.bfloat16: 2.0 ** -7, D.float32: 2.0 ** -23,
        D.float64: 2.0 ** -52}


def _not(kernel, *dtypes):
    """A ``check(dtype)``: torch's "<kernel>" not implemented error for complex and ``dtypes``."""
    return _reject(kernel, lambda dt: dt.is_complex or dt in dtypes)


_HALF = (D.float16, D.bfloat16)


def _unary_special(name, kernel, backward, node, saves, check):
    """A unary op of torch.special only: float results, no Tensor method, no in-place form, not
    in ``ember``'s namespace."""
    op = unary(name, kernel, backward, node, saves=saves, float_result=True, method=False,
               inplace_ok=False, check=check)[0]
    OPS[name].function = False
    op.__module__ = __name__        # where generated code (fx) finds it: this module's global
    return op


_SIGNATURES = ("Tensor input, Tensor other, *, Tensor out = None",
               "Number self, Tensor other, *, Tensor out = None",
               "Tensor input, Number other, *, Tensor out = None")


def _binary_special(name, kernel, backward, node, check, signatures=_SIGNATURES, named=None):
    """A binary op of torch.special only (float results) with torch's three overloads: the
    node is ``<node>0`` for two tensors, ``<node>2`` / ``<node>1`` when ``other`` / ``input`` is
    a number, and two numbers are an error (``signatures`` lists the overloads it names).
    ``backward`` None: torch gives the op no derivative (its result never requires grad).
    ``named(op)``: the op under torch's names for its operands, where they are not
    ``input`` / ``other``."""
    fn = binary(name, kernel, backward, node and node + "0", result="float", method=False,
                inplace_ok=False, check=check,
                scalar_nodes=(node + "2", node + "1") if node else None)[0]

    def op(input, other, *, out=None):
        if not isinstance(input, Tensor) and not isinstance(other, Tensor):
            raise _errors.invalid_arguments(name, (input, other), signatures)
        return fn(input, other, out=out)
    if named is not None:
        op = named(op)
    op.__name__ = op.__qualname__ = name
    register(name, nodes=tuple(f"{node}{i}" for i in range(3)) if node else (), out=True,
             method=False, function=False)(op)
    return op


# ---- modified Bessel functions ------------------------------------------------------------------
def _over_x(y, x):
    """y / x, as 1/2 where x is 0 to the dtype's precision (y is i1(x) or i1e(x))."""
    tiny = x.abs() < _EPS[x._dtype]
    return where(tiny, 0.5, y / where(tiny, 1.0, x))


def _i1_grad(g, x, y):
    """d/dx i1 = i0(x) - i1(x)/x (1/2 at 0)."""
    return g * (i0(x) - _over_x(y, x))


def _i1e_grad(g, x, y):
    """d/dx i1e = i0e(x) - i1e(x) (sgn(x) + 1/x) (1/2 at 0)."""
    return g * (special_i0e(x) - y * x.sgn() - _over_x(y, x))


i0, i0_ = unary("i0", _special("i0"), lambda g, x, y: g * special_i1(x), "I0Backward0",
                float_result=True, check=_not("i0_vml_cpu"))
special_i0e = _unary_special("special_i0e", _special("i0e"),
                             lambda g, x, y: g * (special_i1e(x) - x.sgn() * y),
                             "SpecialI0EBackward0", "both", _not("i0e_cpu"))
special_i1 = _unary_special("special_i1", _special("i1"), _i1_grad, "SpecialI1Backward0", "both",
                            _not("i1_cpu"))
special_i1e = _unary_special("special_i1e", _special("i1e"), _i1e_grad, "SpecialI1EBackward0",
                             "both", _not("i1e_cpu"))


def _underived(name, kernel=None):
    """A torch.special function torch gives no derivative: its result never needs grad.
    ``kernel``: the backend's function, where its name is not ``name``."""
    return _unary_special(f"special_{name}", _special(kernel or name), None, None, None,
                          _not(f"{name}_cpu", *_HALF))


special_bessel_j0 = _underived("bessel_j0")
special_bessel_j1 = _underived("bessel_j1")
special_spherical_bessel_j0 = _underived("spherical_bessel_j0")
special_modified_bessel_i0 = _underived("modified_bessel_i0", "i0")
special_modified_bessel_i1 = _underived("modified_bessel_i1", "i1")
special_bessel_y0 = _underived("bessel_y0")
special_bessel_y1 = _underived("bessel_y1")
special_modified_bessel_k0 = _underived("modified_bessel_k0")
special_modified_bessel_k1 = _underived("modified_bessel_k1")
special_scaled_modified_bessel_k0 = _underived("scaled_modified_bessel_k0")
special_scaled_modified_bessel_k1 = _underived("scaled_modified_bessel_k1")
special_airy_ai = _underived("airy_ai")


# ---- sinc ---------------------------------------------------------------------------------------
def _sinc_kernel(x, be):
    return be.xp.sinc(x) if x.dtype.kind == "c" else be.special.sinc(x)


def _sinc_grad(g, x, y):
    """d/dx sinc = (cos(pi x) - sinc(x)) / x, 0 at x = 0."""
    zero = x == 0
    d = ((x * math.pi).cos() - y) / where(zero, 1.0, x)
    return g * where(zero, 0.0, d).conj()


sinc, sinc_ = unary("sinc", _sinc_kernel, _sinc_grad, "SincBackward0", saves="both",
                    float_result=True)


# ---- the normal distribution and the error function ----------------------------------------------
def _ndtr_grad(g, x, y):
    return g * (x * x * -0.5).exp() / _SQRT_2PI


# torch computes ndtr as the composite (1 + erf(x / sqrt(2))) * 0.5, whose last node is a
# Mul by a Scalar: the node carries that name (its gradient is the derivative of the whole).
special_ndtr = _unary_special("special_ndtr", _special("ndtr"), _ndtr_grad, "MulBackward1",
                              "input", _not("erf_vml_cpu"))
special_ndtri = _unary_special("special_ndtri", _special("ndtri"),
                               lambda g, x, y: g * _SQRT_2PI * (y * y * 0.5).exp(),
                               "SpecialNdtriBackward0", "output", _not("ndtri_cpu", *_HALF))
special_log_ndtr = _unary_special(
    "special_log_ndtr", _special("log_ndtr"),
    lambda g, x, y: g * (x * x * -0.5 - y).exp() / _SQRT_2PI, "SpecialLogNdtrBackward0", "both",
    _not("log_ndtr_cpu", *_HALF))
special_erfcx = _unary_special("special_erfcx", _special("erfcx"),
                               lambda g, x, y: g * (2.0 * x * y - _TWO_OVER_SQRT_PI),
                               "SpecialErfcxBackward0", "both", _not("erfcx_cpu", *_HALF))


# ---- entropy terms ------------------------------------------------------------------------------
def _entr_kernel(x, be):
    """-x log(x): 0 at 0 and -inf below (nan stays nan)."""
    xp = be.xp
    r = -x * xp.log(xp.where(x > 0, x, 1))
    return xp.where(x > 0, r, xp.where(x < 0, -xp.inf, xp.where(x == 0, 0, x))).astype(x.dtype)


special_entr = _unary_special("special_entr", _entr_kernel, lambda g, x, y: g * -(1 + x.log()),
                              "SpecialEntrBackward0", "input", _not("entr_cpu"))


def _xlog1py_kernel(a, b, be):
    xp = be.xp
    return xp.where((a == 0) & ~xp.isnan(b), 0, a * xp.log1p(b))


def _xlog1py_grad(g, a, b, y, need_a, need_b):
    ga = gb = None
    if need_a:
        ga = special_xlog1py(g, b)
        keep = a != 0
        if isinstance(b, Tensor):
            ga = where(keep | (b > -1), ga, 0.0)
        elif b <= -1:
            ga = where(keep, ga, 0.0)
    if need_b:
        gb = g * a / (b + 1)
    return ga, gb


def _zeta_kernel(a, b, be):
    return be.special.zeta(a, b)


def _zeta_grad(g, a, b, y, need_a, need_b):
    """Only the derivative in q is defined (torch's too): -x zeta(x + 1, q)."""
    if need_a:
        raise _errors.derivative_not_implemented_for("zeta")
    return None, g * -a * special_zeta(a + 1, b)


special_xlog1py = _binary_special("special_xlog1py", _xlog1py_kernel, _xlog1py_grad,
                                  "SpecialXlog1PyBackward", _not("xlog1py_cpu"))
special_zeta = _binary_special("special_zeta", _zeta_kernel, _zeta_grad, "SpecialZetaBackward",
                               _not("zeta_cpu", *_HALF))


@register("special_round", method=False, function=False, nodes=("RoundBackward1",), out=True)
def special_round(input, *, decimals=0, out=None):
    """torch.special.round: round's ``decimals`` overload even for 0 (a RoundBackward1 node, and
    integer inputs refused)."""
    return OPS["round"].fn(input, decimals=decimals, out=out)


# ---- the gamma function family ------------------------------------------------------------------
def _float_input(input):
    """``input``'s array in its result dtype (integers and bools give the default float)."""
    dt = input._dtype
    if dt.category < 2:
        dt = D.get_default_dtype()
        return input._data.astype(dt.np), dt
    return input._data, dt


def _polygamma_bwd(node, g):
    (x,) = node.saved()
    return (g * polygamma(node._args + 1, x),)


PolygammaBackward0 = node_class("PolygammaBackward0", _polygamma_bwd)
PolygammaBackward1 = node_class("PolygammaBackward1", _polygamma_bwd)     # polygamma_
_POLYGAMMA_KERNELS = {0: "digamma", 1: "trigamma"}


def _polygamma(n, input, out, node):
    if type(n) is not int:
        raise _errors.argument_type("polygamma", "n", 1, n, "int")
    if n < 0:
        raise _errors.polygamma_negative_n()
    if input._dtype.is_complex:
        raise _errors.kernel_not_implemented(_POLYGAMMA_KERNELS.get(n, "polygamma"),
                                             input._dtype)
    x, dt = _float_input(input)
    res = wrap(input._device._backend.special.polygamma(n, x), dt, input._device)
    if _grad_on() and input._requires_grad:
        record(res, node, (input,), (input,), n)
    return write_out(out, res) if out is not None else res


@register("polygamma", method=False, nodes=("PolygammaBackward0", "PolygammaBackward1"),
          out=True)
def polygamma(n, input, *, out=None):
    """The n-th derivative of digamma (``Tensor.polygamma(n)`` takes the tensor first)."""
    return _polygamma(n, input, out, PolygammaBackward0)


def _polygamma_method(self, n):
    return polygamma(n, self)       # through the module global, which tracing patches


def _polygamma_inplace(self, n):
    return _polygamma(n, self, None, PolygammaBackward1)


Tensor.polygamma = _polygamma_method
polygamma_ = OPS["polygamma"].inplace = inplace(_polygamma_inplace)


def _mvlgamma_bwd(node, g):
    (x,) = node.saved()
    total = x.digamma()
    for j in range(1, node._args):
        total = total + (x - 0.5 * j).digamma()
    return (g * total,)


MvlgammaBackward0 = node_class("MvlgammaBackward0", _mvlgamma_bwd)


@register("mvlgamma", nodes=("MvlgammaBackward0",), out=True)
def mvlgamma(input, p, *, out=None):
    """log of the multivariate gamma function of dimension p:
    p (p - 1) / 4 log(pi) + sum_{j < p} lgamma(x - j / 2)."""
    if type(p) is not int:
        raise _errors.argument_type("mvlgamma", "p", 2, p, "int")
    if p < 1:
        raise _errors.mvlgamma_p()
    if input._dtype.is_complex:
        raise _errors.kernel_not_implemented("arange_cpu", input._dtype)
    x, dt = _float_input(input)
    if dt in _HALF:
        x = x.astype(D.float32.np)                  # the sum is rounded once, at the end
    lgamma = input._device._backend.special.lgamma
    total = lgamma(x)
    for j in range(1, p):
        total = total + lgamma(x - 0.5 * j)
    res = wrap(total + p * (p - 1) / 4 * math.log(math.pi), dt, input._device)
    if _grad_on() and input._requires_grad:
        record(res, MvlgammaBackward0, (input,), (input,), p)
    return write_out(out, res) if out is not None else res


mvlgamma_ = OPS["mvlgamma"].inplace = inplace(mvlgamma)
