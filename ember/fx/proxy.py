"""``Proxy``: the stand-in value that symbolic tracing passes through user code.

Every operation on a Proxy records a node instead of computing: Python operators become
``call_function`` nodes on the ``operator`` functions, attribute reads ``getattr`` nodes
(``x.shape``), method calls ``call_method`` nodes (``x.view(...)``), and ember functions that
receive a Proxy ``call_function`` nodes: the tracer patches them while it runs, and outside a
trace (a graph built by hand: ``Proxy(graph.placeholder("x"))``) they reach
``Proxy.__torch_function__`` as a Tensor subclass's calls do.  A Proxy has
no value, so using one to decide Python control flow (``if x.sum() > 0:``) raises
:class:`TraceError`.
"""
import dis
import inspect
import operator

from .. import _dtype as D
from .. import _errors
from .._errors import TraceError
from .._device import device as _device
from .._ops._bindings import original
from .._subclass import note_instance as _note_instance
from . import _optable
from .graph import Graph
from .node import Node, map_aggregate

__all__ = ["TraceError", "TracerBase", "GraphAppendingTracer", "Proxy", "Attribute"]


_BASE_TYPES = (str, int, float, bool, complex, D.dtype, _device, type(None), type(Ellipsis))


class TracerBase:
    """Node creation shared by :class:`~ember.fx.Tracer` and transforms: turn Proxies in
    arguments into nodes and wrap new nodes in Proxies."""
    graph: Graph
    proxy_buffer_attributes = False     # whether reading a buffer in forward is a get_attr

    def create_node(self, kind, target, args, kwargs, name=None, type_expr=None):
        return self.graph.create_node(kind, target, args, kwargs, name, type_expr)

    def proxy(self, node):
        return Proxy(node, self)

    def create_proxy(self, kind, target, args, kwargs, name=None, type_expr=None,
                     proxy_factory_fn=None):
        node = self.create_node(kind, target, self.create_arg(args), self.create_arg(kwargs),
                                name, type_expr)
        return self.proxy(node) if proxy_factory_fn is None else proxy_factory_fn(node)

    def create_arg(self, a):
        """``a`` as a node argument: Proxies become their nodes (inside containers too)."""
        if isinstance(a, (tuple, list, dict, slice)):
            return map_aggregate(a, self.create_arg)
        if isinstance(a, Proxy):
            return a.node
        if isinstance(a, (Node,) + _BASE_TYPES):
            return a
        raise _errors.fx_argument_type(type(a))

    def to_bool(self, obj):
        raise _errors.fx_control_flow()

    def iter(self, obj):
        raise _errors.fx_proxy_iteration()

    def keys(self, obj):
        return Attribute(obj, "keys")()


class GraphAppendingTracer(TracerBase):
    """What a Proxy made from a bare node records into: that node's graph."""

    def __init__(self, graph):
        self.graph = graph


class Proxy:
    """A value under symbolic tracing: the node that will compute it, and the tracer."""

    def __init__(self, node, tracer=None):
        self.tracer = tracer if tracer is not None else GraphAppendingTracer(node.graph)
        self.node = node
        if isinstance(self.tracer, GraphAppendingTracer):
            # a graph built by hand: no tracer patches the functions, so they dispatch
            # through __torch_function__ (switched on from here on, as for Tensor subclasses)
            _note_instance(type(self))

    @classmethod
    def __torch_function__(cls, func, types, args=(), kwargs=None):
        """A public function (``torch.einsum``, ``F.linear``, ...) called with a Proxy among
        its arguments, outside a tracer's patching too: record it into the Proxy's graph."""
        kwargs = kwargs or {}
        tracers = {}

        def find(a):
            if isinstance(a, cls):
                tracers[a.tracer] = None
            return a
        map_aggregate((args, kwargs), find)
        if len(tracers) > 1:
            raise _errors.fx_multiple_tracers(list(tracers), func)
        func = original(func)
        # (method calls on a Proxy are ``Attribute`` calls: only function forms arrive here)
        return next(iter(tracers)).create_proxy("call_function", func,
                                                _unpacked(func, args, cls), kwargs)

    def __repr__(self):
        return f"Proxy({self.node.name})"

    def __getattr__(self, name):
        if name.startswith("__") and name.endswith("__"):   # copy / pickle probes
            raise AttributeError(name)
        return Attribute(self, name)

    def __call__(self, *args, **kwargs):
        return self.tracer.create_proxy("call_method", "__call__", (self,) + args, kwargs)

    def __iter__(self):
        # ``a, b = proxy`` unpacks a known number of items: record one getitem per item
        frame = inspect.currentframe().f_back
        inst = next((i for i in dis.get_instructions(frame.f_code)
                     if i.offset == frame.f_lasti), None)
        if inst is not None and inst.opname == "UNPACK_SEQUENCE":
            return (self[i] for i in range(inst.argval))
        return self.tracer.iter(self)

    def __bool__(self):
        return self.tracer.to_bool(self)

    def __len__(self):
        raise _errors.fx_len()

    def keys(self):
        return self.tracer.keys(self)

    __hash__ = object.__hash__


def _unpacked(func, args, proxy_type):
    """A variadic function's operands given as one sequence of Proxies (``einsum(eq, [a, b])``)
    unpacked, as torch's variadic functions unpack them before dispatching."""
    code = getattr(inspect.unwrap(func), "__code__", None)
    if code is None or not code.co_flags & inspect.CO_VARARGS or len(args) != code.co_argcount + 1:
        return args
    last = args[-1]
    if isinstance(last, (list, tuple)) and any(isinstance(a, proxy_type) for a in last):
        return args[:-1] + tuple(last)
    return args


def _operator_method(fn, swapped):
    if swapped:
        def method(self, other):
            return self.tracer.create_proxy("call_function", fn, (other, self), {})
    else:
        def method(self, *others):
            return self.tracer.create_proxy("call_function", fn, (self,) + others, {})
    return method


for _attr, (_fn, _swapped) in _optable.OPERATORS.items():
    # in-place operators fall back to the plain ones (``x += y`` is ``x = x + y``), as in
    # torch.fx; setitem is not recorded on a Proxy
    if _fn not in _optable.IN_PLACE_OPERATORS and _fn is not operator.setitem:
        setattr(Proxy, _attr, _operator_method(_fn, _swapped))


class Attribute(Proxy):
    """``proxy.name``: a ``getattr`` node, created only if the value is used as such; called
    (``proxy.view(...)``), it is a ``call_method`` node instead."""

    def __init__(self, root, attr):
        self.root = root
        self.attr = attr
        self.tracer = root.tracer
        self._node = None

    @property
    def node(self):
        if self._node is None:
            self._node = self.tracer.create_proxy("call_function", getattr,
                                                  (self.root, self.attr), {}).node
        return self._node

    def __call__(self, *args, **kwargs):
        return self.tracer.create_proxy("call_method", self.attr, (self.root,) + args, kwargs)
