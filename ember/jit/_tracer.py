"""Record an :class:`ember.fx.Graph` by running code on example inputs.

While tracing, every public binding of a traceable function is replaced by a recording
wrapper (``ember.fx._patching``).  A depth counter makes only the outermost call a node: what
an op does internally is the op's business, and modules are inlined.  A Tensor method call
becomes a ``call_method`` node, a Python operator a ``call_function`` of the ``operator``
function (as torch.fx writes them), a function call a ``call_function`` of that function;
parameters and buffers are ``get_attr`` nodes by their ``state_dict`` names, other tensors
``get_attr`` nodes of ``_tensor_constant<i>`` attributes (the tensor in the node's
``meta[TENSOR_CONSTANT]``), and items of multiple results ``operator.getitem`` nodes.
Everything is put back afterwards, even on error.
"""
import functools
import inspect
import operator
import warnings

from .. import _errors
from .._C import _tracing_depth
from .._tensor import Tensor
from .._dtype import dtype as _dtype
from .._device import device as _device
from ..fx import _optable
from ..fx._patching import Patcher, patch_bindings, user_namespaces
from ..fx.graph import Graph
from ..fx.node import map_aggregate

TENSOR_CONSTANT = "tensor_constant"


class TracerWarning(Warning):
    """The trace may not generalise to other inputs (data-dependent Python values)."""


# Tensor -> Python value conversions: data-dependent control flow when traced.
_CONVERSIONS = ("__bool__", "__int__", "__float__", "__index__", "item", "tolist")
_PLAIN = (type(None), bool, int, float, str, _dtype, _device, type(Ellipsis))


class _Recorder:
    def __init__(self, attrs, on_conversion):
        self.graph = Graph()
        self.depth = 0
        self.values = {}           # id(tensor) -> its Node, or (Node, index path) until used
        self.attrs = attrs         # id(tensor) -> state_dict name
        self.keep = []             # keeps traced tensors alive so ids stay unique
        self.on_conversion = on_conversion
        self._attr_nodes = {}      # state_dict name -> get_attr node
        self._items = {}           # (node, index path) -> getitem node
        self._constants = 0

    def add_input(self, t, name):
        self.values[id(t)] = self.graph.placeholder(name)
        self.keep.append(t)

    def node_of(self, t):
        v = self.values.get(id(t))
        if isinstance(v, tuple):
            v = self.values[id(t)] = self._item(*v)
        if v is not None:
            return v
        name = self.attrs.get(id(t))
        if name is not None:
            node = self._attr_nodes.get(name)
            if node is None:
                node = self._attr_nodes[name] = self.graph.get_attr(name)
            return node
        node = self.graph.get_attr(f"_tensor_constant{self._constants}")
        node.meta[TENSOR_CONSTANT] = t.detach()
        self._constants += 1
        self.values[id(t)] = node
        self.keep.append(t)
        return node

    def _item(self, node, path):
        """The getitem node for ``node[path[0]][path[1]]...`` (each made once)."""
        item = node
        for i in range(1, len(path) + 1):
            key = (node, path[:i])
            if key not in self._items:
                self._items[key] = self.graph.call_function(operator.getitem,
                                                            (item, path[i - 1]))
            item = self._items[key]
        return item

    def encode(self, v, what):
        """``v`` as a node argument: tensors become the nodes that computed them."""
        def leaf(x):
            if isinstance(x, Tensor):
                return self.node_of(x)
            if isinstance(x, _PLAIN):
                return x
            raise _errors.trace_argument_type(what, type(x).__name__)
        return map_aggregate(v, leaf)

    def record(self, op, target, args, kwargs, out):
        what = target if isinstance(target, str) else \
            _optable.name_of(target) or getattr(target, "__name__", "")
        node = self.graph.create_node(op, target, self.encode(args, what),
                                      self.encode(kwargs, what))
        self._bind(out, node, ())

    def _bind(self, out, node, path):
        if isinstance(out, Tensor):
            self.values[id(out)] = (node, path) if path else node
            self.keep.append(out)
        elif isinstance(out, (tuple, list)):
            for i, x in enumerate(out):
                self._bind(x, node, path + (i,))


def _recording(rec, fn, op, target, swapped):
    """``fn``, recording its outermost calls as ``op`` nodes of ``target``."""
    def traced(*args, **kwargs):
        if rec.depth:
            return fn(*args, **kwargs)
        rec.depth += 1      # also while recording: encoding may call tensor methods
        try:
            out = fn(*args, **kwargs)
            rec.record(op, target, args[::-1] if swapped else args, kwargs, out)
        finally:
            rec.depth -= 1
        return out
    traced.__name__ = traced.__qualname__ = getattr(fn, "__name__", "traced")
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


def input_names(fn, n):
    """Names for ``n`` inputs: the parameter names of ``fn`` (``input`` where it has none)."""
    try:
        params = list(inspect.signature(getattr(fn, "forward", fn)).parameters.values())
    except (TypeError, ValueError):
        params = []
    names = []
    for p in params:
        if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD):
            names.append(p.name)
        elif p.kind == p.VAR_POSITIONAL:
            names += [p.name] * (n - len(names))
    return (names + ["input"] * n)[:n]


_tracing = _tracing_depth     # how many record_graph calls are running (they nest)


def record_graph(fn, inputs, module=None, strict=True, on_conversion=_warn_conversion):
    """Run ``fn(*inputs)`` while recording; return ``(graph, eager output)``."""
    rec = _Recorder(module_attributes(module), on_conversion)
    for t, name in zip(inputs, input_names(fn, len(inputs))):
        rec.add_input(t, name)
    patcher = Patcher()
    _tracing[0] += 1
    try:
        patch_bindings(patcher, functools.partial(_recording, rec),
                       user_namespaces(fn, module))
        for k in _CONVERSIONS:
            patcher.set(Tensor, k, _converting(rec, k, Tensor.__dict__[k]))
        out = fn(*inputs)
    finally:
        _tracing[0] -= 1
        patcher.undo()
    rec.graph.output(_encode_output(rec, out, strict))
    return rec.graph, out


def _encode_output(rec, out, strict):
    if isinstance(out, Tensor):
        return rec.node_of(out)
    if isinstance(out, tuple):
        return tuple(_encode_output(rec, x, strict) for x in out)
    if not strict and isinstance(out, list):
        return [_encode_output(rec, x, strict) for x in out]
    if not strict and isinstance(out, dict):
        return {k: _encode_output(rec, x, strict) for k, x in out.items()}
    raise _errors.trace_output_type(type(out).__name__)
