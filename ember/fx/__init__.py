"""``ember.fx``: the graph IR shared by ``ember.jit`` (trace, save, load) and ``ember.onnx``.

Graphs are produced by tracing (:func:`ember.jit.trace`): running the code on example inputs
and recording every outermost op call.  Python control flow is therefore resolved for the
example inputs; there is no symbolic (proxy-based) tracer.
"""
from .graph import Graph, Node, Ref
from .interpreter import Interpreter

__all__ = ["Graph", "Node", "Ref", "Interpreter"]
