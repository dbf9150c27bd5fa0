"""Replay a :class:`~ember.fx.graph.Graph` eagerly with ember's own functions."""
from . import _optable
from .graph import Ref, INPUT, NODE, ATTR


class Interpreter:
    """Run ``graph`` on inputs; ``attrs(name)`` returns the parameter or buffer ``name``.

    The functions are resolved once, so a call costs one Python call per node."""

    def __init__(self, graph, attrs):
        self.graph = graph
        self.attrs = attrs
        self._fns = [_optable.lookup(n.op) for n in graph.nodes]

    def run(self, *inputs):
        return self.run_all(*inputs)[0]

    def run_all(self, *inputs):
        """(the output, every node's result): exporters read intermediate shapes here."""
        g = self.graph
        if len(inputs) != g.num_inputs:
            raise TypeError(f"forward() expected {g.num_inputs} inputs, got {len(inputs)}")
        results = []
        env = (inputs, results)
        for fn, node in zip(self._fns, g.nodes):
            args = [self._value(a, env) for a in node.args]
            kwargs = {k: self._value(v, env) for k, v in node.kwargs.items()}
            results.append(fn(*args, **kwargs))
        return self._value(g.output, env), results

    def _value(self, v, env):
        if isinstance(v, Ref):
            kind = v.kind
            if kind == NODE:
                r = env[1][v.key]
                for i in v.path:
                    r = r[i]
                return r
            if kind == INPUT:
                return env[0][v.key]
            if kind == ATTR:
                return self.attrs(v.key)
            return self.graph.constants[v.key]
        if isinstance(v, tuple):
            return tuple(self._value(x, env) for x in v)
        if isinstance(v, list):
            return [self._value(x, env) for x in v]
        if isinstance(v, dict):
            return {k: self._value(x, env) for k, x in v.items()}
        if isinstance(v, slice):
            return slice(self._value(v.start, env), self._value(v.stop, env),
                         self._value(v.step, env))
        return v
