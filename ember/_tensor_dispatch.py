"""Tensor's side of ``__torch_dispatch__``: the placeholder array of a wrapper subclass, and the
aten operators that Tensor's non-op methods reach (indexing, ``item``)."""
import builtins
import sys

from . import _dtype as D
from ._device import device as _device
from ._tensor import Tensor

_INT64_MAX = 2 ** 63 - 1


def wrapper_placeholder(size, strides, storage_offset, dtype, device):
    """(array, dtype, device) of a ``_make_wrapper_subclass`` instance: zeros (pages the
    system maps only once written) with the requested shape and element strides."""
    dtype = dtype or D.get_default_dtype()
    dev = _device(device if device is not None else "cpu")
    xp = dev._backend.xp
    size = tuple(int(s) for s in size)
    if strides is None:
        return xp.zeros(size, dtype.np), dtype, dev
    strides = tuple(int(s) for s in strides)
    offset = int(storage_offset or 0)
    extent = offset + 1 + builtins.sum((n - 1) * s for n, s in zip(size, strides) if n)
    flat = xp.zeros(extent if all(size) else offset, dtype.np)
    item = flat.itemsize
    return xp.lib.stride_tricks.as_strided(flat[offset:], size,
                                           tuple(s * item for s in strides)), dtype, dev


# ---- a subclass's own ``_data`` ---------------------------------------------------------------
_ARRAY_SLOT = Tensor.__dict__["_data"]


def _ember_caller():
    name = sys._getframe(2).f_globals.get("__name__", "")
    return name == "ember" or name.startswith("ember.")


def _get_data(self):
    own = self.__dict__
    if "_data" in own and not _ember_caller():
        return own["_data"]
    return _ARRAY_SLOT.__get__(self)


def _set_data(self, value):
    if _ember_caller():
        _ARRAY_SLOT.__set__(self, value)
    else:
        self.__dict__["_data"] = value


def keep_own_data(cls):
    """torch.Tensor has no ``_data``, so wrapper subclasses name their inner tensor so
    (PyG's ``EdgeIndex``), while Ember's Tensor keeps its array there: on such a class the
    attribute is Ember's array for Ember's code and the subclass's own value for its code."""
    cls._data = property(_get_data, _set_data)


# ---- Tensor methods that reach aten operators ---------------------------------------------
def _expand_ellipsis(key, ndim):
    specified = builtins.sum(1 for k in key if k is not None and k is not Ellipsis)
    out = []
    for k in key:
        if k is Ellipsis:
            out.extend([slice(None)] * (ndim - specified))
            specified = ndim            # (a second Ellipsis expands to nothing)
        else:
            out.append(k)
    return out


def _index_parts(t, key):
    """``t[key]`` as PyTorch applies it: ints, slices and None by select / slice / unsqueeze
    (full slices make no call), then the tensor indices left, as the list ``aten.index``
    takes (None for the dims they skip; empty when there are none)."""
    ops = sys.modules["ember"]      # the bound functions (they dispatch)
    dim, indices = 0, []
    for k in _expand_ellipsis(key, t.dim()):
        if k is None:
            t = ops.unsqueeze(t, dim)
            indices.append(None)
            dim += 1
        elif isinstance(k, slice):
            start = 0 if k.start is None else k.start
            stop = _INT64_MAX if k.stop is None else k.stop
            step = 1 if k.step is None else k.step
            if (start, step) != (0, 1) or stop < t.shape[dim]:
                t = _slice(t, dim, start, stop, step)
            indices.append(None)
            dim += 1
        elif isinstance(k, int) and not isinstance(k, bool):
            t = ops.select(t, dim, k)
        else:
            indices.append(k if isinstance(k, Tensor) else ops.tensor(k))
            dim += 1
    while indices and indices[-1] is None:
        indices.pop()
    return t, indices


def _slice(t, dim, start, stop, step):
    from . import _aten
    from ._aten_dispatch import dispatch
    return dispatch("slice", _aten.slice, (t, dim, start, stop, step), {})


def _getitem(inner, args, kwargs):
    from . import _aten
    from ._aten_dispatch import dispatch
    self, key = args
    t, indices = _index_parts(self, key if isinstance(key, tuple) else (key,))
    return dispatch("index", _aten.index, (t, indices), {}) if indices else t


def _setitem(inner, args, kwargs):
    """``t[key] = value``: the view ``t[key]`` filled (``copy_`` / ``fill_``), or with tensor
    indices ``index_put_`` into the view of the rest."""
    from ._ops import creation
    self, key, value = args
    t, indices = _index_parts(self, key if isinstance(key, tuple) else (key,))
    if not isinstance(value, Tensor):
        value = creation.tensor(value)
    if indices:
        t.index_put_(indices, value)
    elif value.dim() == 0 and not isinstance(args[2], Tensor):
        t.fill_(value)
    else:
        t.copy_(value)


# ---- PyTorch's composite conversions, as the aten calls they make --------------------------
_CONVERSIONS = {"float": D.float32, "double": D.float64, "half": D.float16,
                "bfloat16": D.bfloat16, "long": D.int64, "int": D.int32, "short": D.int16,
                "char": D.int8, "byte": D.uint8, "bool": D.bool_, "cfloat": D.complex64,
                "cdouble": D.complex128}


def _to_copy(self, dtype=None, device=None, copy=False):
    """``self`` when nothing changes, else ``aten._to_copy`` with what changes."""
    from . import _aten
    from ._aten_dispatch import dispatch
    device = None if device is None else _device(device)
    kwargs = {}
    if dtype is not None and dtype is not self._dtype:
        kwargs["dtype"] = dtype
    if device is not None and device != self._device:
        kwargs["device"] = device
    if not kwargs and not copy:
        return self
    return dispatch("_to_copy", _aten._to_copy, (self,), kwargs)


def _to(inner, args, kwargs):
    self, dtype, device = args[0], kwargs.get("dtype"), kwargs.get("device")
    for a in args[1:]:
        if isinstance(a, D.dtype):
            dtype = a
        elif isinstance(a, Tensor):
            dtype, device = a._dtype, a._device
        elif not isinstance(a, bool):
            device = a
    return _to_copy(self, dtype, device, kwargs.get("copy", False))


def _conversion(dtype):
    return lambda inner, args, kwargs: _to_copy(args[0], dtype)


def _contiguous(inner, args, kwargs):
    """``self``, or a contiguous ``clone`` of it."""
    self = args[0]
    if self.is_contiguous():
        return self
    from . import _layout
    return sys.modules["ember"].clone(self, memory_format=_layout.contiguous_format)


def handlers():
    """{Tensor function: how it runs on dispatching arguments} for ``_aten_dispatch``."""
    from ._aten_dispatch import by_name
    from ._ops._core import OPS
    attrs = vars(Tensor)
    return {attrs["__getitem__"]: _getitem, attrs["__setitem__"]: _setitem,
            attrs["item"]: by_name("_local_scalar_dense"), attrs["detach"]: by_name("detach"),
            **{OPS[name].fn: _conversion(dtype) for name, dtype in _CONVERSIONS.items()},
            OPS["to"].fn: _to, OPS["contiguous"].fn: _contiguous}
