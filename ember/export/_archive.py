"""``export.save`` / ``export.load``: an exported program in one zip file.

Layout (an Ember format; PyTorch's ``.pt2`` archives are refused): ``ember_export.json``
(format, version, the graph signature, the call's tree specs, the guards and the range
constraints), ``graph.json`` (the graph, call targets by name: ``aten::addmm.default``) and
``data.pt`` (state dict, constants and example inputs in ember's / PyTorch's checkpoint
format, via ``ember.save``); ``extra_files`` go under ``extra/``.
"""
import json

from .. import _errors
from ..fx import _serialize
from ..fx.graph_module import GraphModule
from ..utils import _pytree
from . import graph_signature as gs
from ._program import CallSpec, ExportedProgram, Guard, ValueRange
from .dynamic_shapes import int_oo

_FORMAT, _VERSION = "ember.export", 1


def _bound(n):
    return None if n is int_oo else n


def _unbound(n):
    return int_oo if n is None else n


def _arg_record(arg):
    if isinstance(arg, gs.ConstantArgument):
        return {"name": arg.name, "value": arg.value}
    return {"name": arg.name}


def _arg(record):
    if "value" in record:
        return gs.ConstantArgument(record["name"], record["value"])
    return gs.TensorArgument(record["name"])


def save(ep, f, extra_files=None):
    sig = ep.graph_signature
    meta = {
        "format": _FORMAT, "version": _VERSION,
        "inputs": [[s.kind.name, _arg_record(s.arg), s.target, s.persistent]
                   for s in sig.input_specs],
        "outputs": [[s.kind.name, _arg_record(s.arg), s.target] for s in sig.output_specs],
        "in_spec": _pytree.treespec_dumps(ep.call_spec.in_spec),
        "out_spec": _pytree.treespec_dumps(ep.call_spec.out_spec),
        "guards": [[g.path, g.sizes and [[lo, _bound(hi)] for lo, hi in g.sizes], g.value]
                   for g in ep._guards],
        "range_constraints": {k: [r.lower, _bound(r.upper)]
                              for k, r in ep.range_constraints.items()}}
    _serialize.write_archive(f, "ember_export.json", meta, ep.graph,
                             {"state_dict": ep.state_dict, "constants": ep.constants,
                              "example_inputs": ep.example_inputs}, extra_files)


def load(f, extra_files=None):
    z, names = _serialize.open_archive(f, lambda why: _errors.export_archive(f, why))
    with z:
        if "ember_export.json" not in names:
            why = "a PyTorch .pt2 archive" if any(n.endswith("archive_format") for n in names) \
                else "ember_export.json is missing"
            raise _errors.export_archive(f, why)
        meta = json.loads(z.read("ember_export.json"))
        if meta.get("format") != _FORMAT or meta.get("version") != _VERSION:
            raise _errors.export_archive(f, "unknown format or version")
        data = _serialize.read_data(z)
        graph = _serialize.from_json(z.read("graph.json").decode())
        for name in extra_files or {}:
            extra_files[name] = z.read("extra/" + name).decode()
    signature = gs.ExportGraphSignature(
        [gs.InputSpec(gs.InputKind[k], _arg(a), t, p) for k, a, t, p in meta["inputs"]],
        [gs.OutputSpec(gs.OutputKind[k], _arg(a), t) for k, a, t in meta["outputs"]])
    guards = [Guard(path, sizes and [(lo, _unbound(hi)) for lo, hi in sizes], value)
              for path, sizes, value in meta["guards"]]
    ranges = {k: ValueRange(lo, _unbound(hi)) for k, (lo, hi) in
              meta["range_constraints"].items()}
    call_spec = CallSpec(_pytree.treespec_loads(meta["in_spec"]),
                         _pytree.treespec_loads(meta["out_spec"]))
    return ExportedProgram(GraphModule({}, graph), signature, data["state_dict"],
                           data["constants"], call_spec, ranges, guards,
                           data["example_inputs"])
