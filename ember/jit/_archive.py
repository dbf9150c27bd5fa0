"""``jit.save`` / ``jit.load``: one zip file holding the graph and the weights.

Layout: ``graph.json`` (the :class:`~ember.fx.Graph`, call targets by their op-table name),
``archive.json`` (each attribute's name, whether it is a parameter and whether it is
persistent) and ``data.pt`` (the attributes and the trace's tensor constants in ember's /
PyTorch's checkpoint format, via ``ember.save``).  Loading needs no Python class of the
user's: the module is rebuilt from these three records.
"""
import json

from .. import _errors
from ..fx import _serialize
from ..nn.parameter import Parameter
from ._module import ScriptModule
from ._tracer import TENSOR_CONSTANT

_FORMAT = "ember.jit.archive"


def save(m, f, _extra_files=None):
    """Write the ScriptModule ``m`` to ``f`` (a path or a binary file object)."""
    from ._script import Scripted       # lazily: _script imports this module
    if isinstance(m, Scripted):         # kept as Python source, not as a graph
        return m.save(f, _extra_files)
    params = dict(m.named_parameters(remove_duplicate=False))
    persistent = set(m.state_dict(keep_vars=True))
    attrs, tensors = [], {}
    for name, t in list(params.items()) + [kv for kv in m.named_buffers(remove_duplicate=False)
                                           if kv[0] not in params]:
        attrs.append({"name": name, "parameter": name in params,
                      "persistent": name in persistent,
                      "requires_grad": bool(t.requires_grad)})
        tensors[name] = t.detach()
    constants = {n.target: n.meta[TENSOR_CONSTANT] for n in m.graph.find_nodes(op="get_attr")
                 if TENSOR_CONSTANT in n.meta}
    meta = {"format": _FORMAT, "version": 1, "original_name": m.original_name,
            "training": m.training, "attributes": attrs}
    _serialize.write_archive(f, "archive.json", meta, m.graph,
                             {"attributes": tensors, "constants": constants}, _extra_files)


def load(f, map_location=None, _extra_files=None):
    """Rebuild a ScriptModule from a file written by :func:`save`."""
    z, names = _serialize.open_archive(f, lambda why: _errors.jit_archive(f, why))
    with z:
        if "archive.json" not in names:
            raise _errors.jit_archive(f, "archive.json is missing")
        meta = json.loads(z.read("archive.json"))
        if meta.get("format") != _FORMAT:
            raise _errors.jit_archive(f, "unknown format")
        if meta.get("kind") == "source":    # ember.jit.script's: executes the kept source
            from ._script import read
            return read(z, map_location, _extra_files)
        data = _serialize.read_data(z, map_location)
        graph = _serialize.from_json(z.read("graph.json").decode())
        for node in graph.find_nodes(op="get_attr"):
            if node.target in data["constants"]:
                node.meta[TENSOR_CONSTANT] = data["constants"][node.target]
        if _extra_files is not None:
            for name in _extra_files:
                _extra_files[name] = z.read("extra/" + name)
    m = ScriptModule(graph, meta.get("original_name", ""))
    for a in meta["attributes"]:
        t = data["attributes"][a["name"]]
        if a["parameter"]:
            m._add_attribute(a["name"], Parameter(t, requires_grad=a["requires_grad"]), True)
        else:
            m._add_attribute(a["name"], t, False, a["persistent"])
    m.train(meta.get("training", False))
    return m
