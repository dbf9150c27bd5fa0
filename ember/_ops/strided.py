"""Allocation with a given memory layout (``empty_strided``, ``new_empty_strided``,
``empty_permuted``), in-place resizing (``resize_``, ``resize_as_``) and re-pointing
(``set_``)."""
from .. import _errors
from .._tensor import Tensor
from ..autograd.graph import node_class
from .._device import resolve as _resolve
from . import memory_format as M
from ._core import register, check_inplace, record, _grad_on
from .creation import _sizes, _dt, _finish


def _storage_numel(size, stride):
    """Elements a storage needs to hold a tensor of ``size`` and ``stride`` from offset 0."""
    return 1 + sum((n - 1) * s for n, s in zip(size, stride)) if all(size) else 0


def _contiguous_strides(size):
    strides, step = [], 1
    for n in reversed(size):
        strides.append(step)
        step *= max(n, 1)
    return tuple(reversed(strides))


def _strided(be, size, stride, dt):
    buf = be.xp.empty(_storage_numel(size, stride), dt.np)
    return be.as_strided(buf, size, tuple(s * buf.itemsize for s in stride))


@register("empty_strided", method=False)
def empty_strided(size, stride, *, dtype=None, layout=None, device=None, requires_grad=False,
                  pin_memory=False):
    """An uninitialised tensor of ``size`` with element strides ``stride``."""
    size, stride = _sizes((size,), "empty_strided"), tuple(int(s) for s in stride)
    if len(size) != len(stride):
        raise _errors.strided_ndim(size, stride)
    dt, dev = _dt(dtype), _resolve(device)
    return _finish(_strided(dev._backend, size, stride, dt), dt, dev, requires_grad, pin_memory)


@register("new_empty_strided", function=False)
def new_empty_strided(self, size, stride, *, dtype=None, layout=None, device=None,
                      requires_grad=False, pin_memory=False):
    return empty_strided(size, stride, dtype=self._dtype if dtype is None else dtype,
                         device=self._device if device is None else device,
                         requires_grad=requires_grad, pin_memory=pin_memory)


@register("empty_permuted", method=False)
def empty_permuted(size, physical_layout, *, dtype=None, layout=None, device=None,
                   requires_grad=False, pin_memory=False):
    """An uninitialised tensor of ``size`` whose dims lie in memory in the order
    ``physical_layout`` (outermost first)."""
    size, order = _sizes((size,), "empty_permuted"), tuple(int(d) for d in physical_layout)
    if len(size) != len(order):
        raise _errors.physical_layout_ndim(size, order)
    dt, dev = _dt(dtype), _resolve(device)
    return _finish(M.empty_in_order(dev._backend.xp, size, dt.np, order), dt, dev,
                   requires_grad, pin_memory)


@register("resize_", function=False)
def resize_(self, *size, memory_format=None):
    """Give ``self`` the shape ``size``, laid out contiguously (or in ``memory_format``) over
    its storage from its offset: elements already there keep their places in memory, a larger
    size adds uninitialised ones."""
    size = _sizes(size, "resize_")
    fmt = M.name(memory_format, "contiguous_format")
    if self._requires_grad:
        raise _errors.resize_requires_grad()
    be = self._device._backend
    root, offset = be.root(self._data), be.storage_offset(self._data)
    n = 1
    for s in size:
        n *= s
    flat = root.reshape(-1) if root.flags.c_contiguous else None
    if flat is not None and offset + n <= flat.size:
        self._data = M.view_as(flat[offset:offset + n], size, fmt)
    else:
        grown = be.xp.empty(offset + n, self._dtype.np)
        old = be.xp.ascontiguousarray(root).reshape(-1)[:offset + n]
        grown[:old.size] = old
        self._data = M.view_as(grown[offset:], size, fmt)
    self._vc[0] += 1
    return self


@register("resize_as_")
def resize_as_(input, the_template, *, memory_format=None):
    return resize_(input, the_template._data.shape)


def _set_backward(node, g):
    raise _errors.derivative_not_implemented("set_", namespace="")


# torch's node for a derivative it does not have is named so
_SetNotImplemented = node_class("NotImplemented", _set_backward)


@register("set_", function=False, nodes=("NotImplemented",))
def set_(self, source=None, storage_offset=0, size=None, stride=None):
    """Point ``self`` at other memory: a tensor's (with its size, strides and offset), a
    storage's (from ``storage_offset`` elements, ``size`` and ``stride``: contiguous by default,
    the whole storage without a size), or fresh empty memory (no source).  Writes through
    either tensor are then seen by the other."""
    check_inplace(self)
    be, dt = self._device._backend, self._dtype
    if source is None:
        data = be.xp.empty((0,), dt.np)
    elif isinstance(source, Tensor):
        if source._dtype is not dt:
            raise _errors.set_dtype(source._dtype, dt)
        data = source._data[...]
    else:
        storage_dtype = getattr(source, "dtype", None)     # a TypedStorage's
        if storage_dtype is not None and storage_dtype is not dt:
            raise _errors.set_dtype(storage_dtype, dt, storage=True)
        flat = source.untyped()._bytes()
        elements = flat[:flat.size - flat.size % dt.itemsize].view(dt.np)
        if size is None:
            size, storage_offset = (elements.size,), 0
        size = _sizes((size,), "set_")
        stride = _contiguous_strides(size) if stride is None else tuple(stride)
        needed = storage_offset + _storage_numel(size, stride) if all(size) else 0
        if needed > elements.size:
            raise _errors.set_storage_too_small(size, stride, storage_offset, dt.itemsize,
                                                needed * dt.itemsize, flat.size)
        data = be.as_strided(elements[storage_offset:], size,
                             tuple(s * dt.itemsize for s in stride))
    self._data = data
    self._vc[0] += 1
    if self._requires_grad and self._grad_fn is not None and _grad_on():
        record(self, _SetNotImplemented, (self,))
    return self
