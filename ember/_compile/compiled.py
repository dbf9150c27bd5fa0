"""The compiled callable: guards, the cache of captured programs, capture and replay.

A call's guard key holds what the captured program depends on: every tensor argument's class,
shape, strides, dtype, device, requires_grad and whether it is a leaf; other arguments by value
(numbers, strings) or identity (objects); grad mode; and the state signature (:mod:`.state`:
module modes, the tensors tracked, which have gradients, optimizer hyper-parameters). A key seen
for the first time captures (the call runs eagerly, recorded); a key seen before replays its
program, or runs eagerly if its capture could not be used (a graph break).
"""
import functools
import logging
import os
import threading
import warnings
import weakref

from .. import _errors
from .._tensor import Tensor, _make
from ..autograd import grad_mode
from . import autograd, program, state, tape
from .backend import recording

log = logging.getLogger("ember._dynamo")
_warned_lines = set()
_compiled = weakref.WeakSet()   # every CompiledFunction, for reset()
STANCE = ["default"]            # torch.compiler.set_stance
_capture_lock = threading.Lock()


def reset():
    """Forget every captured program (``torch._dynamo.reset``)."""
    for c in list(_compiled):
        c.cache.clear()
        c._over_limit_warned = False


def _logs(kind):
    return kind in os.environ.get("EMBER_LOGS", "").split(",")


def _key_of(x, tensors):
    """The guard key of one argument; tensor arguments are collected in ``tensors``."""
    c = x.__class__
    if isinstance(x, Tensor):
        tensors.append(x)
        d = x._data
        return (c, d.shape, d.strides, x._dtype, x._device, x._requires_grad,
                x._grad_fn is None)
    if c in (int, float, bool, str, bytes, complex) or x is None:
        return (c, x)
    if c is tuple or c is list:
        return (c,) + tuple(_key_of(y, tensors) for y in x)
    if c is dict:
        return (c,) + tuple((k, _key_of(v, tensors)) for k, v in x.items())
    return (c, id(x))


class _Entry:
    """One captured program and how to feed it and apply its results."""
    __slots__ = ("program", "grad_idx", "grads", "writes", "results", "outputs", "template",
                 "pure", "backward", "saved_at", "eager")

    def __init__(self):
        self.eager = None   # why this key runs eagerly, or None


def _eager(why):
    e = _Entry()
    e.eager = why
    return e


def _leaves(x, out):
    """The tensors of a (nested) result, in order."""
    if isinstance(x, Tensor):
        out.append(x)
    elif x.__class__ in (tuple, list):
        for y in x:
            _leaves(y, out)
    elif x.__class__ is dict:
        for y in x.values():
            _leaves(y, out)
    return out


def _rebuild(x, made):
    """The result structure ``x`` with its tensors (or ``_SLOT`` marks) taken in order from
    iterator ``made``."""
    if x is _SLOT or isinstance(x, Tensor):
        return next(made)
    if x.__class__ in (tuple, list):
        return x.__class__(_rebuild(y, made) for y in x)
    if x.__class__ is dict:
        return {k: _rebuild(v, made) for k, v in x.items()}
    return x


class CompiledFunction:
    """``fn`` compiled: captures on a new guard key, replays on a known one."""

    def __init__(self, fn, fullgraph=False, module=None):
        self.fn = fn
        self.fullgraph = fullgraph
        self.module = module
        self.cache = {}
        self._over_limit_warned = False
        _compiled.add(self)

    def __get__(self, obj, objtype=None):
        """A compiled function in a class body: bound like a method."""
        return self if obj is None else functools.partial(self, obj)

    def __call__(self, *args, **kwargs):
        if tape.CURRENT[0] is not None or STANCE[0] == "force_eager":
            return self.fn(*args, **kwargs)   # inside another capture: part of its tape
        modules, optimizers = state.roots(self.fn, args, kwargs)
        if self.module is not None and self.module not in modules:
            modules.insert(0, self.module)
        submods = state.submodules(modules)
        tracked = state.tensors(submods, optimizers)
        arg_tensors = []
        arg_key = (_key_of(args, arg_tensors), _key_of(kwargs, arg_tensors))
        sig = state.signature(submods, optimizers, tracked)
        leaves = state.leaves_needing_grad(arg_tensors, tracked)   # guarded by position
        tracked += leaves
        key = (arg_key, grad_mode.is_grad_enabled(), sig,
               tuple(t._grad is None for t in leaves))
        live = state.live_numbers(optimizers)
        entry = self.cache.get(key)
        if entry is None:
            from .._dynamo import config
            if len(self.cache) >= config.recompile_limit:
                if not self._over_limit_warned:
                    self._over_limit_warned = True
                    warnings.warn(_errors.recompile_limit_hit(self.fn, config.recompile_limit),
                                  UserWarning, stacklevel=2)
                return self.fn(*args, **kwargs)
            if self.cache and STANCE[0] != "default":
                if STANCE[0] == "fail_on_recompile":
                    raise _errors.compile_fail_on_recompile(_name(self.fn))
                return self.fn(*args, **kwargs)
            if self.cache and _logs("recompiles"):
                log.warning("Recompiling %s: guards changed", _name(self.fn))
            with _capture_lock:   # one capture at a time: the CPU backend is swapped for it
                entry, result = self._capture(args, kwargs, arg_tensors, tracked, submods,
                                              optimizers, live)
            self.cache[key] = entry
            return result
        if entry.eager is not None:
            return self.fn(*args, **kwargs)
        try:
            return self._replay(entry, arg_tensors, tracked, live)
        except tape.GuardFailed as e:
            entry.eager = str(e)
            if entry.pure:   # nothing was written: the call can start again, eagerly
                return self.fn(*args, **kwargs)
            raise _errors.compile_guard_failed(_name(self.fn), str(e)) from None

    # ---- capture -------------------------------------------------------------------------
    def _capture(self, args, kwargs, arg_tensors, tracked, submods, optimizers, live):
        rec = tape.Recorder()
        grad_idx = [i for i, t in enumerate(tracked) if t._grad is not None]
        grads_before = [t._grad for t in tracked]
        feeds = arg_tensors + tracked + [tracked[i]._grad for i in grad_idx]
        saved, names = [], []
        for t in feeds:
            a = t._data
            if a.__class__ is not tape.RecArray or a._rec is not rec:
                saved.append((t, a))
                t._data = rec.adopt(a if a.__class__ is not tape.RecArray else a._a)
            name = t._data._expr
            names.append(name if name not in names else f"_d{len(names)}")
        expected = {id(t): t._data._expr for t in feeds}
        numbers = [rec.number_input(g[k]) for g, k in live]
        for (g, k), n in zip(live, numbers):
            g[k] = n
        names += [n._expr for n in numbers]
        result, back = None, None
        try:
            with recording(rec):
                result = self.fn(*args, **kwargs)
                outs = _leaves(result, [])
                if _needs_backward(rec, outs, tracked, grads_before):
                    try:
                        back = autograd.record_backward(
                            rec, outs, state.differentiable(tracked, arg_tensors))
                    except Exception as e:   # the eager result stands; this key runs eagerly
                        rec.spoil(f"the backward could not be recorded ({e})")
            entry = self._plan(rec, outs, tracked, grads_before, expected, back)
        finally:
            for t, a in saved:
                t._data = a
            if state.restore_numbers(live, numbers):
                entry = _eager("the call changed a hyper-parameter")
            after = state.tensors(submods, optimizers)   # with state the call created
            for t in _leaves(result, []) + after + [t._grad for t in after
                                                    if t._grad is not None]:
                if t._data.__class__ is tape.RecArray:
                    t._data = t._data._a
            state.forget_scratch(optimizers)
        entry.backward = None
        if entry.eager is None and back is not None:
            start, seeds, grad_names = back
            saved = autograd.saved_slots(rec, start, seeds)
            entry.saved_at = len(entry.results)
            entry.results += saved
            entry.backward = _backward_program(rec, start, saved, seeds, grad_names)
            rec.lines = rec.lines[:start]
        if entry.eager is None:
            entry.program = program.build(rec, names, entry.results)
            entry.pure = not rec.mutates
            entry.grad_idx = grad_idx
            entry.template = _rebuild(result, iter([_SLOT] * len(outs)))
        self._report(rec, entry)
        return entry, result

    @staticmethod
    def _plan(rec, outs, tracked, grads_before, expected, back):
        """The entry for a finished capture: which slots come back and where they go."""
        if rec.spoiled is not None:
            return _eager(rec.spoiled)
        results, grads, writes = [], [], []

        def slot_of(t):
            d = t._data
            return d._expr if d.__class__ is tape.RecArray and d._rec is rec else None

        for i, (t, g0) in enumerate(zip(tracked, grads_before)):
            s = slot_of(t)
            if s is None:
                return _eager("a state tensor's data was replaced from outside the call")
            if s != expected[id(t)]:
                writes.append((i, len(results)))
                results.append(s)
            g1 = t._grad
            if g1 is g0 and (g1 is None or slot_of(g1) == expected[id(g1)]):
                continue
            if g1 is None:
                grads.append((i, None, None))
                continue
            s = slot_of(g1)
            if s is None:
                return _eager("a gradient came from outside the captured call")
            grads.append((i, len(results), g1._dtype))
            results.append(s)
        outputs = []
        for o in outs:
            s = slot_of(o)
            if s is None or s.startswith("c") or s in expected.values():
                return _eager("an output is not computed by the call")
            if o._requires_grad and not grads and back is None and \
                    grad_mode.is_grad_enabled():
                return _eager("an output requires grad, and its backward could not be "
                              "recorded")
            outputs.append((len(results), o._dtype, o._device))
            results.append(s)
        e = _Entry()
        e.grads, e.writes, e.outputs, e.results = grads, writes, outputs, results
        return e

    def _report(self, rec, entry):
        if entry.eager is None:
            if _logs("graph_code"):
                log.warning("%s", entry.program.source)
            return
        where = rec.graph_break
        if where is not None:
            if self.fullgraph:
                raise _errors.compile_graph_break(entry.eager, *where)
            if where not in _warned_lines:
                _warned_lines.add(where)
                warnings.warn(_errors.compile_graph_break_warning(entry.eager, *where),
                              UserWarning, stacklevel=4)
        if _logs("graph_breaks"):
            log.warning("%s runs eagerly: %s", _name(self.fn), entry.eager)

    # ---- replay --------------------------------------------------------------------------
    @staticmethod
    def _replay(entry, arg_tensors, tracked, live):
        ins = [t._data for t in arg_tensors]
        ins += [t._data for t in tracked]
        ins += [tracked[i]._grad._data for i in entry.grad_idx]
        ins += [g[k] for g, k in live]
        res = entry.program(*ins)
        for i, pos, dtype in entry.grads:   # (index in tracked, result position, dtype)
            t = tracked[i]
            t._grad = None if pos is None else _make(res[pos], dtype, t._device)
        for i, pos in entry.writes:
            tracked[i]._data = res[pos]
        outs = [_make(res[pos], dt, dev) for pos, dt, dev in entry.outputs]
        if entry.backward is not None:
            outs = autograd.CompiledFunction.apply(
                entry, res[entry.saved_at:], outs,
                *state.differentiable(tracked, arg_tensors))
            outs = list(outs) if isinstance(outs, tuple) else [outs]
        return _rebuild(entry.template, iter(outs))


_SLOT = object()


def _needs_backward(rec, outs, tracked, grads_before):
    """Whether a capture should record the backward of its outputs: they all need gradients
    and the call did not run a backward itself."""
    return (rec.spoiled is None and outs and grad_mode.is_grad_enabled() and
            all(o._requires_grad for o in outs) and
            all(t._grad is g for t, g in zip(tracked, grads_before)))


def _backward_program(rec, start, saved, seeds, grad_names):
    """The backward program: from the saved arrays and the outputs' gradients to the
    gradients of the differentiable inputs (None where one got none)."""
    results = [n for n in grad_names if n is not None]
    prog = program.build(rec, saved + seeds, results, first=start)

    def backward(*arrays):
        got = iter(prog(*arrays))
        return [None if n is None else next(got) for n in grad_names]
    return backward


def _name(fn):
    return getattr(fn, "__qualname__", None) or type(fn).__name__
