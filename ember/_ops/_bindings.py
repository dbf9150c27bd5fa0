"""Swapping every binding of some functions for wrappers, and back.

Transforms that must see op calls only while they are active (``ember.autocast``, the
profiler, ``FlopCounterMode``) wrap the functions where they are bound: Tensor attributes, the
globals of every loaded module (``ember.matmul``, ``nn.functional.linear``, ``_ops.linalg``'s
own namespace, a user's ``from torch import mm``) and the staticmethods of classes.  Outside
those regions nothing is wrapped, so eager calls pay nothing.
"""
import sys
import threading
import types

from .._tensor import Tensor

_FUNCTION = types.FunctionType


class Bindings:
    """The bound places of ``functions`` (a set), found again when modules were loaded since
    the last search.  ``swap(wrappers)`` installs ``{function: wrapper}``; ``restore()`` undoes
    it.  Swaps do not nest: a second ``swap`` is ignored until ``restore``."""

    def __init__(self, functions):
        self._functions = functions
        self._places = None
        self._modules_seen = -1
        self._saved = None
        self._lock = threading.Lock()

    def set_functions(self, functions):
        """Track another set of functions (searched for at the next ``swap``)."""
        self._functions = functions
        self._modules_seen = -1

    def _search(self):
        fns = self._functions
        places = [(Tensor, k, v) for k, v in list(Tensor.__dict__.items())
                  if type(v) is _FUNCTION and v in fns]
        for module in list(sys.modules.values()):
            d = getattr(module, "__dict__", None)
            if not isinstance(d, dict):
                continue
            for k, v in list(d.items()):
                if type(v) is _FUNCTION:
                    if v in fns:
                        places.append((d, k, v))
                elif type(v) is type and v is not Tensor and \
                        v.__module__ == d.get("__name__"):
                    for a, sv in list(v.__dict__.items()):
                        if type(sv) is staticmethod and type(sv.__func__) is _FUNCTION \
                                and sv.__func__ in fns:
                            places.append((v, a, sv))
        self._places = places
        self._modules_seen = len(sys.modules)

    def swap(self, wrappers):
        with self._lock:
            if self._saved is not None:
                return
            if len(sys.modules) != self._modules_seen:
                self._search()
            saved = []
            for owner, name, value in self._places:
                if type(value) is staticmethod:
                    new = staticmethod(wrappers[value.__func__])
                else:
                    new = wrappers[value]
                if isinstance(owner, dict):
                    if owner.get(name) is value:
                        owner[name] = new
                        saved.append((owner, name, value))
                elif owner.__dict__.get(name) is value:
                    setattr(owner, name, new)
                    saved.append((owner, name, value))
            self._saved = saved

    def restore(self):
        with self._lock:
            for owner, name, value in reversed(self._saved or ()):
                if isinstance(owner, dict):
                    owner[name] = value
                else:
                    setattr(owner, name, value)
            self._saved = None

    @property
    def swapped(self):
        return self._saved is not None
