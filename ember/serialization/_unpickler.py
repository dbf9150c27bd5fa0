"""Unpicklers for checkpoints.

``WeightsUnpickler`` (``weights_only=True``) is a small pickle-machine interpreter written here
rather than a ``pickle.Unpickler`` subclass, so that every opcode is checked: globals come only
from the allow-list (``_globals``), REDUCE / NEWOBJ call only allow-listed objects, BUILD only
sets plain state on known containers, tensors and allow-listed classes, and lengths are checked
against the bytes actually present.  Any violation raises ``pickle.UnpicklingError``.

``FullUnpickler`` (``weights_only=False``) is the standard unpickler with the ``torch.*`` names
mapped to Ember: it runs whatever the pickle says, as ``torch.load`` does.
"""
import _compat_pickle
import collections
import pickle
import struct

from .. import _errors, _names
from .._tensor import Tensor
from . import _globals
from ._rebuild import TORCH_NAMES

_MAX_MEMO = 1 << 24


def _fix_name(module, name):
    """Python 2 names in protocol < 3 pickles (``__builtin__.set``) -> Python 3 names."""
    if (module, name) in _compat_pickle.NAME_MAPPING:
        module, name = _compat_pickle.NAME_MAPPING[(module, name)]
    elif module in _compat_pickle.IMPORT_MAPPING:
        module = _compat_pickle.IMPORT_MAPPING[module]
    return module, name


class _Mark:
    pass


_MARK = _Mark()


class WeightsUnpickler:
    """Loads one pickle from ``data[pos:]``; ``load()`` returns the object, ``self.pos`` ends
    just after STOP."""

    def __init__(self, data, persistent_load, pos=0, encoding="utf-8"):
        self.data = memoryview(data).cast("B")
        self.encoding = encoding    # of Python 2 strings (SHORT_BINSTRING); "bytes" keeps bytes
        self.pos = pos
        self.persistent_load = persistent_load
        self.stack = []
        self.metastack = []
        self.memo = {}
        self.callables = set()      # ids of objects find_class returned
        self.loader_error = None    # what persistent_load raised: the caller's, passed through

    # ---- reading -------------------------------------------------------------------------------
    def _read(self, n):
        end = self.pos + n
        if n < 0 or end > len(self.data):
            raise _errors.pickle_malformed("truncated")
        b = self.data[self.pos:end]
        self.pos = end
        return b

    def _unpack(self, fmt):
        return struct.unpack(fmt, self._read(struct.calcsize(fmt)))[0]

    def _line(self):
        rest = self.data[self.pos:self.pos + 1024].tobytes()
        i = rest.find(b"\n")
        if i < 0:
            raise _errors.pickle_malformed("line")
        self.pos += i + 1
        return rest[:i].decode("ascii")

    def _push(self, v):
        # (``self.stack`` is looked up after the argument is built: POP_MARK swaps lists)
        self.stack.append(v)

    def _pop_mark(self):
        if not self.metastack:
            raise _errors.pickle_malformed("no_mark")
        items = self.stack
        self.stack = self.metastack.pop()
        return items

    def _pop(self):
        if not self.stack:
            raise _errors.pickle_malformed("underflow")
        v = self.stack.pop()
        if v is _MARK:
            raise _errors.pickle_malformed("mark")
        return v

    def _top(self):
        if not self.stack or self.stack[-1] is _MARK:
            raise _errors.pickle_malformed("underflow")
        return self.stack[-1]

    # ---- security checks -------------------------------------------------------------------------
    def find_class(self, module, name):
        module, name = _fix_name(module, name)
        full = f"{module}.{name}"
        if module in _globals.BLOCKED_MODULES:
            raise _errors.weights_only_blocked(full, module)
        obj = _globals.lookup(full)
        if obj is None:
            raise _errors.weights_only_global(_names.shown(full), _names.shown("torch"))
        if id(obj) not in _globals.NOT_CALLABLE:
            self.callables.add(id(obj))
        return obj

    def _check_callable(self, func):
        if id(func) not in self.callables or not callable(func):
            raise _errors.weights_only_not_callable(func)

    def _build(self, inst, state):
        slots = None
        if isinstance(state, tuple) and len(state) == 2:
            state, slots = state
        if type(inst) is collections.OrderedDict or isinstance(inst, Tensor):
            if slots or (state is not None and not isinstance(state, dict)):
                raise _errors.weights_only_build_state(inst)
            for k, v in (state or {}).items():
                if not isinstance(k, str) or k.startswith("__"):
                    raise _errors.weights_only_build_state(key=k)
                inst.__dict__[k] = v
            return
        if not _globals.is_user_allowed(type(inst)):
            raise _errors.weights_only_target("BUILD", inst)
        if hasattr(inst, "__setstate__"):
            inst.__setstate__(state if slots is None else (state, slots))
            return
        for d in (state, slots):
            if d and not isinstance(d, dict):
                raise _errors.weights_only_build_state()
        inst.__dict__.update(state or {})
        for k, v in (slots or {}).items():
            setattr(inst, k, v)

    # ---- the machine -----------------------------------------------------------------------------
    def load(self):
        try:
            return self._run()
        except (RecursionError, MemoryError) as e:     # (RecursionError is a RuntimeError)
            raise _errors.pickle_malformed("limit", e) from e
        except (pickle.UnpicklingError, RuntimeError):  # ours, already explicit (corrupt file...)
            raise
        except (ValueError, TypeError, KeyError, IndexError, AttributeError, OverflowError,
                UnicodeDecodeError, struct.error) as e:
            if e is self.loader_error:
                raise
            raise _errors.pickle_malformed("error", e) from e

    def _run(self):
        dispatch = self._dispatch
        while True:
            if self.pos >= len(self.data):
                raise _errors.pickle_malformed("truncated")
            op = self.data[self.pos]
            self.pos += 1
            handler = dispatch.get(op)
            if handler is None:
                raise _errors.weights_only_operand(op)
            if handler is _STOP:
                return self._pop()
            handler(self)

    # constants and scalars
    def _proto(self):
        if self._read(1)[0] > pickle.HIGHEST_PROTOCOL:
            raise _errors.pickle_malformed("protocol")

    def _frame(self):
        self._unpack("<Q")

    def _int_text(self):
        s = self._line()
        self.stack.append(False if s == "00" else True if s == "01" else int(s))

    def _long(self, nbytes_fmt):
        n = self._unpack(nbytes_fmt)
        if n > 1 << 16:
            raise _errors.pickle_malformed("long")
        self.stack.append(int.from_bytes(self._read(n), "little", signed=True))

    def _text(self, fmt):
        self.stack.append(str(self._read(self._unpack(fmt)), "utf-8", "surrogatepass"))

    def _short_binstring(self):
        data = bytes(self._read(self._unpack("<B")))
        self.stack.append(data if self.encoding == "bytes" else data.decode(self.encoding))

    def _bytes(self, fmt, kind=bytes):
        self.stack.append(kind(self._read(self._unpack(fmt))))

    # containers
    def _tuple_n(self, n):
        if n:
            if len(self.stack) < n or any(v is _MARK for v in self.stack[-n:]):
                raise _errors.pickle_malformed("underflow")
            items = tuple(self.stack[-n:])
            del self.stack[-n:]
        else:
            items = ()
        self.stack.append(items)

    def _appends(self):
        items = self._pop_mark()
        lst = self._top()
        if type(lst) is not list:
            raise _errors.weights_only_target("APPENDS", lst)
        lst.extend(items)

    def _append(self):
        v = self._pop()
        lst = self._top()
        if type(lst) is not list:
            raise _errors.weights_only_target("APPEND", lst)
        lst.append(v)

    def _setitems(self, items, op):
        d = self._top()
        if type(d) not in (dict, collections.OrderedDict):
            raise _errors.weights_only_target(op, d)
        if len(items) % 2:
            raise _errors.pickle_malformed("SETITEMS")
        for i in range(0, len(items), 2):
            d[items[i]] = items[i + 1]

    def _additems(self):
        items = self._pop_mark()
        s = self._top()
        if type(s) is not set:
            raise _errors.weights_only_target("ADDITEMS", s)
        s.update(items)

    def _dict_mark(self):
        items = self._pop_mark()
        if len(items) % 2:
            raise _errors.pickle_malformed("DICT")
        self.stack.append({items[i]: items[i + 1] for i in range(0, len(items), 2)})

    # globals, calls, state
    def _global(self):
        module, name = self._line(), self._line()
        self.stack.append(self.find_class(module, name))

    def _stack_global(self):
        name, module = self._pop(), self._pop()
        if type(name) is not str or type(module) is not str:
            raise _errors.pickle_malformed("STACK_GLOBAL")
        self.stack.append(self.find_class(module, name))

    def _reduce(self):
        args, func = self._pop(), self._pop()
        self._check_callable(func)
        if type(args) is not tuple:
            raise _errors.pickle_malformed("REDUCE")
        self.stack.append(func(*args))

    def _newobj(self):
        args, cls = self._pop(), self._pop()
        if not isinstance(cls, type) or not _globals.is_user_allowed(cls) and \
                cls is not collections.OrderedDict or type(args) is not tuple:
            raise _errors.weights_only_target("NEWOBJ", cls)
        self.stack.append(cls.__new__(cls, *args))

    def _build_op(self):
        state = self._pop()
        self._build(self._top(), state)

    def _binpersid(self):
        pid = self._pop()
        try:
            obj = self.persistent_load(pid)
        except Exception as e:      # e.g. a map_location that is not callable, as in torch
            self.loader_error = e
            raise
        self.stack.append(obj)

    # memo
    def _put(self, idx):
        if not 0 <= idx < _MAX_MEMO:
            raise _errors.pickle_malformed("memo_index")
        self.memo[idx] = self._top()

    def _get(self, idx):
        if idx not in self.memo:
            raise _errors.pickle_malformed("memo_key", idx)
        self.stack.append(self.memo[idx])

    def _mark(self):
        self.metastack.append(self.stack)
        self.stack = []

    def _pop_op(self):
        if self.stack:
            self.stack.pop()
        else:
            self._pop_mark()


_STOP = object()
_U = WeightsUnpickler
_ops = pickle  # opcode byte strings live in the pickle module
_U._dispatch = {op[0]: f for op, f in {
    _ops.PROTO: _U._proto, _ops.FRAME: _U._frame, _ops.STOP: _STOP,
    _ops.MARK: _U._mark, _ops.POP: _U._pop_op, _ops.POP_MARK: lambda u: u._pop_mark(),
    _ops.DUP: lambda u: u.stack.append(u._top()),
    _ops.NONE: lambda u: u.stack.append(None),
    _ops.NEWTRUE: lambda u: u.stack.append(True),
    _ops.NEWFALSE: lambda u: u.stack.append(False),
    _ops.INT: _U._int_text,
    _ops.BININT: lambda u: u.stack.append(u._unpack("<i")),
    _ops.BININT1: lambda u: u.stack.append(u._unpack("<B")),
    _ops.BININT2: lambda u: u.stack.append(u._unpack("<H")),
    _ops.LONG1: lambda u: u._long("<B"), _ops.LONG4: lambda u: u._long("<i"),
    _ops.BINFLOAT: lambda u: u.stack.append(u._unpack(">d")),
    _ops.BINUNICODE: lambda u: u._text("<I"), _ops.SHORT_BINUNICODE: lambda u: u._text("<B"),
    _ops.BINUNICODE8: lambda u: u._text("<Q"),
    _ops.BINBYTES: lambda u: u._bytes("<I"), _ops.SHORT_BINBYTES: lambda u: u._bytes("<B"),
    _ops.BINBYTES8: lambda u: u._bytes("<Q"),
    _ops.SHORT_BINSTRING: _U._short_binstring,
    _ops.BYTEARRAY8: lambda u: u._bytes("<Q", bytearray),
    _ops.EMPTY_LIST: lambda u: u.stack.append([]),
    _ops.APPEND: _U._append, _ops.APPENDS: _U._appends,
    _ops.LIST: lambda u: u._push(u._pop_mark()),
    _ops.EMPTY_TUPLE: lambda u: u.stack.append(()),
    _ops.TUPLE: lambda u: u._push(tuple(u._pop_mark())),
    _ops.TUPLE1: lambda u: u._tuple_n(1), _ops.TUPLE2: lambda u: u._tuple_n(2),
    _ops.TUPLE3: lambda u: u._tuple_n(3),
    _ops.EMPTY_DICT: lambda u: u.stack.append({}),
    _ops.DICT: _U._dict_mark,
    _ops.SETITEM: lambda u: u._setitems([u._pop(), u._pop()][::-1], "SETITEM"),
    _ops.SETITEMS: lambda u: u._setitems(u._pop_mark(), "SETITEMS"),
    _ops.EMPTY_SET: lambda u: u.stack.append(set()),
    _ops.ADDITEMS: _U._additems,
    _ops.FROZENSET: lambda u: u._push(frozenset(u._pop_mark())),
    _ops.GLOBAL: _U._global, _ops.STACK_GLOBAL: _U._stack_global,
    _ops.REDUCE: _U._reduce, _ops.NEWOBJ: _U._newobj, _ops.BUILD: _U._build_op,
    _ops.BINPERSID: _U._binpersid,
    _ops.BINPUT: lambda u: u._put(u._unpack("<B")),
    _ops.LONG_BINPUT: lambda u: u._put(u._unpack("<I")),
    _ops.MEMOIZE: lambda u: u._put(len(u.memo)),
    _ops.BINGET: lambda u: u._get(u._unpack("<B")),
    _ops.LONG_BINGET: lambda u: u._get(u._unpack("<I")),
}.items()}


class FullUnpickler(pickle.Unpickler):
    """``weights_only=False``: the standard unpickler, with torch names resolved to Ember."""

    def __init__(self, file, persistent_load, **kwargs):
        super().__init__(file, **kwargs)
        self._persistent_load = persistent_load

    def persistent_load(self, pid):
        return self._persistent_load(pid)

    def find_class(self, module, name):
        obj = TORCH_NAMES.get(f"{module}.{name}")
        if obj is not None:
            return obj
        return super().find_class(_names.to_ember(module) or module, name)
