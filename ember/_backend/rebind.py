"""The NumPy kernel modules (``numpy_nn``, ``numpy_linalg``, ``special``, ``torch_random``) on
another array module.

Those modules are written against the name ``np``.  ``load_on(name, xp)`` executes a second,
private instance of one with ``import numpy`` (and ``from numpy.x import ...``) resolved to
``xp``: the CuPy backend runs the same kernels on device arrays, and the strict test backend
runs them on its CuPy-shaped arrays.  A name ``xp`` lacks is taken from NumPy behind a host
round trip (``host_fallback``): correct everywhere, fast only where ``xp`` has the kernel.
"""
import builtins
import functools
import importlib.util

import numpy


def host_fallback(fn, device_array, to_host, to_device):
    """``fn`` (a NumPy function) called on host copies of its array arguments; array results
    go back to the device."""
    def conv(x, f, kind):
        if isinstance(x, (tuple, list)):
            return type(x)(conv(y, f, kind) for y in x)
        if isinstance(x, DeviceEngine):
            return x.host
        return f(x) if isinstance(x, kind) else x

    @functools.wraps(fn)
    def call(*args, **kwargs):
        args = conv(args, to_host, device_array)
        kwargs = {k: conv(v, to_host, device_array) for k, v in kwargs.items()}
        return conv(fn(*args, **kwargs), to_device, numpy.ndarray)
    return call


class _Namespace:
    """``numpy.<sub>`` seen through ``xp.<sub>``, NumPy's name where ``xp`` has none."""

    def __init__(self, xp_sub, np_sub, moves):
        self._xp, self._np, self._moves = xp_sub, np_sub, moves

    def __getattr__(self, name):
        obj = None if self._xp is None else getattr(self._xp, name, None)
        if obj is None:
            obj = getattr(self._np, name)
            if callable(obj) and not isinstance(obj, type):
                obj = host_fallback(obj, *self._moves)
        setattr(self, name, obj)
        return obj


def on_host(mod, device_array, to_host, to_device):
    """Module ``mod``'s functions run on host copies of device arrays (results moved back)."""
    return _Namespace(None, mod, (device_array, to_host, to_device))


class DeviceEngine:
    """A host random engine (PyTorch's CPU stream) serving a device: ``.np``, NumPy's Generator
    API on the stream, takes and gives device arrays; host kernels get the engine itself."""
    __slots__ = ("host", "np")

    def __init__(self, engine, device_array, to_host, to_device):
        self.host = engine
        self.np = on_host(engine.np, device_array, to_host, to_device)

    def __getattr__(self, name):
        return getattr(self.host, name)


def load_on(name, xp, device_array, to_host, to_device):
    """A private instance of ``ember._backend.<name>`` whose NumPy is ``xp``; ``device_array``
    is ``xp``'s array type, ``to_host``/``to_device`` move one array."""
    moves = (device_array, to_host, to_device)

    def resolve(modname):
        sub = modname.split(".")[1:]
        x, n = xp, numpy
        for part in sub:
            x, n = getattr(x, part, None), getattr(n, part)
        return _Namespace(x, n, moves)   # x None: every function through the host

    def _import(modname, globals=None, locals=None, fromlist=(), level=0):
        if level == 0 and (modname == "numpy" or modname.startswith("numpy.")):
            return resolve(modname if fromlist else "numpy")
        return builtins.__import__(modname, globals, locals, fromlist, level)

    spec = importlib.util.find_spec(f"{__package__}.{name}")
    mod = importlib.util.module_from_spec(spec)
    mod.__builtins__ = dict(vars(builtins), __import__=_import)
    spec.loader.exec_module(mod)
    return mod
