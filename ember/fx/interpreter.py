"""``Interpreter``: run a graph node by node; ``Transformer``: rebuild it node by node.

Subclass and override ``run_node`` or one method per op (``placeholder``, ``get_attr``,
``call_function``, ``call_method``, ``call_module``, ``output``) to observe or change what
each node does, as with torch.fx.
"""
from .. import _errors
from .graph import Graph
from .graph_module import GraphModule
from .node import last_uses, map_aggregate, map_arg
from .proxy import Proxy
from ._symbolic_trace import Tracer


class Interpreter:
    """Runs ``graph`` (by default ``module.graph``) with the attributes and submodules of
    ``module``.  With ``garbage_collect_values``, a value leaves ``env`` after its last use."""

    def __init__(self, module, garbage_collect_values=True, graph=None):
        self.module = module
        self.submodules = dict(module.named_modules())
        self.graph = graph if graph is not None else module.graph
        self.env = {}
        self.name = "Interpreter"
        self.garbage_collect_values = garbage_collect_values
        self.extra_traceback = True
        self.user_to_last_uses = last_uses(list(self.graph.nodes)) if garbage_collect_values \
            else {}

    def run(self, *args, initial_env=None, enable_io_processing=True):
        """Run the graph on ``args``; returns what its output node returns."""
        self.env = initial_env if initial_env is not None else {}
        self.args_iter = iter(args)
        for node in self.graph.nodes:
            if node in self.env:
                continue
            try:
                self.env[node] = self.run_node(node)
            except Exception as e:
                if self.extra_traceback and e.args and isinstance(e.args[0], str):
                    e.args = (f"{e.args[0]}\n\nWhile executing {node.format_node()}",) + \
                        e.args[1:]
                raise
            if self.garbage_collect_values:
                for used in self.user_to_last_uses.get(node, ()):
                    del self.env[used]
            if node.op == "output":
                return self.env[node]
        return None

    def boxed_run(self, args_list):
        """``run`` with the arguments in a list, which is cleared."""
        args = list(args_list)
        args_list.clear()
        return self.run(*args)

    def run_node(self, n):
        args, kwargs = self.fetch_args_kwargs_from_env(n)
        return getattr(self, n.op)(n.target, args, kwargs)

    # ---- one method per op ------------------------------------------------------------------
    def placeholder(self, target, args, kwargs):
        if target.startswith("*"):
            return list(self.args_iter)
        try:
            return next(self.args_iter)
        except StopIteration:
            if args:
                return args[0]
            raise _errors.fx_missing_argument(target) from None

    def get_attr(self, target, args, kwargs):
        return self.fetch_attr(target)

    def call_function(self, target, args, kwargs):
        return target(*args, **kwargs)

    def call_method(self, target, args, kwargs):
        self_obj, *rest = args
        return getattr(self_obj, target)(*rest, **kwargs)

    def call_module(self, target, args, kwargs):
        return self.fetch_attr(target)(*args, **kwargs)

    def output(self, target, args, kwargs):
        return args[0]

    # ---- helpers ---------------------------------------------------------------------------------
    def fetch_attr(self, target):
        obj = self.module
        parts = target.split(".")
        for i, atom in enumerate(parts):
            if not hasattr(obj, atom):
                raise _errors.fx_missing_target(".".join(parts[:i + 1]))
            obj = getattr(obj, atom)
        return obj

    def fetch_args_kwargs_from_env(self, n):
        return self.map_nodes_to_values(n.args, n), self.map_nodes_to_values(n.kwargs, n)

    def map_nodes_to_values(self, args, n):
        env = self.env

        def load(arg):
            if arg not in env:
                raise _errors.fx_missing_value(n, arg)
            return env[arg]
        return map_arg(args, load)


class _LeafTracer(Tracer):
    """What a Transformer records with: into its new graph, every module a leaf."""

    def __init__(self, graph, root):
        super().__init__()
        self.graph = graph
        self.root = root
        self.tensor_attrs = {}

    def is_leaf_module(self, m, module_qualified_name):
        return True


class Transformer(Interpreter):
    """Builds a new graph while interpreting: each method returns a Proxy recording into it,
    so an override can emit different nodes (``super().call_function(operator.mul, ...)``).
    ``transform()`` returns the new :class:`GraphModule`."""

    def __init__(self, module):
        super().__init__(module)
        self.new_graph = Graph()
        self.tracer = _LeafTracer(self.new_graph, module)

    def placeholder(self, target, args, kwargs):
        default = {"default_value": args[0]} if args else {}
        return Proxy(self.new_graph.placeholder(target, **default), self.tracer)

    def get_attr(self, target, args, kwargs):
        return self.tracer.create_proxy("get_attr", target, args, kwargs)

    def call_module(self, target, args, kwargs):
        submod = self.fetch_attr(target)
        return self.tracer.call_module(submod, submod.forward, args, kwargs)

    def call_function(self, target, args, kwargs):
        return self.tracer.create_proxy("call_function", target, args, kwargs)

    def transform(self):
        result = super().run(enable_io_processing=False)
        if result is not None:
            self.new_graph.output(map_aggregate(
                result, lambda x: x.node if isinstance(x, Proxy) else x))
        return GraphModule(self.module, self.new_graph)
