"""``ember.fx``: torch.fx's graph IR, shared by symbolic tracing, ``ember.jit`` and ``ember.onnx``.

A :class:`Graph` is an ordered list of :class:`Node` s (placeholder, get_attr, call_function,
call_method, call_module, output).  :func:`symbolic_trace` records one by running a module's
forward on :class:`Proxy` values and returns a :class:`GraphModule` (an ``nn.Module`` whose
forward is generated from the graph); ``ember.jit.trace`` records one by running the code on
example tensors (inlining every module), and ``jit.save`` / ``ember.onnx.export`` consume it.
:class:`Interpreter` runs a graph node by node, :class:`Transformer` rebuilds it.
"""
import importlib

# Each name loads its module on first use: libraries import torch.fx only to ask
# ``isinstance(x, torch.fx.Proxy)`` in their forward, which needs the proxy module alone.
_LAZY = {"Graph": "graph", "Node": "node", "map_arg": "node", "map_aggregate": "node",
         "Proxy": "proxy", "Attribute": "proxy", "TraceError": "proxy",
         "GraphModule": "graph_module", "Tracer": "_symbolic_trace",
         "symbolic_trace": "_symbolic_trace", "wrap": "_symbolic_trace", "PH": "_symbolic_trace",
         "Interpreter": "interpreter", "Transformer": "interpreter"}
_SUBMODULES = {"graph", "node", "proxy", "graph_module", "interpreter", "experimental", "passes"}

__all__ = ["Graph", "Node", "map_arg", "map_aggregate", "Proxy", "Attribute", "TraceError",
           "GraphModule", "Tracer", "symbolic_trace", "wrap", "PH", "Interpreter",
           "Transformer"]


def __getattr__(name):
    if name in _SUBMODULES:
        return importlib.import_module(f".{name}", __name__)
    if name not in _LAZY:
        from .. import _errors
        raise _errors.module_attribute(__name__, name)
    value = getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
    globals()[name] = value
    return value


def __dir__():
    return sorted(set(globals()) | set(_LAZY) | _SUBMODULES)
