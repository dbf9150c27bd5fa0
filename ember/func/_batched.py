"""Batched tensors and vmap levels: the state every batching rule works with.

Inside ``vmap`` the function sees ``BatchedTensor``s: Tensor subclass instances that report the
per-sample (logical) shape and hold ``_value``, an ordinary tensor whose dim 0 is the batch of
their ``_level``. Nested vmaps nest the wrappers, the innermost level outermost, so a tensor
mapped by two vmaps is ``BatchedTensor(level 2, value=BatchedTensor(level 1, value=plain))``.
A BatchedTensor's ``_data`` is a read-only ``_Guard`` view of its value's first sample: it
gives the logical shape, dtype and strides to code that reads metadata (``shape``, ``dim()``,
``len``), and computing with it (a function that escaped the vmap wrappers) raises instead of
silently using one sample.
"""
import numpy as np

from .. import _errors
from .._C import _disabled_torch_function_impl
from .._tensor import Tensor

__all__ = ["BatchedTensor", "wrap", "levels", "Level", "top_level", "is_batched"]


class Level:
    """One running vmap: its number (1 for the outermost), batch size and randomness mode."""
    __slots__ = ("level", "size", "randomness")

    def __init__(self, level, size, randomness):
        self.level, self.size, self.randomness = level, size, randomness


levels = []   # the running vmaps, outermost first


class BatchedTensor(Tensor):
    """A tensor batched at one vmap level (see the module docstring)."""
    __torch_function__ = _disabled_torch_function_impl
    _vmap_batched = True     # how forward-mode AD (a layer below) recognises one

    @property
    def requires_grad(self):
        return self._value.requires_grad

    @requires_grad.setter
    def requires_grad(self, flag):
        self.requires_grad_(flag)

    def requires_grad_(self, requires_grad=True):
        self._value.requires_grad_(requires_grad)
        self._requires_grad = self._value._requires_grad
        return self

    @property
    def grad_fn(self):
        return self._value.grad_fn

    @property
    def is_leaf(self):
        return self._value.is_leaf

    def detach(self):
        return wrap(self._value.detach(), self._level)

    def item(self):
        raise _errors.vmap_item()

    def __bool__(self):
        raise _errors.vmap_data_dependent()

    __float__ = __int__ = __complex__ = __index__ = __bool__

    def tolist(self):
        raise _errors.no_storage()

    def numpy(self, *, force=False):
        raise _errors.no_storage()

    def __array__(self, dtype=None, copy=None):
        raise _errors.no_storage()

    def __repr__(self, *, tensor_contents=None):
        return f"BatchedTensor(lvl={self._level}, bdim=0, value=\n{self._value!r}\n)"

    __str__ = __repr__


def _reflected(name):
    """``other <op> batched``: Tensor's reflected operators close over the raw op, which must
    not see a BatchedTensor; these look the op up at call time (the vmap-wrapped one)."""
    def op(self, other):
        from .._ops import pointwise
        return getattr(pointwise, name)(other, self)
    op.__name__ = name
    return op


for _op, _fn in (("radd", "add"), ("rmul", "mul"), ("rfloordiv", "floor_divide"),
                 ("rmod", "remainder"), ("rpow", "pow"), ("rand", "bitwise_and"),
                 ("ror", "bitwise_or"), ("rxor", "bitwise_xor"),
                 ("rlshift", "bitwise_left_shift"), ("rrshift", "bitwise_right_shift")):
    setattr(BatchedTensor, f"__{_op}__", _reflected(_fn))

_new = object.__new__


class _Guard(np.ndarray):
    """The metadata-only stand-in for a BatchedTensor's data."""

    def __array_ufunc__(self, *args, **kwargs):
        raise _errors.vmap_escaped()

    def __array_function__(self, *args, **kwargs):
        raise _errors.vmap_escaped()


def wrap(value, level):
    """``value`` (batch dim first) as a BatchedTensor of ``level``."""
    d = value._data
    sample = (d[0, ...] if d.shape[0] else np.empty(d.shape[1:], d.dtype)).view(_Guard)
    sample.flags.writeable = False
    t = _new(BatchedTensor)
    t._value = value
    t._level = level
    t._data = sample
    t._dtype = value._dtype
    t._device = value._device
    t._requires_grad = value._requires_grad
    t._grad = None
    t._grad_fn = None
    t._output_nr = 0
    t._vc = value._vc
    t._base = None
    t._accum = None
    t._hooks = None
    t._retain = False
    return t


def is_batched(x, level):
    return x.__class__ is BatchedTensor and x._level == level


def top_level(args, kwargs):
    """The highest vmap level among the arguments (one list/tuple deep), 0 if none."""
    top = 0
    for a in args:
        c = a.__class__
        if c is BatchedTensor:
            if a._level > top:
                top = a._level
        elif c is list or c is tuple:
            for b in a:
                if b.__class__ is BatchedTensor and b._level > top:
                    top = b._level
    if kwargs:
        for a in kwargs.values():
            if a.__class__ is BatchedTensor and a._level > top:
                top = a._level
    return top
