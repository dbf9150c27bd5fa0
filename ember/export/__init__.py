"""``torch.export``: a module's forward captured as one graph of aten operators.

``export(mod, args)`` runs ``mod`` once on the example inputs under a dispatch mode that
records every aten operator call (``_trace``), lifts the parameters, buffers and tensor
constants to placeholders, and returns an :class:`ExportedProgram`; ``dynamic_shapes=`` makes
dims follow the inputs' runtime sizes (``_dynamic``).  ``save`` / ``load`` write and read an
Ember archive (``_archive``).
"""
from .. import _errors
from ..fx.graph_module import GraphModule
from ..nn.modules.module import Module
from ..utils import _pytree
from . import graph_signature  # noqa: F401
from ._dynamic import make_dynamic
from ._program import CallSpec, ExportedProgram, Guard, ValueRange
from ._trace import Capture
from .dynamic_shapes import Dim, ShapesCollection, leaf_hints
from .graph_signature import ExportGraphSignature, InputKind

__all__ = ["export", "ExportedProgram", "ExportGraphSignature", "Dim", "ShapesCollection",
           "save", "load", "draft_export", "register_dataclass", "unflatten"]

register_dataclass = _pytree.register_dataclass


def export(mod, args, kwargs=None, *, dynamic_shapes=None, strict=False,
           preserve_module_call_signature=()):
    """Capture ``mod``'s forward on ``args`` / ``kwargs``. ``strict`` changes nothing (Ember
    traces the Python code as it runs, as torch's non-strict mode does)."""
    if not isinstance(mod, Module):
        raise _errors.export_not_module(mod)
    if not isinstance(args, tuple):
        raise _errors.export_args_tuple(args)
    kwargs = dict(kwargs or {})
    capture = Capture(mod, args, kwargs)
    hints = leaf_hints(capture.inputs, dynamic_shapes)
    ranges, dynamic = make_dynamic(capture, mod, args, kwargs, hints)
    flat = _pytree.tree_leaves_with_path(capture.inputs)
    guards = [Guard.of(_path_name(path), v, {axis: name for (j, axis), name in dynamic.items()
                                             if j == i}, ranges)
              for i, (path, v) in enumerate(flat)]
    state = {spec.target: t for spec, t in zip(capture.input_specs, capture.input_values)
             if spec.target is not None and spec.persistent is not False
             and spec.kind in (InputKind.PARAMETER, InputKind.BUFFER)}
    constants = {spec.target: t for spec, t in zip(capture.input_specs, capture.input_values)
                 if spec.target is not None and spec.target not in state}
    signature = ExportGraphSignature(capture.input_specs, capture.output_specs)
    return ExportedProgram(GraphModule({}, capture.graph), signature, state, constants,
                           CallSpec(capture.in_spec, capture.out_spec),
                           {name: ValueRange(*r) for name, r in ranges.items()}, guards,
                           (args, kwargs))


def _path_name(path):
    name, *rest = path
    return str(name.key) + "".join(str(k) for k in rest)


def draft_export(mod, args, kwargs=None, *, dynamic_shapes=None, strict=False,
                 preserve_module_call_signature=()):
    """``export`` (Ember has no report of the problems a draft collects)."""
    return export(mod, args, kwargs, dynamic_shapes=dynamic_shapes, strict=strict,
                  preserve_module_call_signature=preserve_module_call_signature)


def unflatten(module, flat_args_adapter=None):
    raise _errors.unsupported("torch.export.unflatten", "exported graphs keep no module "
                              "boundaries (docs/deployment.md)")


def save(ep, f, *, extra_files=None, opset_version=None, pickle_protocol=2):
    from ._archive import save as _save
    _save(ep, f, extra_files)


def load(f, *, extra_files=None, expected_opset_version=None):
    from ._archive import load as _load
    return _load(f, extra_files)
