"""The recording array type: NumPy arrays that write every call made on them to a tape.

While a call is captured, the CPU device's backend is :class:`.backend.RecordingCPU`, whose
array module is ``Recorder.xp``: every NumPy function, ufunc and array method the ops, the
autograd engine and the optimizers call on tensor data returns ``RecArray`` wrappers and
appends one line of Python to the tape (``s7 = c3(s2, s5, axis=1)``).  The wrapped arrays
are the real ones, so the captured call computes exactly what eager computes; the tape is
what replays later (:mod:`.program`).

Values Python reads out of arrays are the limit of the method:

* ``a.item()`` of a float inside Ember (an optimizer's step count) gives a :class:`SymFloat`:
  a float whose arithmetic is recorded too, so replay recomputes it from the live array
  (``float(a)`` cannot: Python turns what ``__float__`` returns into a plain float);
* other reads inside Ember (``bool(a)``, ``int(a)``, ``float(a)``, an integer ``a.item()``)
  become checks replayed with the program (:func:`check`): a different value at replay
  raises :class:`GuardFailed`;
* the same reads made by the user's code (``loss.item()``, ``if t:``, ``print(t)``) and any
  silent conversion to a host array (``np.asarray(a)``) spoil the tape: the call has still
  run eagerly and correctly, and the wrapper keeps running that guard key eagerly
  (``Recorder.spoil``), as a graph break does in torch.
"""
import operator
import os
import sys
import threading
import weakref

import numpy as np

from .._backend import array_wrappers
from . import blas, fuse

_EMBER_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__))) + os.sep
_THIS_DIR = os.path.dirname(os.path.abspath(__file__)) + os.sep
# Ember files whose methods are the tensor's surface: a read they make is the user's read
# (the binding layers' wrappers pass a call through: a dispatch subclass or mode switches them
# on for every op).
_SURFACE = tuple(_EMBER_DIR + f for f in ("_tensor.py", "_tensor_str.py", "_aten_dispatch.py",
                                          "_tensor_dispatch.py",
                                          os.path.join("_ops", "_bindings.py")))


# NumPy functions whose Python-number results are layout facts, not data (not re-checked)
_STATIC = frozenset(("shape", "ndim", "size", "result_type", "may_share_memory",
                     "shares_memory", "iscomplexobj", "isrealobj", "isscalar", "can_cast",
                     "min_scalar_type", "promote_types", "isfortran"))


_MUTATORS = frozenset((operator.setitem,))
_BOOL = np.dtype(bool)
_MUTATING_NAMES = frozenset(("at", "fill", "put", "copyto", "place", "putmask", "put_along_axis",
                             "fill_diagonal", "sort", "partition", "resize", "itemset",
                             "setflags", "byteswap", "as_strided"))


class GuardFailed(Exception):
    """A value read during capture differs at replay (raised by :func:`check`)."""


def check(value, expected):
    """The replayed form of a value read inside Ember: it must come out as it did."""
    if value != expected:
        raise GuardFailed(f"captured {expected!r}, got {value!r}")


def _is_user(name):
    return not name.startswith(_EMBER_DIR) or name.startswith(_EMBER_DIR + "examples")


def _user_frame():
    """The frame of user code that asked for a value, when it asked through the tensor's own
    surface (``t.item()``, ``bool(t)``, ``print(t)``: only tensor-surface frames between the
    read and the user's code); None when Ember itself asked."""
    f = sys._getframe(1)
    while f is not None and f.f_code.co_filename.startswith(_THIS_DIR):
        f = f.f_back
    while f is not None and f.f_code.co_filename.startswith(_SURFACE):
        f = f.f_back
    return f if f is not None and _is_user(f.f_code.co_filename) else None


class Recorder:
    """One capture: the tape's lines, its constants and the arrays it has seen."""

    def __init__(self):
        self.lines = []          # (python statement, slots read, slots written, pure)
        self.consts = []         # objects the program refers to as c0, c1, ...
        self._const_ids = {}
        self.nslots = 0
        self.elementwise = set()  # lines that are plain ufunc calls (a fresh array each)
        self.fresh = {}           # their result slots -> (shape, dtype, strides)
        self.segments = []        # ([first line of each share..., end], runner): run at once
        self.draws = set()        # lines that draw random numbers
        self.one_thread = set()   # small GEMM lines as exact on one BLAS thread (:mod:`.blas`)
        self.blas_free = set()    # lines calling no BLAS
        self.arith = {}           # exactly rounded elementwise calls -> fuse.Call (:mod:`.fuse`)
        self.views = set()        # lines reading no array data: views, empty arrays, numbers
        self._switch = blas.multi_threaded()   # whether one_thread is worth finding
        self.in_share = False     # whether a share of ``run_shares`` is being recorded
        self.thread = threading.get_ident()
        self.mutates = False     # whether the program writes into arrays or draws numbers
        self.spoiled = None      # why the tape cannot replay (a message), or None
        self.graph_break = None  # (filename, line) of the user's read that broke the graph
        self.live = weakref.WeakValueDictionary()   # id(real array) -> its RecArray

    # ---- slots and constants -----------------------------------------------------------------
    def new_slot(self):
        self.nslots += 1
        return f"s{self.nslots - 1}"

    def const(self, obj):
        key = id(obj)
        name = self._const_ids.get(key)
        if name is None or self.consts[int(name[1:])] is not obj:
            name = self._const_ids[key] = f"c{len(self.consts)}"
            self.consts.append(obj)
        return name

    def adopt(self, a, expr=None):
        """The RecArray for real array ``a``: the live one, else a new one named ``expr`` (a
        new slot when None)."""
        r = self.live.get(id(a))
        if r is not None and r._a is a:
            return r
        r = RecArray(a, self, expr or self.new_slot())
        self.live[id(a)] = r
        return r

    def number_input(self, value):
        """A Python float the program takes as an argument (a learning rate, read live)."""
        s = SymFloat(value)
        s._rec, s._expr = self, self.new_slot()
        return s

    def spoil(self, why, frame=None):
        if self.spoiled is None:
            self.spoiled = why
            if frame is not None:
                self.graph_break = (frame.f_code.co_filename, frame.f_lineno)

    # ---- templates -----------------------------------------------------------------------
    def expr(self, x, reads):
        """Python source for argument ``x``; slots it reads are added to ``reads``."""
        c = x.__class__
        if c is RecArray:
            if x._rec is not self:
                return self.const(x._a)
            reads.append(x._expr)
            return x._expr
        if c is SymFloat:
            if x._rec is not self:
                return repr(float.__float__(x))
            reads.append(x._expr)
            return x._expr
        if c is np.ndarray:
            r = self.live.get(id(x))
            if r is not None and r._a is x:
                reads.append(r._expr)
                return r._expr
            return self.const(x)
        if c is int or c is bool or x is None:
            return repr(x)
        if c is float and x == x and x not in (float("inf"), float("-inf")):
            return repr(x)
        if (c is tuple or c is slice) and _index_constant(x):
            return self.const(x)   # made once: slices are not constants of Python's bytecode
        if c is tuple:
            return "(" + "".join(self.expr(y, reads) + ", " for y in x) + ")"
        if c is list:
            return "[" + ", ".join(self.expr(y, reads) for y in x) + "]"
        if c is slice:
            return (f"slice({self.expr(x.start, reads)}, {self.expr(x.stop, reads)}, "
                    f"{self.expr(x.step, reads)})")
        if c is dict:
            return "{" + ", ".join(f"{k!r}: {self.expr(v, reads)}" for k, v in x.items()) + "}"
        return self.const(x)

    def call(self, fn, args, kwargs, name=None):
        """Run ``fn`` on the real arrays and record the call; array results come back wrapped."""
        result = fn(*unwrap(args), **(unwrap(kwargs) if kwargs else {}))
        if threading.get_ident() != self.thread:
            self.spoil("another thread ran tensor operations during the capture")
        draws = getattr(fn, "__module__", "").endswith("torch_random")
        if draws:
            self.draws.add(len(self.lines))
        pure = not (kwargs and "out" in kwargs or fn in _MUTATORS or draws or
                    getattr(fn, "__name__", "") in _MUTATING_NAMES)
        self.mutates = self.mutates or not pure
        reads = []
        src = self.const(fn) if name is None else name
        src += "(" + "".join(self.expr(a, reads) + ", " for a in args)
        if kwargs:
            src += "".join(f"{k}={self.expr(v, reads)}, " for k, v in kwargs.items())
        src += ")"
        writes = []
        if result.__class__ in (int, float, bool) and reads and \
                getattr(fn, "__name__", "") not in _STATIC:
            self.lines.append((f"check({src}, {self.expr(result, [])})", reads, [], False))
            return result
        if not reads and isinstance(result, np.generic):
            return result   # a number computed from constants (shape arithmetic)
        wrapped, target = self._results(result, writes)
        self.lines.append((f"{target} = {src}" if target else src, reads, writes, pure))
        if fn is np.matmul:
            if self._switch and not self.in_share and \
                    blas.one_thread_is_same(fn, unwrap(args), unwrap(kwargs), result):
                self.one_thread.add(len(self.lines) - 1)
        elif blas.blas_free(fn):
            self.blas_free.add(len(self.lines) - 1)
        if not kwargs and isinstance(fn, np.ufunc) and result.__class__ is np.ndarray and \
                target == writes[0]:
            self.fresh[target] = (result.shape, result.dtype, result.strides)
            self.elementwise.add(len(self.lines) - 1)
        if pure and target and result.__class__ is np.ndarray and \
                (not result.flags.owndata or fn is np.empty):
            self.views.add(len(self.lines) - 1)
        call = None
        if fn.__class__ is np.ufunc and fn.__name__ in fuse.OPS and \
                result.__class__ is np.ndarray and (not kwargs or list(kwargs) == ["out"]):
            call = self._arith(fn.__name__, args, kwargs["out"] if kwargs else None, result,
                              target)
        elif fn is np.copyto and len(args) == 2 and (not kwargs or list(kwargs) == ["casting"]):
            call = self._arith("copyto", args[1:], args[0], getattr(args[0], "_a", None), "")
        elif fn is np.ndarray.astype and target and (not kwargs or list(kwargs) == ["copy"]):
            call = self._arith("astype", args[:1], None, result, target)
        if call is not None:
            self.arith[len(self.lines) - 1] = call
        return wrapped

    def _arith(self, op, args, out, result, target):
        """The :class:`.fuse.Call` of ``op(*args, out=out)`` giving ``result``, or None where
        it cannot join a fused kernel: array operands of another shape than the result's or
        of mixed dtypes (no broadcasting but Python numbers), dtypes the op does not keep
        (:data:`.fuse.OPS`), a 0-d result."""
        if result.__class__ is not np.ndarray or not result.ndim or not result.size:
            return None
        alias = None
        if out is not None:
            if out.__class__ is not RecArray or out._rec is not self or out._a is not result:
                return None
            written, alias = out._expr, target or None   # target: a new name for ``out``
        else:
            written = target
        operands, arrays, dtypes, scalars = [], {written: result}, set(), set()
        for a in args:
            c = a.__class__
            if c is RecArray and a._rec is self and a._a.shape == result.shape:
                operands.append(("a", a._expr))
                arrays[a._expr] = a._a
                dtypes.add(a._a.dtype)
            elif c is RecArray and a._rec is self and a._a.ndim <= result.ndim and \
                    np.broadcast_shapes(a._a.shape, result.shape) == result.shape:
                operands.append(("b", a._expr))   # read broadcast (a bias, a channel vector)
                arrays[a._expr] = np.broadcast_to(a._a, result.shape)
                dtypes.add(a._a.dtype)
            elif c is SymFloat and a._rec is self:
                operands.append(("s", a._expr))
            elif c is float or c is int and abs(a) <= 1 << 24:   # ints exact in float32
                operands.append(("k", a))
            elif isinstance(a, np.floating) and a.dtype in fuse.FLOATS:
                operands.append(("k", a))   # dropout's np.float32 scale
                scalars.add(a.dtype)
            else:
                return None
        if op in fuse.BOOL_TO_FLOAT and result.dtype in fuse.FLOATS and _BOOL in dtypes:
            dtypes.discard(_BOOL)   # a mask times floats (ReLU's backward, dropout's scale):
            dtypes.add(result.dtype)   # NumPy casts the mask to the float dtype first
        cdtype = dtypes.pop() if dtypes else result.dtype
        if dtypes or not fuse.keeps(op, cdtype, result.dtype) or \
                any(d.itemsize > cdtype.itemsize for d in scalars):   # NumPy would promote
            return None
        return fuse.Call(op, operands, written, alias, out is not None, result.dtype, cdtype,
                         result.shape, arrays)

    def run_shares(self, fn, shares, run):
        """``run(fn, shares)`` (``[fn(share) for share in shares]`` on several threads) for a
        kernel that splits its work (``_backend.parallel.run``): recorded one share after the
        other on this thread, each share's lines marked, so that the replay gives ``run``
        their functions (:mod:`.program`)."""
        starts, results = [], []
        self.in_share = True
        try:
            for share in shares:
                starts.append(len(self.lines))
                results.append(fn(share))
        finally:
            self.in_share = False
        self.segments.append((starts + [len(self.lines)], self.const(run)))
        return results

    def _results(self, r, writes):
        """(the wrapped result, the assignment target or "") for a call's result."""
        if isinstance(r, np.ndarray) or isinstance(r, np.generic):
            if isinstance(r, np.ndarray):
                old = self.live.get(id(r))
                if old is not None and old._a is r:
                    return old, ""
            w = self.adopt(r if isinstance(r, np.ndarray) else np.asarray(r))
            writes.append(w._expr)
            return w, w._expr
        if isinstance(r, (tuple, list)) and r and any(isinstance(y, (np.ndarray, np.generic))
                                                       for y in r):
            parts = [self._results(y, writes) for y in r]
            if all(t for _, t in parts):
                items = [w for w, _ in parts]
                wrapped = (r.__class__(*items) if hasattr(r, "_fields") else
                           tuple(items) if isinstance(r, tuple) else items)
                return wrapped, "(" + "".join(t + ", " for _, t in parts) + ")"
            self.spoil("a call returned a mix of new and existing arrays")
            return r, ""
        return r, ""

    def read(self, a, how, fn):
        """Python reads ``fn(a)`` out of array ``a``: a check, a SymFloat or a spoiled tape."""
        value = fn(a._a)
        frame = _user_frame()
        if frame is not None:
            self.spoil(f"data-dependent Python: {how}", frame)
            return value
        if how == "item" and value.__class__ is float:
            s = SymFloat(value)
            s._rec, s._expr = self, self.new_slot()
            self.lines.append((f"{s._expr} = float({a._expr})", [a._expr], [s._expr], True))
            return s
        reads = [a._expr]
        self.lines.append((f"check({self.const(fn)}({a._expr}), {self.expr(value, [])})",
                           reads, [], False))
        return value


def _index_constant(x, top=True):
    """Whether ``x`` is an index made of Python ints, None, Ellipsis and slices of those, with a
    slice or Ellipsis in it (a tuple of ints alone already is a constant of the bytecode)."""
    c = x.__class__
    if c is slice:
        return all(v is None or v.__class__ is int for v in (x.start, x.stop, x.step))
    if c is tuple:
        return all(_index_constant(y, False) for y in x) and \
            any(y.__class__ is slice or y is Ellipsis for y in x)
    return not top and (c is int or x is None or x is Ellipsis)


CURRENT = [None]   # the Recorder of the capture running now


def unwrap(x):
    c = x.__class__
    if c is RecArray:
        return x._a
    if c is SymFloat:
        return float.__float__(x)
    if c is tuple or c is list:
        return c(unwrap(y) for y in x)
    if c is dict:
        return {k: unwrap(v) for k, v in x.items()}
    return x


def dispatch(fn, args, kwargs):
    """``fn(*args, **kwargs)`` on the real arrays, recorded when a capture is running."""
    rec = CURRENT[0]
    if rec is not None:
        return rec.call(fn, args, kwargs)
    return fn(*unwrap(args), **(unwrap(kwargs) if kwargs else {}))


class RecUfunc:
    """A NumPy ufunc over recording arrays: calls and ``at`` / ``reduce`` / ... recorded."""

    def __init__(self, uf):
        self._uf = uf
        self.__name__ = uf.__name__
        self.nin, self.nout, self.identity = uf.nin, uf.nout, uf.identity

    def __call__(self, *args, **kwargs):
        return dispatch(self._uf, args, kwargs)

    def __getattr__(self, name):
        if name in ("reduce", "accumulate", "outer", "reduceat", "at"):
            m = getattr(self._uf, name)
            return lambda *a, **k: dispatch(m, a, k)
        return getattr(self._uf, name)


def _recorded(fn):
    def call(*args, **kwargs):
        return dispatch(fn, args, kwargs)
    call.__name__ = call.__qualname__ = getattr(fn, "__name__", "fn")
    call._fn = fn
    return call


class RecModule(array_wrappers.ArrayModule):
    """A NumPy (sub)module whose functions record their calls."""

    def wrap_ufunc(self, uf):
        return RecUfunc(uf)

    def wrap_function(self, fn, name):
        return _recorded(fn)


def _method(name):
    fn = getattr(np.ndarray, name)

    def method(self, *args, **kwargs):
        return dispatch(fn, (self,) + args, kwargs)
    method.__name__ = name
    return method


def _attr(name):
    get = operator.attrgetter(name)

    def prop(self):
        return dispatch(get, (self,), None)
    return property(prop)


def _binary(uf, reflected=False):
    u = getattr(np, uf)
    if reflected:
        return lambda self, other: dispatch(u, (other, self), None)
    return lambda self, other: dispatch(u, (self, other), None)


def _inplace(uf):
    u = getattr(np, uf)

    def op(self, other):
        dispatch(u, (self, other), {"out": self})
        return self
    return op


def _unary(uf):
    u = getattr(np, uf)
    return lambda self: dispatch(u, (self,), None)


def _read(how, fn):
    def read(self, *args):
        rec = CURRENT[0]
        f = (lambda a: fn(a, *args)) if args else fn   # a.item(i): one element
        return f(self._a) if rec is None or self._rec is not rec else rec.read(self, how, f)
    return read


class RecArray:
    """A NumPy array seen through a capture (see the module docstring).  ``_expr`` names it in
    the program: a slot (``s4``) or a constant (``c2``)."""
    __slots__ = ("_a", "_rec", "_expr", "__weakref__")
    __array_priority__ = 100
    __hash__ = None

    def __init__(self, a, rec, expr):
        self._a, self._rec, self._expr = a, rec, expr

    def __array__(self, *args, **kwargs):
        if CURRENT[0] is not None:
            CURRENT[0].spoil("an array was converted to a host array", _user_frame())
        return self._a if not args or args[0] is None else self._a.astype(args[0])

    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        f = ufunc if method == "__call__" else getattr(ufunc, method)
        if "out" in kwargs:
            out = kwargs["out"]
            kwargs["out"] = out[0] if len(out) == 1 else out
        return dispatch(f, inputs, kwargs)

    def __array_function__(self, func, types_, args, kwargs):
        return dispatch(func, args, kwargs)

    # ---- static attributes (shapes are guarded) ------------------------------------------------
    shape = property(lambda self: self._a.shape)
    dtype, ndim, size, strides, itemsize, nbytes = array_wrappers.layout_properties()
    flags = property(lambda self: self._a.flags)

    @property
    def base(self):
        b = self._a.base
        if not isinstance(b, np.ndarray):
            return b
        rec = CURRENT[0]
        return b if rec is None else rec.adopt(b, rec.const(b))

    T = _attr("T")
    mT = _attr("mT")
    real = _attr("real")
    imag = _attr("imag")

    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        attr = getattr(self._a, name)
        if not callable(attr):   # memory views (data, flat, ctypes): the values escape
            if CURRENT[0] is not None:
                CURRENT[0].spoil(f"array attribute {name!r} was read", _user_frame())
            return attr
        m = _method(name)
        return m.__get__(self)

    # ---- reads ---------------------------------------------------------------------------
    __bool__ = _read("bool", bool)
    __int__ = _read("int", int)
    __index__ = _read("int", operator.index)
    __float__ = _read("float", float)
    __complex__ = _read("complex", complex)
    item = _read("item", np.ndarray.item)

    tolist = _read("tolist", np.ndarray.tolist)

    def __len__(self):
        return len(self._a)

    def __iter__(self):
        return (self[i] for i in range(len(self._a)))

    def __repr__(self):
        if CURRENT[0] is not None:
            CURRENT[0].spoil("an array's values were formatted", _user_frame())
        return "rec:" + repr(self._a)

    def __getitem__(self, key):
        return dispatch(operator.getitem, (self, key), None)

    def __setitem__(self, key, value):
        dispatch(operator.setitem, (self, key, value), None)

    def __copy__(self):
        return self.copy()

    def __deepcopy__(self, memo):
        return self.copy()

    __neg__, __pos__, __abs__, __invert__ = (_unary("negative"), _unary("positive"),
                                             _unary("absolute"), _unary("invert"))


array_wrappers.install(RecArray, _binary, _inplace)
RecModule.array_type = RecArray


def _sym(op, reflected=False):
    def method(self, other):
        if other.__class__ not in (int, float, SymFloat, bool):
            return NotImplemented
        value = (op(_plain(other), float.__float__(self)) if reflected else
                 op(float.__float__(self), _plain(other)))
        rec = CURRENT[0]
        if rec is None or rec is not self._rec:
            return value
        reads = []
        a, b = rec.expr(self, reads), rec.expr(other, reads)
        s = SymFloat(value)
        s._rec, s._expr = rec, rec.new_slot()
        src = f"{rec.const(op)}({b}, {a})" if reflected else f"{rec.const(op)}({a}, {b})"
        rec.views.add(len(rec.lines))   # reads no array: may move before a fused run
        rec.lines.append((f"{s._expr} = {src}", reads, [s._expr], True))
        return s
    return method


def _plain(x):
    return float.__float__(x) if isinstance(x, SymFloat) else x


def _sym_escape(name):
    base = getattr(float, name)

    def method(self, *args):
        if CURRENT[0] is not None:
            CURRENT[0].spoil(f"a captured Python number was used in {name}", _user_frame())
        return base(float.__float__(self), *(_plain(a) for a in args))
    return method


class SymFloat(float):
    """A Python float read from an array during capture (``float(step)``): arithmetic on it is
    recorded, so replay recomputes it; other uses (comparison, ``int``, formatting) spoil the
    tape."""
    __slots__ = ("_rec", "_expr")

    __add__, __radd__ = _sym(operator.add), _sym(operator.add, True)
    __sub__, __rsub__ = _sym(operator.sub), _sym(operator.sub, True)
    __mul__, __rmul__ = _sym(operator.mul), _sym(operator.mul, True)
    __truediv__, __rtruediv__ = _sym(operator.truediv), _sym(operator.truediv, True)
    __pow__, __rpow__ = _sym(operator.pow), _sym(operator.pow, True)

    def __neg__(self):
        return self * -1.0 if CURRENT[0] is self._rec else -float.__float__(self)

    for _n in ("__float__", "__lt__", "__le__", "__gt__", "__ge__", "__eq__", "__ne__", "__bool__",
               "__int__", "__round__", "__trunc__", "__floor__", "__ceil__", "__format__",
               "__repr__", "__str__", "__mod__", "__floordiv__"):
        locals()[_n] = _sym_escape(_n)
    del _n
    __hash__ = float.__hash__


xp = RecModule(np)   # the array module of the recording backend
