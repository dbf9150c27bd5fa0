"""``ScriptModule``: a module whose forward is a recorded :class:`ember.fx.Graph`.

Its parameters and buffers live in plain holder submodules laid out like the original
module's, so ``state_dict()`` keys are the original's and the graph needs no Python class of
the user's to run (what ``jit.load`` relies on).  The graph runs as the Python code that
``ember.fx`` generates from it (``.code``); tensor constants of the trace are plain
attributes (``_tensor_constant0``), not part of the ``state_dict``."""
from ..nn.modules.module import Module
from ..fx.graph_module import compile_forward
from ._tracer import TENSOR_CONSTANT


class _Attributes(Module):
    """A submodule that only holds parameters and buffers (named like the original's)."""

    def __init__(self, original_name=""):
        super().__init__()
        self.original_name = original_name

    def extra_repr(self):
        return f"original_name={self.original_name}" if self.original_name else ""


class ScriptModule(Module):
    """A traced module: ``forward`` replays ``graph`` with ember's functions.

    The Python control flow of the original code was resolved for the example inputs (the
    ``training`` flag of dropout / batch norm included): ``train()`` / ``eval()`` flip the
    ``training`` attribute but do not change the recorded graph."""

    def __init__(self, graph, original_name=""):
        super().__init__()
        self._graph = graph
        self.original_name = original_name
        self._compiled = None       # (graph, its forward function)
        if graph is not None:
            self._bind_constants()

    # ---- building ---------------------------------------------------------------------
    def _holder(self, path):
        """The submodule at dotted ``path`` (created as an attribute holder when absent)."""
        m = self
        for part in path.split(".") if path else ():
            sub = m._modules.get(part)
            if sub is None:
                sub = _Attributes()
                m.add_module(part, sub)
            m = sub
        return m

    def _add_attribute(self, name, tensor, is_parameter, persistent=True):
        prefix, _, leaf = name.rpartition(".")
        holder = self._holder(prefix)
        if is_parameter:
            holder.register_parameter(leaf, tensor)
        else:
            holder.register_buffer(leaf, tensor, persistent=persistent)

    def _adopt(self, module):
        """Share all of ``module``'s parameters and buffers (so ``state_dict()`` matches)."""
        persistent = set(module.state_dict(keep_vars=True))
        for name, p in module.named_parameters():
            self._add_attribute(name, p, True)
        for name, b in module.named_buffers():
            self._add_attribute(name, b, False, name in persistent)
        self.train(module.training)

    # ---- running ----------------------------------------------------------------------
    @property
    def graph(self):
        return self._graph

    @property
    def code(self):
        return self.graph.python_code("self").src

    def _bind_constants(self):
        """The trace's tensor constants as plain attributes, where get_attr finds them."""
        for node in self._graph.find_nodes(op="get_attr"):
            if TENSOR_CONSTANT in node.meta:
                self.__dict__[node.target] = node.meta[TENSOR_CONSTANT]

    def _sync(self):
        """The compiled forward of the current graph."""
        compiled = self._compiled
        if compiled is None or compiled[0] is not self._graph:
            self._bind_constants()
            compiled = self._compiled = (self._graph,
                                         compile_forward(self._graph.python_code("self")))
        return compiled[1]

    def forward(self, *inputs):
        return self._sync()(self, *inputs)

    def __getstate__(self):
        state = super().__getstate__()
        state["_compiled"] = None       # generated code is rebuilt, not pickled
        return state

    def save(self, f):
        from ._archive import save
        save(self, f)

    def extra_repr(self):
        return f"original_name={self.original_name}" if self.original_name else ""


TracedModule = ScriptModule
TopLevelTracedModule = ScriptModule


def from_module(graph, module):
    """A ScriptModule sharing ``module``'s parameters and buffers."""
    sm = ScriptModule(graph, type(module).__name__ if module is not None else "")
    if module is not None:
        sm._adopt(module)
    return sm
