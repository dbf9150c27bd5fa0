"""Pointwise ops: each is an array kernel (``kernel(x, backend)`` / ``kernel(a, b, backend)``)
plus a backward formula in ember ops, defined through the ``unary``/``binary`` factories.

Backward formulas get ember tensors: ``g`` (incoming gradient), the saved inputs and, where
the op saves it, the output ``y``.
"""
import math

from .. import _dtype as D
from .._tensor import Tensor, _make
from ..autograd.graph import node_class
from ._core import (unary, binary, register, prep2, record, _grad, write_out, inplace,
                    needs_grad, grad_for, as_array, wrap, check_same_device)


def _xp(be):
    return be.xp


# ---- arithmetic -------------------------------------------------------------------------------
def _add_bwd(g, a, b, y, na, nb):
    return g, g


_add, _add_ = binary("add_impl", lambda a, b, be: be.xp.add(a, b), _add_bwd, "AddBackward0",
                     saves=(), method=False, inplace_ok=False)
_sub, _sub_ = binary("sub_impl", lambda a, b, be: be.xp.subtract(a, b),
                     lambda g, a, b, y, na, nb: (g, -g if nb else None), "SubBackward0",
                     saves=(), method=False, inplace_ok=False)


def _check_sub_bool(a, b):
    if (isinstance(a, Tensor) and a._dtype is D.bool_) and (
            isinstance(b, Tensor) and b._dtype is D.bool_ or isinstance(b, bool)):
        raise RuntimeError("Subtraction, the `-` operator, with two bool tensors is not "
                           "supported. If you are trying to invert a mask, use the `~` or "
                           "`logical_not()` operator instead.")


@register("add", nodes=("AddBackward0",), out=True)
def add(input, other, *, alpha=1, out=None):
    if alpha != 1:
        other = other * alpha
    return _add(input, other, out=out)


@register("sub", aliases=("subtract",), nodes=("SubBackward0",), out=True)
def sub(input, other, *, alpha=1, out=None):
    _check_sub_bool(input, other)
    if alpha != 1:
        other = other * alpha
    return _sub(input, other, out=out)


add_ = inplace(add)
sub_ = inplace(sub)


def _rsub_bwd(g, a, b, y, na, nb):
    return (-g if na else None), g


_rsub_t = binary("rsub_impl", lambda a, b, be: be.xp.subtract(b, a), _rsub_bwd, "RsubBackward0",
                 saves=(), method=False, inplace_ok=False)[0]


def _rsub1_bwd(node, g):
    return (grad_for(-g, *node._args),)


RsubBackward1 = node_class("RsubBackward1", _rsub1_bwd)


@register("rsub", method=False, nodes=("RsubBackward0", "RsubBackward1"))
def rsub(input, other, *, alpha=1):
    """other - alpha * input (the reflected subtraction ``scalar - tensor``)."""
    if alpha != 1:
        input = input * alpha
    if isinstance(other, Tensor):
        return _rsub_t(input, other)
    a, b, dt, dev = prep2(input, other)
    res = wrap(dev._backend.xp.subtract(b, a), dt, dev)
    if _grad[0] and input._requires_grad:
        record(res, RsubBackward1, (input,), (), (input._data.shape, input._dtype))
    return res


def _mul_bwd(g, a, b, y, na, nb):
    return (g * _conj(b) if na else None, g * _conj(a) if nb else None)


def _conj(x):
    return x.conj() if isinstance(x, Tensor) and x._dtype.is_complex else x


mul, mul_ = binary("mul", lambda a, b, be: be.xp.multiply(a, b), _mul_bwd, "MulBackward0",
                   aliases=("multiply",))


def _div_bwd(g, a, b, y, na, nb):
    ga = g / b if na else None
    gb = -g * a / (b * b) if nb else None
    return ga, gb


_div_true, _div_true_ = binary("div_true", lambda a, b, be: be.xp.true_divide(a, b), _div_bwd,
                               "DivBackward0", result="float", method=False)


def _div_trunc_kernel(a, b, be):
    xp = be.xp
    if getattr(a, "dtype", None) is not None and a.dtype.kind in "iub" or \
            isinstance(a, int):
        q = xp.fix(xp.true_divide(a, b))
        return q
    return xp.trunc(xp.true_divide(a, b))


def _floor_divide_kernel(a, b, be):
    return be.xp.floor_divide(a, b)


_div_floor = binary("div_floor", _floor_divide_kernel, None, None, method=False,
                    inplace_ok=False)[0]
_div_trunc = binary("div_trunc", _div_trunc_kernel, None, None, method=False,
                    inplace_ok=False)[0]


@register("div", aliases=("divide", "true_divide"), nodes=("DivBackward0", "DivBackward1"),
          out=True)
def div(input, other, *, rounding_mode=None, out=None):
    if rounding_mode is None:
        return _div_true(input, other, out=out)
    if rounding_mode == "floor":
        return _div_floor(input, other, out=out)
    if rounding_mode == "trunc":
        return _div_trunc(input, other, out=out)
    raise RuntimeError("div expected rounding_mode to be one of None, 'trunc', or 'floor' but "
                       f"found '{rounding_mode}'")


def _div_(self, other, *, rounding_mode=None):
    return inplace(div)(self, other, rounding_mode=rounding_mode)


div_ = _div_
from ._core import OPS as _OPS  # noqa: E402
_OPS["div"].inplace = div_

floor_divide, floor_divide_ = binary("floor_divide", _floor_divide_kernel, None, None)


# ---- unary math ---------------------------------------------------------------------------------
neg, neg_ = unary("neg", lambda x, be: be.xp.negative(x), lambda g, x, y: -g, "NegBackward0",
                  saves=None, aliases=("negative",))
exp, exp_ = unary("exp", lambda x, be: be.xp.exp(x), lambda g, x, y: g * y.conj(),
                  "ExpBackward0", saves="output", float_result=True)
log, log_ = unary("log", lambda x, be: be.xp.log(x), lambda g, x, y: g / x.conj(),
                  "LogBackward0", float_result=True)
sqrt, sqrt_ = unary("sqrt", lambda x, be: be.xp.sqrt(x), lambda g, x, y: g / (2 * y.conj()),
                    "SqrtBackward0", saves="output", float_result=True)
tanh, tanh_ = unary("tanh", lambda x, be: be.xp.tanh(x),
                    lambda g, x, y: g * (1 - (y * y).conj()), "TanhBackward0", saves="output",
                    float_result=True)
sin, sin_ = unary("sin", lambda x, be: be.xp.sin(x), lambda g, x, y: g * x.cos().conj(),
                  "SinBackward0", float_result=True)
cos, cos_ = unary("cos", lambda x, be: be.xp.cos(x), lambda g, x, y: g * -x.sin().conj(),
                  "CosBackward0", float_result=True)


def _sigmoid_kernel(x, be):
    xp = be.xp
    # exp of a negative magnitude never overflows; both branches are exact reformulations.
    e = xp.exp(-xp.abs(x))
    return xp.where(x >= 0, 1 / (1 + e), e / (1 + e)).astype(x.dtype, copy=False)


sigmoid, sigmoid_ = unary("sigmoid", _sigmoid_kernel, lambda g, x, y: g * (y * (1 - y)).conj(),
                          "SigmoidBackward0", saves="output", float_result=True)


def _relu_kernel(x, be):
    return be.xp.maximum(x, 0) if x.dtype.kind != "b" else x


def _relu_bwd(g, x, y):
    return g * (y > 0)


relu, relu_ = unary("relu", _relu_kernel, _relu_bwd, "ReluBackward0", saves="output")


def _abs_kernel(x, be):
    return be.xp.abs(x)


abs, abs_ = unary("abs", _abs_kernel, lambda g, x, y: g * x.sgn(), "AbsBackward0",
                  aliases=("absolute",))


def _sign_kernel(x, be):
    return be.xp.sign(x) if x.dtype.kind != "b" else x


sign, sign_ = unary("sign", _sign_kernel, lambda g, x, y: g * 0, "SignBackward0", saves=None)


def _sgn_kernel(x, be):
    xp = be.xp
    if x.dtype.kind == "c":
        a = xp.abs(x)
        return xp.where(a == 0, 0, x / xp.where(a == 0, 1, a)).astype(x.dtype)
    return _sign_kernel(x, be)


sgn, sgn_ = unary("sgn", _sgn_kernel, lambda g, x, y: g * 0, "SgnBackward0", saves=None)


def _pow_scalar_kernel(e):
    def k(x, be):
        return be.xp.power(x, e)
    return k


def _pow_t_s_bwd(node, g):
    (x,) = node.saved()
    e = node._args
    if e == 0:
        return (g * 0,)
    return (g * e * x.pow(e - 1).conj() if not isinstance(e, complex) else g * e * x.pow(e - 1),)


def _pow_t_t_bwd(node, g):
    x, e, y = node.saved()
    (mx, me) = node._args
    nx = node.next_functions[0][0] is not None
    ne = node.next_functions[1][0] is not None
    gx = grad_for(g * e * x.pow(e - 1), *mx) if nx else None
    if ne:
        lg = x.log()
        gy = g * y * lg.where(x != 0, lg.new_zeros(()))
        ge = grad_for(gy, *me)
    else:
        ge = None
    return gx, ge


def _pow_s_t_bwd(node, g):
    (y,) = node.saved()
    base, shape, dt = node._args
    if base == 0:
        return (grad_for(g * 0, shape, dt),)
    return (grad_for(g * y * math.log(base) if not isinstance(base, complex) else
                     g * y * complex(math.log(abs(base)), math.atan2(base.imag, base.real)),
                     shape, dt),)


PowBackward0 = node_class("PowBackward0", _pow_t_s_bwd)
PowBackward1 = node_class("PowBackward1", _pow_t_t_bwd)
PowBackward2 = node_class("PowBackward2", _pow_s_t_bwd)


def _int_pow_check(a, b, dt, xp):
    if dt.category == 1 and not isinstance(b, float):
        neg = (b < 0) if not hasattr(b, "dtype") else bool((b < 0).any())
        if neg:
            raise RuntimeError("Integers to negative integer powers are not allowed.")


@register("pow", nodes=("PowBackward0", "PowBackward1", "PowBackward2"), out=True)
def pow(input, exponent, *, out=None):
    a, b, dt, dev = prep2(input, exponent)
    xp = dev._backend.xp
    _int_pow_check(a, b, dt, xp)
    lowp = dt is D.float16 or dt is D.bfloat16
    if lowp:
        a = a.astype("float32") if hasattr(a, "astype") else a
    res = wrap(xp.power(a, b), dt, dev)
    if _grad[0]:
        ti, te = isinstance(input, Tensor), isinstance(exponent, Tensor)
        if ti and te and (input._requires_grad or exponent._requires_grad):
            n = record(res, PowBackward1, (input, exponent), (input, exponent, None),
                       ((input._data.shape, input._dtype), (exponent._data.shape,
                                                            exponent._dtype)))
            from ..autograd.graph import save_output
            save_output(n, res, 2)
        elif ti and not te and input._requires_grad:
            record(res, PowBackward0, (input,), (input,), exponent)
        elif te and not ti and exponent._requires_grad:
            n = record(res, PowBackward2, (exponent,), (None,),
                       (input, exponent._data.shape, exponent._dtype))
            from ..autograd.graph import save_output
            save_output(n, res, 0)
    if out is not None:
        return write_out(out, res)
    return res


pow_ = inplace(pow)
_OPS["pow"].inplace = pow_


# ---- comparisons --------------------------------------------------------------------------------
def _cmp(name, ufunc, aliases=()):
    return binary(name, lambda a, b, be: getattr(be.xp, ufunc)(a, b), None, None,
                  result="bool", aliases=aliases)


eq, eq_ = _cmp("eq", "equal")
ne, ne_ = _cmp("ne", "not_equal", aliases=("not_equal",))
lt, lt_ = _cmp("lt", "less", aliases=("less",))
le, le_ = _cmp("le", "less_equal", aliases=("less_equal",))
gt, gt_ = _cmp("gt", "greater", aliases=("greater",))
ge, ge_ = _cmp("ge", "greater_equal", aliases=("greater_equal",))


# ---- where (ternary) ------------------------------------------------------------------------------
def _where_bwd(node, g):
    (cond,) = node.saved()
    mx, my = node._args
    nx = node.next_functions[1][0] is not None
    ny = node.next_functions[2][0] is not None
    z = g.new_zeros(())
    return (None,
            grad_for(g.where(cond, z), *mx) if nx else None,
            grad_for(z.where(cond, g), *my) if ny else None)


WhereBackward0 = node_class("WhereBackward0", _where_bwd)


@register("where", nodes=("WhereBackward0",), out=True)
def where(condition, input=None, other=None, *, out=None):
    if input is None and other is None:
        return condition.nonzero(as_tuple=True)
    if not isinstance(condition, Tensor) or condition._dtype is not D.bool_:
        raise RuntimeError("where expected condition to be a boolean tensor, but got a tensor "
                           f"with dtype {getattr(condition, '_dtype', type(condition).__name__)}")
    a, b, dt, dev = prep2(input, other)
    if isinstance(input, Tensor):
        check_same_device(condition, input)
    xp = dev._backend.xp
    res = wrap(xp.where(condition._data, a, b), dt, dev)
    if needs_grad(input, other):
        record(res, WhereBackward0, (condition, input, other), (condition,),
               (_m(input), _m(other)))
    if out is not None:
        return write_out(out, res)
    return res


def _m(x):
    return (x._data.shape, x._dtype) if isinstance(x, Tensor) else None


# ---- complex parts -------------------------------------------------------------------------------
def _real(self):
    if not self._dtype.is_complex:
        return self
    from .views import make_view
    return make_view(self, self._data.real, None, None, _real_fn)


def _real_fn(t):
    return t.real


def _imag(self):
    if not self._dtype.is_complex:
        raise RuntimeError("imag is not implemented for tensors with non-complex dtypes.")
    from .views import make_view
    return make_view(self, self._data.imag, None, None, _imag_fn)


def _imag_fn(t):
    return t.imag


def real(self):
    out = _real(self)
    if out is not self:
        out._dtype = self._dtype.to_real()
    return out


def imag(self):
    out = _imag(self)
    out._dtype = self._dtype.to_real()
    return out


register("real", method=False)(real)
register("imag", method=False)(imag)


@register("conj", nodes=("ConjBackward0",))
def conj(self):
    if not self._dtype.is_complex:
        return self
    return _make(self._device._backend.xp.conj(self._data), self._dtype, self._device)


@register("isnan", differentiable=False)
def isnan(input):
    return _make(input._device._backend.xp.isnan(input._data), D.bool_, input._device)
