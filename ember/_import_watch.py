"""Under the runner, find the tensor-likes that library modules define without interposing a
frame in their class statements.

A class defining ``__torch_function__`` outside Tensor (tensordict's ``TensorDictBase``) must
switch function-level dispatch on (``ember.overrides``); Ember's watching ``__build_class__``
notices one as its class statement ends, but it is a Python frame between a class body and
the code running the class statement, and code that inspects that frame from inside a class
body (``overrides``' ``@override`` scans ``sys._getframe(3)`` for the base classes; Tianshou
decorates its methods so) finds Ember's instead.

So the watch is off while a module found through the runner's finder executes, and the module
is looked at once it has run: its spec (a ``ModuleSpec`` whose class is swapped for
``_WatchedSpec``) hears the import system set ``_initializing`` around ``exec_module``.  When
the outermost such import ends, the modules other finders loaded meanwhile are looked at too.
Class statements outside imports (the script's own, classes made at run time) stay watched.
"""
from importlib.machinery import ModuleSpec
import sys

from . import overrides

_active = [False]   # the runner's finder is installed
_depth = [0]        # watched imports executing now (nested)
_seen = set()       # module names already looked at


class _WatchedSpec(ModuleSpec):
    @property
    def _initializing(self):
        return self.__dict__.get("_watched_initializing", False)

    @_initializing.setter
    def _initializing(self, value):
        self.__dict__["_watched_initializing"] = value
        if _active[0] and value:
            _started()
        elif _active[0]:
            _finished(self.name)


def _started():
    _depth[0] += 1
    overrides.watch_class_statements(False)


def _finished(name):
    _depth[0] = max(0, _depth[0] - 1)
    _look_at(name)
    if _depth[0] == 0:
        for other in sys.modules.keys() - _seen:
            if not _loading(sys.modules.get(other)):
                _look_at(other)
        overrides.watch_class_statements(True)


def _loading(module):
    """Whether ``module`` is still executing (an import that another finder's spec runs, with
    a watched import inside it): looked at later, once it has run."""
    return getattr(getattr(module, "__spec__", None), "_initializing", False) is True


def _look_at(name):
    _seen.add(name)
    module = sys.modules.get(name)
    namespace = getattr(module, "__dict__", None)
    # (not Ember's own modules, also found under torch's names: their classes report torch's
    # module under the runner, so the module test of overrides._tensor_like misses them)
    own = str(getattr(module, "__name__", "")).partition(".")[0] == "ember"
    if isinstance(namespace, dict) and not own:
        overrides.note_tensor_likes(namespace.values())


def watched(spec):
    """``spec``, reporting its module's execution (specs of other classes are left alone)."""
    if type(spec) is ModuleSpec:
        spec.__class__ = _WatchedSpec
    return spec


def activate(on):
    """Turn the watching of imports (and of class statements outside them) on or off."""
    _active[0] = on
    _depth[0] = 0
    if on:
        _seen.update(sys.modules)
    else:
        _seen.clear()
    overrides.watch_class_statements(on)
