"""``ExportedProgram``: the captured graph with its signature, state and guards, and the
runnable module it unlifts to (``.module()``)."""
import copy
import textwrap

from .. import _errors
from .._tensor import Tensor
from ..fx.graph_module import GraphModule
from ..utils import _pytree
from .graph_signature import ExportGraphSignature, InputKind
from .dynamic_shapes import int_oo


class ValueRange:
    """A symbol's allowed sizes, printed as torch prints them (``VR[2, 64]``)."""

    def __init__(self, lower, upper):
        self.lower, self.upper = lower, upper

    def __repr__(self):
        return f"VR[{self.lower}, {self.upper}]"

    def __eq__(self, other):
        return isinstance(other, ValueRange) and (self.lower, self.upper) == \
            (other.lower, other.upper)


class CallSpec:
    def __init__(self, in_spec, out_spec):
        self.in_spec, self.out_spec = in_spec, out_spec

    def __repr__(self):
        return f"CallSpec(in_spec={self.in_spec}, out_spec={self.out_spec})"


class Guard:
    """What ``.module()`` checks of one flat user input: a tensor's rank and sizes (``sizes``:
    ``(min, max)`` per dim, equal for a static one), a constant's ``value``."""

    def __init__(self, path, sizes, value=None):
        self.path, self.sizes, self.value = path, sizes, value

    @classmethod
    def of(cls, path, value, dynamic, ranges):
        """The guard of the example input ``value``; ``dynamic``: ``{dim: symbol}``."""
        if not isinstance(value, Tensor):
            return cls(path, None, value)
        return cls(path, [ranges[dynamic[d]] if d in dynamic else (n, n)
                          for d, n in enumerate(value.shape)])

    def check(self, v):
        if self.sizes is None:
            if not (v == self.value):
                raise _errors.export_guard_failed(f"{self.path} == {self.value!r}")
            return
        if v.dim() != len(self.sizes):
            raise _errors.export_guard_failed(f"{self.path}.dim() == {len(self.sizes)}")
        for d, (n, (lo, hi)) in enumerate(zip(v.shape, self.sizes)):
            expr = f"{self.path}.size()[{d}]"
            if lo == hi and n != lo:
                raise _errors.export_guard_failed(f"{expr} == {lo}")
            if n < lo:
                raise _errors.export_guard_failed(f"{expr} >= {lo}")
            if hi is not int_oo and n > hi:
                raise _errors.export_guard_failed(f"{expr} <= {hi}")


class _ExportedModule(GraphModule):
    """``ExportedProgram.module()``: takes the inputs as the exported module took them."""

    def __call__(self, *args, **kwargs):
        names = self._in_spec.child(1).context         # the keywords in the exported order
        if set(kwargs) != set(names):
            raise _errors.export_keywords(list(kwargs), names)
        kwargs = {k: kwargs[k] for k in names}
        flat, spec = _pytree.tree_flatten((args, kwargs))
        if spec != self._in_spec:
            raise _errors.export_input_spec(self._in_spec, spec)
        if self._guards is not None:
            for g, v in zip(self._guards, flat):
                g.check(v)
        return _pytree.tree_unflatten(list(super().__call__(*flat)), self._out_spec)

    def train(self, mode=True):
        raise _errors.export_train_eval("train" if mode else "eval")

    def eval(self):
        raise _errors.export_train_eval("eval")


class ExportedProgram:
    """A module's forward as one graph of aten operators. Its placeholders are the
    parameters, buffers, lifted constants and flat user inputs (``graph_signature``); it is
    run through :meth:`module`, not called."""

    def __init__(self, graph_module, graph_signature, state_dict, constants, call_spec,
                 range_constraints, guards, example_inputs=None):
        self._graph_module = graph_module
        self._graph_signature = graph_signature
        self._state_dict = state_dict
        self.constants = constants
        self._call_spec = call_spec
        self._range_constraints = range_constraints
        self._guards = guards
        self._example_inputs = example_inputs

    graph_module = property(lambda self: self._graph_module)
    graph = property(lambda self: self._graph_module.graph)
    graph_signature = property(lambda self: self._graph_signature)
    state_dict = property(lambda self: self._state_dict)
    call_spec = property(lambda self: self._call_spec)
    range_constraints = property(lambda self: self._range_constraints)
    example_inputs = property(lambda self: self._example_inputs)
    module_call_graph = property(lambda self: [])
    dialect = "TRAINING"

    def __call__(self, *args, **kwargs):
        raise _errors.export_call_program()

    def _value_of(self, spec):
        table = self._state_dict if spec.target in self._state_dict else self.constants
        return table[spec.target]

    def module(self, check_guards=True):
        """A GraphModule running the program: the parameters, buffers and constants are its
        attributes (``get_attr`` nodes), its inputs those of the exported call."""
        graph = copy.deepcopy(self.graph)
        nodes = {n.name: n for n in graph.nodes}
        root = {}
        for spec in self._graph_signature.input_specs:
            if spec.kind is InputKind.USER_INPUT:
                continue
            node = nodes[spec.arg.name]
            with graph.inserting_before(node):
                attr = graph.get_attr(spec.target)
            node.replace_all_uses_with(attr)
            graph.erase_node(node)
            root[spec.target] = self._value_of(spec)
        m = _ExportedModule(root, graph)
        for spec in self._graph_signature.input_specs:     # as torch's: out of the state dict
            if spec.kind is InputKind.CONSTANT_TENSOR or spec.persistent is False:
                prefix, _, field = spec.target.rpartition(".")
                owner = m.get_submodule(prefix)
                if spec.kind is InputKind.CONSTANT_TENSOR:
                    del owner._buffers[field]
                    setattr(owner, field, root[spec.target])
                else:
                    owner._non_persistent_buffers_set.add(field)
        m._in_spec, m._out_spec = self._call_spec.in_spec, self._call_spec.out_spec
        m._guards = self._guards if check_guards else None
        return m

    def run_decompositions(self, decomp_table=None, decompose_custom_triton_ops=False):
        """The graph already holds the operators ``__torch_dispatch__`` sees (composite ones
        such as ``linear`` are decomposed while tracing), so this is a copy of the program."""
        return ExportedProgram(GraphModule({}, copy.deepcopy(self.graph)),
                               self._graph_signature, self._state_dict, self.constants,
                               self._call_spec, self._range_constraints, self._guards,
                               self._example_inputs)

    def validate(self):
        self.graph.lint()

    def __str__(self):
        code = self._graph_module.print_readable(print_output=False)
        return (f"ExportedProgram:\n{textwrap.indent(code, '    ')}\nGraph signature: "
                f"{textwrap.indent(str(self._graph_signature), '    ')}\n"
                f"Range constraints: {self._range_constraints}\n")
