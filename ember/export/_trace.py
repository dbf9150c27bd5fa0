"""Capturing a module's graph of aten operators.

The module runs on the example inputs under a ``TorchDispatchMode`` that records each aten
operator call (``aten.addmm.default(...)``) as a ``call_function`` node, as torch's tracing
does below autograd; the calls run for real, so Python control flow, sizes and values are the
example's.  Parameters, buffers, tensor attributes and user inputs are placeholders; a tensor
the graph meets that is none of these (made outside the traced calls) is lifted as a constant.
Reading a traced tensor's value into Python (``if x.sum() > 0``, ``.item()``, ``.tolist()``)
cannot be recorded and is refused, as torch refuses it.  The module's state is restored afterwards: the
trace's in-place updates (BatchNorm's running statistics) are recorded, not kept.
"""
import builtins
import contextlib
import inspect
import keyword
import operator

from .. import _aten_dispatch as _dispatch
from .. import _errors
from .._ops import _bindings
from .._tensor import Tensor
from ..autograd import grad_mode
from ..utils import _pytree
from ..utils._python_dispatch import TorchDispatchMode
from .graph_signature import (ConstantArgument, InputKind, InputSpec, OutputKind, OutputSpec,
                              TensorArgument)
from ..fx import _optable
from ..fx.graph import Graph
from ..fx.node import Node

# aten operators that hand a tensor's value to Python
_READS_VALUE = frozenset({"_local_scalar_dense", "item", "is_nonzero", "equal"})


def named_inputs(mod, args, kwargs):
    """``{name: value}``: the positional arguments named after ``forward``'s parameters
    (``args_<i>`` past a ``*args``), then the keyword arguments."""
    names = []
    for p in inspect.signature(mod.forward).parameters.values():
        if p.kind is p.VAR_POSITIONAL:
            names += [f"{p.name}_{i}" for i in range(len(args) - len(names))]
            break
        if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD):
            names.append(p.name)
    names += [f"args_{i}" for i in range(len(names), len(args))]
    out = dict(zip(names, args))
    out.update(kwargs)
    return out


def _fake(v):
    """``v`` with each tensor replaced by a meta-device tensor of its size, strides and dtype."""
    if isinstance(v, Tensor):
        from .. import empty_strided
        return empty_strided(v.shape, v.stride(), dtype=v.dtype, device="meta")
    if isinstance(v, (list, tuple)):
        return type(v)(_fake(x) for x in v)
    return v


def annotate(node, value):
    """``node.meta["val"]`` (meta tensors, where torch keeps fake ones) and, for a tensor,
    ``node.meta["tensor_meta"]`` (as ``ShapeProp`` records it)."""
    from ..fx.passes.shape_prop import _extract_tensor_metadata
    node.meta["val"] = _fake(value)
    if isinstance(value, Tensor):
        node.meta["tensor_meta"] = _extract_tensor_metadata(value)


def _leaf_name(name, path):
    keys = [str(getattr(k, "idx", getattr(k, "key", getattr(k, "name", k)))) for k in path]
    return "_".join([name] + keys)


def _user_placeholder(graph, name):
    """A placeholder named ``name`` even where that is a builtin's name (``input``), as torch
    names the inputs of an exported graph; the generated code only shadows the builtin."""
    node = graph.placeholder(name)
    if node.name != name and hasattr(builtins, name) and not keyword.iskeyword(name):
        graph._namespace.reserve(name)
        node.name = node.target = name
    return node


class _Recorder(TorchDispatchMode):
    def __init__(self, graph, attr_names, before):
        super().__init__()
        self.graph = graph
        self.attr_names = attr_names    # id(tensor attribute) -> its dotted name
        self.before = before            # lifted constants go before this placeholder
        self.env = {}                   # id(tensor) -> (tensor, node); tensors kept alive
        self.items = {}                 # id(item of a multiple result) -> (item, node, index)
        self.traced = set()             # nodes computed from the inputs
        self.constants = []             # (name, tensor, node) of lifted constants
        self.created = []               # the nodes this recorder made, in order
        self.escapes = []               # per composite call running: did it escape?

    def node(self, t):
        entry = self.env.get(id(t))
        if entry is not None:
            return entry[1]
        item = self.items.pop(id(t), None)
        if item is not None:
            node = self.graph.create_node("call_function", operator.getitem,
                                          (item[1], item[2]), name="getitem")
            annotate(node, t)
            self.created.append(node)
            if item[1] in self.traced:
                self.traced.add(node)
        else:
            name = self.attr_names.get(id(t)) or f"lifted_tensor_{len(self.constants)}"
            with self.graph.inserting_before(self.before):
                node = self.graph.placeholder("c_" + name.replace(".", "_"))
            annotate(node, t)
            self.constants.append((name, t, node))
            self.created.append(node)
            if self.escapes and id(t) not in self.attr_names:
                self.escapes[-1] = True     # computed inside a composite without an op
        self.env[id(t)] = (t, node)
        return node

    def arg(self, v, found):
        if isinstance(v, Tensor):
            node = self.node(v)
            found.append(node)
            return node
        if isinstance(v, (list, tuple)):
            return type(v)(self.arg(x, found) for x in v)
        if isinstance(v, dict):
            return {k: self.arg(x, found) for k, x in v.items()}
        return v

    def bind(self, out, node):
        if isinstance(out, Tensor):
            self.env.setdefault(id(out), (out, node))   # in place: the input keeps its node
        elif isinstance(out, (list, tuple)):
            for i, t in enumerate(out):
                if isinstance(t, Tensor) and id(t) not in self.env:
                    self.items[id(t)] = (t, node, i)

    def record(self, target, name, node_args, node_kwargs, found, out):
        node = self.graph.create_node("call_function", target, node_args, node_kwargs,
                                      name=name)
        annotate(node, out)
        self.created.append(node)
        if any(n in self.traced for n in found):
            self.traced.add(node)
        self.bind(out, node)

    def read(self, t, what):
        """``t``'s value goes to Python: refused for a traced tensor, except inside a composite
        (its own Python logic: the composite is then recorded whole)."""
        entry = self.env.get(id(t))
        if entry is None or entry[1] not in self.traced:
            return
        if not self.escapes:
            raise _errors.export_data_dependent(what)
        self.escapes[-1] = True

    def __torch_dispatch__(self, func, types, args=(), kwargs=None):
        kwargs = kwargs or {}
        found = []
        node_args, node_kwargs = self.arg(args, found), self.arg(kwargs, found)
        if func._name in _READS_VALUE:
            self.read(args[0], f"aten.{func.__name__}")
        out = func(*args, **kwargs)
        self.record(func, func._name, node_args, node_kwargs, found, out)
        return out

    def _ember_composite(self, name, run, args, kwargs):
        """An Ember function with no aten operator: recorded as the operators it calls, or,
        when part of it computes without them (a result or an intermediate the graph does not
        know, a value read into Python), as one call of the function itself."""
        found = []
        node_args, node_kwargs = self.arg(args, found), self.arg(kwargs, found)
        mark = len(self.created)
        self.escapes.append(False)
        try:
            out = run(*args, **kwargs)
        finally:
            escaped = self.escapes.pop()
        results = out if isinstance(out, (list, tuple)) else (out,)
        if not escaped and all(id(t) in self.env or id(t) in self.items
                               for t in results if isinstance(t, Tensor)):
            return out
        target = _optable.by_name().get(name)
        if target is None:
            raise _errors.export_unrecordable(name)
        self.rollback(mark)
        self.record(target, name.rpartition(".")[2], node_args, node_kwargs, found, out)
        return out

    def rollback(self, mark):
        """Forget the nodes made since ``mark`` (a composite's parts, now recorded whole)."""
        gone = set(self.created[mark:])
        for node in reversed(self.created[mark:]):
            self.graph.erase_node(node)
        del self.created[mark:]
        self.traced -= gone
        self.constants = [c for c in self.constants if c[2] not in gone]
        for key in [k for k, (_, n) in self.env.items() if n in gone]:
            del self.env[key]
        for key in [k for k, (_, n, _) in self.items.items() if n in gone]:
            del self.items[key]


# ---- calls no dispatch mode sees ------------------------------------------------------------
# nn.functional's functions that are not ops (``F.avg_pool2d``, ``F.interpolate``, ``F.pad``...)
# compute with Ember's internals, and ``Tensor.tolist`` / ``numpy`` / ``__array__`` read values
# without an aten operator.  While a capture runs, every binding of them is swapped
# (``_ops._bindings``): the first are handed to the recorder as composites, the second are
# refused on traced tensors as ``.item()`` is.
_LAYER = "export"
_READERS = ("tolist", "numpy", "__array__")
_recorders = []         # the capture running (innermost last)
_WATCHED = {}


def _watched():
    """{function: its op-table name, or ``Tensor.<reader>``}."""
    if not _WATCHED:
        _WATCHED.update((fn, name) for name, fn in _optable.by_name().items()
                        if name.startswith("nn.functional."))
        _WATCHED.update((Tensor.__dict__[name], "Tensor." + name) for name in _READERS)
    return _WATCHED


def _recording_now():
    """The recorder, if its mode is the innermost (not while it runs an operator)."""
    stack = _dispatch.mode_stack()
    return stack[-1] if _recorders and stack and stack[-1] is _recorders[-1] else None


def _wrap(inner, original):
    name = _watched()[original]

    def call(*args, **kwargs):
        rec = _recording_now()
        if rec is None:
            return inner(*args, **kwargs)
        if name.startswith("Tensor."):
            rec.read(args[0], name)
            return inner(*args, **kwargs)
        return rec._ember_composite(name, inner, args, kwargs)
    call.__name__, call.__qualname__ = original.__name__, original.__qualname__
    call.__wrapped__ = original
    return call


_bindings.register_layer(_LAYER, 5, _watched, _wrap)


@contextlib.contextmanager
def _recording(rec):
    _recorders.append(rec)
    _bindings.set_active(_LAYER, True)
    try:
        with grad_mode.no_grad(), rec:
            yield
    finally:
        _recorders.pop()
        _bindings.set_active(_LAYER, bool(_recorders))


def _tensor_attributes(mod, skip):
    """``{id(tensor): dotted name}`` of the plain tensor attributes of ``mod``'s modules."""
    out = {}
    for prefix, m in mod.named_modules():
        for k, v in vars(m).items():
            if isinstance(v, Tensor) and id(v) not in skip:
                out.setdefault(id(v), f"{prefix}.{k}" if prefix else k)
    return out


class Capture:
    """One trace: the graph, its input / output specs, the lifted constants, and the flat user
    inputs' placeholders (for the dynamic-size pass)."""

    def __init__(self, mod, args, kwargs):
        params = dict(mod.named_parameters())
        buffers = dict(mod.named_buffers())
        persistent = set(mod.state_dict(keep_vars=True))
        inputs = named_inputs(mod, args, kwargs)
        g = self.graph = Graph()
        specs, env, traced, values = [], {}, set(), []
        for kind, prefix, table in ((InputKind.PARAMETER, "p_", params),
                                    (InputKind.BUFFER, "b_", buffers)):
            for fqn, t in table.items():
                node = g.placeholder(prefix + fqn.replace(".", "_"))
                annotate(node, t)
                env[id(t)] = (t, node)
                traced.add(node)
                values.append(t)
                specs.append(InputSpec(kind, TensorArgument(node.name), fqn,
                                       (fqn in persistent) if kind is InputKind.BUFFER
                                       else None))
        self.user_nodes, user_specs = [], []
        for name, value in inputs.items():
            for path, leaf in _pytree.tree_leaves_with_path(value):
                node = _user_placeholder(g, _leaf_name(name, path))
                annotate(node, leaf)
                if isinstance(leaf, Tensor):
                    env[id(leaf)] = (leaf, node)
                    traced.add(node)
                    arg = TensorArgument(node.name)
                else:
                    arg = ConstantArgument(node.name, leaf)
                self.user_nodes.append(node)
                user_specs.append(InputSpec(InputKind.USER_INPUT, arg, None))
        first_user = self.user_nodes[0] if self.user_nodes else None
        skip = {id(t) for t in list(params.values()) + list(buffers.values())}
        rec = _Recorder(g, _tensor_attributes(mod, skip), first_user)
        rec.env.update(env)
        rec.traced.update(traced)
        saved = [(t, t.clone()) for t in list(params.values()) + list(buffers.values())]
        try:
            with _recording(rec):
                result = mod(*args, **kwargs)
        finally:
            with grad_mode.no_grad():
                for t, copy in saved:
                    t.copy_(copy)
        leaves, self.out_spec = _pytree.tree_flatten(result)
        outs = [rec.node(t) if isinstance(t, Tensor) else t for t in leaves]
        g.output(tuple(outs))
        constant_specs = [InputSpec(InputKind.CONSTANT_TENSOR, TensorArgument(node.name), name)
                          for name, _, node in rec.constants]
        self.input_specs = specs + constant_specs + user_specs
        self.input_values = values + [t for _, t, _ in rec.constants] + [None] * len(user_specs)
        self.output_specs = [OutputSpec(OutputKind.USER_OUTPUT,
                                        TensorArgument(o.name) if isinstance(o, Node)
                                        else ConstantArgument("", o), None) for o in outs]
        self.in_spec = _pytree.tree_structure((tuple(args), dict(kwargs)))
        self.inputs = inputs
