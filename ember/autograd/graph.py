"""The autograd graph: Node, AccumulateGrad, edges, saved tensors and hooks.

This module depends only on ``_tensor``/``_errors`` so that ``_ops`` can record nodes while
running forward; the engine that walks the graph is in ``engine.py``.

Each op's backward node is a subclass of ``Node`` named like PyTorch's (``MulBackward0``),
made by ``node_class``; its backward formula is written in ember ops so that double backward
works.  Saved tensors are checked against their version counters when they are unpacked.
"""
import sys
import traceback
import warnings
import weakref
from collections import OrderedDict
from typing import NamedTuple

from .. import _errors
from .._layout import strided as _strided, contiguous_format as _contiguous
from .._strides import dense as _dense_strides
from .._aten_dispatch import _classes as _dispatching
from .._tensor import GRAD_DTYPES, Tensor, _make
from . import grad_mode
from . import _saved_names
from ..utils.hooks import add_hook

_new = object.__new__


class _Freed(tuple):
    """The class of ``_FREED``, so that ``saved()`` tells plain saved tensors from the rest
    (freed, or deferred by ``utils.checkpoint``) with one class test."""


_FREED = _Freed([None])  # released saved tensors: a unique object (``()`` is a singleton
                         # that nodes saving nothing also hold, so it cannot be the marker)
_NO_EDGE = (None, 0)
# ``_accum`` of a view made in no_grad mode of a tensor that requires grad: like PyTorch's, such
# a view requires grad but has no history and accumulates no gradient.
NO_GRAD_VIEW = "no-grad view"
_anomaly = [False, True]   # [enabled, check_nan]


class Node:
    """A function in the backward graph.  ``next_functions`` lists one edge per forward input.

    Only the fields every node sets live in slots; the rarely used ones (hooks, metadata,
    saved-output indices, the anomaly trace, output count) are class defaults that an
    instance overrides in its ``__dict__`` when needed, which keeps node creation cheap."""
    __slots__ = ("next_functions", "_saved", "_versions", "_args", "__dict__", "__weakref__")
    _backward = None
    _out_idx = None
    _nout = 1
    _hooks = None
    _prehooks = None
    _thooks = None
    _retains = None
    _meta = None
    _trace = None

    def name(self):
        return type(self).__name__

    def __repr__(self):
        return f"<{type(self).__name__} object at {hex(id(self))}>"

    def __call__(self, *grads):
        return self._backward(*grads)

    # ---- saved tensors ---------------------------------------------------------------------
    def saved(self):
        """Unpack saved tensors, raising PyTorch's errors if freed or modified in place."""
        s = self._saved
        if s.__class__ is not tuple:
            if s is _FREED:
                raise _errors.backward_twice()
            s = s.unpack(self)      # dropped by a non-reentrant checkpoint: recompute them
        vs = self._versions
        for i, t in enumerate(s):
            if t is not None and t._vc[0] != vs[i]:
                raise self._modified_error(i)
        oi = self._out_idx
        if oi is None:
            return s
        # Saved outputs were stored without grad_fn (no reference cycle); re-attach it now.
        s = list(s)
        for i, nr in oi:
            t = s[i]
            u = _make(t._data, t._dtype, t._device, True)
            u._vc = t._vc
            u._grad_fn = self
            u._output_nr = nr
            if t.__class__ in _dispatching:     # a wrapper's output (``__torch_dispatch__``)
                u = _as_saved_subclass(u, t)
            if t._fw is not None:     # forward-mode tangents (forward-over-reverse)
                u._fw = t._fw
            s[i] = u
        return tuple(s)

    def _modified_error(self, i):
        t = self._saved[i]
        own = dict(self._out_idx or ())
        if i in own:
            return _errors.saved_modified(t, self, own[i], self._versions[i])
        return _errors.saved_modified(t, t._grad_fn, t._output_nr, self._versions[i])

    # torch's per-node saved values: ``_saved_self``, ``_saved_dim``, ``_raw_saved_self`` ...
    def __getattr__(self, name):
        node_type = type(self).__name__
        if name.startswith("_saved_"):
            key = name[len("_saved_"):]
            if key in _saved_names.names(node_type):
                return _saved_names.value(self, key)
        elif name.startswith("_raw_saved_"):
            key = name[len("_raw_saved_"):]
            if _saved_names.is_tensor(node_type, key):
                return SavedTensor(_saved_names.value(self, key))
        raise _errors.module_attribute_missing(name, self)

    def __dir__(self):
        node_type = type(self).__name__
        found = _saved_names.names(node_type)
        raw = {"_raw_saved_" + n for n in found if _saved_names.is_tensor(node_type, n)}
        return sorted(set(super().__dir__()) | {"_saved_" + n for n in found} | raw)

    def _release(self):
        for t in self._saved:
            if t is not None:
                self._saved = _FREED
                return

    @property
    def metadata(self):
        m = self._meta
        if m is None:
            m = self._meta = {}
        return m

    # ---- hooks -----------------------------------------------------------------------------
    def register_hook(self, fn):
        """fn(grad_inputs, grad_outputs) -> new grad_inputs or None, run after backward."""
        if self._hooks is None:
            self._hooks = OrderedDict()
        return add_hook(self._hooks, fn)

    def register_prehook(self, fn):
        """fn(grad_outputs) -> new grad_outputs or None, run before backward."""
        if self._prehooks is None:
            self._prehooks = OrderedDict()
        return add_hook(self._prehooks, fn)

    def _tensor_prehooks(self, grads):
        """The hooks of the tensors this node produced (``register_hook``, ``retain_grad``)."""
        if self._thooks is not None:
            for nr, fn in list(self._thooks.values()):
                g = grads[nr]
                if g is not None:
                    r = fn(g)
                    if r is not None:
                        grads[nr] = r
        if self._retains is not None:
            for nr, ref in self._retains.items():
                t = ref()
                g = grads[nr]
                if t is not None and g is not None:
                    t._grad = g.detach().clone() if t._grad is None else t._grad + g.detach()
        return grads

    def _apply(self, grads):
        """Run hooks and the backward formula; ``grads`` is a list, one entry per output."""
        if self._thooks is not None or self._retains is not None:
            grads = self._tensor_prehooks(grads)
        if self._prehooks is not None:
            for fn in list(self._prehooks.values()):
                r = fn(tuple(grads))
                if r is not None:
                    grads = list(r)
        out = self._backward(*grads)
        if type(out) is not tuple:
            out = (out,)
        if self._hooks is not None:
            for fn in list(self._hooks.values()):
                r = fn(out, tuple(grads))
                if r is not None:
                    out = tuple(r)
        return out


def apply_anomalous(node, grads):
    """``node._apply`` under anomaly mode: warn with the forward trace on error, check NaN."""
    try:
        out = node._apply(grads)
        if _anomaly[1]:
            for i, g in enumerate(out):
                if g is not None and bool(g.isnan().any()):
                    raise _errors.anomaly_nan(node, i)
    except Exception:
        if node._trace:
            warnings.warn(_errors.anomaly_trace_warning(node), stacklevel=2)
        raise
    return out


def _as_saved_subclass(u, t):
    from .._aten_dispatch import copy_state
    from .._tensor import _copy_fields
    v = object.__new__(t.__class__)
    _copy_fields(v, u)
    copy_state(v, t)
    return v


class SavedTensor:
    """What ``node._raw_saved_<name>`` returns: the saved tensor, before unpacking."""
    __slots__ = ("_value",)

    def __init__(self, value):
        self._value = value

    def register_hooks(self, pack_hook, unpack_hook):
        raise _errors.unsupported("SavedTensor.register_hooks",
                                  "use torch.autograd.graph.saved_tensors_hooks")


class AccumulateGrad(Node):
    """Sink node of a leaf tensor: adds the incoming gradient into ``variable.grad``."""
    __slots__ = ("variable", "_post_hooks")

    def name(self):
        return "torch::autograd::AccumulateGrad"

    def _tensor_prehooks(self, grads):
        g = grads[0]
        for fn in list((self.variable._hooks or {}).values()):
            r = fn(g)
            if r is not None:
                g = r
        return [g]

    def _apply(self, grads):
        var = self.variable
        g = self._tensor_prehooks(grads)[0] if var._hooks else grads[0]
        if self._prehooks is not None:
            for fn in list(self._prehooks.values()):
                r = fn((g,))
                if r is not None:
                    g = r[0]
        accumulate_into(var, g)
        if self._hooks is not None:
            for fn in list(self._hooks.values()):
                fn((), (g,))
        if self._post_hooks:
            for fn in list(self._post_hooks.values()):
                fn(var)
        return ()


def reached_leaves(nodes):
    """The leaf tensors whose accumulators the backward graph reaches from ``nodes`` (each node
    visited once, ``None`` skipped).  A generator, so a search can stop at the first hit."""
    stack, seen = list(nodes), set()
    while stack:
        node = stack.pop()
        if node is None or id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, AccumulateGrad):
            yield node.variable
        else:
            stack.extend(n for n, _ in node.next_functions)


def accumulate_into(var, g):
    """PyTorch's AccumulateGrad policy: steal a fresh gradient buffer, else copy; add in place.
    A leaf whose ``grad_dtype`` was set gets its gradients cast to it."""
    if GRAD_DTYPES.data:
        wanted = GRAD_DTYPES.get(var, g._dtype)
        if wanted is not None and wanted is not g._dtype:
            g = g.to(wanted)
    old = var._grad
    if old is None:
        if g.layout is not _strided or g.__class__ in _dispatching:
            var._grad = g.clone() if grad_mode.grad_on() else g.detach()
        elif not grad_mode.grad_on() and _obeys_contract(g, var) and _can_steal(g):
            g._requires_grad = False
            var._grad = g
        else:
            var._grad = _contract_copy(var, g)
    elif grad_mode.grad_on():
        var._grad = old + g if old.layout is _strided or g.layout is not _strided else g + old
    elif old.layout is not _strided or g.layout is not _strided:
        # sparse + sparse stays sparse; with a dense one the sum is dense (dense + sparse)
        var._grad = (old + g if g.layout is not _strided else g + old).detach()
    elif old.__class__ in _dispatching or g.__class__ in _dispatching:
        var._grad = (old + g).detach()
    else:
        d = old._data
        if old._device.backend.writeable(d) and d.shape == g._data.shape:
            d += g._data
            old._vc[0] += 1
        else:
            var._grad = _make(d + g._data, old._dtype, old._device)


def _obeys_contract(g, var):
    """torch's gradient layout contract for a leaf's first ``.grad``: the leaf's own strides
    (size-1 dims aside) when the leaf is strided and dense, C-contiguous otherwise."""
    g, v = g._data, var._data
    if not _dense(var) or v.flags.c_contiguous:        # C order is the contract
        return g.flags.c_contiguous
    return all(n == 1 or sg == sv for n, sg, sv in zip(g.shape, g.strides, v.strides))


def _dense(var):
    """Whether the leaf is strided, non-overlapping and dense (torch's
    ``is_non_overlapping_and_dense``)."""
    if var.layout is not _strided:
        return False
    if var._data.flags.c_contiguous:
        return True
    return _dense_strides(var._data)


def _contract_copy(var, g):
    """A copy of ``g`` obeying the layout contract (differentiable when grad mode is on, as
    torch's ``clone_obey_contract``)."""
    v = var._data
    if not _dense(var):
        return g.clone(memory_format=_contiguous) if grad_mode.grad_on() else \
            _make(var._device.backend.copy(g._data), g._dtype, g._device)
    buf = _make(var._device.backend.xp.empty_like(v, dtype=g._data.dtype), g._dtype,
                g._device)
    if grad_mode.grad_on():
        return buf.copy_(g)
    buf._data[...] = g._data
    return buf


def _can_steal(g):
    """True when nobody but the engine can observe ``g``'s buffer, so ``.grad`` may keep it.

    ``g`` must be referenced only by the engine's locals, and its array must own its memory or
    be a whole-buffer view (e.g. a transpose of a fresh product) of an array that nothing else
    references once ``g``'s own view links are dropped."""
    d = g._data
    if g._grad_fn is not None or not g._device.backend.writeable(d) or \
            sys.getrefcount(g) > 5:
        return False
    base = d.base
    if base is None:
        return True
    if base.__class__ is not d.__class__ or base.base is not None or base.nbytes != d.nbytes:
        return False
    del base
    g._base = g._vfn = None  # g is engine-private: its view bookkeeping is unobservable
    return sys.getrefcount(d.base) <= 2


def accumulator_of(t):
    ref = t._accum
    acc = ref() if ref is not None else None
    if acc is None:
        acc = _new(AccumulateGrad)
        _init_node(acc, ())
        acc.variable = t
        acc._post_hooks = None
        t._accum = weakref.ref(acc)
    return acc


def edge(t):
    if t is None or not t._requires_grad:
        return _NO_EDGE
    fn = t._grad_fn
    if fn is not None:
        return (fn, t._output_nr)
    if t._accum is NO_GRAD_VIEW:
        return _NO_EDGE
    return (accumulator_of(t), 0)


class GradientEdge(NamedTuple):
    """Where a tensor's gradient arrives in the graph: ``node`` (its ``grad_fn``, or a leaf's
    ``AccumulateGrad``) at input ``output_nr``.  ``autograd.grad`` takes it as an input."""
    node: Node
    output_nr: int
    ownership_token: Node = None    # torch's keep-alive for C++-owned nodes (unused here)


def get_gradient_edge(tensor):
    """``autograd.grad(loss, get_gradient_edge(x))`` is ``autograd.grad(loss, x)``."""
    if not tensor._requires_grad:
        raise _errors.gradient_edge_without_grad()
    return GradientEdge(*edge(tensor))


def _init_node(node, next_functions):
    node.next_functions = next_functions
    node._saved = ()
    node._versions = ()
    node._args = None
    if _anomaly[0]:
        node._trace = traceback.format_stack()[:-3]


def node_class(name, backward):
    """A Node subclass named ``name`` (PyTorch's node name) whose backward is ``backward``."""
    return type(name, (Node,), {"__slots__": (), "_backward": backward,
                                "__module__": "torch.autograd.graph"})


def make_node(cls, inputs, saved=(), args=None):
    """Create a node of ``cls`` whose edges lead to ``inputs`` and which saves ``saved``."""
    node = _new(cls)
    node.next_functions = tuple([edge(t) if isinstance(t, Tensor) else _NO_EDGE
                                 for t in inputs])
    if saved:
        node._saved = saved if saved.__class__ is tuple else tuple(saved)
        node._versions = tuple([-1 if t is None else t._vc[0] for t in saved])
    else:
        node._saved = node._versions = ()
    node._args = args
    if _anomaly[0]:
        node._trace = traceback.format_stack()[:-2]
    return node


def set_output(node, out, nr=0):
    out._grad_fn = node
    out._output_nr = nr
    out._requires_grad = True
    return out


def store_saved(node, index, alias, version):
    """Put ``alias`` in saved slot ``index`` of ``node``, with the version it was saved at."""
    s = list(node._saved)
    s[index] = alias
    node._saved = tuple(s)
    v = list(node._versions)
    v[index] = version
    node._versions = tuple(v)


def output_alias(out):
    """``out`` as a node saves its own output: the same array and version counter, without
    ``grad_fn`` (no reference cycle; ``Node.saved`` re-attaches it)."""
    alias = _make(out._data, out._dtype, out._device)
    alias._vc = out._vc
    return alias


def save_output(node, out, index, nr=0):
    """Save an op's own output in slot ``index`` of ``node._saved`` without a reference cycle."""
    store_saved(node, index, output_alias(out), out._vc[0])
    node._out_idx = ((index, nr),) if node._out_idx is None else node._out_idx + ((index, nr),)


# ---- tensor hooks and retain_grad ----------------------------------------------------------
def register_tensor_hook(t, fn):
    if not t._requires_grad:
        raise _errors.hook_without_grad()
    if t._grad_fn is None:
        if t._hooks is None:
            t._hooks = OrderedDict()
        return add_hook(t._hooks, fn)
    node = t._grad_fn
    if node._thooks is None:
        node._thooks = OrderedDict()
    return add_hook(node._thooks, (t._output_nr, fn))


def register_post_accumulate_hook(t, fn):
    if t._grad_fn is not None:
        raise _errors.post_accumulate_hook_non_leaf()
    acc = accumulator_of(t)
    t.__dict__["_post_acc_node"] = acc  # keep the sink alive while the hook is registered
    if acc._post_hooks is None:
        acc._post_hooks = OrderedDict()
    return add_hook(acc._post_hooks, fn)


def retain_grad(t):
    if not t._requires_grad:
        raise _errors.retain_grad_without_grad()
    if t._grad_fn is None or t._retain:
        return
    node = t._grad_fn
    if node._retains is None:
        node._retains = {}
    node._retains[t._output_nr] = weakref.ref(t)
    t._retain = True


def __getattr__(name):
    # saved_tensors_hooks & co. live in saved_hooks.py (which swaps this module's node
    # constructor), loaded on first use
    if name in ("saved_tensors_hooks", "save_on_cpu", "disable_saved_tensors_hooks"):
        from . import saved_hooks
        return getattr(saved_hooks, name)
    if name == "register_multi_grad_hook":     # (it needs the engine, which imports this)
        from ._multi_grad_hook import register_multi_grad_hook
        return register_multi_grad_hook
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
