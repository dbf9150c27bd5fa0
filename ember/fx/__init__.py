"""``ember.fx``: torch.fx's graph IR, shared by symbolic tracing, ``ember.jit`` and ``ember.onnx``.

A :class:`Graph` is an ordered list of :class:`Node` s (placeholder, get_attr, call_function,
call_method, call_module, output).  :func:`symbolic_trace` records one by running a module's
forward on :class:`Proxy` values and returns a :class:`GraphModule` (an ``nn.Module`` whose
forward is generated from the graph); ``ember.jit.trace`` records one by running the code on
example tensors (inlining every module), and ``jit.save`` / ``ember.onnx.export`` consume it.
:class:`Interpreter` runs a graph node by node, :class:`Transformer` rebuilds it.
"""
from .graph import Graph
from .node import Node, map_arg, map_aggregate
from .proxy import Proxy, Attribute, TraceError
from .graph_module import GraphModule
from ._symbolic_trace import Tracer, symbolic_trace, wrap, PH
from .interpreter import Interpreter, Transformer

__all__ = ["Graph", "Node", "map_arg", "map_aggregate", "Proxy", "Attribute", "TraceError",
           "GraphModule", "Tracer", "symbolic_trace", "wrap", "PH", "Interpreter",
           "Transformer"]
