"""What ``ember.jit.script`` keeps of the user's code and module tree.

The code is kept as Python source.  A *unit* is one user-defined class or function reached
from the scripted object: the module tree's classes, the scripted function, and the classes and
functions their source reads as global (or closure) names, recursively.  Each name a unit's
source reads is resolved now, to a value encoded as JSON:

  None / bool / int / float / str, list        as themselves
  {"tuple": [...]}, {"size": [...]}, {"dict": [[key, value], ...]}
  {"dtype": "float32"}, {"device": "cuda:0"}
  {"import": "ember.nn.functional"}            a module of ember, the standard library, NumPy
                                               or an installed package
  {"ref": ["ember.nn.modules.linear", "Linear"]}   an object importable from such a module
  {"unit": 3}                                  a captured class / function
  {"tensor": 0}                                an entry of the tensor table
  {"module": 2}                                a module of the tree (module attributes only)

Units from one Python module share a namespace, as they shared the module's globals (a unit
whose names would clash there, e.g. closure values of a class defined in a function, gets a
namespace of its own).  The module tree is one record per module: class, ``training``, plain
attributes, parameters, buffers and children; tensors are referenced by index, so tied weights
stay tied.  Everything else raises at capture time.
"""
import ast
import builtins
import inspect
import symtable
import sys
import sysconfig
import textwrap
import types
import __future__

from .. import _errors
from .._device import device as _device
from .._dtype import dtype as _dtype
from .. import _names
from .._tensor import Tensor, Size
from ..nn.modules.module import Module
from ..nn.parameter import Parameter

# Module.__init__'s bookkeeping (recorded as parameters / buffers / children, or not kept),
# and where a scripted module keeps its own state.
_MODULE_INTERNALS = frozenset(vars(Module())) | {"_script_state"}
_HOOKS = ("_forward_hooks", "_forward_pre_hooks", "_backward_hooks", "_backward_pre_hooks",
          "_state_dict_hooks", "_state_dict_pre_hooks", "_load_state_dict_pre_hooks",
          "_load_state_dict_post_hooks")
_ANNOTATIONS = __future__.annotations.compiler_flag
NAMESPACE_PREFIX = "__ember__."     # rebuilt namespaces are named after the original module
_STDLIB = sysconfig.get_paths()["stdlib"]
_INSTALLED = tuple({sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]})


class Source:
    """One unit's source and the environment its names resolve in."""

    __slots__ = ("origin", "name", "text", "future_annotations", "globals", "closure")

    def __init__(self, origin, name, text, future_annotations, globals_, closure=None):
        self.origin, self.name, self.text = origin, name, text
        self.future_annotations = future_annotations
        self.globals, self.closure = globals_, closure or {}


def is_library(module_name):
    """ember, the standard library and NumPy: referenced by import, never captured."""
    root = module_name.partition(".")[0]
    if root in ("ember", "numpy"):
        return True
    if root not in sys.stdlib_module_names:
        return False
    path = getattr(sys.modules.get(root), "__file__", None)    # not a user's own test.py
    return path is None or path.startswith(_STDLIB)


def is_installed_package(module):
    """A module of an installed distribution (under site-packages): scripted code may import it
    by name, as a saved archive can then be loaded wherever that package is installed."""
    path = getattr(module, "__file__", None)
    return path is not None and path.startswith(_INSTALLED)


class Capture:
    """Collects units, namespaces, module records and tensors into one JSON-able record."""

    def __init__(self, drop_decorators=()):
        self.drop_decorators = drop_decorators     # e.g. ember.jit.script itself
        self.units, self.order, self.namespaces = [], [], []
        self.modules, self.tensors, self.tensor_meta = [], [], []
        self._unit_index, self._module_index, self._tensor_index = {}, {}, {}
        self._keep = []         # objects whose id() is a key above stay alive

    def record(self, root):
        return {"units": self.units, "order": self.order, "namespaces": self.namespaces,
                "modules": self.modules, "tensors": self.tensor_meta, "root": root}

    # ---- the module tree ----------------------------------------------------------------
    def module_tree(self, root):
        """Record ``root`` and its submodules (shared ones once); ``{"module": 0}``."""
        order, stack = [], [root]
        while stack:
            m = stack.pop()
            if id(m) not in self._module_index:
                self._module_index[id(m)] = len(order)
                order.append(m)
                stack.extend(c for c in reversed(m._modules.values()) if c is not None)
        self._keep.extend(order)
        for m in order:
            self.modules.append(self._module_record(m))
        return {"module": 0}

    def _module_record(self, m):
        cls = class_of(m)
        if any(getattr(m, h) for h in _HOOKS):
            raise _errors.script_module_hooks(cls.__name__)
        return {
            "class": self.encode(cls, f"the class of a {cls.__name__} module"),
            "training": m.training,
            "attributes": {k: self.encode(v, f"attribute '{k}' of {cls.__name__}", True)
                           for k, v in vars(m).items() if k not in _MODULE_INTERNALS},
            "parameters": {k: None if p is None else self.tensor(p)
                           for k, p in m._parameters.items()},
            "buffers": {k: None if b is None else self.tensor(b) for k, b in m._buffers.items()},
            "non_persistent": sorted(m._non_persistent_buffers_set),
            "children": {k: None if c is None else self._module_index[id(c)]
                         for k, c in m._modules.items()}}

    def tensor(self, t):
        i = self._tensor_index.get(id(t))
        if i is None:
            i = self._tensor_index[id(t)] = len(self.tensors)
            self.tensors.append(t)
            self.tensor_meta.append({"parameter": isinstance(t, Parameter),
                                     "requires_grad": bool(t.requires_grad)})
        return i

    # ---- values -------------------------------------------------------------------------
    def encode(self, v, where, modules=False):
        """The JSON form of ``v``; ``where`` names it in errors.  Tree modules are allowed
        only as module attributes (``modules``): globals are bound before modules exist."""
        t = type(v)
        if v is None or t in (bool, int, float, str):
            return v
        if t in (list, tuple, dict, Size):
            def enc(x):
                return self.encode(x, where, modules)
            if t is list:
                return [enc(x) for x in v]
            if t is dict:
                return {"dict": [[enc(k), enc(x)] for k, x in v.items()]}
            return {"tuple" if t is tuple else "size": [enc(x) for x in v]}
        if t is _dtype:
            return {"dtype": v.name}
        if t is _device:
            return {"device": str(v)}
        if isinstance(v, Tensor):
            return {"tensor": self.tensor(v)}
        if isinstance(v, Module) and modules and id(v) in self._module_index:
            return {"module": self._module_index[id(v)]}
        if isinstance(v, types.ModuleType):
            # the import name (under the runner ``torch.__name__`` reads "torch" for Ember)
            name = v.__spec__.name if v.__spec__ is not None else v.__name__
            if not (is_library(name) or is_installed_package(v)):
                raise _errors.script_module_import(where, name)
            return {"import": name}
        owner = getattr(v, "__module__", None)
        if isinstance(owner, str) and _names.aliased():    # classes renamed to torch.* names
            owner = _names.to_ember(owner) or owner
        if isinstance(owner, str) and is_library(owner):
            ref = _importable_as(v, owner)
            if ref is not None:
                return {"ref": ref}
        if isinstance(v, type) or callable(v) and _is_python_function(inspect.unwrap(v)):
            return {"unit": self.unit(v)}
        raise _errors.script_value_type(where, type(v).__name__)

    # ---- code ---------------------------------------------------------------------------
    def unit(self, obj):
        """Capture the class / function ``obj`` and what its source reads; its index."""
        i = self._unit_index.get(id(obj))
        if i is not None:
            return i
        src = source_of(obj, self.drop_decorators)
        i = self._unit_index[id(obj)] = len(self.units)
        self._keep.append(obj)
        self.units.append(None)
        names = {src.name: {"unit": i}}
        for name in global_names(src):
            if name != src.name:
                found, value = _lookup(name, src)
                if found:
                    names[name] = self.encode(value, f"the name '{name}' in {src.name}")
        self.units[i] = {"name": src.name, "source": src.text,
                         "future_annotations": src.future_annotations,
                         "namespace": self._namespace(src.origin, names)}
        self.order.append(i)        # after everything its definition reads
        return i

    def _namespace(self, origin, names):
        for k, ns in enumerate(self.namespaces):
            if ns["origin"] == origin and all(ns["names"].get(n, v) == v
                                              for n, v in names.items()):
                ns["names"].update(names)
                return k
        self.namespaces.append({"origin": origin, "names": dict(names)})
        return len(self.namespaces) - 1


def class_of(m):
    """The user's class of ``m`` (a scripted root's class derives from it)."""
    return vars(type(m)).get("_scripted_from", type(m))


def _is_python_function(f):
    return isinstance(f, types.FunctionType)


def _importable_as(v, owner):
    """``[module, qualified name]`` importing ``v`` again, or None."""
    mod = sys.modules.get(owner)
    if mod is None:
        return None
    qualname = getattr(v, "__qualname__", None)
    if isinstance(qualname, str):
        found = mod
        for part in qualname.split("."):
            found = getattr(found, part, None)
        if found is v:
            return [owner, qualname]
    for k, x in vars(mod).items():
        if x is v:
            return [owner, k]
    return None


def _lookup(name, src):
    """(found, value) of a name a unit reads; builtins are not captured."""
    if name in src.closure:
        return True, src.closure[name]
    if name in src.globals:
        return True, src.globals[name]
    if hasattr(builtins, name):
        return False, None
    raise _errors.script_unresolved_name(name, src.name)


def global_names(src):
    """The names the unit's source reads that it does not define itself."""
    text = ("from __future__ import annotations\n" if src.future_annotations else "") + src.text
    names, tables = set(), [symtable.symtable(text, src.name, "exec")]
    while tables:
        t = tables.pop()
        tables.extend(t.get_children())
        names.update(s.get_name() for s in t.get_symbols() if s.is_referenced() and s.is_global())
    return sorted(names)


# ---- reading the source ---------------------------------------------------------------------
def source_of(obj, drop_decorators=()):
    """The :class:`Source` of a class or (possibly decorated) function."""
    known = getattr(obj, "__dict__", {}).get("__ember_unit__")
    if known is not None:       # rebuilt by ember.jit: the source is kept with it
        return known
    if isinstance(obj, type):
        fns = [f for f in map(_function_of, vars(obj).values()) if f is not None]
        globals_ = fns[0].__globals__ if fns else vars(sys.modules.get(obj.__module__, builtins))
        closure = {b.__name__: b for b in obj.__bases__}
        for f in fns:
            closure.update(_cells(f))
        future = any(f.__code__.co_flags & _ANNOTATIONS for f in fns)
        text = _text(obj, bool(fns))
    else:
        fn = inspect.unwrap(obj)
        if fn.__name__ == "<lambda>":
            raise _errors.script_lambda(getattr(fn, "__qualname__", "<lambda>"))
        globals_, closure = fn.__globals__, _cells(fn)
        future = bool(fn.__code__.co_flags & _ANNOTATIONS)
        text = _text(fn, True)
    closure.pop("__class__", None)      # zero-argument super(): the class statement makes it
    text, name = _edit(textwrap.dedent(text), {**globals_, **closure}, drop_decorators,
                       isinstance(obj, type) and issubclass(obj, Module))
    return Source(obj.__module__, name, text, future, globals_, closure)


def _function_of(attr):
    """The Python function behind a class attribute (method, static/class method, property)."""
    if isinstance(attr, (staticmethod, classmethod)):
        attr = attr.__func__
    elif isinstance(attr, property):
        attr = attr.fget
    attr = inspect.unwrap(attr) if callable(attr) else attr
    return attr if _is_python_function(attr) else None


def _cells(fn):
    out = {}
    for name, cell in zip(fn.__code__.co_freevars, fn.__closure__ or ()):
        try:
            out[name] = cell.cell_contents
        except ValueError:      # not assigned yet: left unresolved
            pass
    return out


def _text(obj, has_python_code):
    try:
        return inspect.getsource(obj)
    except (OSError, TypeError):
        if not has_python_code:
            raise _errors.script_extension_class(obj.__qualname__) from None
        raise _errors.script_source_unavailable(obj) from None


def _edit(text, env, drop_decorators, module_class):
    """Drop the ``@ember.jit.script`` decorator and, for ``nn.Module`` subclasses, ``__init__``
    (the module's state is recorded, as TorchScript never compiles ``__init__``).
    Returns (text, the defined name)."""
    node = ast.parse(text).body[0]
    lines = text.splitlines(keepends=True)
    cuts = [(d.lineno, d.end_lineno, []) for d in node.decorator_list
            if _resolve(d, env) in drop_decorators]
    if module_class:
        for i, item in enumerate(node.body):
            if isinstance(item, ast.FunctionDef) and item.name == "__init__":
                first = min([item.lineno] + [d.lineno for d in item.decorator_list])
                alone = len(node.body) == 1
                keep = [" " * item.col_offset + "pass\n"] if alone else []
                cuts.append((first, item.end_lineno, keep))
    for first, last, keep in sorted(cuts, reverse=True):
        lines[first - 1:last] = keep
    return "".join(lines), node.name


def _resolve(expr, env):
    """The object a dotted decorator expression names (nothing is called), or None."""
    if isinstance(expr, ast.Name):
        return env.get(expr.id, getattr(builtins, expr.id, None))
    if isinstance(expr, ast.Attribute):
        return getattr(_resolve(expr.value, env), expr.attr, None)
    return None
