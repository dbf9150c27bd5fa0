"""Record a graph by running code on example inputs.

While tracing, every public binding of a traceable function (``ember.<op>``, ``Tensor``
methods and operators, ``nn.functional``, the ``ember._ops.*`` module namespaces, the
``staticmethod`` s that modules keep as ``_fn`` and the user's own module globals) is replaced
by a recording wrapper.  A depth counter makes only the outermost call a node: what an op does
internally is the op's business.  Everything is put back afterwards, even on error.
"""
import sys
import types
import warnings

from .. import _errors
from .._tensor import Tensor
from .._dtype import dtype as _dtype
from .._device import device as _device
from ..fx import _optable
from ..fx.graph import Graph, Ref, INPUT, NODE, ATTR, CONST


class TracerWarning(Warning):
    """The trace may not generalise to other inputs (data-dependent Python values)."""


# Tensor -> Python value conversions: data-dependent control flow when traced.
_CONVERSIONS = ("__bool__", "__int__", "__float__", "__index__", "item", "tolist")
_PLAIN = (type(None), bool, int, float, str, _dtype, _device, type(Ellipsis))


class _Recorder:
    def __init__(self, attrs, on_conversion):
        self.graph = Graph()
        self.depth = 0
        self.values = {}           # id(tensor) -> Ref
        self.attrs = attrs         # id(tensor) -> state_dict name
        self.keep = []             # keeps traced tensors alive so ids stay unique
        self.on_conversion = on_conversion

    def add_input(self, t):
        i = self.graph.num_inputs
        self.graph.num_inputs += 1
        self.values[id(t)] = Ref(INPUT, i)
        self.keep.append(t)

    def encode(self, v, op):
        if isinstance(v, Tensor):
            r = self.values.get(id(v))
            if r is not None:
                return r
            name = self.attrs.get(id(v))
            if name is not None:
                return Ref(ATTR, name)
            name = f"_tensor_constant{len(self.graph.constants)}"
            self.graph.constants[name] = v.detach()
            self.values[id(v)] = r = Ref(CONST, name)
            self.keep.append(v)
            return r
        if isinstance(v, _PLAIN):
            return v
        if isinstance(v, (tuple, list)):    # Size, namedtuples and lists included
            seq = [self.encode(x, op) for x in v]
            return seq if isinstance(v, list) else tuple(seq)
        if isinstance(v, dict):
            return {k: self.encode(x, op) for k, x in v.items()}
        if isinstance(v, slice):
            return slice(self.encode(v.start, op), self.encode(v.stop, op),
                         self.encode(v.step, op))
        raise _errors.trace_argument_type(op, type(v).__name__)

    def record(self, op, args, kwargs, out):
        node = self.graph.add_node(op, [self.encode(a, op) for a in args],
                                   {k: self.encode(v, op) for k, v in kwargs.items()})
        self._bind(out, node.index, ())

    def _bind(self, out, index, path):
        if isinstance(out, Tensor):
            self.values[id(out)] = Ref(NODE, index, path)
            self.keep.append(out)
        elif isinstance(out, (tuple, list)):
            for i, x in enumerate(out):
                self._bind(x, index, path + (i,))


class _Patch:
    """Swap bindings for recording wrappers; ``undo`` restores the originals."""

    def __init__(self, rec, extra_modules):
        self.rec = rec
        self.saved = []
        self.wrappers = {}
        self.by_fn = _optable.by_function()
        self.extra_modules = extra_modules

    def wrapper(self, fn):
        w = self.wrappers.get(fn)
        if w is None:
            w = self.wrappers[fn] = _recording(self.rec, self.by_fn[fn], fn)
        return w

    def set(self, owner, attr, value):
        self.saved.append((owner, attr, vars(owner)[attr]))
        setattr(owner, attr, value)

    def apply(self):
        by_fn = self.by_fn
        for k, v in list(Tensor.__dict__.items()):
            if type(v) is types.FunctionType and v in by_fn:
                self.set(Tensor, k, self.wrapper(v))
        for k in _CONVERSIONS:
            self.set(Tensor, k, _converting(self.rec, k, Tensor.__dict__[k]))
        mods = [m for name, m in list(sys.modules.items())
                if (name == "ember" or name.startswith("ember.")) and m is not None]
        for mod in mods + [m for m in self.extra_modules if m not in mods]:
            self._patch_namespace(mod)

    def _patch_namespace(self, mod):
        by_fn = self.by_fn
        for k, v in list(vars(mod).items()):
            if type(v) is types.FunctionType:
                if v in by_fn:
                    self.set(mod, k, self.wrapper(v))
            elif isinstance(v, type) and v is not Tensor and \
                    getattr(v, "__module__", None) == mod.__name__:
                for a, sv in list(v.__dict__.items()):
                    if type(sv) is staticmethod and type(sv.__func__) is types.FunctionType \
                            and sv.__func__ in by_fn:
                        self.set(v, a, staticmethod(self.wrapper(sv.__func__)))

    def undo(self):
        for owner, attr, value in reversed(self.saved):
            setattr(owner, attr, value)
        self.saved.clear()


def _recording(rec, name, fn):
    def traced(*args, **kwargs):
        if rec.depth:
            return fn(*args, **kwargs)
        rec.depth += 1      # also while recording: encoding may call tensor methods
        try:
            out = fn(*args, **kwargs)
            rec.record(name, args, kwargs, out)
        finally:
            rec.depth -= 1
        return out
    traced.__name__ = traced.__qualname__ = getattr(fn, "__name__", name)
    traced.__wrapped__ = fn
    return traced


def _converting(rec, name, fn):
    def converting(self, *args, **kwargs):
        if not rec.depth:
            rec.on_conversion(f"Tensor.{name}()" if not name.startswith("__")
                              else f"{name.strip('_')}(tensor)")
        rec.depth += 1
        try:
            return fn(self, *args, **kwargs)
        finally:
            rec.depth -= 1
    return converting


def _warn_conversion(what):
    warnings.warn(f"Converting a tensor to a Python value ({what}) while tracing: the value "
                  "is recorded as a constant, so the trace might not generalize to other "
                  "inputs.", TracerWarning, stacklevel=4)


def flatten_inputs(example_inputs):
    """The example inputs as a tuple of tensors (a lone tensor is one input)."""
    if isinstance(example_inputs, Tensor):
        return (example_inputs,)
    if not isinstance(example_inputs, (tuple, list)):
        raise _errors.trace_input_type(type(example_inputs).__name__)
    for x in example_inputs:
        if not isinstance(x, Tensor):
            raise _errors.trace_input_type(f"an argument of type {type(x).__name__}")
    return tuple(example_inputs)


def module_attributes(module):
    """id(tensor) -> state_dict-style name for the parameters and buffers of ``module``."""
    names = {}
    if module is None:
        return names
    for name, t in module.state_dict(keep_vars=True).items():
        names.setdefault(id(t), name)
    for name, t in module.named_buffers():
        names.setdefault(id(t), name)
    for name, t in module.named_parameters():
        names.setdefault(id(t), name)
    return names


def _user_modules(fn, module):
    """The modules whose globals the traced code reads (``from ember import relu`` there)."""
    names = {getattr(fn, "__module__", None)}
    if module is not None:
        names.update(type(m).__module__ for m in module.modules())
    return [sys.modules[n] for n in names if n in sys.modules]


def record_graph(fn, inputs, module=None, strict=True, on_conversion=_warn_conversion):
    """Run ``fn(*inputs)`` while recording; return ``(graph, eager output)``."""
    rec = _Recorder(module_attributes(module), on_conversion)
    for t in inputs:
        rec.add_input(t)
    patch = _Patch(rec, _user_modules(fn, module))
    try:
        patch.apply()
        out = fn(*inputs)
    finally:
        patch.undo()
    rec.graph.output = _encode_output(rec, out, strict)
    return rec.graph, out


def _encode_output(rec, out, strict):
    if isinstance(out, Tensor):
        return rec.encode(out, "output")
    if isinstance(out, tuple):
        return tuple(_encode_output(rec, x, strict) for x in out)
    if not strict and isinstance(out, list):
        return [_encode_output(rec, x, strict) for x in out]
    if not strict and isinstance(out, dict):
        return {k: _encode_output(rec, x, strict) for k, x in out.items()}
    raise _errors.trace_output_type(type(out).__name__)
