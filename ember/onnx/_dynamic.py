"""Sizes that follow the dynamic axes.

A trace records sizes as Python ints (``x.view(batch * heads, ...)``, ``zeros(layers, batch,
hidden)``), which would pin the exported graph to the example's batch size.  So for each
dynamic axis name the model is traced once more with those axes one longer; an int argument
that changes between the traces is taken to be affine in the axis sizes and is exported as a
:class:`~._builder.Sym`, computed from the inputs' runtime shapes.  A graph whose ops change
with the sizes cannot be exported with those axes dynamic.
"""
from .. import _errors
from .._ops import shape as _shape


def symbols(in_names, inputs, dynamic_axes, dynamic_of):
    """``{axis name: [(input index, axis), ...]}`` for the dynamic axes of the inputs."""
    out = {}
    for i, (name, t) in enumerate(zip(in_names, inputs)):
        for axis, param in dynamic_of(dynamic_axes, name, t.dim()).items():
            out.setdefault(param, []).append((i, axis))
    return out


def grown(inputs, places):
    """The inputs with each ``(input index, axis)`` of ``places`` one longer."""
    inputs = list(inputs)
    for i, axis in places:
        x = inputs[i]
        inputs[i] = _shape.cat([x, x.narrow(axis, 0, 1)], axis).detach()
    return inputs


class Symbolizer:
    """Replaces the size arguments of ``graph`` that differ in the ``shadows`` (the graphs
    traced with one axis name grown, in ``symbols`` order) by Syms."""

    def __init__(self, builder, graph, shadows, syms, in_names, inputs):
        self.b = builder
        ops = [(n.op, n.target) for n in graph.nodes]
        for param, g in zip(syms, shadows):
            if [(n.op, n.target) for n in g.nodes] != ops:
                raise _errors.onnx_unsupported(
                    "graph", f"the traced ops change with the size of dynamic axis '{param}'")
        self.position = {n: i for i, n in enumerate(graph.nodes)}
        self.shadows = [list(g.nodes) for g in shadows]
        self.terms = [[(in_names[i], axis, inputs[i].shape[axis]) for i, axis in places]
                      for places in syms.values()]

    def node_args(self, node):
        """(args, kwargs) of ``node`` with its size arguments made symbolic."""
        if not self.shadows:
            return node.args, node.kwargs
        others = [nodes[self.position[node]] for nodes in self.shadows]
        return self._walk((node.args, node.kwargs), [(o.args, o.kwargs) for o in others])

    def _walk(self, v, others):
        if isinstance(v, bool):
            return v
        if isinstance(v, int):
            deltas = [o - v for o in others]
            return self._sym(v, deltas) if any(deltas) else v
        if isinstance(v, (tuple, list)):
            if any(len(o) != len(v) for o in others):
                raise _errors.onnx_unsupported(
                    "graph", "an argument's length changes with the size of a dynamic axis")
            items = [self._walk(x, [o[i] for o in others]) for i, x in enumerate(v)]
            return items if isinstance(v, list) else tuple(items)
        if isinstance(v, dict):
            return {k: self._walk(x, [o[k] for o in others]) for k, x in v.items()}
        return v

    def _sym(self, value, deltas):
        """``value`` at the example sizes, ``+ delta`` per unit of each axis name."""
        base, terms = value, []
        for delta, places in zip(deltas, self.terms):
            if delta:
                name, axis, size = places[0]
                base -= delta * size
                terms.append((delta, name, axis))
        return self.b.sym(value, base, terms)
