"""Pointwise ops: each is an array kernel (``kernel(x, backend)`` / ``kernel(a, b, backend)``)
plus a backward formula in ember ops, defined through the ``unary``/``binary`` factories.

Backward formulas get ember tensors: ``g`` (incoming gradient), the saved inputs and, where
the op saves it, the output ``y``.  Ops whose signature has more than the tensor operands
(``alpha``, ``rounding_mode``, ``decimals``, ...) wrap a factory op and re-register the wrapper
under the same name.
"""
import math

from .. import _dtype as D
from .. import _errors
from .._tensor import Tensor, _make
from ..autograd.graph import node_class, save_output
from ._core import (OPS, set_autocast, raw_grad_ok,
                    unary, binary, register, prep2, record, _grad_on, write_out, inplace,
                    needs_grad, grad_for, wrap, out_array, check_same_device, check_scalar_arg)
from . import memory_format

_LN2 = math.log(2.0)
_LN10 = math.log(10.0)


# ---- dtype checks (PyTorch's "<kernel>" not implemented for '<Type>') -----------------------
def _reject(kernel, bad):
    """A ``check(dtype)`` raising PyTorch's not-implemented error when ``bad(dtype)``."""
    def check(dt):
        if bad(dt):
            raise _errors.kernel_not_implemented(kernel, dt)
    return check


def _no_bool(kernel):
    return _reject(kernel, lambda dt: dt is D.bool_)


def _int_only(kernel):
    return _reject(kernel, lambda dt: dt.category > 1)


def _float_only(kernel):
    return _reject(kernel, lambda dt: dt.category < 2)


def _int_zero_division(b):
    """PyTorch raises for integer division by zero (NumPy would warn and give 0)."""
    if (b == 0).any() if hasattr(b, "any") else b == 0:
        raise _errors.int_zero_division()


def _is_int_array(a):
    return getattr(a, "dtype", None) is not None and a.dtype.kind in "iub"


def _no_derivative(op):
    """The backward formula of an op PyTorch does not differentiate: it raises."""
    def backward(*args):
        raise _errors.derivative_not_implemented(op)
    return backward


def _not_implemented(op):
    """PyTorch's ``NotImplemented`` node: created, but its backward raises."""
    return node_class("NotImplemented", _no_derivative(op))


def _zeros(g):
    return g.new_zeros(g.shape)


def _require_tensor(name, arg, value, pos=2):
    if not isinstance(value, Tensor):
        raise _errors.argument_type(name, arg, pos, value)


def _tensor_only(fn, arg="other"):
    """Wrap a binary op whose second operand must be a Tensor (no Scalar overload in torch)."""
    name = fn.__name__

    def op(input, other, *, out=None):
        _require_tensor(name, "input", input, 1)
        _require_tensor(name, arg, other)
        return fn(input, other, out=out)
    op.__name__ = op.__qualname__ = name
    d = OPS[name]
    d.fn = op
    d.inplace = inplace(op)
    return op, d.inplace


def _rebind(name, fn, nodes=None, aliases=None):
    """Re-register ``fn`` (a wrapper with extra arguments) under the factory op's ``name``."""
    d = OPS[name]
    register(name, aliases=d.aliases if aliases is None else aliases,
             nodes=d.nodes if nodes is None else nodes, inplace=inplace(fn), out=True,
             differentiable=d.differentiable)(fn)
    return fn, OPS[name].inplace


# ---- add / sub ------------------------------------------------------------------------------
def _scaled(x, input, other, alpha):
    """``alpha * x`` (``x`` is ``other``, or ``input`` for rsub) after PyTorch's checks of alpha
    (callers skip the int 1, so that the common call costs nothing)."""
    dt = D.result_type(input, other)
    check_scalar_arg(dt, alpha)
    if not dt.is_complex and (isinstance(alpha, complex) or
                              isinstance(alpha, Tensor) and alpha._dtype.is_complex):
        raise _errors.alpha_complex()
    return x * alpha if alpha != 1 else x


def _check_sub_bool(a, b):
    """PyTorch refuses subtraction involving bools (tensors or Python bools)."""
    ab = isinstance(a, bool) or isinstance(a, Tensor) and a._dtype is D.bool_
    bb = isinstance(b, bool) or isinstance(b, Tensor) and b._dtype is D.bool_
    if ab or bb:
        raise _errors.bool_operator("-", ab and bb)


_add = binary("add", lambda a, b, be: be.xp.add(a, b), lambda g, a, b, y, na, nb: (g, g),
              "AddBackward0", saves=(), inplace_ok=False)[0]
_sub = binary("sub", lambda a, b, be: be.xp.subtract(a, b),
              lambda g, a, b, y, na, nb: (g, -g if nb else None), "SubBackward0", saves=(),
              inplace_ok=False)[0]


_deprecated_warned = []


def _scalar_first(name, scalar_name, n_tensors):
    """PyTorch's deprecated overloads with the scalar before the tensors (``add(x, 2, y)``,
    ``addcmul(x, 0.5, a, b)``): warned once per process, as torch does."""
    if not _deprecated_warned:
        import warnings
        _deprecated_warned.append(True)
        warnings.warn(_errors.deprecated_scalar_first(name, scalar_name, n_tensors),
                      UserWarning, stacklevel=4)


def add(input, other, *deprecated, alpha=1, out=None):
    if deprecated:      # add(input, alpha, other)
        _scalar_first("add", "alpha", 1)
        alpha, other = other, deprecated[0]
    if alpha.__class__ is not int or alpha != 1:
        other = _scaled(other, input, other, alpha)
    return _add(input, other, out=out)


def sub(input, other, *deprecated, alpha=1, out=None):
    if deprecated:      # sub(input, alpha, other)
        _scalar_first("sub", "alpha", 1)
        alpha, other = other, deprecated[0]
    if getattr(input, "_dtype", None) is D.bool_ or getattr(other, "_dtype", None) is D.bool_ \
            or input.__class__ is bool or other.__class__ is bool:
        _check_sub_bool(input, other)
    if alpha.__class__ is not int or alpha != 1:
        other = _scaled(other, input, other, alpha)
    return _sub(input, other, out=out)


add, add_ = _rebind("add", add)
sub, sub_ = _rebind("sub", sub, aliases=("subtract",))


def _rsub1_bwd(node, g):
    return (grad_for(-g, *node._args),)


RsubBackward0 = node_class("RsubBackward0", lambda node, g: (
    grad_for(-g, *node._args[0]) if node.next_functions[0][0] is not None else None,
    grad_for(g, *node._args[1]) if node.next_functions[1][0] is not None else None))
RsubBackward1 = node_class("RsubBackward1", _rsub1_bwd)


@register("rsub", method=False, nodes=("RsubBackward0", "RsubBackward1"))
def rsub(input, other, *, alpha=1):
    """other - alpha * input (the reflected subtraction ``scalar - tensor``)."""
    _check_sub_bool(input, other)
    if alpha.__class__ is not int or alpha != 1:
        input = _scaled(input, input, other, alpha)
    a, b, dt, dev = prep2(input, other)
    res = wrap(dev._backend.xp.subtract(b, a), dt, dev)
    if needs_grad(input, other):
        if isinstance(other, Tensor):
            record(res, RsubBackward0, (input, other), (),
                   ((input._data.shape, input._dtype), (other._data.shape, other._dtype)))
        else:
            record(res, RsubBackward1, (input,), (), (input._data.shape, input._dtype))
    return res


# ---- mul / div ------------------------------------------------------------------------------
def _conj(x):
    if x.__class__ is complex:
        return x.conjugate()
    return x.conj() if isinstance(x, Tensor) and x._dtype.is_complex else x


def _mul_bwd(g, a, b, y, na, nb):
    return (g * _conj(b) if na else None, g * _conj(a) if nb else None)


mul, mul_ = binary("mul", lambda a, b, be: be.xp.multiply(a, b), _mul_bwd, "MulBackward0",
                   needed_by=((1,), (0,)), aliases=("multiply",), exact_scalar=True)


def _div_bwd(g, a, b, y, na, nb):
    return (g / _conj(b) if na else None, -g * _conj(a / (b * b)) if nb else None)


def _rounded_div_kernel(fn):
    def k(a, b, be):
        if _is_int_array(a) or _is_int_array(b):
            _int_zero_division(b)
        return fn(a, b, be.xp)
    return k


def _trunc_div(a, b, xp):
    if _is_int_array(a) and (not hasattr(b, "dtype") or b.dtype.kind in "iu") \
            and not isinstance(b, float):
        q = xp.floor_divide(a, b)
        return q + ((q < 0) & (q * b != a))    # floor -> trunc for negative inexact quotients
    return xp.trunc(xp.true_divide(a, b))


_floor_div = _rounded_div_kernel(lambda a, b, xp: xp.floor_divide(a, b))
def _zero_bwd(g, a, b, y, na, nb):
    return (_zeros(g) if na else None, _zeros(g) if nb else None)


_div_true = binary("div", lambda a, b, be: be.xp.true_divide(a, b), _div_bwd, "DivBackward0",
                   needed_by=((1,), (0, 1)), result="float", inplace_ok=False,
                   exact_scalar=True)[0]
_div_floor = binary("div", _floor_div, _zero_bwd, "DivBackward2", inplace_ok=False,
                    check=_no_bool("div_floor_cpu"))[0]
_div_trunc = binary("div", _rounded_div_kernel(_trunc_div), _zero_bwd, "DivBackward2",
                    inplace_ok=False, check=_no_bool("div_trunc_cpu"))[0]


def div(input, other, *, rounding_mode=None, out=None):
    if rounding_mode is None:
        return _div_true(input, other, out=out)
    if rounding_mode == "floor":
        return _div_floor(input, other, out=out)
    if rounding_mode == "trunc":
        return _div_trunc(input, other, out=out)
    raise _errors.div_rounding_mode(rounding_mode)


div, div_ = _rebind("div", div, nodes=("DivBackward0", "DivBackward2"),
                    aliases=("divide", "true_divide"))

floor_divide, floor_divide_ = binary(
    "floor_divide", _floor_div, _no_derivative("floor_divide"), "NotImplemented",
    check=_no_bool("div_floor_cpu"))
OPS["floor_divide"].nodes = ("NotImplemented",)


def _fmod_bwd(mode):
    def bwd(g, a, b, y, na, nb):
        return (g if na else None,
                -g * a.div(b, rounding_mode=mode) if nb else None)
    return bwd


_fmod = binary("fmod", _rounded_div_kernel(lambda a, b, xp: xp.fmod(a, b)),
                     _fmod_bwd("trunc"), "FmodBackward1", scalar_nodes=("FmodBackward0", None),
                     check=_no_bool("fmod_cpu"))[0]
OPS["fmod"].nodes = ("FmodBackward0", "FmodBackward1")


def _fmod_checked(input, other, *, out=None):
    if not isinstance(input, Tensor):
        raise _errors.invalid_arguments("fmod", (input, other), _FMOD_SIGNATURES)
    return _fmod(input, other, out=out)


_FMOD_SIGNATURES = ("Tensor input, Tensor other, *, Tensor out = None",
                    "Tensor input, Number other, *, Tensor out = None")
fmod, fmod_ = _rebind("fmod", _fmod_checked)
remainder, remainder_ = binary(
    "remainder", _rounded_div_kernel(lambda a, b, xp: xp.remainder(a, b)), _fmod_bwd("floor"),
    "RemainderBackward1", check=_no_bool("remainder_cpu"),
    scalar_nodes=("RemainderBackward0", _not_implemented("remainder")))
OPS["remainder"].nodes = ("RemainderBackward0", "RemainderBackward1", "NotImplemented")


# ---- pow / float_power ----------------------------------------------------------------------
def _pow_t_s_bwd(node, g):
    (x,) = node.saved()
    e = node._args
    if e == 0:
        return (_zeros(g),)
    r = g * (e * x.pow(e - 1)).conj()      # PyTorch's order of the products
    return (r if r._dtype is x._dtype else r.to(x._dtype),)


def _pow_t_t_bwd(node, g):
    x, e, y = node.saved()
    (mx, me) = node._args
    gx = grad_for(g * e * x.pow(e - 1), *mx) if node.next_functions[0][0] is not None else None
    ge = None
    if node.next_functions[1][0] is not None:
        lg = x.log()
        ge = grad_for(g * y * lg.where(x != 0, lg.new_zeros(())), *me)
    return gx, ge


def _pow_s_t_bwd(node, g):
    (y,) = node.saved()
    base, shape, dt = node._args
    if base == 0:
        return (grad_for(_zeros(g), shape, dt),)
    return (grad_for(g * y * math.log(base), shape, dt),)


PowBackward0 = node_class("PowBackward0", _pow_t_s_bwd)
PowBackward1 = node_class("PowBackward1", _pow_t_t_bwd)
PowBackward2 = node_class("PowBackward2", _pow_s_t_bwd)


def _int_power(a, b, xp):
    """Integer pow with C semantics for negative tensor exponents (1, -1 or 0), as PyTorch;
    a negative Python-scalar exponent is an error."""
    if not hasattr(b, "any"):
        if b < 0:
            raise _errors.int_negative_power()
        return xp.power(a, b)
    neg = b < 0
    if not neg.any():
        return xp.power(a, b)
    r = xp.power(a, xp.where(neg, 0, b))
    inv = xp.where(a == 1, 1, xp.where(a == -1, 1 - 2 * (b & 1), 0))
    return xp.where(neg, inv, r)


def _scalar_power(a, e, xp):
    """``a ** e`` for a float32/float64 array and the Python-number exponents PyTorch computes
    by multiplication, division or square root instead of ``pow`` (its values differ from
    ``pow``'s in the last bit); None for any other exponent."""
    if e == 2:
        return a * a
    if e == 3:
        return a * a * a
    if e == -2:
        return 1 / (a * a)
    if e == 0.5:
        return xp.sqrt(a)
    if e == -0.5:
        return 1 / xp.sqrt(a)
    if e == -1:
        return 1 / a
    return None


def _pow(input, exponent, out, dt=None):
    """pow with an optional forced compute dtype (float_power computes in double)."""
    a, b, rdt, dev = prep2(input, exponent)
    if dt is None:
        if rdt is D.bool_:
            raise _errors.kernel_not_implemented("pow", rdt)
        dt = rdt
    else:
        a = a.astype(dt.np) if hasattr(a, "astype") else a
        b = b.astype(dt.np) if hasattr(b, "astype") else b
    if dt is D.float16 or dt is D.bfloat16:
        a = a.astype("float32") if hasattr(a, "astype") else a
    try:
        xp = dev._backend.xp
        r = None
        if (dt is D.float32 or dt is D.float64) and type(exponent) in (int, float) \
                and isinstance(input, Tensor):
            r = _scalar_power(a, exponent, xp)
        if r is None:
            r = _int_power(a, b, xp) if dt.category == 1 else xp.power(a, b)
    except ValueError:
        raise _errors.broadcast_mismatch(getattr(a, "shape", ()), getattr(b, "shape", ())) \
            from None
    res = wrap(r, dt, dev)
    if _grad_on():
        _pow_record(res, input, exponent)
    if out is not None:
        return write_out(out, res)
    return res


def _pow_record(res, input, exponent):
    ti, te = isinstance(input, Tensor), isinstance(exponent, Tensor)
    if ti and te and (input._requires_grad or exponent._requires_grad):
        n = record(res, PowBackward1, (input, exponent), (input, exponent, None),
                   ((input._data.shape, input._dtype), (exponent._data.shape, exponent._dtype)))
        save_output(n, res, 2)
    elif ti and not te and input._requires_grad:
        record(res, PowBackward0, (input,), (input,), exponent)
    elif te and not ti and exponent._requires_grad:
        n = record(res, PowBackward2, (exponent,), (None,),
                   (input, exponent._data.shape, exponent._dtype))
        save_output(n, res, 0)


@register("pow", nodes=("PowBackward0", "PowBackward1", "PowBackward2"), out=True)
def pow(input, exponent, *, out=None):
    return _pow(input, exponent, out)


@register("float_power", nodes=("PowBackward0", "PowBackward1", "PowBackward2"), out=True)
def float_power(input, exponent, *, out=None):
    cplx = any(isinstance(v, complex) or isinstance(v, Tensor) and v._dtype.is_complex
               for v in (input, exponent))
    return _pow(input, exponent, out, D.complex128 if cplx else D.float64)


def _float_power_(self, exponent):
    if self._dtype is not D.float64 and self._dtype is not D.complex128:
        raise _errors.float_power_inplace_dtype(self._dtype)
    return inplace(float_power)(self, exponent)


pow_ = inplace(pow)
OPS["pow"].inplace = pow_
float_power_ = OPS["float_power"].inplace = _float_power_


# ---- other binary math ----------------------------------------------------------------------
def _atan2_bwd(g, a, b, y, na, nb):
    r = g / (a * a + b * b)
    return (r * b if na else None, -r * a if nb else None)


def _hypot_bwd(g, a, b, y, na, nb):
    return (g * a / y if na else None, g * b / y if nb else None)


def _max_bwd(sel):
    def bwd(g, a, b, y, na, nb):
        tie = (a == b) * 0.5
        return (g * (sel(a, b) + tie) if na else None, g * (sel(b, a) + tie) if nb else None)
    return bwd


def _fmax_bwd(sel):
    def bwd(g, a, b, y, na, nb):
        take_a = sel(a, b).logical_or(b.isnan())
        return (g * take_a if na else None, g * take_a.logical_not() if nb else None)
    return bwd


def _logaddexp_bwd(powf):
    def bwd(g, a, b, y, na, nb):
        return (g / _conj(1 + powf(b - a)) if na else None,
                g / _conj(1 + powf(a - b)) if nb else None)
    return bwd


def complex_logaddexp(a, b, xp):
    """log(exp(a) + exp(b)) for complex arrays, shifted by the operand of larger real part (the
    imaginary part of the result stays the principal log's); equal infinite real parts give
    that operand."""
    first = a.real >= b.real
    m, other = xp.where(first, a, b), xp.where(first, b, a)
    r = m + xp.log1p(xp.exp(other - m))
    return xp.where(xp.isinf(m.real) & (other.real == m.real), m, r)


def _logaddexp_kernel(a, b, be):
    if a.dtype.kind == "c":
        return complex_logaddexp(a, b, be.xp)
    return be.xp.logaddexp(a, b)


def _copysign_bwd(g, a, b, y, na, nb):
    ratio = y / a
    return (g * ratio.where(a != 0, ratio.new_zeros(())) if na else None,
            _zeros(g) if nb else None)


def _xlogy_kernel(a, b, be):
    xp = be.xp
    return xp.where((a == 0) & ~xp.isnan(b), 0, a * xp.log(b))


def _xlogy_bwd(g, a, b, y, na, nb):
    ga = g * xlogy((a != 0) if isinstance(a, Tensor) else float(a != 0), b) if na else None
    return ga, (g * a / b if nb else None)


def _ldexp_bwd(g, a, b, y, na, nb):
    return (g * pow(2, b) if na else None, g * y * _LN2 if nb else None)


def _heaviside_kernel(a, b, be):
    xp = be.xp
    return xp.where(a == 0, b, a > 0)


atan2, atan2_ = _tensor_only(binary("atan2", lambda a, b, be: be.xp.arctan2(a, b), _atan2_bwd,
                                    "Atan2Backward0", result="float", aliases=("arctan2",))[0])
hypot, hypot_ = _tensor_only(binary("hypot", lambda a, b, be: be.xp.hypot(a, b), _hypot_bwd,
                                    "HypotBackward0", saves=(0, 1, 2),
                                    check=_float_only("hypot_cpu"))[0])
maximum, maximum_ = _tensor_only(binary("maximum", lambda a, b, be: be.xp.maximum(a, b),
                                        _max_bwd(lambda a, b: a > b), "MaximumBackward0",
                                        inplace_ok=False)[0])
minimum, minimum_ = _tensor_only(binary("minimum", lambda a, b, be: be.xp.minimum(a, b),
                                        _max_bwd(lambda a, b: a < b), "MinimumBackward0",
                                        inplace_ok=False)[0])
fmax, fmax_ = _tensor_only(binary("fmax", lambda a, b, be: be.xp.fmax(a, b),
                                  _fmax_bwd(lambda a, b: a >= b), "FmaxBackward0",
                                  inplace_ok=False)[0])
fmin, fmin_ = _tensor_only(binary("fmin", lambda a, b, be: be.xp.fmin(a, b),
                                  _fmax_bwd(lambda a, b: a <= b), "FminBackward0",
                                  inplace_ok=False)[0])
for _n in ("maximum", "minimum", "fmax", "fmin"):
    OPS[_n].inplace = None
logaddexp, logaddexp_ = _tensor_only(binary(
    "logaddexp", _logaddexp_kernel, _logaddexp_bwd(lambda t: t.exp()), "LogaddexpBackward0",
    check=_float_only("logaddexp_cpu"), inplace_ok=False)[0])
logaddexp2, logaddexp2_ = _tensor_only(binary(
    "logaddexp2", lambda a, b, be: be.xp.logaddexp2(a, b),
    _logaddexp_bwd(lambda t: pow(2.0, t)), "Logaddexp2Backward0",
    check=_float_only("logaddexp2_cpu"), inplace_ok=False)[0])
OPS["logaddexp"].inplace = OPS["logaddexp2"].inplace = None
copysign, copysign_ = binary("copysign", lambda a, b, be: be.xp.copysign(a, b), _copysign_bwd,
                             "CopysignBackward0", result="float", saves=(0, 2),
                             scalar_nodes=("CopysignBackward1", None))
OPS["copysign"].nodes = ("CopysignBackward0", "CopysignBackward1")
xlogy, xlogy_ = binary("xlogy", _xlogy_kernel, _xlogy_bwd, "XlogyBackward0", result="float",
                       scalar_nodes=("XlogyBackward2", "XlogyBackward1"))
OPS["xlogy"].nodes = ("XlogyBackward0", "XlogyBackward1", "XlogyBackward2")
ldexp, ldexp_ = _tensor_only(binary("ldexp", lambda a, b, be: a * be.xp.power(2.0, b),
                                    _ldexp_bwd, "LdexpBackward0", result="float",
                                    saves=(0, 1, 2))[0])
def _nextafter_bwd(g, a, b, y, na, nb):
    """torch treats nextafter(a, b) as the identity in ``a`` (a one-ulp step) and constant in
    ``b``: the gradients are ``g`` and zeros."""
    return (g if na else None, _zeros(g) if nb else None)


nextafter, nextafter_ = _tensor_only(binary(
    "nextafter", lambda a, b, be: be.xp.nextafter(a, b), _nextafter_bwd,
    "NextafterBackward0", check=_float_only("nextafter_cpu"))[0])


def _heaviside_check(input, values, *, out=None):
    _require_tensor("heaviside", "values", values)
    if input._dtype is not values._dtype:
        raise _errors.heaviside_dtypes()
    return _heaviside(input, values, out=out)


_heaviside = binary("heaviside", _heaviside_kernel, _no_derivative("heaviside"),
                    "NotImplemented", check=_no_bool("heaviside_cpu"))[0]
heaviside, heaviside_ = _rebind("heaviside", _heaviside_check)
OPS["heaviside"].nodes = ("NotImplemented",)


# ---- logical / bitwise ----------------------------------------------------------------------
def _logical(name, ufunc):
    return _tensor_only(binary(name, lambda a, b, be: getattr(be.xp, ufunc)(a, b), None, None,
                               result="bool")[0])


logical_and, logical_and_ = _logical("logical_and", "logical_and")
logical_or, logical_or_ = _logical("logical_or", "logical_or")
logical_xor, logical_xor_ = _logical("logical_xor", "logical_xor")


def _bitwise(name, ufunc, kernel_name):
    return binary(name, lambda a, b, be: getattr(be.xp, ufunc)(a, b), None, None,
                  check=_int_only(kernel_name))


def _shift_check(kernel_name):
    return _reject(kernel_name, lambda dt: dt.category != 1)


def _shift(ufunc):
    def k(a, b, be):
        return getattr(be.xp, ufunc)(a, b)
    return k


bitwise_and, bitwise_and_ = _bitwise("bitwise_and", "bitwise_and", "bitwise_and_cpu")
bitwise_or, bitwise_or_ = _bitwise("bitwise_or", "bitwise_or", "bitwise_or_cpu")
bitwise_xor, bitwise_xor_ = _bitwise("bitwise_xor", "bitwise_xor", "bitwise_xor_cpu")
bitwise_left_shift, bitwise_left_shift_ = binary(
    "bitwise_left_shift", _shift("left_shift"), None, None, check=_shift_check("lshift_cpu"))
bitwise_right_shift, bitwise_right_shift_ = binary(
    "bitwise_right_shift", _shift("right_shift"), None, None, check=_shift_check("rshift_cpu"))


# ---- comparisons ----------------------------------------------------------------------------
def _cmp(name, ufunc, aliases=()):
    return binary(name, lambda a, b, be: getattr(be.xp, ufunc)(a, b), None, None,
                  result="bool", aliases=aliases)


eq, eq_ = _cmp("eq", "equal")
ne, ne_ = _cmp("ne", "not_equal", aliases=("not_equal",))
lt, lt_ = _cmp("lt", "less", aliases=("less",))
le, le_ = _cmp("le", "less_equal", aliases=("less_equal",))
gt, gt_ = _cmp("gt", "greater", aliases=("greater",))
ge, ge_ = _cmp("ge", "greater_equal", aliases=("greater_equal",))


@register("equal", differentiable=False)
def equal(input, other):
    """True when both tensors have the same shape and values (a Python bool)."""
    if input._data.shape != other._data.shape:
        return False
    a, b, _, _ = prep2(input, other)
    return bool((a == b).all())


def _check_same_dtype(a, b):
    if a._dtype is not b._dtype:
        raise _errors.dtype_did_not_match(a._dtype, b._dtype)


@register("isclose", differentiable=False)
def isclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=False):
    _check_same_dtype(input, other)
    dev = check_same_device(input, other)
    xp = dev._backend.xp
    a, b = input._data, other._data
    try:
        r = xp.isclose(a, b, rtol=rtol, atol=atol, equal_nan=equal_nan)
    except ValueError:
        raise _errors.broadcast_mismatch(a.shape, b.shape) from None
    return wrap(r, D.bool_, dev)


@register("allclose", differentiable=False)
def allclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=False):
    return bool(isclose(input, other, rtol, atol, equal_nan)._data.all())


# ---- unary math -----------------------------------------------------------------------------
def _np(ufunc):
    """A unary kernel calling the backend's ``xp.<ufunc>``."""
    return lambda x, be: getattr(be.xp, ufunc)(x)


def _special(fn):
    """A unary kernel from the backend's special functions (erf, lgamma, ...)."""
    return lambda x, be: getattr(be.special, fn)(x)


_SQRT_PI = math.sqrt(math.pi)

# name, kernel, backward(g, x, y), node, saves, float_result, extra options
_UNARY = [
    ("exp", _np("exp"), lambda g, x, y: g * y.conj(), "output", True, {}),
    ("exp2", _np("exp2"), lambda g, x, y: g * y * _LN2, "output", True, {}),
    ("expm1", _np("expm1"), lambda g, x, y: g * (y + 1), "output", True, {}),
    ("log", _np("log"), lambda g, x, y: g / x.conj(), "input", True, {}),
    ("log2", _np("log2"), lambda g, x, y: g / (x * _LN2), "input", True, {}),
    ("log10", _np("log10"), lambda g, x, y: g / (x * _LN10), "input", True, {}),
    ("log1p", _np("log1p"), lambda g, x, y: g / (x + 1), "input", True, {}),
    ("sqrt", _np("sqrt"), lambda g, x, y: g / (2 * y.conj()), "output", True, {}),
    ("rsqrt", lambda x, be: 1 / be.xp.sqrt(x), lambda g, x, y: -0.5 * g * y * y * y, "output",
     True, {}),
    ("reciprocal", lambda x, be: 1 / x, lambda g, x, y: -g * (y * y).conj(), "output", True, {}),
    ("sin", _np("sin"), lambda g, x, y: g * x.cos().conj(), "input", True, {}),
    ("cos", _np("cos"), lambda g, x, y: g * -x.sin().conj(), "input", True, {}),
    ("tan", _np("tan"), lambda g, x, y: g * (1 + y * y), "output", True, {}),
    ("asin", _np("arcsin"), lambda g, x, y: g / (1 - x * x).sqrt(), "input", True,
     {"aliases": ("arcsin",)}),
    ("acos", _np("arccos"), lambda g, x, y: -g / (1 - x * x).sqrt(), "input", True,
     {"aliases": ("arccos",)}),
    ("atan", _np("arctan"), lambda g, x, y: g / (1 + x * x), "input", True,
     {"aliases": ("arctan",)}),
    ("sinh", _np("sinh"), lambda g, x, y: g * x.cosh(), "input", True, {}),
    ("cosh", _np("cosh"), lambda g, x, y: g * x.sinh(), "input", True, {}),
    ("tanh", _np("tanh"), lambda g, x, y: g * (1 - (y * y).conj()), "output", True, {}),
    ("asinh", _np("arcsinh"), lambda g, x, y: g / (x * x + 1).sqrt(), "input", True,
     {"aliases": ("arcsinh",)}),
    ("acosh", _np("arccosh"), lambda g, x, y: g / (x * x - 1).sqrt(), "input", True,
     {"aliases": ("arccosh",)}),
    ("atanh", _np("arctanh"), lambda g, x, y: g / (1 - x * x), "input", True,
     {"aliases": ("arctanh",)}),
    ("erf", _special("erf"), lambda g, x, y: g * (2 / _SQRT_PI) * (-x * x).exp(), "input", True,
     {}),
    ("erfc", _special("erfc"), lambda g, x, y: g * (-2 / _SQRT_PI) * (-x * x).exp(), "input",
     True, {}),
    ("erfinv", _special("erfinv"), lambda g, x, y: g * (_SQRT_PI / 2) * (y * y).exp(), "output",
     True, {}),
    ("lgamma", _special("lgamma"), lambda g, x, y: g * x.digamma(), "input", True, {}),
    ("digamma", _special("digamma"), lambda g, x, y: g * x.polygamma(1), "input", True, {}),
    ("deg2rad", lambda x, be: x * (math.pi / 180), lambda g, x, y: g * (math.pi / 180), None,
     True, {}),
    ("rad2deg", lambda x, be: x * (180 / math.pi), lambda g, x, y: g * (180 / math.pi), None,
     True, {}),
]


def _node_name(name):
    camel = {"log1p": "Log1P", "deg2rad": "Deg2Rad", "rad2deg": "Rad2Deg"}
    return camel.get(name, name[0].upper() + name[1:]) + "Backward0"


for _name, _k, _bwd, _saves, _fr, _opts in _UNARY:
    globals()[_name], globals()[_name + "_"] = unary(
        _name, _k, _bwd, _node_name(_name), saves=_saves, float_result=_fr, **_opts)
# CUDA autocast runs these in float32 (PyTorch's fp32 list)
for _name in ("acos", "asin", "cosh", "erfinv", "exp", "expm1", "log", "log10", "log2", "log1p",
              "reciprocal", "rsqrt", "sinh", "tan", "pow"):
    set_autocast(_name, {"cuda": "fp32"})
set_autocast("atan2", {"cuda": "promote"})


def _sigmoid_kernel(x, be):
    # 1 / (1 + exp(-x)) in one buffer; exp overflowing to inf correctly gives 0 (the backend
    # silences IEEE warnings, as PyTorch does).
    xp = be.xp
    r = out_array(xp.negative(x), xp)
    xp.exp(r, out=r)
    xp.add(r, 1, out=r)
    return xp.reciprocal(r, out=r)


def _sigmoid_grad(g, x, y):
    """``g * (y * (1 - y)).conj()``; without a graph of the gradient, for a real float32/64
    ``g`` laid out as ``y``, the same three kernels in one buffer (no tensor per step)."""
    gd, yd = g._data, y._data
    if raw_grad_ok(g, y) and g._dtype is y._dtype and (g._dtype is D.float32 or
                                                       g._dtype is D.float64) and \
            gd.shape == yd.shape and gd.strides == yd.strides and g._device is y._device:
        xp = g._device._backend.xp
        r = out_array(xp.subtract(1, yd), xp)
        xp.multiply(yd, r, out=r)
        return _make(xp.multiply(gd, r, out=r), g._dtype, g._device)
    return g * (y * (1 - y)).conj()


sigmoid, sigmoid_ = unary("sigmoid", _sigmoid_kernel, _sigmoid_grad, "SigmoidBackward0",
                          saves="output", float_result=True)


def _relu_check(dt):
    if dt is D.bool_:
        raise _errors.relu_bool()


def _relu_kernel(x, be):
    return be.nn.relu(x) if x.dtype.kind == "f" else be.xp.maximum(x, 0)


def _relu_grad(g, x, y):
    """``g`` with zeros where ``y <= 0`` (torch's ``threshold_backward``: a NaN output passes
    the gradient); without a graph of the gradient, one backend kernel (split over the threads
    when large) when ``g`` and ``y`` are plain tensors (not vmap's batched ones) that agree in
    shape and floating dtype."""
    gd, yd = g._data, y._data
    if not raw_grad_ok(g, y) or gd.shape != yd.shape or gd.dtype != yd.dtype or \
            gd.dtype.kind != "f":
        return g.masked_fill(y <= 0, 0)
    r = g._device._backend.nn.relu_backward(gd, yd)
    if gd.strides != yd.strides and yd.ndim in (4, 5):   # torch's kernel: laid out as y
        r = memory_format.into(g._device._backend.xp, r, memory_format.suggest(yd))
    return _make(r, g._dtype, g._device)


relu, relu_ = unary("relu", _relu_kernel, _relu_grad, "ReluBackward0", saves="output",
                    check=_relu_check)
abs, abs_ = unary("abs", _np("abs"), lambda g, x, y: g * x.sgn(), "AbsBackward0",
                  aliases=("absolute",), check=_no_bool("abs_cpu"))


def _neg_check(dt):
    if dt is D.bool_:
        raise _errors.bool_operator("neg")


neg, neg_ = unary("neg", _np("negative"), lambda g, x, y: -g, "NegBackward0", saves=None,
                  aliases=("negative",), check=_neg_check)


def _sign_kernel(x, be):
    return be.xp.sign(x) if x.dtype.kind != "b" else x.copy()


def _sgn_kernel(x, be):
    xp = be.xp
    if x.dtype.kind == "c":
        a = xp.abs(x)
        return xp.where(a == 0, 0, x / xp.where(a == 0, 1, a)).astype(x.dtype)
    return _sign_kernel(x, be)


_zero_grad = lambda g, x, y: _zeros(g)  # noqa: E731


def _away_from_zero(x, grad):
    """``grad(x, |x| with zeros replaced by 1)``, set to 0 where x == 0 (PyTorch's choice)."""
    r = x.abs()
    at_zero = r == 0
    return grad(x, r.masked_fill(at_zero, 1)).masked_fill(at_zero, 0)


def _sgn_grad(g, x, y):
    """d(z/|z|): the part of g orthogonal to sgn(z), over |z| (complex); 0 for real input."""
    if not x.is_complex():
        return _zeros(g)
    return _away_from_zero(x, lambda z, r: (g - z.sgn() * (g.conj() * z.sgn()).real) / r)


sign, sign_ = unary("sign", _sign_kernel, _zero_grad, "SignBackward0", saves=None)
sgn, sgn_ = unary("sgn", _sgn_kernel, _sgn_grad, "SgnBackward0")


def _rounding(ufunc):
    """Rounding kernels copy integer inputs unchanged (NumPy would return floats)."""
    def k(x, be):
        return x.copy() if x.dtype.kind in "iu" else getattr(be.xp, ufunc)(x)
    return k


floor, floor_ = unary("floor", _rounding("floor"), _zero_grad, "FloorBackward0", saves=None,
                      check=_no_bool("floor_vml_cpu"))
ceil, ceil_ = unary("ceil", _rounding("ceil"), _zero_grad, "CeilBackward0", saves=None,
                    check=_no_bool("ceil_vml_cpu"))
trunc, trunc_ = unary("trunc", _rounding("trunc"), _zero_grad, "TruncBackward0", saves=None,
                      aliases=("fix",), check=_no_bool("trunc_vml_cpu"))
_round0 = unary("round", _rounding("round"), _zero_grad, "RoundBackward0", saves=None,
                check=_no_bool("round_vml_cpu"), inplace_ok=False)[0]
frac, frac_ = unary("frac", lambda x, be: x - be.xp.trunc(x), lambda g, x, y: g,
                    "FracBackward0", saves=None, check=_float_only("frac_cpu"))


def _round_decimals_kernel(decimals):
    def k(x, be):
        return be.xp.round(x, decimals)
    return k


RoundBackward1 = node_class("RoundBackward1", lambda node, g: (_zeros(g),))


def round(input, *, decimals=None, out=None):
    """``decimals`` given, even 0, is torch's decimals overload: a RoundBackward1 node, and
    integer inputs refused."""
    if decimals is None:
        return _round0(input, out=out)
    if input._dtype.category < 2:
        raise _errors.kernel_not_implemented("round_vml_cpu" if decimals == 0 else "round_cpu",
                                             input._dtype)
    res = wrap(input._device._backend.xp.round(input._data, decimals), input._dtype,
               input._device)
    if _grad_on() and input._requires_grad:
        record(res, RoundBackward1, (input,))
    return write_out(out, res) if out is not None else res


round, round_ = _rebind("round", round, nodes=("RoundBackward0", "RoundBackward1"))


def _square(input, *, out=None):
    return pow(input.long() if input._dtype is D.bool_ else input, 2, out=out)


register("square", nodes=("PowBackward0",), inplace=inplace(_square), out=True)(_square)
square, square_ = _square, OPS["square"].inplace


def _logit_bwd(node, g):
    (x,) = node.saved()
    eps = node._args
    r = g / (x * (1 - x))
    if eps is None:
        return (r.where((x >= 0) & (x <= 1), r.new_full((), math.nan)),)
    return (r.where((x >= eps) & (x <= 1 - eps), r.new_zeros(())),)


LogitBackward0 = node_class("LogitBackward0", _logit_bwd)


@register("logit", nodes=("LogitBackward0",), out=True)
def logit(input, eps=None, *, out=None):
    dt = input._dtype if input._dtype.category >= 2 else D.get_default_dtype()
    x = input._data.astype(dt.np) if input._dtype is not dt else input._data
    xp = input._device._backend.xp
    if eps is not None:
        x = xp.clip(x, eps, 1 - eps)
    res = wrap(xp.log(x / (1 - x)), dt, input._device)
    if _grad_on() and input._requires_grad:
        record(res, LogitBackward0, (input,), (input,), eps)
    return write_out(out, res) if out is not None else res


logit_ = OPS["logit"].inplace = inplace(logit)


def _angle_kernel(x, be):
    xp = be.xp
    if x.dtype.kind == "c":
        return xp.angle(x)
    return xp.where(xp.isnan(x), x, xp.where(x < 0, math.pi, 0.0)).astype(x.dtype)


def _angle_grad(g, x, y):
    """d atan2(Im z, Re z) = g i z / |z|^2 (complex); 0 for real input."""
    if not x.is_complex():
        return _zeros(g)
    return _away_from_zero(x, lambda z, r: z * 1j * (g / (r * r)))


angle, _ = unary("angle", _angle_kernel, _angle_grad, "AngleBackward0", float_result=True,
                 inplace_ok=False)


NanToNumBackward0 = node_class("NanToNumBackward0", lambda node, g: (
    g * node.saved()[0].isfinite(),))


@register("nan_to_num", nodes=("NanToNumBackward0",), out=True)
def nan_to_num(input, nan=0.0, posinf=None, neginf=None, *, out=None):
    if input._dtype.category < 2:
        res = wrap(input._data.copy(), input._dtype, input._device)
    else:
        r = input._device._backend.xp.nan_to_num(input._data, nan=nan, posinf=posinf,
                                                 neginf=neginf)
        res = wrap(r, input._dtype, input._device)
        if _grad_on() and input._requires_grad:
            record(res, NanToNumBackward0, (input,), (input,))
    return write_out(out, res) if out is not None else res


nan_to_num_ = OPS["nan_to_num"].inplace = inplace(nan_to_num)


@register("positive")
def positive(input):
    if input._dtype is D.bool_:
        raise _errors.bool_operator("+")
    return input


ConjPhysicalBackward0 = node_class("ConjPhysicalBackward0", lambda node, g: (g.conj(),))


@register("conj_physical", nodes=("ConjPhysicalBackward0",), out=True)
def conj_physical(input, *, out=None):
    if not input._dtype.is_complex:
        return input if out is None else write_out(out, input)
    res = _make(input._device._backend.xp.conj(input._data), input._dtype, input._device)
    if _grad_on() and input._requires_grad:
        record(res, ConjPhysicalBackward0, (input,))
    return write_out(out, res) if out is not None else res


conj_physical_ = OPS["conj_physical"].inplace = inplace(conj_physical)


# ---- predicates (bool results, no gradient) -------------------------------------------------
def _predicate(name, kernel, **kw):
    return unary(name, kernel, bool_result=True, inplace_ok=False, **kw)[0]


def _int_false(fn):
    """Integer tensors are never nan/inf: skip the float kernel."""
    def k(x, be):
        if x.dtype.kind in "iub":
            return be.xp.zeros(x.shape, bool)
        return fn(x, be.xp)
    return k


isnan = _predicate("isnan", _int_false(lambda x, xp: xp.isnan(x)))
isinf = _predicate("isinf", _int_false(lambda x, xp: xp.isinf(x)))
isposinf = _predicate("isposinf", _int_false(lambda x, xp: xp.isposinf(x)))
isneginf = _predicate("isneginf", _int_false(lambda x, xp: xp.isneginf(x)))
isfinite = _predicate("isfinite", lambda x, be: be.xp.isfinite(x) if x.dtype.kind in "fc"
                      else be.xp.ones(x.shape, bool))
isreal = _predicate("isreal", lambda x, be: x.imag == 0 if x.dtype.kind == "c"
                    else be.xp.ones(x.shape, bool))
signbit = _predicate("signbit", lambda x, be: be.xp.signbit(x) if x.dtype.kind != "b"
                     else be.xp.zeros(x.shape, bool))
logical_not, logical_not_ = unary("logical_not", lambda x, be: be.xp.logical_not(x),
                                  bool_result=True)
bitwise_not, bitwise_not_ = unary("bitwise_not", lambda x, be: be.xp.invert(x),
                                  check=_int_only("bitwise_not_cpu"))


# ---- where (ternary) ------------------------------------------------------------------------
def _where_bwd(node, g):
    (cond,) = node.saved()
    mx, my = node._args
    z = g.new_zeros(())
    return (None,
            grad_for(g.where(cond, z), *mx) if node.next_functions[1][0] is not None else None,
            grad_for(z.where(cond, g), *my) if node.next_functions[2][0] is not None else None)


WhereBackward0 = node_class("WhereBackward0", _where_bwd)


@register("where", nodes=("WhereBackward0",), out=True, method=False)
def where(condition, input=None, other=None, *, out=None):
    if input is None and other is None:
        return condition.nonzero(as_tuple=True)
    if not isinstance(condition, Tensor) or condition._dtype is not D.bool_:
        raise _errors.where_condition_dtype(condition._dtype)
    if not isinstance(input, Tensor) and not isinstance(other, Tensor):
        dt = D.result_type(input, other)
        input = wrap(condition._device._backend.xp.asarray(input), dt, condition._device)
    a, b, dt, dev = prep2(input, other)
    dev = check_same_device(condition, input if isinstance(input, Tensor) else other)
    try:
        res = wrap(dev._backend.xp.where(condition._data, a, b), dt, dev)
    except ValueError:
        raise _errors.broadcast_mismatch(condition._data.shape, _shape(input)) from None
    if needs_grad(input, other):
        record(res, WhereBackward0, (condition, input, other), (condition,),
               (_m(input), _m(other)))
    return write_out(out, res) if out is not None else res


def _shape(x):
    return x._data.shape if isinstance(x, Tensor) else ()


def _m(x):
    return (x._data.shape, x._dtype) if isinstance(x, Tensor) else None


# ---- lerp / addcmul / addcdiv ---------------------------------------------------------------
def _check_dtype_arg(input, arg, name):
    if isinstance(arg, Tensor) and arg._dtype is not input._dtype:
        raise _errors.argument_dtype(name, input._dtype, arg._dtype)


def _lerp_bwd(node, g):
    s, e, w = node.saved()
    metas, weight = node._args
    w = weight if w is None else w
    nf = node.next_functions
    grads = [g * (1 - w), g * w]
    if len(nf) == 3:
        grads.append(g * (e - s))
    return tuple(grad_for(v, *metas[i]) if nf[i][0] is not None else None
                 for i, v in enumerate(grads))


LerpBackward0 = node_class("LerpBackward0", _lerp_bwd)
LerpBackward1 = node_class("LerpBackward1", _lerp_bwd)


@register("lerp", nodes=("LerpBackward0", "LerpBackward1"), out=True)
def lerp(input, end, weight, *, out=None):
    if input._dtype.category < 2:
        raise _errors.kernel_not_implemented("lerp_kernel_scalar" if not isinstance(
            weight, Tensor) else "lerp_kernel_tensor", input._dtype)
    _check_dtype_arg(input, end, "end")
    _check_dtype_arg(input, weight, "weight")
    dev = check_same_device(input, end)
    xp = dev._backend.xp
    s, e = input._data, end._data
    w = weight._data if isinstance(weight, Tensor) else weight
    try:
        r = xp.where(xp.abs(w) < 0.5, s + w * (e - s), e - (e - s) * (1 - w))
    except ValueError:
        raise _errors.broadcast_mismatch(s.shape, e.shape) from None
    res = wrap(r, input._dtype, dev)
    if needs_grad(input, end, weight):
        tw = isinstance(weight, Tensor)
        metas = ((s.shape, input._dtype), (e.shape, end._dtype), _m(weight) if tw else None)
        if tw:
            record(res, LerpBackward1, (input, end, weight), (input, end, weight),
                   (metas, None))
        else:
            record(res, LerpBackward0, (input, end), (input, end, None), (metas, weight))
    return write_out(out, res) if out is not None else res


lerp_ = OPS["lerp"].inplace = inplace(lerp)


def _addc_bwd(is_div):
    def bwd(node, g):
        t1, t2 = node.saved()
        metas, value = node._args
        nf = node.next_functions
        if is_div:
            parts = (g, g * value / t2, -g * value * t1 / (t2 * t2))
        else:
            parts = (g, g * value * t2, g * value * t1)
        return tuple(grad_for(p, *m) if nf[i][0] is not None else None
                     for i, (p, m) in enumerate(zip(parts, metas)))
    return bwd


AddcmulBackward0 = node_class("AddcmulBackward0", _addc_bwd(False))
AddcdivBackward0 = node_class("AddcdivBackward0", _addc_bwd(True))


def _addc(name, input, tensor1, tensor2, deprecated, value, out):
    if deprecated:      # the deprecated name(input, value, tensor1, tensor2)
        _scalar_first(name, "value", 2)
        value, tensor1, tensor2 = tensor1, tensor2, deprecated[0]
    is_div = name == "addcdiv"
    dt = D.result_type(input, tensor1, tensor2)
    if is_div and dt.category < 2:
        raise _errors.addcdiv_integer()
    dev = check_same_device(input, tensor1)
    check_same_device(input, tensor2)
    a, b, c = (t._data.astype(dt.np, copy=False) for t in (input, tensor1, tensor2))
    v = value.item() if isinstance(value, Tensor) else value
    try:
        r = a + v * (b / c if is_div else b * c)
    except ValueError:
        raise _errors.broadcast_mismatch(b.shape, c.shape) from None
    res = wrap(r, dt, dev)
    if needs_grad(input, tensor1, tensor2):
        metas = tuple((t._data.shape, t._dtype) for t in (input, tensor1, tensor2))
        record(res, AddcdivBackward0 if is_div else AddcmulBackward0,
               (input, tensor1, tensor2), (tensor1, tensor2), (metas, v))
    return write_out(out, res) if out is not None else res


@register("addcmul", autocast={"cuda": "promote"}, nodes=("AddcmulBackward0",), out=True)
def addcmul(input, tensor1, tensor2, *deprecated, value=1, out=None):
    return _addc("addcmul", input, tensor1, tensor2, deprecated, value, out)


@register("addcdiv", autocast={"cuda": "promote"}, nodes=("AddcdivBackward0",), out=True)
def addcdiv(input, tensor1, tensor2, *deprecated, value=1, out=None):
    return _addc("addcdiv", input, tensor1, tensor2, deprecated, value, out)


addcmul_ = OPS["addcmul"].inplace = inplace(addcmul)
addcdiv_ = OPS["addcdiv"].inplace = inplace(addcdiv)


# ---- clamp ----------------------------------------------------------------------------------
def _clamp_scalar_bwd(node, g):
    (x,) = node.saved()
    lo, hi = node._args
    keep = None
    if lo is not None:
        keep = x >= lo
    if hi is not None:
        keep = (x <= hi) if keep is None else keep.logical_and(x <= hi)
    return (g * keep,)


def _clamp_tensor_bwd(node, g):
    x, lo, hi = node.saved()
    metas = node._args
    nf = node.next_functions
    keep = take_lo = take_hi = None
    if lo is not None:
        keep = x >= lo
        take_lo = (x < lo) if hi is None else (x < lo).logical_and(lo <= hi)
    if hi is not None:
        below = x <= hi
        keep = below if keep is None else keep.logical_and(below)
        take_hi = below.logical_not() if lo is None else below.logical_not().logical_or(lo > hi)
    parts = (g * keep, None if lo is None else g * take_lo, None if hi is None else g * take_hi)
    return tuple(grad_for(p, *m) if p is not None and nf[i][0] is not None else None
                 for i, (p, m) in enumerate(zip(parts, metas)))


ClampBackward1 = node_class("ClampBackward1", _clamp_scalar_bwd)
ClampBackward0 = node_class("ClampBackward0", _clamp_tensor_bwd)
ClampMinBackward0 = node_class("ClampMinBackward0", _clamp_scalar_bwd)
ClampMaxBackward0 = node_class("ClampMaxBackward0", _clamp_scalar_bwd)
ClampMinBackward1 = node_class("ClampMinBackward1", _clamp_tensor_bwd)
ClampMaxBackward1 = node_class("ClampMaxBackward1", _clamp_tensor_bwd)
_CLAMP_SIGNATURES = ("Tensor input, Tensor min = None, Tensor max = None, *, Tensor out = None",
                     "Tensor input, Number min = None, Number max = None, *, Tensor out = None")


def _clamp(input, lo, hi, out, scalar_cls, tensor_cls):
    if lo is None and hi is None:
        raise _errors.clamp_no_bounds()
    tensors = isinstance(lo, Tensor) or isinstance(hi, Tensor)
    if tensors and any(v is not None and not isinstance(v, Tensor) for v in (lo, hi)):
        raise _errors.invalid_arguments("clamp", (input, lo, hi), _CLAMP_SIGNATURES)
    dt = D.result_type(input, *(v for v in (lo, hi) if v is not None))
    dev = input._device
    xp = dev._backend.xp
    r = input._data.astype(dt.np, copy=False)
    lo_a = lo if not isinstance(lo, Tensor) else lo._data
    hi_a = hi if not isinstance(hi, Tensor) else hi._data
    try:
        if lo is not None:
            r = xp.maximum(r, lo_a)
        if hi is not None:
            r = xp.minimum(r, hi_a)
    except ValueError:
        raise _errors.broadcast_mismatch(input._data.shape, _shape(lo) or _shape(hi)) from None
    if lo is not None and not tensors and dt.category >= 2:
        r = xp.where(xp.isnan(input._data), input._data, r)     # NaN propagates like PyTorch
    res = wrap(r, dt, dev)
    if needs_grad(input, lo, hi):
        if tensors:
            record(res, tensor_cls, (input, lo, hi), (input, lo, hi),
                   (_m(input), _m(lo), _m(hi)))
        else:
            record(res, scalar_cls, (input,), (input,), (lo, hi))
    return write_out(out, res) if out is not None else res


@register("clamp", aliases=("clip",), nodes=("ClampBackward0", "ClampBackward1"), out=True)
def clamp(input, min=None, max=None, *, out=None):
    return _clamp(input, min, max, out, ClampBackward1, ClampBackward0)


@register("clamp_min", nodes=("ClampMinBackward0", "ClampMinBackward1"), out=True)
def clamp_min(input, min, *, out=None):
    return _clamp(input, min, None, out, ClampMinBackward0, ClampMinBackward1)


@register("clamp_max", nodes=("ClampMaxBackward0", "ClampMaxBackward1"), out=True)
def clamp_max(input, max, *, out=None):
    return _clamp(input, None, max, out, ClampMaxBackward0, ClampMaxBackward1)


clamp_ = OPS["clamp"].inplace = inplace(clamp)
clamp_min_ = OPS["clamp_min"].inplace = inplace(clamp_min)
clamp_max_ = OPS["clamp_max"].inplace = inplace(clamp_max)
clip, clip_ = clamp, clamp_


# ---- complex parts --------------------------------------------------------------------------
# torch's real / imag are selects of view_as_real: their nodes are SelectBackward0
RealBackward = node_class("SelectBackward0", lambda node, g: (g.to(g._dtype.to_complex()),))
ImagBackward = node_class("SelectBackward0", lambda node, g: (g * 1j,))


def _real(self):
    if not self._dtype.is_complex:
        return self
    from .views import make_view
    return make_view(self, self._data.real, RealBackward, None, _real_fn)


def _real_fn(t):
    return t.real


def _imag(self):
    if not self._dtype.is_complex:
        raise _errors.imag_real()
    from .views import make_view
    return make_view(self, self._data.imag, ImagBackward, None, _imag_fn)


def _imag_fn(t):
    return t.imag


def real(input):
    out = _real(input)
    if out is not input:
        out._dtype = input._dtype.to_real()
    return out


def imag(input):
    out = _imag(input)
    out._dtype = input._dtype.to_real()
    return out


register("real", method=False, nodes=("SelectBackward0",))(real)
register("imag", method=False, nodes=("SelectBackward0",))(imag)


ConjBackward0 = node_class("ConjBackward0", lambda node, g: (g.conj(),))


@register("conj", nodes=("ConjBackward0",))
def conj(input):
    """The conjugate, materialized: ember has no lazy conjugate bit (see ``is_conj``)."""
    if not input._dtype.is_complex:
        return input
    res = _make(input._device._backend.xp.conj(input._data), input._dtype, input._device)
    if _grad_on() and input._requires_grad:
        record(res, ConjBackward0, (input,))
    return res


# torch marks conj() and neg views with a bit that resolve_conj / resolve_neg materialize;
# ember's conj() and neg() always materialize, so no tensor carries either bit.
@register("is_conj", differentiable=False)
def is_conj(input):
    return False


@register("is_neg", differentiable=False)
def is_neg(input):
    return False


@register("resolve_conj")
def resolve_conj(input):
    return input


@register("resolve_neg")
def resolve_neg(input):
    return input
