"""Timing every op call while a profiler records.

While at least one profiler records, every function of the op table (and its in-place
variant) is swapped, wherever it is bound, for a wrapper that times the call as an
``aten::<op>`` event; ``record_function`` adds user ranges.  Events nest per thread, which
gives each its self time.  With no profiler recording nothing is wrapped.
"""
import threading
import time

from .._ops import _bindings
from .._tensor import Tensor
from ._events import FunctionEvent

_lock = threading.Lock()
_active = []                # recording _Recorders
_names = {}                 # op function -> event name


class _Recorder:
    def __init__(self, record_shapes=False):
        self.record_shapes = record_shapes
        self.events = []
        self._stacks = threading.local()

    def open(self, name, args, start_ns):
        stack = getattr(self._stacks, "s", None)
        if stack is None:
            stack = self._stacks.s = []
        shapes = _shapes(args) if self.record_shapes else []
        event = FunctionEvent(name, threading.get_ident(), start_ns / 1e3, start_ns / 1e3,
                              shapes)
        if stack:
            event.cpu_parent = stack[-1]
            stack[-1].cpu_children.append(event)
        stack.append(event)
        self.events.append(event)
        return event

    def close(self, event, end_ns):
        event.time_range_end = end_ns / 1e3
        stack = self._stacks.s
        if stack and stack[-1] is event:
            stack.pop()

    def start(self):
        with _lock:
            _active.append(self)
            _bindings.set_active("profiler", True)

    def stop(self):
        with _lock:
            if self in _active:
                _active.remove(self)
                if not _active:
                    _bindings.set_active("profiler", False)


def _shapes(args):
    out = []
    for a in args:
        if isinstance(a, Tensor):
            out.append(list(a.shape))
        elif isinstance(a, (list, tuple)) and a and all(isinstance(x, Tensor) for x in a):
            out.append([list(x.shape) for x in a])
        else:
            out.append([])
    return out


def begin(name, args=()):
    """Open an event named ``name`` in every recording profiler; returns what ``end`` needs."""
    recorders = list(_active)
    start = time.perf_counter_ns()
    return [(r, r.open(name, args, start)) for r in recorders]


def end(opened):
    stop = time.perf_counter_ns()
    for recorder, event in opened:
        recorder.close(event, stop)


def _timed(fn, original):
    name = _names[original]

    def profiled(*args, **kwargs):
        if not _active:
            return fn(*args, **kwargs)
        opened = begin(name, args)
        try:
            return fn(*args, **kwargs)
        finally:
            end(opened)
    profiled.__name__ = fn.__name__
    profiled.__qualname__ = fn.__qualname__
    profiled.__wrapped__ = fn
    return profiled


def _op_functions():
    from .._ops._core import OPS
    if len(_names) < len(OPS):
        for op in OPS.values():
            _names.setdefault(op.fn, "aten::" + op.name)
            if op.inplace is not None:
                _names.setdefault(op.inplace, "aten::" + op.name + "_")
    return _names


_bindings.register_layer("profiler", 0, _op_functions, _timed)
