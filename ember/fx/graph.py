"""The graph IR that tracing produces and that replay, ``jit.save`` and ONNX export consume.

A :class:`Graph` is a straight-line program: numbered inputs, a list of :class:`Node` s (one
call each: an op name from :mod:`ember.fx._optable`, positional and keyword arguments), and an
output structure.  Arguments are plain Python values (numbers, strings, tuples, lists, dtypes,
devices, slices) or :class:`Ref` s to a value: a graph input, an earlier node's result, a
module attribute (a parameter or buffer, by its ``state_dict`` name) or a tensor constant.
"""
import json

from .. import _dtype as D
from .._device import device as _device

INPUT, NODE, ATTR, CONST = "input", "node", "attr", "const"


class Ref:
    """A reference to a value: ``kind`` is input/node/attr/const; ``key`` the input or node
    index or the attribute/constant name; ``path`` indexes into a node's tuple result."""
    __slots__ = ("kind", "key", "path")

    def __init__(self, kind, key, path=()):
        self.kind, self.key, self.path = kind, key, tuple(path)

    def __eq__(self, other):
        return isinstance(other, Ref) and (self.kind, self.key, self.path) == \
            (other.kind, other.key, other.path)

    def __hash__(self):
        return hash((self.kind, self.key, self.path))

    def __repr__(self):
        return _ref_text(self)


class Node:
    __slots__ = ("index", "op", "args", "kwargs")

    def __init__(self, index, op, args, kwargs):
        self.index, self.op, self.args, self.kwargs = index, op, tuple(args), dict(kwargs)

    def __repr__(self):
        return f"_{self.index} = {self.op}({_call_text(self.args, self.kwargs)})"


class Graph:
    def __init__(self, num_inputs=0, nodes=(), output=None, constants=None):
        self.num_inputs = num_inputs
        self.nodes = list(nodes)
        self.output = output
        self.constants = dict(constants or {})

    def add_node(self, op, args, kwargs):
        node = Node(len(self.nodes), op, args, kwargs)
        self.nodes.append(node)
        return node

    def refs(self, value):
        """Every Ref inside an argument structure."""
        if isinstance(value, Ref):
            yield value
        elif isinstance(value, (tuple, list)):
            for v in value:
                yield from self.refs(v)
        elif isinstance(value, dict):
            for v in value.values():
                yield from self.refs(v)
        elif isinstance(value, slice):
            yield from self.refs((value.start, value.stop, value.step))

    def attributes(self):
        """Names of the module attributes (parameters / buffers) the graph reads, in order."""
        seen = {}
        for n in self.nodes:
            for r in self.refs((n.args, n.kwargs)):
                if r.kind == ATTR:
                    seen.setdefault(r.key, None)
        for r in self.refs(self.output):
            if r.kind == ATTR:
                seen.setdefault(r.key, None)
        return list(seen)

    def __str__(self):
        ins = ", ".join(f"x{i}" for i in range(self.num_inputs))
        lines = [f"graph({ins}):"]
        lines += [f"  {n!r}" for n in self.nodes]
        lines.append(f"  return {_value_text(self.output)}")
        return "\n".join(lines)

    @property
    def code(self):
        """The graph as the Python source of an equivalent ``forward``."""
        ins = "".join(f", x{i}" for i in range(self.num_inputs))
        lines = [f"def forward(self{ins}):"]
        for n in self.nodes:
            call = _call_text(n.args, n.kwargs)
            if n.op.startswith("Tensor."):
                target = f"ember.Tensor.{n.op[7:]}"
            else:
                target = f"ember.{n.op}"
            lines.append(f"    _{n.index} = {target}({call})")
        lines.append(f"    return {_value_text(self.output)}")
        return "\n".join(lines) + "\n"

    # ---- JSON ----------------------------------------------------------------------------
    def to_json(self):
        return json.dumps({"format": "ember.fx.graph", "version": 1,
                           "num_inputs": self.num_inputs,
                           "nodes": [[n.op, _enc(list(n.args)), _enc(n.kwargs)]
                                     for n in self.nodes],
                           "output": _enc(self.output),
                           "constants": sorted(self.constants)})

    @classmethod
    def from_json(cls, text, constants):
        d = json.loads(text)
        if d.get("format") != "ember.fx.graph":
            raise ValueError("not an ember.fx graph")
        g = cls(d["num_inputs"], constants=constants)
        for op, args, kwargs in d["nodes"]:
            g.add_node(op, _dec(args), _dec(kwargs))
        g.output = _dec(d["output"])
        return g


# ---- text -----------------------------------------------------------------------------------
def _ref_text(r):
    base = {INPUT: lambda k: f"x{k}", NODE: lambda k: f"_{k}", ATTR: lambda k: f"self.{k}",
            CONST: lambda k: f"self.{k}"}[r.kind](r.key)
    return base + "".join(f"[{i}]" for i in r.path)


def _value_text(v):
    if isinstance(v, Ref):
        return _ref_text(v)
    if isinstance(v, tuple):
        inner = ", ".join(_value_text(x) for x in v)
        return f"({inner},)" if len(v) == 1 else f"({inner})"
    if isinstance(v, list):
        return "[" + ", ".join(_value_text(x) for x in v) + "]"
    if isinstance(v, dict):
        return "{" + ", ".join(f"{k!r}: {_value_text(x)}" for k, x in v.items()) + "}"
    if isinstance(v, D.dtype):
        return "ember." + str(v).split(".")[-1]
    if isinstance(v, slice):
        return f"slice({_value_text(v.start)}, {_value_text(v.stop)}, {_value_text(v.step)})"
    return repr(v)


def _call_text(args, kwargs):
    parts = [_value_text(a) for a in args]
    parts += [f"{k}={_value_text(v)}" for k, v in kwargs.items()]
    return ", ".join(parts)


# ---- JSON encoding of argument structures ---------------------------------------------------
def _enc(v):
    if v is None or isinstance(v, (bool, int, float, str)):
        if isinstance(v, float) and v != v:
            return {"float": "nan"}
        if isinstance(v, float) and v in (float("inf"), float("-inf")):
            return {"float": "inf" if v > 0 else "-inf"}
        return v
    if isinstance(v, Ref):
        return {"ref": v.kind, "key": v.key, "path": list(v.path)}
    if isinstance(v, tuple):
        return {"tuple": [_enc(x) for x in v]}
    if isinstance(v, list):
        return [_enc(x) for x in v]
    if isinstance(v, dict):
        return {"dict": [[k, _enc(x)] for k, x in v.items()]}
    if isinstance(v, D.dtype):
        return {"dtype": str(v).split(".")[-1]}
    if isinstance(v, _device):
        return {"device": str(v)}
    if isinstance(v, slice):
        return {"slice": [_enc(v.start), _enc(v.stop), _enc(v.step)]}
    if v is Ellipsis:
        return {"ellipsis": True}
    raise TypeError(f"cannot serialise a graph argument of type {type(v).__name__}")


def _dec(v):
    if isinstance(v, list):
        return [_dec(x) for x in v]
    if not isinstance(v, dict):
        return v
    if "ref" in v:
        return Ref(v["ref"], v["key"], v["path"])
    if "tuple" in v:
        return tuple(_dec(x) for x in v["tuple"])
    if "dict" in v:
        return {k: _dec(x) for k, x in v["dict"]}
    if "dtype" in v:
        return getattr(D, v["dtype"] if v["dtype"] != "bool" else "bool_")
    if "device" in v:
        return _device(v["device"])
    if "slice" in v:
        return slice(*(_dec(x) for x in v["slice"]))
    if "ellipsis" in v:
        return Ellipsis
    if "float" in v:
        return float(v["float"])
    raise ValueError(f"bad graph argument encoding {v!r}")
