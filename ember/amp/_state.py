"""Autocast's thread-local state (PyTorch keeps it per thread too) and the casts it applies.

While some thread has autocast enabled for some device type, every function with an autocast
policy in the op table (``_ops._core.AUTOCAST``) is swapped, wherever it is bound, for a wrapper
that applies the policy (the ``autocast`` layer of ``_ops._bindings``); when no thread has it
enabled the original functions are back, so eager code outside autocast runs as before.  As in PyTorch, an op that autocast has
wrapped runs with autocast off for its device type, so the ops it calls are not cast again.
"""
import threading
import weakref

from .. import _dtype as D
from .. import _errors
from .._tensor import Tensor
from .._ops import _core
from .._ops import _bindings

DEFAULT_DTYPES = {"cpu": D.bfloat16, "cuda": D.float16}
AVAILABLE = frozenset(DEFAULT_DTYPES)


class _State(threading.local):
    def __init__(self):
        self.enabled = set()        # device types with autocast on in this thread
        self.dtype = dict(DEFAULT_DTYPES)
        self.nesting = 0
        self.cache_enabled = True
        self.busy = set()           # device types inside an autocast-wrapped op
        self.cache = {}             # id(fp32 leaf) -> (weakref, its lower-precision copy)


tls = _State()
_lock = threading.Lock()
_threads_enabled = [0]              # (thread, device type) pairs with autocast on


def set_enabled(device_type, enabled):
    st = tls
    was = device_type in st.enabled
    if bool(enabled) == was:
        return
    with _lock:
        if enabled:
            st.enabled.add(device_type)
            _threads_enabled[0] += 1
        else:
            st.enabled.discard(device_type)
            _threads_enabled[0] -= 1
        _bindings.set_active("autocast", _threads_enabled[0] > 0)


def _wrap(fn, original):
    policies = tuple(_core.AUTOCAST[original].items())

    def autocast_op(*args, **kwargs):
        st = tls
        on = st.enabled
        if on:
            for device_type, policy in policies:
                if device_type in on and device_type not in st.busy:
                    return _run(autocast_op, device_type, policy, st, args, kwargs)
        return fn(*args, **kwargs)

    autocast_op.__name__ = fn.__name__
    autocast_op.__qualname__ = fn.__qualname__
    autocast_op.__doc__ = fn.__doc__
    autocast_op.__wrapped__ = fn
    return autocast_op


_bindings.register_layer("autocast", 2, lambda: _core.AUTOCAST, _wrap)


def _run(op, device_type, policy, st, args, kwargs):
    """Apply ``policy`` for ``device_type`` to the arguments, then call ``op`` with autocast
    off for that device type (``op`` itself, so another enabled device type still applies)."""
    if policy == "fp32_set_opt_dtype":
        if kwargs.get("dtype") is None and args and _eligible(args[0], device_type):
            kwargs = dict(kwargs, dtype=D.float32)
    elif policy == "banned":
        raise _errors.autocast_bce_banned()
    else:
        if policy == "lower_precision_fp":
            to = st.dtype[device_type]
        elif policy == "fp32":
            to = D.float32
        else:
            to = _widest(args, device_type, st.dtype[device_type])
        cache = st.cache if st.cache_enabled and to is st.dtype[device_type] else None
        args = tuple(_cast(a, device_type, to, cache) for a in args)
        if kwargs:
            kwargs = {k: _cast(v, device_type, to, cache) for k, v in kwargs.items()}
    busy = st.busy
    busy.add(device_type)
    try:
        return op(*args, **kwargs)
    finally:
        busy.discard(device_type)


def _eligible(t, device_type):
    return isinstance(t, Tensor) and t._device.type == device_type and \
        t._dtype.is_floating_point and t._dtype is not D.float64


def _cast(value, device_type, to, cache):
    if isinstance(value, Tensor):
        if not _eligible(value, device_type) or value._dtype is to:
            return value
        if cache is not None and value._dtype is D.float32 and value._requires_grad and \
                value._grad_fn is None and value._base is None:
            hit = cache.get(id(value))
            if hit is not None and hit[0]() is value:
                return hit[1]
            cast = value.to(to)
            cache[id(value)] = (weakref.ref(value), cast)
            return cast
        return value.to(to)
    if isinstance(value, (list, tuple)) and value and isinstance(value[0], Tensor):
        return type(value)(_cast(v, device_type, to, cache) for v in value)
    return value


def _widest(args, device_type, lower):
    """PyTorch's ``promote`` policy: float32 if any eligible argument is float32, else the
    lower precision dtype (float64 arguments are ignored and left alone)."""
    current = lower
    for a in _tensors(args):
        if not _eligible(a, device_type):
            continue
        dt = a._dtype
        if current is D.float32 or dt is D.float32:
            current = D.float32
        elif dt is not current:
            raise _errors.autocast_prioritize()
    return current


def _tensors(args):
    for a in args:
        if isinstance(a, Tensor):
            yield a
        elif isinstance(a, (list, tuple)):
            yield from (v for v in a if isinstance(v, Tensor))
