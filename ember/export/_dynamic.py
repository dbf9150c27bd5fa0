"""Sizes that follow the dynamic dims of ``export``.

The graph is traced at the example's sizes.  Each dynamic symbol (a ``Dim`` name, or one
``Dim.AUTO`` / ``Dim.DYNAMIC`` place) is then checked by tracing with its dims one longer, and
the module is traced once per set of symbols grown together.  All traces must record the same
operators with the same non-integer arguments; an integer argument that changes is fitted as a
multilinear function of the sizes (``batch * seq * 4 - 1``: exact from those traces) and
becomes a computation on the inputs' runtime sizes (``aten.sym_size.int(x, 0) * 2``), as in
torch's graphs.  One more trace, every symbol grown by two, confirms the fit.  A symbol whose
trace differs is specialized: ``Dim.AUTO`` becomes static, a named ``Dim`` or ``Dim.DYNAMIC``
is refused as torch refuses it; so is an example size of 0 or 1 (torch specializes those).
"""
import itertools
import operator

from .. import _errors
from .._tensor import Tensor
from ..fx.node import Node
from ..utils import _pytree
from ._trace import Capture
from .dynamic_shapes import Dim, int_oo


def _masked(v):
    """A node argument with its ints blanked and its nodes by name: what must not change."""
    if isinstance(v, Node):
        return v.name
    if isinstance(v, (list, tuple)):
        return [_masked(x) for x in v]
    if isinstance(v, dict):
        return {k: _masked(x) for k, x in v.items()}
    return 0 if isinstance(v, int) and not isinstance(v, bool) else v


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


class _Tracer:
    """Traces of the module with some symbols' dims grown."""

    def __init__(self, capture, mod, args, kwargs, places):
        self.capture, self.mod, self.places = capture, mod, places
        self.flat, self.spec = _pytree.tree_flatten((tuple(args), dict(kwargs)))

    def size(self, name):
        i, axis = self.places[name][0]
        return self.flat[i].shape[axis]

    def graph(self, grow):
        """The graph traced with each symbol of ``grow`` ({symbol: amount}) grown, or None
        when the module fails on those sizes or records another program."""
        leaves = list(self.flat)
        for name, k in grow.items():
            for i, axis in self.places[name]:
                leaves[i] = _cat(leaves[i], axis, k)
        a, kw = _pytree.tree_unflatten(leaves, self.spec)
        try:
            g = Capture(self.mod, a, kw).graph
        except Exception:       # noqa: BLE001 -- the program cannot take these sizes
            return None
        return g if _same_program(self.capture.graph, g) else None


def _cat(x, axis, k):
    from .._ops.shape import cat
    return cat([x, x.narrow(axis, 0, k)], axis).detach()


class _Fit:
    """Rewrites the integer arguments of the graph's calls as size computations."""

    def __init__(self, capture, names, sizes, graphs, check):
        self.graph, self.names, self.sizes = capture.graph, names, sizes
        self.subsets = list(graphs)
        self.others = {s: list(g.nodes) for s, g in graphs.items()}
        self.check = list(check.nodes)
        self.inputs = capture.user_nodes

    def run(self, places):
        size_nodes = {}
        for pos, node in enumerate(list(self.graph.nodes)):
            if node.op != "call_function":
                continue
            values = {s: (nodes[pos].args, nodes[pos].kwargs) for s, nodes in self.others.items()}
            check = (self.check[pos].args, self.check[pos].kwargs)
            with self.graph.inserting_before(node):
                node.args, node.kwargs = self._walk((node.args, node.kwargs), values, check,
                                                    node, lambda n: self._size(n, places,
                                                                               size_nodes))

    def _size(self, name, places, cache):
        if name not in cache:
            from ..library import ops
            i, axis = places[name][0]
            cache[name] = self.graph.create_node(
                "call_function", ops.aten.sym_size.int, (self.inputs[i], axis),
                name="sym_size_int")
        return cache[name]

    def _walk(self, v, values, check, node, size):
        if isinstance(v, int) and not isinstance(v, bool):
            return self._int(values, check, node, size)
        if isinstance(v, (list, tuple)):
            if any(len(o) != len(v) for o in values.values()) or len(check) != len(v):
                raise _errors.export_size_fit(node.name)
            items = [self._walk(x, {s: o[i] for s, o in values.items()}, check[i], node, size)
                     for i, x in enumerate(v)]
            return items if isinstance(v, list) else tuple(items)
        if isinstance(v, dict):
            return {k: self._walk(x, {s: o[k] for s, o in values.items()}, check[k], node,
                                  size) for k, x in v.items()}
        return v

    def _int(self, values, check, node, size):
        # c[S]: the coefficient of prod_{i in S} (s_i - s0_i), by Moebius inversion
        c = {S: sum((-1) ** (len(S) - len(T)) * values[T] for T in self.subsets if T <= S)
             for S in self.subsets}
        if not any(c[S] for S in self.subsets if S):
            return values[frozenset()]
        if sum(c[S] * 2 ** len(S) for S in self.subsets) != check:
            raise _errors.export_size_fit(node.name)
        # a[T]: the coefficient of prod_{i in T} s_i
        a = {T: sum(c[S] * _prod(-self.sizes[n] for n in S - T)
                    for S in self.subsets if T <= S) for T in self.subsets}
        expr = None
        for T in sorted((T for T in self.subsets if T and a[T]), key=len):
            term = None
            for name in sorted(T):
                s = size(name)
                term = s if term is None else self.graph.call_function(operator.mul, (term, s))
            if a[T] != 1:
                term = self.graph.call_function(operator.mul, (term, a[T]))
            expr = term if expr is None else self.graph.call_function(operator.add, (expr, term))
        base = a[frozenset()]
        if base:
            expr = self.graph.call_function(operator.sub if base < 0 else operator.add,
                                            (expr, abs(base)))
        return expr


def _prod(values):
    out = 1
    for v in values:
        out *= v
    return out


def make_dynamic(capture, mod, args, kwargs, hints):
    """Make ``capture``'s graph follow the dynamic dims; returns ``{symbol: (min, max)}`` and
    ``{(flat index, axis): symbol}`` for the symbols kept dynamic."""
    flat = _pytree.tree_leaves((tuple(args), dict(kwargs)))
    places, kinds = symbols(flat, hints)
    tracer = _Tracer(capture, mod, args, kwargs, places)
    graphs, kept = {frozenset(): capture.graph}, []
    for name in places:
        g = tracer.graph({name: 1}) if tracer.size(name) > 1 else None
        if g is None:
            if all(h is Dim.AUTO for h in kinds[name]):
                continue
            raise _errors.export_specialized(name, tracer.size(name))
        graphs[frozenset([name])] = g
        kept.append(name)
    if kept:
        for r in range(2, len(kept) + 1):
            for subset in itertools.combinations(kept, r):
                g = tracer.graph(dict.fromkeys(subset, 1))
                if g is None:
                    raise _errors.export_specialized(subset[0], tracer.size(subset[0]))
                graphs[frozenset(subset)] = g
        check = tracer.graph(dict.fromkeys(kept, 2))
        if check is None:
            raise _errors.export_specialized(kept[0], tracer.size(kept[0]))
        _Fit(capture, kept, {n: tracer.size(n) for n in kept}, graphs, check).run(places)
    ranges = {name: _value_range(kinds[name]) for name in kept}
    return ranges, {p: name for name in kept for p in places[name]}
