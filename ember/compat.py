"""Make ``import torch`` / ``import torchvision`` resolve to Ember in a running interpreter.

``install()`` puts a finder at the front of ``sys.meta_path`` that maps ``torch.X.Y`` to
``ember.X.Y`` and ``torchvision.X`` to ``ember.vision.X``; the mapped names are the very same
module objects as Ember's (so ``torch.Tensor is ember.Tensor``).  While installed:

* importing ``torch.foo`` that Ember lacks raises ``ModuleNotFoundError`` naming ``torch.foo``;
* a missing attribute of a mapped module (``torch.some_fn``) raises ``ember.UnsupportedError``
  naming ``torch.some_fn`` (an ``AttributeError`` too, so ``hasattr`` still works).

* ``torch.__version__`` / ``torchvision.__version__`` are the PyTorch / torchvision releases
  Ember follows (:mod:`ember.version`), ``torch.__name__`` / ``torchvision.__name__`` read
  ``"torch"`` / ``"torchvision"``, and ``importlib.metadata`` reports ``torch`` and
  ``torchvision`` distributions of those versions (found before any real installation);
* ``from torch.hub import missing`` says ``cannot import name 'missing' from 'torch.hub'``;
* classes report PyTorch's modules (``type(t)`` prints ``<class 'torch.Tensor'>``,
  ``nn.Linear.__module__`` is ``torch.nn.modules.linear``), as libraries that recognise torch
  objects by their type's module expect; pickles then name torch's modules, as torch's do.

``uninstall()`` undoes all of it.  ``python -m ember.run`` (see :mod:`ember.run`) installs the
same hook before running a script.  Real PyTorch modules already imported are hidden while the
hook is installed and restored by ``uninstall()``.
"""
import dis
import importlib
import importlib.abc
import importlib.metadata
import importlib.util
import pathlib
import re
import sys
import types

from . import _errors, _import_watch, _names, version

def _resolve(target):
    """The Ember module called ``target``, or None if Ember has no such module."""
    module = sys.modules.get(target)
    if module is not None:
        return module
    parent, _, child = target.rpartition(".")
    if parent:
        owner = _resolve(parent)
        if owner is None:
            return None
        attr = owner.__dict__.get(child)
        if isinstance(attr, types.ModuleType):
            return attr
        if not hasattr(owner, "__path__"):
            return None
    try:
        if importlib.util.find_spec(target) is None:
            return None
    except ModuleNotFoundError:
        return None
    return importlib.import_module(target)


class _Loader(importlib.abc.Loader):
    """Puts the existing Ember module in ``sys.modules`` under the PyTorch name.

    The import system binds whatever ``sys.modules[name]`` holds after ``exec_module``, so the
    throwaway module it created is replaced by Ember's own (whose ``__spec__`` is untouched).
    """

    def __init__(self, module):
        self.module = module

    def create_module(self, spec):
        return None

    def exec_module(self, module):
        sys.modules[module.__name__] = self.module
        if hasattr(self.module, "__path__"):
            _alias_loaded_submodules(self.module.__name__)
        _guard_loaded_modules()
        _set_identities()


def _alias_loaded_submodules(package):
    """Register the already loaded submodules of Ember ``package`` under their PyTorch names,
    as a real package's own imports registered them: a later ``import torchvision.ops.roi_align``
    then finds the module loaded and leaves ``torchvision.ops.roi_align`` the function the
    package bound, instead of rebinding the parent's attribute to the submodule."""
    prefix = package + "."
    for name, sub in list(sys.modules.items()):
        if sub is None or not name.startswith(prefix):
            continue
        torch_name = _names.to_torch(name)
        if torch_name is not None and torch_name not in sys.modules and \
                _names.to_ember(torch_name) == name:
            sys.modules[torch_name] = sub


class _Distribution(importlib.metadata.Distribution):
    """The installed-package record ``importlib.metadata`` finds for ``torch``/``torchvision``."""

    def __init__(self, name, version_, package):
        self._name, self._version, self._package = name, version_, package

    def read_text(self, filename):
        if filename == "METADATA":
            return (f"Metadata-Version: 2.1\nName: {self._name}\nVersion: {self._version}\n"
                    f"Summary: {self._name} API provided by Ember ({self._package})\n")
        if filename == "top_level.txt":
            return f"{self._name}\n"
        return None

    def locate_file(self, path):
        return pathlib.Path(__file__).resolve().parent.parent / path


_DISTRIBUTIONS = (_Distribution("torch", version.__version__, "ember"),
                  _Distribution("torchvision", version.torchvision_version, "ember.vision"))

# The identity of the Ember module that stands for each PyTorch package under the hook: its
# ``__version__`` and ``__name__`` (libraries check ``torch.__name__ == "torch"``).
_IDENTITIES = {"ember": {"__version__": version.__version__, "__name__": "torch"},
               "ember.vision": {"__version__": version.torchvision_version,
                                "__name__": "torchvision"}}
_MISSING = object()
_own_identities = {}   # what those modules held before install(), put back by uninstall()


def _set_identities():
    for name, attrs in _IDENTITIES.items():
        module = sys.modules.get(name)
        if module is not None and name not in _own_identities:
            _own_identities[name] = {a: module.__dict__.get(a, _MISSING) for a in attrs}
            module.__dict__.update(attrs)


def _restore_identities():
    for name, attrs in _own_identities.items():
        module = sys.modules[name]
        for attr, value in attrs.items():
            if value is _MISSING:
                module.__dict__.pop(attr, None)
            else:
                module.__dict__[attr] = value
    _own_identities.clear()


class _Finder(importlib.abc.MetaPathFinder):
    def find_distributions(self, context=importlib.metadata.DistributionFinder.Context()):
        """``importlib.metadata``'s hook: report torch / torchvision as installed."""
        wanted = None if context.name is None else re.sub(r"[-_.]+", "_", context.name).lower()
        return [d for d in _DISTRIBUTIONS if wanted in (None, d._name)]

    def find_spec(self, fullname, path=None, target=None):
        if _is_public_ember(fullname) and "." in fullname:
            return self._find_ember(fullname, path, target)
        ember_name = _names.to_ember(fullname)
        if ember_name is None:
            return _import_watch.watched(self._find_elsewhere(fullname, path, target))
        module = _resolve(ember_name)
        if module is None:
            raise _errors.unsupported_module(fullname, f"no module {ember_name}")
        return importlib.util.spec_from_loader(
            fullname, _Loader(module), is_package=hasattr(module, "__path__"))

    def _find_elsewhere(self, fullname, path, target):
        """The spec the other finders on ``sys.meta_path`` give, or None."""
        for finder in sys.meta_path:
            find = None if finder is self else getattr(finder, "find_spec", None)
            spec = find(fullname, path, target) if find else None
            if spec is not None:
                return spec
        return None

    def _find_ember(self, fullname, path, target):
        """Name the PyTorch API when an Ember submodule is missing.

        ``from torch import some_fn`` looks for a submodule ``ember.some_fn`` (``torch`` *is*
        ``ember``) before failing with a bare "cannot import name"; raising here, with a
        ``name`` that differs from the one looked up, makes the import system report it.
        """
        spec = self._find_elsewhere(fullname, path, target)
        if spec is not None:
            if spec.loader is not None and hasattr(spec.loader, "exec_module"):
                spec.loader = _RenamingLoader(spec.loader)
            return spec
        last = fullname.rpartition(".")[2]
        if not last.isidentifier():
            return None
        api = _names.to_torch(fullname)
        owner = fullname.rpartition(".")[0]
        error = _errors.unsupported_module(api, f"{owner} has no attribute or submodule {last!r}")
        error.name = api
        raise error


_IMPORT_FROM = dis.opmap["IMPORT_FROM"]


def _importing_from(frame):
    """Whether ``frame`` is executing ``from module import name`` right now."""
    return frame.f_lasti >= 0 and frame.f_code.co_code[frame.f_lasti] == _IMPORT_FROM


def _make_getattr(module, previous):
    """Module ``__getattr__`` naming the missing PyTorch API; defers to ``previous`` first."""
    real = module.__spec__.name if module.__spec__ is not None else module.__name__

    def __getattr__(name):
        if previous is not None:
            try:
                return previous(name)
            except AttributeError:
                pass
        if _importing_from(sys._getframe(1)):
            # Python would name ``module.__name__`` (``ember.hub``), not what the user imported.
            raise _errors.cannot_import_name(name, _names.to_torch(real),
                                             getattr(module, "__file__", None))
        if name.startswith("__") and name.endswith("__"):
            # Dunder probes (``__path__``, ``__wrapped__``...) come from tools, not scripts.
            raise _errors.module_attribute(module.__name__, name)
        raise _errors.unsupported_attribute(f"{_names.to_torch(real)}.{name}", real)
    __getattr__._ember_compat_previous = previous
    return __getattr__


def _is_public_ember(name):
    return (name == "ember" or name.startswith("ember.")) and not any(
        part.startswith("_") for part in name.split("."))


_other_modules = set()   # loaded module names that are not public Ember modules
_ember_modules = set()   # and those that are (both cleared by uninstall)


_renamed = {}   # class -> its own __module__, while it reports PyTorch's (restored by uninstall)


def _rename_classes(module):
    """The classes ``module`` defines report PyTorch's module (``torch.nn.modules.linear``), as
    under PyTorch: libraries recognise tensors and modules by ``type(x).__module__`` or
    ``str(type(x))``.  The top-level classes that Ember defines in private modules
    (``ember._tensor.Tensor``...) report ``torch``."""
    top = module.__name__ in ("ember", "ember.vision")
    for obj in list(vars(module).values()):
        if not isinstance(obj, type) or obj in _renamed:
            continue
        own = obj.__dict__.get("__module__")
        # (at the top, only the classes of private modules: ``ember.UnsupportedError`` is
        # Ember's own)
        if (own == module.__name__ and not top) or (top and isinstance(own, str) and
                                                     own.startswith(module.__name__ + "._")):
            torch_name = _names.to_torch(module.__name__)
            if torch_name is not None:
                _renamed[obj] = own
                obj.__module__ = torch_name


def _restore_class_modules():
    for cls, own in _renamed.items():
        cls.__module__ = own
    _renamed.clear()


class _RenamingLoader:
    """Wraps the loader of an Ember module imported while the hook is installed, so that its
    classes report PyTorch's module once it has run (everything else is the loader's own)."""

    def __init__(self, loader):
        self._loader = loader

    def __getattr__(self, name):
        return getattr(self._loader, name)

    def create_module(self, spec):
        return self._loader.create_module(spec)

    def exec_module(self, module):
        self._loader.exec_module(module)
        if _finder is not None:
            _rename_classes(module)


def _guard_loaded_modules():
    """Give every loaded public Ember module a ``__getattr__`` that names the missing API.
    Runs on each module load through the hook: the thousands of other modules a library loads
    are classified once, and only Ember's are looked at again (one may have defined its own
    ``__getattr__`` since, while it was still loading)."""
    for name in sys.modules.keys() - _other_modules - _ember_modules:
        public = _is_public_ember(name)
        (_ember_modules if public else _other_modules).add(name)
        if public and isinstance(sys.modules[name], types.ModuleType):
            _rename_classes(sys.modules[name])
    for name in _ember_modules:
        module = sys.modules.get(name)
        if not isinstance(module, types.ModuleType):
            continue
        current = module.__dict__.get("__getattr__")
        if not hasattr(current, "_ember_compat_previous"):
            module.__getattr__ = _make_getattr(module, current)


def _unguard_loaded_modules():
    _other_modules.clear()
    _ember_modules.clear()
    for module in list(sys.modules.values()):
        current = getattr(module, "__dict__", {}).get("__getattr__")
        if hasattr(current, "_ember_compat_previous"):
            if current._ember_compat_previous is None:
                del module.__getattr__
            else:
                module.__getattr__ = current._ember_compat_previous


_finder = None
_hidden = {}   # real torch/torchvision modules imported before install(), restored by uninstall()


def _is_mapped(name):
    return _names.to_ember(name) is not None


def install():
    """Route ``import torch`` / ``import torchvision`` to Ember in this interpreter."""
    global _finder
    if _finder is not None:
        return
    for name in [n for n in sys.modules if _is_mapped(n)]:
        _hidden[name] = sys.modules.pop(name)
    _finder = _Finder()
    sys.meta_path.insert(0, _finder)
    _guard_loaded_modules()
    _set_identities()
    _import_watch.activate(True)


def uninstall():
    """Undo :func:`install`: remove the hook and the ``torch*`` aliases it created."""
    global _finder
    if _finder is None:
        return
    sys.meta_path.remove(_finder)
    _finder = None
    for name in [n for n in sys.modules if _is_mapped(n)]:
        del sys.modules[name]
    sys.modules.update(_hidden)
    _hidden.clear()
    _unguard_loaded_modules()
    _restore_identities()
    _restore_class_modules()
    _import_watch.activate(False)


def is_installed():
    return _finder is not None
