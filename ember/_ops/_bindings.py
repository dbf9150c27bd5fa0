"""Swapping every binding of some functions for wrappers while a transform is active.

Transforms that must see op calls only while they are on (``ember.autocast``, the profiler,
``FlopCounterMode``) register a *layer*: the functions it needs and how to wrap one.  While
layers are active, each function some active layer needs is replaced, wherever it is bound
(Tensor attributes, the globals of every loaded module — ``ember.matmul``,
``nn.functional.linear``, ``_ops.linalg``'s own namespace, a user's ``from torch import mm``
— and the staticmethods of classes), by the composition of the active layers' wrappers, in
layer order (the lowest order outermost).  With no layer active the original functions are
back, so eager calls pay nothing.

A *stand-in* is a permanent public binding of an op that is not the op's own function (the
wrapper ``ember.add`` is, taking NumPy's keyword names: ``_numpy_names``).  It counts as a
place of its op's function, the layers' wrappers call through it (so it keeps working under
them), and restoring puts it back.  A stand-in stricter than the method (``torch.reshape``
takes its shape only whole, ``Tensor.reshape`` also unpacked) serves the namespaces only: at
Tensor's attributes the layers call the op's own function.
"""
import sys
import threading
import types

from .._tensor import Tensor

__all__ = ["register_layer", "set_active", "is_active", "refresh", "original", "stand_in",
           "public"]

_FUNCTION = types.FunctionType
_lock = threading.RLock()
_layers = {}        # name -> (order, functions(): a set or dict, wrap(inner, original), scope)
_active = set()
_composed = {}      # (original, active layer names) -> wrapper
_originals = {}     # wrapper -> original
_stand_ins = {}     # original -> its stand-in
_function_only = set()  # stand-ins that serve namespaces, not Tensor's attributes
_places = {}        # original -> [(owner, name, bound value)]
_seen = {"modules": -1, "functions": frozenset()}
_swapped = []       # (owner, name, original bound value)
_plans = {}         # (active layers, their functions) -> [(owner, name, value, wrapper)]


def register_layer(name, order, functions, wrap, scope="all"):
    """``functions()`` gives the functions the layer wraps; ``wrap(inner, original)`` a
    wrapper that calls ``inner`` (``original``, or the next layer's wrapper).  ``scope``: where
    the layer rebinds them: ``"all"``, ``"modules"`` (not Tensor's attributes, whose identity
    then stays put) or ``"tensor"`` (Tensor's attributes only)."""
    _layers[name] = (order, functions, wrap, scope)


def set_active(name, active):
    """Turn layer ``name`` on or off, rebinding what that changes."""
    with _lock:
        if (name in _active) == bool(active):
            return
        (_active.add if active else _active.discard)(name)
        _restore()
        if _active:
            _install()


def is_active(name):
    return name in _active


def stand_in(wrapper, fn, function_only=False):
    """Record ``wrapper`` as the public stand-in of the function ``fn`` (``function_only``: for
    the namespaces only, as the method takes more than it does)."""
    _stand_ins[fn] = wrapper
    _originals[wrapper] = fn
    if function_only:
        _function_only.add(wrapper)


def public(fn):
    """``fn``'s stand-in, or None."""
    return _stand_ins.get(fn)


def original(fn):
    """The function a layer's wrapper stands for (``fn`` itself when it is none)."""
    try:
        return _originals.get(fn, fn)
    except TypeError:       # unhashable
        return fn


def refresh():
    """Rebind after the active layers' function sets grew (a module registered more)."""
    with _lock:
        if _active:
            _restore()
            _install()


def _restore():
    for owner, attr, value in reversed(_swapped):
        if isinstance(owner, dict):
            owner[attr] = value
        else:
            setattr(owner, attr, value)
    _swapped.clear()


def _install():
    layers = sorted((_layers[n][0], n) for n in _active)
    needs = {name: set(_layers[name][1]()) for _, name in layers}
    wanted = frozenset().union(*needs.values())
    if len(sys.modules) != _seen["modules"] or not wanted <= _seen["functions"]:
        _search(wanted)
    key = (tuple(layers), wanted)
    plan = _plans.get(key)
    if plan is None:
        plan = _plans[key] = _plan(layers, needs)
    for owner, attr, value, new in plan:
        bound = owner.get(attr) if isinstance(owner, dict) else owner.__dict__.get(attr)
        if bound is not value and (bound is None or _unwrapped(bound) is not _unwrapped(value)):
            continue        # rebound since the search (e.g. by a tracer): leave it
        if isinstance(owner, dict):
            owner[attr] = new
        else:
            setattr(owner, attr, new)
        _swapped.append((owner, attr, value))


def _unwrapped(bound):
    """The original function behind a binding (a function, a layer's wrapper of one, or a
    staticmethod of either)."""
    fn = bound.__func__ if type(bound) is staticmethod else bound
    return original(fn)

def _plan(layers, needs):
    """Every (owner, name, bound value, replacement) the active layers swap in: computed once
    per set of active layers (toggling a layer, e.g. one vmap call, then just replays it)."""
    plan = []
    for fn, places in _places.items():
        for owner, attr, value in places:
            kind = "tensor" if owner is Tensor else "modules"
            chain = tuple(name for _, name in layers
                          if fn in needs[name] and _layers[name][3] in ("all", kind))
            if chain:
                new = _composed_wrapper(fn, chain, kind == "tensor")
                plan.append((owner, attr, value,
                             staticmethod(new) if type(value) is staticmethod else new))
    return plan


def _composed_wrapper(fn, chain, method):
    inner = _stand_ins.get(fn, fn)
    if method and inner in _function_only:
        inner = fn
    wrapper = _composed.get((inner, chain))
    if wrapper is None:
        wrapper = inner
        for name in reversed(chain):
            wrapper = _layers[name][2](wrapper, fn)
        _composed[(inner, chain)] = wrapper
        _originals[wrapper] = fn
    return wrapper


def _restorable(bound):
    """What restoring puts back where ``bound`` was found: the original function where it was
    bound, else (its stand-in, or a layer's wrapper copied from a public binding) the
    public function."""
    fn = original(bound)
    return fn if bound is fn else _stand_ins.get(fn, fn)


def _search(fns):
    """Find where the functions ``fns`` are bound.  A module imported while a layer was active
    holds that layer's wrapper (``from torch import add`` copied it): it counts as a place of
    the original, and restoring puts the original back there."""
    places = {fn: [] for fn in fns}
    classes = set()
    for k, v in list(Tensor.__dict__.items()):
        if type(v) is _FUNCTION and original(v) in places:
            places[original(v)].append((Tensor, k, _restorable(v)))
    for module in list(sys.modules.values()):
        d = getattr(module, "__dict__", None)
        if not isinstance(d, dict):
            continue
        for k, v in list(d.items()):
            if type(v) is _FUNCTION:
                fn = original(v)
                if fn in places:
                    places[fn].append((d, k, _restorable(v)))
            elif type(v) is type and v is not Tensor and v not in classes and (
                    v.__module__ == d.get("__name__") or d.get(v.__qualname__) is v):
                classes.add(v)      # (under the runner its __module__ names torch's module)
                for a, sv in list(v.__dict__.items()):
                    if type(sv) is staticmethod and type(sv.__func__) is _FUNCTION \
                            and original(sv.__func__) in places:
                        fn = original(sv.__func__)
                        places[fn].append((v, a, staticmethod(_restorable(sv.__func__))))
    _places.clear()
    _places.update(places)
    _plans.clear()
    _seen["modules"] = len(sys.modules)
    _seen["functions"] = frozenset(fns)
