"""Sizes that follow the dynamic dims of ``export``.

The graph is traced at the example's sizes; for each dynamic symbol (a ``Dim`` name, or one
``Dim.AUTO`` / ``Dim.DYNAMIC`` place) the module is traced once more with those dims one
longer.  The traces must record the same operators with the same non-integer arguments; an
integer argument that changes is affine in the sizes and becomes a computation on the input's
runtime size (``aten.sym_size.int(x, 0) * 2``), as in torch's graphs (ONNX export's
``Symbolizer``).  A symbol whose trace differs is specialized: ``Dim.AUTO`` becomes static,
a named ``Dim`` or ``Dim.DYNAMIC`` is refused as torch refuses it.
"""
import operator

from .. import _errors
from .._tensor import Tensor
from ..fx.node import Node
from ..onnx import _dynamic as _onnx_dynamic
from ..utils import _pytree
from ._trace import Capture
from .dynamic_shapes import Dim, int_oo


class _Symbolizer(_onnx_dynamic.Symbolizer):
    def refuse(self, why):
        return _errors.UserError(f"Constraints violated: {why}")


class _Sizes:
    """The ``builder`` of the Symbolizer: emits the size computations into the graph."""

    def __init__(self, graph):
        self.graph = graph
        self.sizes = {}

    def size(self, node, axis):
        key = (node, axis)
        if key not in self.sizes:
            from ..library import ops
            self.sizes[key] = self.graph.create_node(
                "call_function", ops.aten.sym_size.int, (node, axis), name="sym_size_int")
        return self.sizes[key]

    def sym(self, value, base, terms):
        expr = None
        for delta, node, axis in terms:
            term = self.size(node, axis)
            if delta != 1:
                term = self.graph.call_function(operator.mul, (term, delta))
            expr = term if expr is None else self.graph.call_function(operator.add, (expr, term))
        if base:
            expr = self.graph.call_function(operator.sub if base < 0 else operator.add,
                                            (expr, abs(base)))
        return expr


def _masked(v):
    """A node argument with its ints blanked and its nodes by name: what must not change."""
    if isinstance(v, Node):
        return v.name
    if isinstance(v, bool) or not isinstance(v, int):
        if isinstance(v, (list, tuple)):
            return [_masked(x) for x in v]
        if isinstance(v, dict):
            return {k: _masked(x) for k, x in v.items()}
        return v
    return 0


def _same_program(a, b):
    key = [(n.op, n.target, _masked((n.args, n.kwargs))) for n in a.nodes]
    try:
        return key == [(n.op, n.target, _masked((n.args, n.kwargs))) for n in b.nodes]
    except Exception:       # noqa: BLE001 -- values that do not compare (arrays) differ
        return False


def symbols(flat, hints):
    """``{symbol: [(flat index, axis), ...]}`` and ``{symbol: [hint, ...]}``."""
    places, kinds = {}, {}
    tensors = [i for i, v in enumerate(flat) if isinstance(v, Tensor)]
    for i, leaf in zip(tensors, hints):
        for axis, hint in sorted(leaf.items()):
            name = hint.__name__ if isinstance(hint, Dim) else f"s{len(places)}"
            places.setdefault(name, []).append((i, axis))
            kinds.setdefault(name, []).append(hint)
    return places, kinds


def _value_range(hints):
    lo, hi = 2, int_oo
    for h in hints:
        if isinstance(h, Dim):
            lo, hi = max(lo, h.min), min(hi, h.max)
    return lo, hi


def make_dynamic(capture, mod, args, kwargs, hints):
    """Symbolize ``capture``'s graph for the dynamic dims; returns ``{symbol: (min, max)}``
    and ``{(flat index, axis): symbol}``."""
    flat, spec = _pytree.tree_flatten((tuple(args), dict(kwargs)))
    places, kinds = symbols(flat, hints)
    shadows, kept = [], {}
    for name, where in places.items():
        try:
            a, k = _pytree.tree_unflatten(_onnx_dynamic.grown(flat, where), spec)
            shadow = Capture(mod, a, k).graph
        except Exception:       # noqa: BLE001 -- the program cannot take another size
            shadow = None
        if shadow is None or not _same_program(capture.graph, shadow):
            if all(h is Dim.AUTO for h in kinds[name]):
                continue
            i, axis = where[0]
            raise _errors.export_specialized(name, flat[i].shape[axis])
        shadows.append(shadow)
        kept[name] = where
    if kept:
        sym = _Symbolizer(_Sizes(capture.graph), capture.graph, shadows, kept,
                          capture.user_nodes, flat)
        for node in list(capture.graph.nodes):
            if node.op == "call_function":
                with capture.graph.inserting_before(node):
                    node.args, node.kwargs = sym.node_args(node)
    ranges = {name: _value_range(kinds[name]) for name in kept}
    return ranges, {p: name for name, where in kept.items() for p in where}
