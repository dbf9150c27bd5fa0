"""Pickling and deep-copying tensors (used by ``copy.deepcopy`` of modules and by
multiprocessing).  The checkpoint file format lives in ``serialization``; this is only the
in-process Python protocol."""
import copy

from . import _dtype as D
from . import _errors
from ._device import device as _device, resolve as _resolve
from ._tensor import Tensor, _make


def _rebuild(host_array, dtype_name, device_str, requires_grad, cls=Tensor, state=None):
    dev = _resolve(device_str)
    t = _make(dev._backend.from_host(host_array), D._dtype_by_name(dtype_name), dev)
    t._requires_grad = requires_grad
    if cls is not Tensor:
        t = t.as_subclass(cls)
    if state:
        t.__dict__.update(state)
    return t


def reduce_tensor(t):
    host = t._device._backend.to_host(t._data)
    if host is t._data:
        host = host.copy()
    return (_rebuild, (host, t._dtype.name, str(t._device), t._requires_grad, type(t),
                       dict(t.__dict__) or None))


def deepcopy_tensor(t, memo):
    if not t.is_leaf:
        raise _errors.deepcopy_non_leaf()
    key = id(t)
    if key in memo:
        return memo[key]
    new = _make(t._device._backend.copy(t._data), t._dtype, t._device)
    new._requires_grad = t._requires_grad
    if type(t) is not Tensor:
        new = new.as_subclass(type(t))
    memo[key] = new
    if t._grad is not None:
        new._grad = deepcopy_tensor(t._grad, memo)
    for k, v in t.__dict__.items():
        new.__dict__[k] = copy.deepcopy(v, memo)
    return new


__all__ = ["reduce_tensor", "deepcopy_tensor", "_device"]
