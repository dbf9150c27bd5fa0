"""Numbers taken apart and put together: ``complex`` / ``polar`` (a complex tensor from two
real ones), ``view_as_real`` / ``view_as_complex`` (the same memory seen either way) and
``frexp`` (mantissa and binary exponent)."""
from .. import _dtype as D
from .. import _errors
from .._tensor import _make
from ..autograd.graph import node_class
from .. import return_types as RT
from ._core import register, record, _grad_on, grad_for, write_out
from .views import make_view



def _complex_dtype(a, b):
    if a._dtype.category != 2 or b._dtype.category != 2 or a._dtype is D.bfloat16:
        raise _errors.complex_dtypes(a._dtype if a._dtype.category != 2 else b._dtype,
                                     b._dtype)
    if a._dtype is not b._dtype:
        raise _errors.complex_second_dtype(a._dtype, b._dtype)
    return a._dtype.to_complex()


def _complex_bwd(node, g):
    shapes = node._args
    nf = node.next_functions
    gr = grad_for(g.real, *shapes[0]) if nf[0][0] is not None else None
    gi = grad_for(g.imag, *shapes[1]) if nf[1][0] is not None else None
    return gr, gi


ComplexBackward0 = node_class("ComplexBackward0", _complex_bwd)


@register("complex", method=False, nodes=("ComplexBackward0",), out=True)
def complex(real, imag, *, out=None):
    cdt = _complex_dtype(real, imag)
    xp = real._device._backend.xp
    r = xp.asarray(real._data + 1j * imag._data, cdt.np)
    res = _make(r, cdt, real._device)
    if _grad_on() and (real._requires_grad or imag._requires_grad):
        record(res, ComplexBackward0, (real, imag), (),
               ((real._data.shape, real._dtype), (imag._data.shape, imag._dtype)))
    return res if out is None else write_out(out, res)


def _polar_bwd(node, g):
    abs_, angle, res = node.saved()
    nf = node.next_functions
    ga = grad_for((g * res.sgn().conj()).real, abs_._data.shape, abs_._dtype) \
        if nf[0][0] is not None else None
    gt = grad_for((g * (res * 1j).conj()).real, angle._data.shape, angle._dtype) \
        if nf[1][0] is not None else None
    return ga, gt


PolarBackward0 = node_class("PolarBackward0", _polar_bwd)


@register("polar", method=False, nodes=("PolarBackward0",), out=True)
def polar(abs, angle, *, out=None):
    cdt = _complex_dtype(abs, angle)
    xp = abs._device._backend.xp
    a, t = abs._data, angle._data
    r = xp.asarray(a * xp.cos(t) + 1j * (a * xp.sin(t)), cdt.np)
    res = _make(r, cdt, abs._device)
    if _grad_on() and (abs._requires_grad or angle._requires_grad):
        record(res, PolarBackward0, (abs, angle), (abs, angle, res.detach()))
    return res if out is None else write_out(out, res)


ViewAsRealBackward0 = node_class("ViewAsRealBackward0", lambda node, g: (view_as_complex(g),))
ViewAsComplexBackward0 = node_class("ViewAsComplexBackward0",
                                    lambda node, g: (view_as_real(g),))


def _view_as_real_arr(a):
    return a[..., None].view(a.real.dtype)


@register("view_as_real", method=False, nodes=("ViewAsRealBackward0",))
def view_as_real(input):
    if not input._dtype.is_complex:
        raise _errors.view_as_real_complex()
    out = make_view(input, _view_as_real_arr(input._data), ViewAsRealBackward0, None,
                    _view_as_real_fn)
    out._dtype = input._dtype.to_real()
    return out


def _view_as_real_fn(t):
    return view_as_real(t)


def _view_as_complex_fn(t):
    return view_as_complex(t)


@register("view_as_complex", method=False, nodes=("ViewAsComplexBackward0",))
def view_as_complex(input):
    a = input._data
    if a.ndim == 0 or a.shape[-1] != 2:
        raise _errors.view_as_complex_last()
    if a.strides[-1] != a.itemsize:
        a = a.copy()
    cdt = input._dtype.to_complex()
    out = make_view(input, a.view(cdt.np)[..., 0], ViewAsComplexBackward0, None,
                    _view_as_complex_fn)
    out._dtype = cdt
    return out


FrexpBackward0 = node_class("FrexpBackward0",
                            lambda node, g: (g / node.saved()[0].exp2(),))


@register("frexp", nodes=("FrexpBackward0",), out=True)
def frexp(input, *, out=None):
    dt = input._dtype
    if dt.category != 2 or dt.is_complex:
        raise _errors.frexp_dtype()
    xp = input._device._backend.xp
    m, e = xp.frexp(input._data.astype("float32") if dt is D.bfloat16 else input._data)
    mant = _make(m.astype(dt.np), dt, input._device)
    exp = _make(e.astype("int32"), D.int32, input._device)
    if _grad_on() and input._requires_grad:
        record(mant, FrexpBackward0, (input,), (exp.to(dt),))
    res = RT.frexp(mant, exp)
    if out is None:
        return res
    write_out(out[0], mant)
    write_out(out[1], exp)
    return RT.frexp_out(*out)
