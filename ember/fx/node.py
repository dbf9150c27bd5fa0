"""``Node``: one operation of a :class:`~ember.fx.Graph`, in torch.fx's model.

``op`` says what the node does: ``placeholder`` (an input), ``get_attr`` (a parameter,
buffer or constant of the owning module, by dotted name), ``call_function`` (``target`` is a
Python callable: ember's own functions, ``operator.add`` for ``+``...), ``call_method``
(``target`` names a Tensor method, ``args[0]`` is the tensor), ``call_module`` (``target``
names a submodule) or ``output``.  ``args`` / ``kwargs`` hold other Nodes inside ordinary
Python values (tuples, lists, dicts, slices); ``users`` is kept in step with them.
"""
import operator

from .. import _errors
from . import _optable

OPS = ("placeholder", "get_attr", "call_function", "call_method", "call_module", "output")


def map_aggregate(a, fn):
    """``a`` with ``fn`` applied to every leaf of its tuples, lists, dicts and slices."""
    if isinstance(a, tuple):
        items = [map_aggregate(x, fn) for x in a]
        if type(a) is tuple:
            return tuple(items)
        return type(a)(*items) if hasattr(a, "_fields") else type(a)(items)
    if isinstance(a, list):
        return [map_aggregate(x, fn) for x in a]
    if isinstance(a, dict):
        return {k: map_aggregate(v, fn) for k, v in a.items()}
    if isinstance(a, slice):
        return slice(map_aggregate(a.start, fn), map_aggregate(a.stop, fn),
                     map_aggregate(a.step, fn))
    return fn(a)


def map_arg(a, fn):
    """``a`` with every Node ``n`` in it replaced by ``fn(n)``."""
    return map_aggregate(a, lambda x: fn(x) if isinstance(x, Node) else x)


def last_uses(nodes):
    """{node: the nodes whose value ``node`` is the last to use}, for ``nodes`` in order:
    generated code and the Interpreter free values there."""
    frees, seen = {}, set()
    for node in reversed(nodes):
        for used in node.all_input_nodes:
            if used not in seen:
                seen.add(used)
                frees.setdefault(node, []).append(used)
    return frees


class Node:
    """One operation; its ``name`` is unique in the graph and is the variable name in the
    generated code."""

    def __init__(self, graph, name, op, target, args, kwargs, return_type=None):
        if op not in OPS:
            raise _errors.fx_unknown_opcode(name, op)
        self.graph = graph
        self.name = name
        self.op = op
        self.target = target
        self.type = return_type
        self.users = {}             # an ordered set: user -> None
        self._input_nodes = {}
        self._args, self._kwargs = (), {}
        self._prev = self._next = self
        self._erased = False
        self.meta = {}
        self._set_args(tuple(args), dict(kwargs))

    # ---- arguments -------------------------------------------------------------------------
    @property
    def args(self):
        return self._args

    @args.setter
    def args(self, value):
        self._set_args(tuple(value), self._kwargs)

    @property
    def kwargs(self):
        return self._kwargs

    @kwargs.setter
    def kwargs(self, value):
        self._set_args(self._args, dict(value))

    def _set_args(self, args, kwargs):
        for n in self._input_nodes:
            n.users.pop(self, None)
        self._args, self._kwargs = args, kwargs
        inputs = {}
        map_arg((args, kwargs), lambda n: inputs.setdefault(n, None))
        self._input_nodes = inputs
        for n in inputs:
            n.users.setdefault(self, None)

    @property
    def all_input_nodes(self):
        return list(self._input_nodes)

    def update_arg(self, idx, arg):
        args = list(self._args)
        args[idx] = arg
        self.args = args

    def update_kwarg(self, key, arg):
        self.kwargs = {**self._kwargs, key: arg}

    def replace_input_with(self, old_input, new_input):
        self._set_args(*map_arg((self._args, self._kwargs),
                                lambda n: new_input if n is old_input else n))

    def replace_all_uses_with(self, replace_with, delete_user_cb=lambda user: True, *,
                              propagate_meta=False):
        """Make every user (for which ``delete_user_cb`` is true) read ``replace_with``
        instead of this node; returns those users."""
        if propagate_meta:
            for k, v in self.meta.items():
                replace_with.meta.setdefault(k, v)
        changed = [u for u in list(self.users) if delete_user_cb(u)]
        for user in changed:
            user.replace_input_with(self, replace_with)
        return changed

    # ---- position in the graph ---------------------------------------------------------------
    @property
    def next(self):
        return self._next

    @property
    def prev(self):
        return self._prev

    def prepend(self, x):
        """Move (or insert) ``x`` just before this node."""
        if x is self:
            return
        x._remove_from_list()
        p = self._prev
        p._next, x._prev, x._next, self._prev = x, p, self, x

    def append(self, x):
        """Move (or insert) ``x`` just after this node."""
        self._next.prepend(x)

    def _remove_from_list(self):
        # the node keeps its own links, so that iteration can go on past an erased node
        p, n = self._prev, self._next
        p._next, n._prev = n, p

    # ---- properties ----------------------------------------------------------------------------
    @property
    def stack_trace(self):
        return self.meta.get("stack_trace")

    def is_impure(self):
        """Whether dead-code elimination must keep the node although nothing uses it: inputs,
        the output, in-place ops and other side effects (``setitem``, assertions)."""
        if self.op in ("placeholder", "output"):
            return True
        if self.op == "call_module":
            owner = self.graph.owning_module
            return owner is not None and getattr(owner.get_submodule(self.target),
                                                 "_is_impure", False)
        if self.op == "call_method":
            return _optable.mutates(self.target)
        if self.op == "call_function":
            return self.target in SIDE_EFFECTS or _optable.function_mutates(self.target)
        return False

    # ---- printing ------------------------------------------------------------------------------
    def __repr__(self):
        return self.name

    def format_node(self):
        """The node as one line of ``print(graph)`` (torch.fx's format)."""
        if self.op == "output":
            return f"return {self.args[0]}"
        head = f"%{self.name} : [num_users={len(self.users)}] = {self.op}"
        if self.op == "placeholder":
            default = f"(default={format_arg(self.args[0])})" if self.args else ""
            return f"{head}[target={self.target}]{default}"
        if self.op == "get_attr":
            return f"{head}[target={self.target}]"
        target = qualified_name(self.target) if self.op == "call_function" else self.target
        return (f"{head}[target={target}](args = {format_arg(self.args)}, "
                f"kwargs = {format_arg(self.kwargs)})")


# Functions whose calls dead-code elimination keeps (the tracer adds its assertions).
SIDE_EFFECTS = {operator.setitem}


def format_arg(arg):
    """An argument as ``print(graph)`` shows it: nodes as ``%name``, other values by str."""
    if isinstance(arg, list):
        return "[" + ", ".join(format_arg(a) for a in arg) + "]"
    if isinstance(arg, tuple):
        return "(" + ", ".join(format_arg(a) for a in arg) + ("," if len(arg) == 1 else "") + ")"
    if isinstance(arg, dict):
        return "{" + ", ".join(f"{k}: {format_arg(v)}" for k, v in arg.items()) + "}"
    if isinstance(arg, Node):
        return "%" + arg.name
    return str(arg)


def qualified_name(fn):
    """How a call_function target is named: its public ember path (``ember.relu``,
    ``ember.nn.functional.linear``), ``operator.add`` / ``builtins.getattr``, else its
    module and qualified name."""
    name = _optable.public_name(fn)
    if name is not None:
        return name
    module = getattr(fn, "__module__", None) or "builtins"
    return f"{'operator' if module == '_operator' else module}.{fn.__qualname__}"
