"""A CuPy-shaped array type on NumPy, for tests: device arrays that never turn into host arrays
silently (``EMBER_FAKE_CUDA=strict``).

The plain fake CUDA backend stores NumPy arrays, so a kernel that calls ``numpy`` on tensor data
works there and breaks only on a GPU.  Here a ``cuda`` tensor holds a ``StrictArray``, a thin
wrapper over a NumPy array that behaves towards NumPy as ``cupy.ndarray`` does:

* ``np.asarray(a)`` / ``np.array(a)`` (``__array__``) raise TypeError; ``.get()`` and
  ``xp.asnumpy(a)`` are the only ways to the host.
* NumPy functions and ufuncs called on it dispatch to the strict module (``__array_function__``
  / ``__array_ufunc__``), as CuPy's do; mixed with a host ``numpy.ndarray`` (e.g. one made by a
  NumPy creation function) they raise TypeError.  ``xp.array`` / ``xp.asarray`` accept host
  arrays (a host-to-device copy, as in CuPy).
* Results are never NumPy scalars: reductions give 0-d arrays (``float()``, ``int()``,
  ``.item()`` read them, as on CuPy).
* Indexing accepts host index arrays and lists (CuPy copies them over); values written must
  be device arrays or scalars.
* ``flags`` has CuPy's fields only (``c_contiguous``, ``f_contiguous``, ``owndata``): no
  ``writeable``; ask the backend (``backend.writeable(a)``).

It checks the seam between ember and its array library, not CuPy's API coverage: every NumPy
function exists on the strict module.  ``StrictCUDA`` (end of file) is the backend: the kernel
modules run rebound to the strict module (``rebind``), as on CuPy.
"""
import functools
import types
import weakref

import numpy as np

from .numpy_backend import CPU, FakeCUDA
from . import array_wrappers
from .rebind import DeviceEngine, load_on, on_host

_TRANSFER = frozenset(("array", "asarray", "ascontiguousarray", "asfortranarray", "asanyarray"))


def _host_error(what):
    return TypeError(f"Unsupported type {what}: a strict device array does not mix with host "
                     "NumPy arrays (copy with xp.asarray(host) or .get() explicitly)")


def unwrap(x):
    """The NumPy array inside ``x`` (recursing into lists and tuples); host ndarrays refused."""
    c = x.__class__
    if c is StrictArray:
        return x._a
    if c is tuple or c is list:
        return c(unwrap(y) for y in x)
    if isinstance(x, np.ndarray):
        raise _host_error(np.ndarray)
    return x


def wrap(r):
    """``r`` with its NumPy arrays (and NumPy scalars, as 0-d arrays) made strict."""
    if isinstance(r, np.ndarray):
        return StrictArray(r)
    if isinstance(r, np.generic):
        return StrictArray(np.asarray(r))
    if isinstance(r, tuple):
        items = [wrap(y) for y in r]
        return r.__class__(*items) if hasattr(r, "_fields") else tuple(items)
    if isinstance(r, list):
        return [wrap(y) for y in r]
    return r


def _unwrap_kwargs(kw):
    return {k: unwrap(v) for k, v in kw.items()} if kw else kw


def _function(fn, name):
    if name in _TRANSFER:
        def call(*args, **kwargs):   # a host array is copied over (fresh device memory)
            args = tuple(a._a if a.__class__ is StrictArray else
                         np.array(a, copy=True) if isinstance(a, np.ndarray) else a for a in args)
            return wrap(fn(*args, **_unwrap_kwargs(kwargs)))
    else:
        def call(*args, **kwargs):
            return wrap(fn(*unwrap(args), **_unwrap_kwargs(kwargs)))
    call.__name__ = call.__qualname__ = name
    return call


class StrictUfunc:
    """A NumPy ufunc over strict arrays: ``__call__``, ``at``, ``reduce``, ``accumulate``,
    ``outer``, ``reduceat`` (CuPy's ufuncs have all of them)."""

    def __init__(self, uf):
        self._uf = uf
        self.__name__ = uf.__name__
        self.nin, self.nout, self.identity = uf.nin, uf.nout, uf.identity

    def __call__(self, *args, **kwargs):
        return wrap(self._uf(*unwrap(args), **_unwrap_kwargs(kwargs)))

    def _method(self, name, *args, **kwargs):
        return wrap(getattr(self._uf, name)(*unwrap(args), **_unwrap_kwargs(kwargs)))

    def at(self, *args, **kwargs):
        self._method("at", *args, **kwargs)

    def __getattr__(self, name):
        if name in ("reduce", "accumulate", "outer", "reduceat"):
            return functools.partial(self._method, name)
        raise AttributeError(name)

    def __repr__(self):
        return f"<strict ufunc '{self.__name__}'>"


def holder(a):
    """The live StrictArray holding NumPy array ``a`` (a new one if none)."""
    w = _live.get(id(a))
    return w if w is not None and w._a is a else StrictArray(a)


class StrictModule(array_wrappers.ArrayModule):
    """A NumPy (sub)module whose functions take and give strict arrays."""

    def wrap_ufunc(self, uf):
        return StrictUfunc(uf)

    def wrap_function(self, fn, name):
        return _function(fn, name)

    @staticmethod
    def asnumpy(a):
        """Device to host, as ``cupy.asnumpy``."""
        return a.get() if a.__class__ is StrictArray else np.asarray(a)


xp = StrictModule(np)
_live = weakref.WeakValueDictionary()   # id(NumPy array) -> the StrictArray holding it


class Flags:
    """CuPy's ``ndarray.flags``: no ``writeable``."""
    __slots__ = ("c_contiguous", "f_contiguous", "owndata")

    def __init__(self, f):
        self.c_contiguous, self.f_contiguous, self.owndata = \
            f.c_contiguous, f.f_contiguous, f.owndata

    def __getitem__(self, key):
        return getattr(self, {"C_CONTIGUOUS": "c_contiguous", "F_CONTIGUOUS": "f_contiguous",
                              "OWNDATA": "owndata"}[key])


# ndarray methods CuPy has (attribute access to anything else raises AttributeError)
_METHODS = frozenset((
    "all", "any", "argmax", "argmin", "argpartition", "argsort", "astype", "choose", "clip",
    "compress", "conj", "conjugate", "copy", "cumprod", "cumsum", "diagonal", "dot", "fill",
    "flatten", "max", "mean", "min", "nonzero", "partition", "prod", "ptp", "put", "ravel",
    "repeat", "reshape", "round", "searchsorted", "sort", "squeeze", "std", "sum", "swapaxes",
    "take", "trace", "transpose", "var", "view", "tofile", "dump", "dumps"))


def _binary(uf, reflected=False):
    u = getattr(np, uf)
    if reflected:
        def op(self, other):
            return _call_op(u, other, self)
    else:
        def op(self, other):
            return _call_op(u, self, other)
    return op


def _inplace(uf):
    u = getattr(np, uf)

    def op(self, other):
        u(self._a, _operand(other), out=self._a)
        return self
    return op


def _operand(x):
    if x.__class__ is StrictArray:
        return x._a
    if isinstance(x, (np.ndarray, list, tuple)):
        raise _host_error(type(x))
    return x


def _index(key):
    """An index for the NumPy array inside: host index arrays and lists are accepted (CuPy
    copies them to the device)."""
    if key.__class__ is tuple:
        return tuple(k._a if k.__class__ is StrictArray else k for k in key)
    return key._a if key.__class__ is StrictArray else key


def _call_op(u, a, b):
    return wrap(u(_operand(a), _operand(b)))


class StrictArray:
    """A device array of the strict backend (see the module docstring)."""
    __slots__ = ("_a", "__weakref__")
    __array_priority__ = 100
    __hash__ = None

    def __init__(self, a):
        self._a = a
        _live[id(a)] = self

    # ---- the host boundary -----------------------------------------------------------------
    def __array__(self, *args, **kwargs):
        raise TypeError("Implicit conversion to a NumPy array is not allowed. Please use "
                        "`.get()` to construct a NumPy array explicitly.")

    def get(self, stream=None, order="C", out=None):
        """A host copy (``cupy.ndarray.get``)."""
        if out is not None:
            np.copyto(out, self._a)
            return out
        return np.array(self._a, copy=True)

    def set(self, arr):
        """Copy host array ``arr`` into this array (``cupy.ndarray.set``)."""
        self._a[...] = arr

    def tolist(self):
        return self._a.tolist()

    def item(self, *args):
        return self._a.item(*args)

    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        if "out" in kwargs:
            kwargs["out"] = tuple(unwrap(o) for o in kwargs["out"])
        try:
            args = unwrap(inputs)
        except TypeError:
            return NotImplemented
        f = ufunc if method == "__call__" else getattr(ufunc, method)
        return wrap(f(*args, **kwargs))

    def __array_function__(self, func, types_, args, kwargs):
        if any(t is not StrictArray and issubclass(t, np.ndarray) for t in types_):
            return NotImplemented
        return wrap(func(*unwrap(args), **_unwrap_kwargs(kwargs)))

    def __dlpack__(self, *args, **kwargs):
        return self._a.__dlpack__(*args, **kwargs)

    def __dlpack_device__(self):
        return (2, 0)   # kDLCUDA, device 0

    # ---- attributes --------------------------------------------------------------------------
    @property
    def shape(self):
        return self._a.shape

    @shape.setter
    def shape(self, shape):
        """In-place reshape; AttributeError when that needs a copy (as CuPy's)."""
        self._a.shape = shape

    @property
    def data(self):
        """CuPy's ``MemoryPointer``: ``.ptr`` is the address of the first element."""
        return types.SimpleNamespace(ptr=self._a.__array_interface__["data"][0])

    dtype, ndim, size, strides, itemsize, nbytes = array_wrappers.layout_properties()
    flags = property(lambda self: Flags(self._a.flags))
    T = property(lambda self: StrictArray(self._a.T))
    mT = property(lambda self: StrictArray(self._a.mT))

    @property
    def base(self):
        """The device array this one views, the same object each time (as CuPy's), so that a
        reference count on it means what it means on CuPy."""
        b = self._a.base
        return holder(b) if isinstance(b, np.ndarray) else None

    @property
    def real(self):
        return StrictArray(self._a.real)

    @real.setter
    def real(self, v):
        self._a.real = _operand(v)

    @property
    def imag(self):
        return StrictArray(self._a.imag)

    @imag.setter
    def imag(self, v):
        self._a.imag = _operand(v)

    def __getattr__(self, name):
        if name not in _METHODS:
            raise AttributeError(f"'StrictArray' object has no attribute '{name}'")
        method = getattr(self._a, name)

        def call(*args, **kwargs):
            return wrap(method(*unwrap(args), **_unwrap_kwargs(kwargs)))
        return call

    # ---- Python protocols --------------------------------------------------------------------
    def __len__(self):
        return len(self._a)

    def __iter__(self):
        if self._a.ndim == 0:
            raise TypeError("iteration over a 0-d array")
        return (StrictArray(self._a[i]) for i in range(len(self._a)))

    def __getitem__(self, key):
        return wrap(self._a[_index(key)])

    def __setitem__(self, key, value):
        c = value.__class__   # CuPy also takes lists and tuples
        self._a[_index(key)] = unwrap(value) if c is list or c is tuple else _operand(value)

    def __bool__(self):
        return bool(self._a)

    def __int__(self):
        return int(self._a)

    def __float__(self):
        return float(self._a)

    def __complex__(self):
        return complex(self._a)

    def __index__(self):
        return self._a.__index__()

    def __repr__(self):
        return "strict:" + repr(self._a)

    def __copy__(self):
        return StrictArray(self._a.copy())

    def __deepcopy__(self, memo):
        return StrictArray(self._a.copy())

    def __reduce__(self):
        return (StrictArray, (self._a,))

    def __neg__(self):
        return StrictArray(-self._a)

    def __pos__(self):
        return StrictArray(+self._a)

    def __abs__(self):
        return StrictArray(abs(self._a))

    def __invert__(self):
        return StrictArray(~self._a)


array_wrappers.install(StrictArray, _binary, _inplace)
StrictModule.array_type = StrictArray


class StrictCUDA(FakeCUDA):
    """The fake CUDA with CuPy-shaped arrays (``EMBER_FAKE_CUDA=strict``): ``strict.StrictArray``
    refuses to turn into a NumPy array silently, so a kernel reaching tensor data with NumPy
    instead of through the backend fails in CI as it would on a GPU."""
    ndarray = StrictArray
    xp = xp

    def from_host(self, a):
        return self.ndarray(np.array(a, copy=True))

    def to_host(self, a):
        return a.get()

    def copy(self, a):
        return a.copy()

    def ones_like(self, a):
        return self.xp.ones(a.shape, a.dtype)

    @staticmethod
    def root(a):
        return holder(CPU.root(a._a))

    def data_ptr(self, a):
        return CPU.data_ptr(self, a._a)

    def shares_memory(self, a, b):
        return np.shares_memory(a._a, b._a)

    @property
    def special(self):
        return _strict_kernels("special")

    @property
    def linalg(self):
        return _strict_kernels("numpy_linalg")

    @property
    def nn(self):
        return _strict_kernels("numpy_nn")

    @property
    def random(self):
        """PyTorch's CPU sampling recipes draw on the host engine: run on host arrays, results
        copied to the device (as the CuPy backend does)."""
        from . import torch_random
        return on_host(torch_random, *_strict_moves())

    @staticmethod
    def rng(seed):
        return DeviceEngine(CPU.rng(seed), *_strict_moves())

    @staticmethod
    def writeable(a):
        return a._a.flags.writeable

    @staticmethod
    def view_reshape(a, shape):
        r = CPU.view_reshape(a._a, shape)
        return None if r is None else StrictArray(r)

    @staticmethod
    def as_strided(a, shape, strides_bytes, writeable=True):
        return StrictArray(CPU.as_strided(a._a, shape, strides_bytes, writeable))


def _strict_kernels(name, _cache={}):
    """Kernel module ``name`` run on strict arrays: a second instance with ``np`` bound to the
    strict module (``rebind``), as the CuPy backend binds it to CuPy; so the kernels meet the
    same array type a GPU gives them."""
    m = _cache.get(name)
    if m is None:
        m = _cache[name] = load_on(name, xp, *_strict_moves())
    return m


def _strict_moves():
    """(array type, to host, to device) of the strict backend."""
    return StrictArray, StrictArray.get, lambda a: StrictArray(np.array(a, copy=True))
