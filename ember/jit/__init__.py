"""``ember.jit``: tracing to a graph, and saving / loading / running traced modules.

``trace`` runs the code once on example inputs and records every outermost op call into an
:class:`ember.fx.Graph`.  ``script`` keeps the code as Python source (saved with the module),
so data-dependent control flow (``if x.sum() > 0:``) runs as in eager mode.  ``save`` writes
the graph (or the source) and the weights to one zip file; ``load`` rebuilds a runnable module
from it without the original Python class.
"""
from ._tracer import TracerWarning, is_tracing
from ._module import ScriptModule, TracedModule, TopLevelTracedModule
from ._api import trace, script, save, load
from ._script import (RecursiveScriptModule, ScriptFunction, is_scripting, ignore, unused,
                      export, annotate, Final)

__all__ = ["trace", "script", "save", "load", "ScriptModule",
           "TracedModule", "TopLevelTracedModule", "TracerWarning", "RecursiveScriptModule",
           "ScriptFunction", "is_scripting", "is_tracing", "ignore", "unused", "export", "annotate",
           "Final"]
