"""``GraphModule``: an ``nn.Module`` whose ``forward`` is generated from a Graph.

It holds the submodules, parameters and buffers that the graph reads, copied (shared, not
cloned) from ``root`` at the same dotted paths, so ``state_dict()`` keys are the original
ones.  Each instance has its own class, because ``forward`` is generated per instance;
``recompile()`` regenerates it after the graph was edited.  Pickling (``ember.save``,
``copy.deepcopy``) keeps the module's state and the graph, and regenerates the code.
"""
import itertools
import linecache

from .. import _errors
from .._tensor import Tensor
from ..nn.modules.module import Module
from ..nn.parameter import Parameter

_keys = itertools.count()


def compile_forward(python_code):
    """The ``forward`` function defined by a :class:`~ember.fx._codegen.PythonCode`."""
    key = f"<eval_with_key>.{next(_keys)}"
    linecache.cache[key] = (len(python_code.src), None, python_code.src.splitlines(True), key)
    namespace = dict(python_code.globals)
    exec(compile(python_code.src, key, "exec"), namespace)
    return namespace["forward"]


def _child(owner, item):
    """The submodule ``item`` of ``owner``, made as an empty Module if absent."""
    sub = owner._modules.get(item)
    if sub is None:
        sub = Module()
        owner.add_module(item, sub)
    return sub


def _assign(owner, field, value, persistent=True):
    if isinstance(value, Tensor) and not isinstance(value, Parameter):
        owner.register_buffer(field, value, persistent=persistent)
    else:
        setattr(owner, field, value)


def _copy_attr(from_module, to_module, target):
    *prefix, field = target.split(".")
    for item in prefix:
        from_module, to_module = getattr(from_module, item), _child(to_module, item)
        if to_module is from_module:        # the whole submodule is already shared
            return
    persistent = field not in getattr(from_module, "_non_persistent_buffers_set", ())
    _assign(to_module, field, getattr(from_module, field), persistent)


class GraphModule(Module):
    """``GraphModule(root, graph, class_name="GraphModule")``: ``root`` is the module to
    take the graph's submodules and attributes from, or a dict from their dotted names."""

    def __new__(cls, *args, **kwargs):
        base = next(t for t in cls.__mro__ if "_per_instance" not in t.__dict__)
        own = type(base.__name__, (base,), {"_per_instance": True,
                                            "__module__": base.__module__})
        return super().__new__(own)

    def __init__(self, root, graph, class_name="GraphModule"):
        super().__init__()
        type(self).__name__ = type(self).__qualname__ = class_name
        targets = [n for n in graph.nodes if n.op in ("get_attr", "call_module")]
        if isinstance(root, Module):
            self.training = root.training
            for node in targets:
                _copy_attr(root, self, node.target)
        elif isinstance(root, dict):
            for node in targets:
                if node.target not in root:
                    raise _errors.fx_root_missing(node)
                *prefix, field = node.target.split(".")
                owner = self
                for item in prefix:
                    owner = _child(owner, item)
                _assign(owner, field, root[node.target])
        else:
            raise _errors.fx_root_type(root)
        self.meta = {}
        self.graph = graph

    @property
    def graph(self):
        return self._graph

    @graph.setter
    def graph(self, graph):
        self._graph = graph
        graph.owning_module = self
        self.recompile()

    @property
    def code(self):
        return self._code

    def recompile(self):
        """Regenerate ``forward`` (and ``code``) from the graph; returns the PythonCode."""
        python_code = self._graph.python_code(root_module="self")
        self._code = python_code.src
        type(self).forward = compile_forward(python_code)
        return python_code

    def print_readable(self, print_output=True, include_stride=False, include_device=False,
                       colored=False):
        """The code as a class (with GraphModule children nested); printed by default.
        ``include_stride`` / ``include_device`` / ``colored`` are accepted as in torch.fx and
        change nothing: ember's nodes carry no tensor metadata to annotate."""
        text = _readable(self, type(self).__name__)
        if print_output:
            print(text)
        return text

    def __str__(self):
        return "\n".join([super().__str__(), self._code,
                          "# To see more debug info, please use "
                          "`graph_module.print_readable()`"])

    def __reduce__(self):
        body = {k: v for k, v in self.__dict__.items() if k not in ("_graph", "_code")}
        return _rebuild, (body, self._graph, type(self).__name__)


def _rebuild(body, graph, class_name):
    gm = GraphModule.__new__(GraphModule)
    gm.__dict__.update(body)
    type(gm).__name__ = type(gm).__qualname__ = class_name
    gm.graph = graph
    return gm


def _readable(gm, name):
    src = gm.code[gm.code.index("def forward"):].rstrip()
    lines = [f"class {name}(ember.nn.Module):"] + ["    " + line for line in src.splitlines()]
    for child_name, child in gm.named_children():
        if isinstance(child, GraphModule):
            lines += [""] + ["    " + line for line in
                             _readable(child, child_name).splitlines()]
    return "\n".join(lines) + "\n"
