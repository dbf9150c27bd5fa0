"""``torch._foreach_*``: an op applied to every tensor of a list, with the matching items of
other lists (tensors or numbers), one number or one tensor as its other operands: the
multi-tensor forms optimizers, EMA helpers and libraries' training loops call.  Ember runs one
op per tensor (the ops' own results, dtypes, errors and autograd); the out-of-place forms
return a tuple, the in-place ones (``name_``) update the tensors and return the list."""
import sys

from ._errors import private_api as _errors
from ._tensor import Tensor

_UNARY = ("abs", "acos", "asin", "atan", "ceil", "cos", "cosh", "erf", "erfc", "exp", "expm1",
          "floor", "frac", "lgamma", "log", "log10", "log1p", "log2", "neg", "reciprocal",
          "round", "rsqrt", "sigmoid", "sign", "sin", "sinh", "sqrt", "tan", "tanh", "trunc")
_BINARY = ("add", "sub", "mul", "div", "maximum", "minimum", "clamp_min", "clamp_max", "pow")
_TERNARY = ("addcmul", "addcdiv", "lerp")


def _checked(tensors):
    if not len(tensors):
        raise _errors.foreach_empty_list()
    return tensors


def _spread(other, n):
    """``other`` as one operand per tensor: a list's items (or a 1-D tensor's numbers, how
    ``addcmul`` takes its scalars), else ``other`` itself."""
    if isinstance(other, Tensor) and other.dim() == 1:
        other = other.tolist()
    if isinstance(other, (list, tuple)):
        if len(other) != n:
            if other and isinstance(other[0], Tensor):
                raise _errors.foreach_list_lengths(n, len(other))
            raise _errors.foreach_scalar_list_length()
        return other
    return (other,) * n


def _apply(fn, tensors, *operands, **kwargs):
    n = len(_checked(tensors))
    return tuple(fn(t, *items, **kwargs)
                 for t, *items in zip(tensors, *(_spread(o, n) for o in operands)))


def _in_place(name, tensors, *operands, **kwargs):
    """``t.<name>_(...)`` for every tensor (or the op's result copied in where the op has no
    in-place method or takes a number differently)."""
    method = None if name in _BOUNDS else getattr(Tensor, name + "_", None)
    op = _op(name)
    n = len(_checked(tensors))
    for t, *items in zip(tensors, *(_spread(o, n) for o in operands)):
        if method is not None:
            args, kw = _keyword_value(name, items, kwargs)
            method(t, *args, **kw)
        else:
            t.copy_(op(t, *items, **kwargs))
    return tensors


def _op(name):
    def op(t, *args, **kwargs):
        if name in _BOUNDS and not isinstance(args[0], Tensor):     # a number: a bound
            return getattr(t, _BOUNDS[name])(args[0])
        args, kwargs = _keyword_value(name, args, kwargs)
        return getattr(sys.modules["ember"], name)(t, *args, **kwargs)
    return op


def _keyword_value(name, args, kwargs):
    """``addcmul`` / ``addcdiv`` take their scalar as ``value=``: (args, kwargs) to call with."""
    if name in _SCALED and len(args) == 3:
        return args[:2], {**kwargs, "value": args[2]}
    return args, kwargs


def _operands(name, operands, kwargs):
    """The spreadable operands: for ``addcmul`` / ``addcdiv`` the scalar too (``value=`` or
    ``scalars=``, one number, a list or a 1-D tensor)."""
    if name in _SCALED and len(operands) == 2:
        operands = (*operands, kwargs.pop("value", kwargs.pop("scalars", 1)))
    return operands


_BOUNDS = {"maximum": "clamp_min", "minimum": "clamp_max"}
_SCALED = ("addcmul", "addcdiv")


def _make(name):
    op = _op(name)

    def out_of_place(self, *operands, **kwargs):
        if name == "pow" and not isinstance(self, (list, tuple)):    # pow(scalar, tensors)
            exponents = operands[0]
            return _apply(lambda e, s: op(s, e), exponents, self)
        return _apply(op, self, *_operands(name, operands, kwargs), **kwargs)

    def in_place(self, *operands, **kwargs):
        return _in_place(name, self, *_operands(name, operands, kwargs), **kwargs)
    out_of_place.__name__ = f"_foreach_{name}"
    in_place.__name__ = f"_foreach_{name}_"
    return {out_of_place.__name__: out_of_place, in_place.__name__: in_place}


_FUNCTIONS = {}
for _name in (*_UNARY, *_BINARY, *_TERNARY):
    _FUNCTIONS.update(_make(_name))


def _foreach_norm(self, ord=2, dtype=None):
    norm = sys.modules["ember"].linalg.vector_norm
    return _apply(lambda t: norm(t, ord, dtype=dtype), self)


def _foreach_max(self):
    return _apply(lambda t: t.max(), self)


def _foreach_powsum(self, exponent=2):
    """Each tensor's sum of ``|x| ** exponent``."""
    return _apply(lambda t: t.abs().pow(exponent).sum(), self)


def _foreach_mm(self, mat2):
    return _apply(lambda a, b: a.mm(b), self, mat2)


def _foreach_clone(self):
    return _apply(lambda t: t.clone(), self)


def _foreach_copy_(self, src, non_blocking=False):
    return _in_place("copy", self, src, non_blocking=non_blocking)


def _foreach_zero_(self):
    return _in_place("zero", self)


_FUNCTIONS.update((f.__name__, f) for f in (_foreach_norm, _foreach_max, _foreach_powsum,
                                             _foreach_mm, _foreach_clone, _foreach_copy_,
                                             _foreach_zero_))
globals().update(_FUNCTIONS)
__all__ = sorted(_FUNCTIONS)
