"""Graphs as data: a flat list of node records.

* ``graph_state`` / ``graph_from_state``: for pickling (``ember.save`` of a GraphModule,
  ``copy.deepcopy``); call targets that are in the op table travel by name, others by
  reference, as pickle does.
* ``to_json`` / ``from_json``: what ``jit.save`` writes; every call target must be in the op
  table (``jit.trace`` only records such calls), so loading needs no user code.
* ``write_archive`` / ``open_archive`` / ``read_data``: the zip files of ``jit.save`` and
  ``export.save`` (a JSON record, ``graph.json``, ``data.pt``, ``extra/`` files).
"""
import io
import json
import zipfile

from .. import _dtype as D
from .._device import device as _device
from . import _optable
from .graph import Graph
from .node import Node, map_aggregate

_FORMAT, _VERSION = "ember.fx.graph", 2


class _Ref:
    """In a pickled graph: a node argument (``kind`` "node", the node's position) or a call
    target given by its op-table name (``kind`` "fn")."""
    __slots__ = ("kind", "key")

    def __init__(self, kind, key):
        self.kind, self.key = kind, key

    def __reduce__(self):
        return _Ref, (self.kind, self.key)


def graph_state(graph):
    index, records = {}, []
    for i, n in enumerate(graph.nodes):
        index[n] = i
        name = _optable.name_of(n.target) if n.op == "call_function" else None
        args = map_aggregate((n.args, n.kwargs),
                             lambda x: _Ref("node", index[x]) if isinstance(x, Node) else x)
        records.append((n.op, n.name, n.target if name is None else _Ref("fn", name), args,
                        n.type, dict(n.meta)))
    return records


def graph_from_state(records):
    g, nodes = Graph(), []
    for op, name, target, args, type_expr, meta in records:
        args, kwargs = map_aggregate(args, lambda x: nodes[x.key]
                                     if isinstance(x, _Ref) else x)
        if isinstance(target, _Ref):
            target = _optable.lookup(target.key)
        node = g.create_node(op, target, args, kwargs, name, type_expr)
        node.meta = meta
        nodes.append(node)
    return g


# ---- JSON -----------------------------------------------------------------------------------
def to_json(graph):
    nodes = []
    for n in graph.nodes:
        target = n.target
        if n.op == "call_function":
            name = _optable.name_of(target)
            if name is None:
                raise TypeError(f"cannot serialise a call of {target!r}: it is not a traceable "
                                "ember function")
            target = {"fn": name}
        nodes.append([n.op, n.name, target, _enc(list(n.args)), _enc(n.kwargs)])
    return json.dumps({"format": _FORMAT, "version": _VERSION, "nodes": nodes})


def from_json(text):
    d = json.loads(text)
    if d.get("format") != _FORMAT or d.get("version") != _VERSION:
        raise ValueError("not an ember.fx graph of version 2")
    g, by_name = Graph(), {}
    for op, name, target, args, kwargs in d["nodes"]:
        if isinstance(target, dict):
            target = _optable.lookup(target["fn"])
        node = g.create_node(op, target, tuple(_dec(args, by_name)), _dec(kwargs, by_name),
                             name)
        by_name[name] = node
    return g


def _enc(v):
    if v is None or isinstance(v, (bool, int, str)):
        return v
    if isinstance(v, float):
        return v if v == v and abs(v) != float("inf") else {"float": repr(v)}
    if isinstance(v, Node):
        return {"node": v.name}
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
    if type(v).__name__ in ("memory_format", "layout"):     # ember.contiguous_format...
        return {"torch": str(v).split(".")[-1]}
    if isinstance(v, slice):
        return {"slice": [_enc(v.start), _enc(v.stop), _enc(v.step)]}
    if v is Ellipsis:
        return {"ellipsis": True}
    raise TypeError(f"cannot serialise a graph argument of type {type(v).__name__}")


def _dec(v, nodes):
    if isinstance(v, list):
        return [_dec(x, nodes) for x in v]
    if not isinstance(v, dict):
        return v
    if "node" in v:
        return nodes[v["node"]]
    if "tuple" in v:
        return tuple(_dec(x, nodes) for x in v["tuple"])
    if "dict" in v:
        return {k: _dec(x, nodes) for k, x in v["dict"]}
    if "dtype" in v:
        return getattr(D, v["dtype"] if v["dtype"] != "bool" else "bool_")
    if "device" in v:
        return _device(v["device"])
    if "torch" in v:
        import ember
        return getattr(ember, v["torch"])
    if "slice" in v:
        return slice(*(_dec(x, nodes) for x in v["slice"]))
    if "ellipsis" in v:
        return Ellipsis
    if "float" in v:
        return float(v["float"])
    raise ValueError(f"bad graph argument encoding {v!r}")


# ---- archives ---------------------------------------------------------------------------------
def write_archive(f, record_name, record, graph, data, extra_files=None):
    """One zip at ``f``: ``record`` as JSON, the graph as ``graph.json``, ``data`` (tensors) as
    ``data.pt`` in the checkpoint format, and each extra file as ``extra/<name>``."""
    from .. import serialization
    buf = io.BytesIO()
    serialization.save(data, buf)
    with zipfile.ZipFile(f, "w", zipfile.ZIP_STORED) as z:
        z.writestr(record_name, json.dumps(record))
        z.writestr("graph.json", to_json(graph))
        z.writestr("data.pt", buf.getvalue())
        for name, content in (extra_files or {}).items():
            z.writestr("extra/" + name, content)


def open_archive(f, refuse):
    """``(zip file, its names)``; ``refuse(why)`` builds the error for a file that is no zip."""
    try:
        z = zipfile.ZipFile(f)
    except zipfile.BadZipFile:
        raise refuse("not a zip file") from None
    return z, set(z.namelist())


def read_data(z, map_location=None):
    from .. import serialization
    return serialization.load(io.BytesIO(z.read("data.pt")), map_location=map_location,
                              weights_only=True)
