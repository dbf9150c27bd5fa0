"""``ember.jit``: tracing to a graph, and saving / loading / running traced modules.

``trace`` runs the code once on example inputs and records every outermost op call into an
:class:`ember.fx.Graph`.  ``script`` keeps the code as Python source (saved with the module),
so data-dependent control flow (``if x.sum() > 0:``) runs as in eager mode.  ``save`` writes
the graph (or the source) and the weights to one zip file; ``load`` rebuilds a runnable module
from it without the original Python class.  ``freeze`` / ``optimize_for_inference`` copy a
module with its weights as constants.
"""
import importlib

from ._markers import is_scripting, is_tracing, ignore, unused, export, annotate, Final
from ._markers import _overload, _overload_method  # noqa: F401

# The tracer, scripter and archive load on first use: libraries ask ``is_scripting()`` /
# ``is_tracing()`` in every forward, and that should not import fx and the zip format.
_LAZY = {"TracerWarning": "_tracer", "ScriptModule": "_module", "TracedModule": "_module",
         "TopLevelTracedModule": "_module", "trace": "_api", "script": "_api", "save": "_api",
         "load": "_api", "RecursiveScriptModule": "_script", "ScriptFunction": "_script",
         "freeze": "_freeze", "optimize_for_inference": "_freeze"}
_LAZY.update((name, "_runtime") for name in (
    "Attribute", "Error", "Future", "interface", "fork", "wait", "isinstance",
    "script_if_tracing", "set_fusion_strategy", "fuser", "optimized_execution",
    "enable_onednn_fusion", "onednn_fusion_enabled"))

__all__ = ["trace", "script", "save", "load", "ScriptModule",
           "TracedModule", "TopLevelTracedModule", "TracerWarning", "RecursiveScriptModule",
           "ScriptFunction", "is_scripting", "is_tracing", "ignore", "unused", "export", "annotate",
           "Final", "Attribute", "Error", "Future", "interface", "fork", "wait", "isinstance",
           "script_if_tracing", "set_fusion_strategy", "fuser", "optimized_execution",
           "enable_onednn_fusion", "onednn_fusion_enabled", "freeze", "optimize_for_inference"]


def __getattr__(name):
    if name == "annotations":       # the submodule, loaded on first use
        return importlib.import_module(f".{name}", __name__)
    if name not in _LAZY:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
    globals()[name] = value
    return value


def __dir__():
    return sorted(set(globals()) | set(_LAZY))
