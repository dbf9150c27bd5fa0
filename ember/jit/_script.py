"""``ember.jit.script``: a module or function kept as Python source and run as eager code.

Ember does not compile Python.  Scripting captures the source of the user's classes and
functions with what they read (see ``_capture``) and the module tree's state, then rebuilds
them by executing that source in fresh namespaces, exactly as ``jit.load`` does from a saved
archive.  Data- and shape-dependent control flow therefore behaves as in eager mode.  The
rebuilt module shares the original's parameters and buffers; its root is an instance of a class
derived from the user's class and :class:`RecursiveScriptModule` (``.graph``, ``.code``,
``.save``), its submodules are instances of the (rebuilt) user classes and of ``ember.nn``'s.

``.graph`` is what ``jit.trace`` records for the first call's inputs; code that turns a tensor
into a Python value (``if x.sum() > 0:``) has none.  A saved archive holds Python source that
``jit.load`` executes: load only archives you trust.
"""
import __future__
import contextlib
import functools
import hashlib
import importlib
import inspect
import io
import json
import linecache
import textwrap
import types
import zipfile

from .. import _errors
from .._device import device as _device
from .._dtype import _dtype_by_name
from .._tensor import Tensor, Size, _make
from ..nn.modules.module import Module
from ..nn.parameter import Parameter
from ._archive import _FORMAT
from ._capture import Capture, Source, NAMESPACE_PREFIX, class_of
from ._module import ScriptModule
from ._markers import _local
from ._tracer import flatten_inputs, record_graph

_ANNOTATIONS = __future__.annotations.compiler_flag

__all__ = ["script", "RecursiveScriptModule", "ScriptFunction"]


# ---- scripting --------------------------------------------------------------------------------
def script(obj, optimize=None, _frames_up=0, _rcb=None, example_inputs=None):
    """Keep ``obj`` (a Module, a function or a class) as Python source; see the module docs.

    Returns a :class:`RecursiveScriptModule` sharing the module's parameters and buffers, a
    :class:`ScriptFunction`, or the class itself (checked for scripting).  Unsupported code
    (lambdas, code without source, globals or attributes of other types) raises here.
    ``example_inputs[0]`` (inputs of one call) gives ``.graph`` without calling first."""
    if isinstance(obj, (ScriptModule, ScriptFunction)):
        return obj
    capture = Capture(drop_decorators=(script,))
    if isinstance(obj, Module):
        root = capture.module_tree(obj)
    elif isinstance(obj, type):
        capture.unit(obj)           # raises if the class cannot be kept
        return obj
    elif isinstance(obj, types.FunctionType):
        root = {"unit": capture.unit(obj)}
    else:
        raise _errors.script_target_type(type(obj).__name__)
    scripted = _Rebuild(capture.record(root), capture.tensors).root()
    if example_inputs:
        scripted._script_state.example = (flatten_inputs(example_inputs[0]), {})
    return scripted


class _State:
    """A scripted object's namespaces, first-call inputs and recorded graphs."""

    def __init__(self, spaces):
        self.spaces = spaces
        self.example = None
        self.graphs = {}        # training flag -> graph, or why there is none

    def __deepcopy__(self, memo):
        """Copies of a scripted module share its code (namespaces can't be copied)."""
        return _State(self.spaces)


class _DataDependent(Exception):
    pass


def _stop(what):
    raise _DataDependent(what)


class Scripted:
    """What scripted modules and functions share: calls run the kept Python code (with
    :func:`is_scripting` true), ``.graph``, ``.code`` and ``.save``."""

    def __call__(self, *args, **kwargs):
        state = self._script_state
        if state.example is None:     # copied beneath the ops: an enclosing trace must not see it
            state.example = (tuple(_make(a._device._backend.copy(a._data), a._dtype, a._device)
                                   if isinstance(a, Tensor) else a for a in args), kwargs)
        _local.depth = getattr(_local, "depth", 0) + 1
        try:
            return self._run(*args, **kwargs)
        finally:
            _local.depth -= 1

    @property
    def graph(self):
        """The graph ``jit.trace`` records for the first call's inputs (in the current mode)."""
        state = self._script_state
        if state.example is None:
            raise _errors.script_not_called()
        key = getattr(self, "training", None)
        if key not in state.graphs:
            state.graphs[key] = self._trace(*state.example)
        graph = state.graphs[key]
        if isinstance(graph, str):
            raise _errors.script_no_graph(self.original_name, graph)
        return graph

    def _trace(self, args, kwargs):
        """The graph, or why there is none."""
        if kwargs or not all(isinstance(a, Tensor) for a in args):
            return "its first call passed arguments other than tensors"
        from ._api import _quiet        # _api imports this module
        module = self if isinstance(self, Module) else None
        try:
            return _quiet(lambda *xs: record_graph(self, xs, module, on_conversion=_stop)[0],
                          args, module)
        except _DataDependent as e:
            return f"{e} converts a tensor to a Python value (data-dependent control flow)"
        except _errors.UnsupportedError as e:
            return str(e)

    @property
    def code(self):
        """The Python source of ``forward`` (of the function)."""
        return textwrap.dedent(inspect.getsource(self._code_function()))

    def save(self, f, _extra_files=None):
        """Write the source, the module tree and the tensors to one zip file."""
        _write(self, f, _extra_files)


class RecursiveScriptModule(Scripted, ScriptModule):
    """A scripted module.  The root's class derives from the user's class and this one, so
    attributes, methods, ``state_dict()``, ``train()`` / ``eval()`` are the user's."""

    def _run(self, *args, **kwargs):
        return Module.__call__(self, *args, **kwargs)

    @property
    def original_name(self):
        return class_of(self).__name__

    # the model's, not a traced ScriptModule's
    def extra_repr(self):
        return Module.extra_repr(self)

    def __getstate__(self):
        return Module.__getstate__(self)

    def _code_function(self):
        return type(self).forward


class ScriptFunction(Scripted):
    """A scripted function (``torch.jit.ScriptFunction``)."""

    def __init__(self, fn, state):
        functools.update_wrapper(self, fn)
        self._fn, self._script_state = fn, state

    def _run(self, *args, **kwargs):
        return self._fn(*args, **kwargs)

    @property
    def original_name(self):
        return self.__name__

    name = original_name

    @property
    def __globals__(self):      # as a function's: what tracing patches is read from there
        return inspect.unwrap(self._fn).__globals__

    def _code_function(self):
        return self._fn


def _scripted_class(cls):
    return type(cls.__name__, (cls, RecursiveScriptModule),
                {"__module__": cls.__module__, "__qualname__": cls.__qualname__,
                 "_scripted_from": cls})


# ---- rebuilding -------------------------------------------------------------------------------
class _Rebuild:
    """Execute a capture record's source and rebuild its module tree on ``tensors``."""

    def __init__(self, record, tensors):
        self.record, self.tensors = record, tensors
        self.objects, self.modules = {}, []
        self.spaces = [types.ModuleType(NAMESPACE_PREFIX + ns["origin"])
                       for ns in record["namespaces"]]
        self._pending = [dict(ns["names"]) for ns in record["namespaces"]]

    def root(self):
        for i in self.record["order"]:
            self._define(i)
        for k in range(len(self.spaces)):
            self._bind(k)
        state = _State(self.spaces)
        root = self.record["root"]
        if "unit" in root:
            return ScriptFunction(self.objects[root["unit"]], state)
        m = self._build_modules()
        m.__dict__["_script_state"] = state
        return m

    def _define(self, i):
        unit = self.record["units"][i]
        k, text, name = unit["namespace"], unit["source"], unit["name"]
        self._bind(k)
        # a file name that linecache knows: tracebacks and inspect.getsource show the source
        filename = f"<ember.jit.script {name} {hashlib.sha1(text.encode()).hexdigest()[:12]}>"
        linecache.cache[filename] = (len(text), None, text.splitlines(True), filename)
        future = unit["future_annotations"]
        namespace = vars(self.spaces[k])
        exec(compile(text, filename, "exec", _ANNOTATIONS if future else 0, True), namespace)
        obj = self.objects[i] = namespace[name]
        with contextlib.suppress(AttributeError, TypeError):
            obj.__ember_unit__ = Source(self.record["namespaces"][k]["origin"], name, text,
                                        future, namespace)

    def _bind(self, k):
        """Bind the names of namespace ``k`` whose values exist by now."""
        namespace, pending = vars(self.spaces[k]), self._pending[k]
        for name, v in list(pending.items()):
            if self._ready(v):
                namespace[name] = self.decode(v)
                del pending[name]

    def _ready(self, v):
        if isinstance(v, list):
            return all(map(self._ready, v))
        if isinstance(v, dict):
            (tag, x), = v.items()
            return x in self.objects if tag == "unit" else self._ready(x)
        return True

    def decode(self, v):
        if isinstance(v, list):
            return [self.decode(x) for x in v]
        if not isinstance(v, dict):
            return v
        (tag, x), = v.items()
        if tag in ("tuple", "size"):
            return (tuple if tag == "tuple" else Size)(self.decode(y) for y in x)
        if tag == "dict":
            return {self.decode(k): self.decode(y) for k, y in x}
        if tag == "ref":
            obj = importlib.import_module(x[0])
            for part in x[1].split("."):
                obj = getattr(obj, part)
            return obj
        return {"dtype": _dtype_by_name, "device": _device, "import": importlib.import_module,
                "unit": self.objects.__getitem__, "tensor": self.tensors.__getitem__,
                "module": self.modules.__getitem__}[tag](x)

    def _build_modules(self):
        records = self.record["modules"]
        for k, rec in enumerate(records):
            cls = self.decode(rec["class"])
            cls = _scripted_class(cls) if k == 0 else cls
            m = cls.__new__(cls)
            Module.__init__(m)
            self.modules.append(m)
        for m, rec in zip(self.modules, records):
            d = m.__dict__
            d["training"] = rec["training"]
            d["_parameters"] = {k: self._tensor(i) for k, i in rec["parameters"].items()}
            d["_buffers"] = {k: self._tensor(i) for k, i in rec["buffers"].items()}
            d["_non_persistent_buffers_set"] = set(rec["non_persistent"])
            d["_modules"] = {k: None if i is None else self.modules[i]
                             for k, i in rec["children"].items()}
            d.update((k, self.decode(v)) for k, v in rec["attributes"].items())
        return self.modules[0]

    def _tensor(self, i):
        return None if i is None else self.tensors[i]


# ---- the archive (the "source" kind of jit.save's zip file) -----------------------------------
def _write(scripted, f, extra_files):
    from .. import serialization
    capture = Capture()
    if isinstance(scripted, Module):
        root = capture.module_tree(scripted)
    else:
        root = {"unit": capture.unit(scripted)}
    record = capture.record(root)
    sources = {}
    for i, unit in enumerate(record["units"]):
        unit["file"] = f"code/{i}_{unit['name']}.py"
        sources[unit["file"]] = unit.pop("source")
    buf = io.BytesIO()
    serialization.save({"tensors": [t.detach() for t in capture.tensors]}, buf)
    meta = {"format": _FORMAT, "version": 1, "kind": "source",
            "original_name": scripted.original_name}
    with zipfile.ZipFile(f, "w", zipfile.ZIP_STORED) as z:
        z.writestr("archive.json", json.dumps(meta))
        z.writestr("source.json", json.dumps(record))
        for name, text in sources.items():
            z.writestr(name, text)
        z.writestr("data.pt", buf.getvalue())
        for name, content in (extra_files or {}).items():
            z.writestr("extra/" + name, content)


def read(z, map_location=None, extra_files=None):
    """Rebuild a scripted module / function from an open archive of the "source" kind."""
    from .. import serialization
    record = json.loads(z.read("source.json"))
    for unit in record["units"]:
        unit["source"] = z.read(unit.pop("file")).decode()
    data = serialization.load(io.BytesIO(z.read("data.pt")), map_location=map_location,
                              weights_only=True)
    tensors = [Parameter(t, requires_grad=m["requires_grad"]) if m["parameter"]
               else t.requires_grad_(m["requires_grad"])
               for t, m in zip(data["tensors"], record["tensors"])]
    for name in extra_files or ():
        extra_files[name] = z.read("extra/" + name)
    return _Rebuild(record, tensors).root()
