"""``Graph``: an ordered list of :class:`~ember.fx.node.Node` s, in torch.fx's model.

Symbolic tracing (:func:`ember.fx.symbolic_trace`), ``ember.jit.trace`` and ``jit.load``
produce graphs; :class:`~ember.fx.GraphModule`, ``ScriptModule``, the
:class:`~ember.fx.Interpreter` and the ONNX exporter consume them.  Nodes are created at the
insertion point (the end, unless ``inserting_before`` / ``inserting_after`` moved it), named
uniquely, and printed (``print(graph)``) and turned into Python (``python_code``) the way
torch.fx does.
"""
import contextlib
import re

from .. import _errors
from . import _codegen, _optable
from .node import Node, map_arg

def _snake_case(name):
    return re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", name).lower()


def _candidate(op, target):
    if op == "call_function":     # named after the function (its public name: factories'
        public = _optable.public_name(target)       # functions share a generic __name__)
        return _snake_case(public.rpartition(".")[2] if public else
                           getattr(target, "__name__", "function"))
    if op == "placeholder":
        return target.lstrip("*")
    return target


class _NodeList:
    """``graph.nodes``: iterates in order and goes on correctly past erased nodes."""

    def __init__(self, graph, reverse=False):
        self._graph = graph
        self._reverse = reverse

    def __len__(self):
        return self._graph._len

    def __iter__(self):
        root = self._graph._root
        step = "_prev" if self._reverse else "_next"
        cur = getattr(root, step)
        while cur is not root:
            if not cur._erased:
                yield cur
            cur = getattr(cur, step)

    def __reversed__(self):
        return iter(_NodeList(self._graph, not self._reverse))


class Graph:
    def __init__(self, owning_module=None):
        self._root = Node(self, "", "placeholder", "", (), {})   # the list's sentinel
        self._root.op = "root"
        self._len = 0
        self._namespace = _codegen.Namespace()
        self._insert = self._root.prepend
        self.owning_module = owning_module

    @property
    def nodes(self):
        return _NodeList(self)

    def find_nodes(self, *, op, target=None):
        return [n for n in self.nodes if n.op == op and (target is None or n.target == target)]

    # ---- creating nodes ----------------------------------------------------------------------
    def create_node(self, op, target=None, args=None, kwargs=None, name=None, type_expr=None):
        name = self._namespace.create_name(name if name is not None else _candidate(op, target))
        node = Node(self, name, op, target, args or (), kwargs or {}, type_expr)
        self._insert(node)
        self._len += 1
        return node

    def placeholder(self, name, type_expr=None, default_value=_codegen.NO_DEFAULT):
        args = () if default_value is _codegen.NO_DEFAULT else (default_value,)
        return self.create_node("placeholder", name, args, type_expr=type_expr)

    def get_attr(self, qualified_name, type_expr=None):
        return self.create_node("get_attr", qualified_name, type_expr=type_expr)

    def call_module(self, module_name, args=None, kwargs=None, type_expr=None):
        return self.create_node("call_module", module_name, args, kwargs, type_expr=type_expr)

    def call_method(self, method_name, args=None, kwargs=None, type_expr=None):
        return self.create_node("call_method", method_name, args, kwargs, type_expr=type_expr)

    def call_function(self, the_function, args=None, kwargs=None, type_expr=None):
        return self.create_node("call_function", the_function, args, kwargs,
                                type_expr=type_expr)

    def output(self, result, type_expr=None):
        return self.create_node("output", "output", (result,), type_expr=type_expr)

    def node_copy(self, node, arg_transform=lambda x: x):
        """A copy of ``node`` (possibly of another graph) in this graph, its node arguments
        mapped by ``arg_transform``."""
        args, kwargs = map_arg((node.args, node.kwargs), arg_transform)
        copy = self.create_node(node.op, node.target, args, kwargs, node.name, node.type)
        copy.meta = dict(node.meta)
        return copy

    def graph_copy(self, g, val_map):
        """Copy the nodes of ``g`` (but its output) into this graph; ``val_map`` maps
        ``g``'s nodes to the copies.  Returns the copied output value."""
        for node in g.nodes:
            if node.op == "output":
                return map_arg(node.args[0], lambda n: val_map[n])
            val_map[node] = self.node_copy(node, lambda n: val_map[n])
        return None

    def __deepcopy__(self, memo):
        g = Graph()
        memo[id(self)] = g
        out = g.graph_copy(self, {})
        output = self.find_nodes(op="output")
        if output:
            g.output(out, output[0].type)
        return g

    # ---- insertion point -------------------------------------------------------------------
    @contextlib.contextmanager
    def _inserting(self, insert):
        saved, self._insert = self._insert, insert
        try:
            yield
        finally:
            self._insert = saved

    def inserting_before(self, n=None):
        """New nodes go just before ``n`` (at the start of the graph when ``n`` is None)."""
        if n is None:
            return self.inserting_after(self._root)
        return self._inserting(n.prepend)

    def inserting_after(self, n=None):
        """New nodes go just after ``n`` (so the last created comes first; at the end of the
        graph when ``n`` is None)."""
        if n is None:
            return self.inserting_before(self._root)
        return self._inserting(n.append)

    # ---- removing nodes ------------------------------------------------------------------------
    def erase_node(self, to_erase):
        if to_erase.users:
            raise _errors.fx_erase_used(to_erase)
        if to_erase.graph is not self:
            raise _errors.fx_erase_foreign(to_erase)
        if to_erase._erased:
            return
        to_erase._remove_from_list()
        to_erase._erased = True
        self._len -= 1
        to_erase.args, to_erase.kwargs = (), {}

    def eliminate_dead_code(self, is_impure_node=None):
        """Erase the nodes nothing uses and that have no side effect; True if any was."""
        impure = is_impure_node or (lambda n: n.is_impure())
        changed = False
        for node in reversed(self.nodes):
            if not node.users and not impure(node):
                self.erase_node(node)
                changed = True
        return changed

    def lint(self):
        """Check that nodes belong to this graph, are in topological order and have unique
        names, and that get_attr / call_module targets exist in the owning module."""
        seen, names = set(), set()
        for node in self.nodes:
            if node.graph is not self:
                raise _errors.fx_lint_foreign_node(node)
            for arg in node._input_nodes:
                if arg.graph is not self:
                    raise _errors.fx_lint_foreign_arg(arg, node, self)
                if arg not in seen:
                    raise _errors.fx_lint_undefined_arg(arg, node, self)
            seen.add(node)
            if node.name in names:
                raise _errors.fx_lint_redefined(node.name)
            names.add(node.name)
        if self.owning_module is not None:
            for node in self.nodes:
                if node.op in ("get_attr", "call_module"):
                    self._lint_target(node)

    def _lint_target(self, node):
        m, parts = self.owning_module, node.target.split(".")
        for i, atom in enumerate(parts):
            m = getattr(m, atom, None)
            if m is None:
                raise _errors.fx_lint_target(node, atom, ".".join(parts[:i]))

    # ---- printing and code -------------------------------------------------------------------
    def __str__(self):
        return "\n".join(["graph():"] + [f"    {n.format_node()}" for n in self.nodes])

    def python_code(self, root_module="self"):
        """The graph as the source of ``forward`` (``.src``) and the ``.globals`` it needs."""
        return _codegen.python_code(self, root_module)

    # ---- pickling ----------------------------------------------------------------------------
    def __reduce__(self):
        from ._serialize import graph_state, graph_from_state
        return graph_from_state, (graph_state(self),)
