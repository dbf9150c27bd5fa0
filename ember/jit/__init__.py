"""``ember.jit``: tracing to a graph, and saving / loading / running traced modules.

``trace`` runs the code once on example inputs and records every outermost op call into an
:class:`ember.fx.Graph`.  ``script`` is tracing on demand: ember does not compile Python
source, so data-dependent control flow (``if x.sum() > 0:``) cannot be scripted and raises
``ember.UnsupportedError`` when met.  ``save`` writes the graph and the weights to one zip
file; ``load`` rebuilds a runnable module from it without the original Python class.
"""
from ._tracer import TracerWarning
from ._module import ScriptModule, TracedModule, TopLevelTracedModule
from ._api import trace, script, save, load

__all__ = ["trace", "script", "save", "load", "ScriptModule",
           "TracedModule", "TopLevelTracedModule", "TracerWarning"]
