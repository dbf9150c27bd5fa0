"""Swapping ember's public bindings for wrappers while code is traced, and back.

Both tracers work this way: ``jit.trace`` records the outermost op calls made on real tensors,
``fx.symbolic_trace`` the calls that receive a Proxy.  Nothing is swapped outside a trace, so
eager op calls carry no tracing cost at all.  The bindings are those of every function in the
op table: Tensor methods and operators, the functions of ember's modules (``ember.x``,
``nn.functional``, the ``_ops`` namespaces), the staticmethods that modules keep as ``_fn``,
and the globals of the user's code (``from ember import relu`` there).
"""
import sys
import types

from .. import _names
from .._ops._bindings import original
from .._tensor import Tensor
from . import _optable


_MISSING = object()


class Patcher:
    """Sets attributes of modules and classes, or keys of dicts (a namespace may gain a key,
    removed again on ``undo``), and restores them."""

    def __init__(self):
        self._saved = []

    def set(self, owner, name, value):
        if isinstance(owner, dict):
            self._saved.append((owner, name, owner.get(name, _MISSING)))
            owner[name] = value
        else:
            self._saved.append((owner, name, vars(owner)[name]))
            setattr(owner, name, value)

    def undo(self):
        for owner, name, value in reversed(self._saved):
            if not isinstance(owner, dict):
                setattr(owner, name, value)
            elif value is _MISSING:
                del owner[name]
            else:
                owner[name] = value
        self._saved.clear()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.undo()


def user_namespaces(fn, module=None):
    """The global namespaces the traced code reads: those of ``fn`` and of the ``forward`` of
    every module in ``module`` (generated forwards included)."""
    fns = [fn] + ([type(m).forward for m in module.modules()] if module is not None else [])
    spaces = {}
    for f in fns:
        g = getattr(f, "__globals__", None)
        if isinstance(g, dict):
            spaces.setdefault(id(g), g)
    return list(spaces.values())


def _node_kind(fn, attr):
    """What a call through a binding records: ``(op, target, operands swapped)``.  A Tensor
    operator (``__add__``, ``__radd__``) is the ``operator`` function, another Tensor method a
    ``call_method`` of its name, a function a ``call_function`` of itself."""
    if attr is None:
        return "call_function", fn, False
    special = _optable.OPERATORS.get(attr)
    if special is not None:
        return ("call_function",) + special
    return "call_method", attr, False


def patch_bindings(patcher, make_wrapper, namespaces=()):
    """Replace every binding of a table function by ``make_wrapper(fn, op, target, swapped)``
    (see ``_node_kind``): Tensor attributes, functions of ember's modules and of
    ``namespaces`` (dicts), staticmethods of their classes.  Wrappers are made once each.
    A binding an active ``_bindings`` layer holds is recorded and called as bound (the target
    is what ``torch.relu`` is at the time), and found in the table by its original."""
    by_fn = _optable.by_function()
    made = {}

    def wrapper(bound, attr=None):
        w = made.get((bound, attr))
        if w is None:
            w = made[(bound, attr)] = make_wrapper(bound, *_node_kind(bound, attr))
        return w

    for k, v in list(Tensor.__dict__.items()):
        if type(v) is types.FunctionType and original(v) in by_fn:
            patcher.set(Tensor, k, wrapper(v, k))
    spaces = {}
    for name, m in list(sys.modules.items()):
        if (name == "ember" or name.startswith("ember.")) and m is not None:
            spaces.setdefault(id(vars(m)), vars(m))
    for d in namespaces:
        spaces.setdefault(id(d), d)
    for d in spaces.values():
        names = {d.get("__name__"), _names.to_torch(d.get("__name__") or "")}  # (the runner's)
        for k, v in list(d.items()):
            if type(v) is types.FunctionType:
                if original(v) in by_fn:
                    patcher.set(d, k, wrapper(v))
            elif isinstance(v, type) and v is not Tensor and v.__module__ in names:
                for a, sv in list(v.__dict__.items()):
                    if type(sv) is staticmethod and type(sv.__func__) is types.FunctionType \
                            and original(sv.__func__) in by_fn:
                        patcher.set(v, a, staticmethod(wrapper(sv.__func__)))
