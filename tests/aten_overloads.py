"""Writes ``ember/_aten_overloads.json`` (PyTorch's overload names of every ``torch.ops.aten``
operator Ember serves: its op functions and other public functions, the in-place ``name_``
Tensor methods, the aten-only kernels of ``ember/_aten.py``) and ``ember/_aten_schemas.json``
(the same operators' argument lists, which ``__torch_dispatch__`` uses to choose the overload a
call reaches).  Run ``python -m tests.aten_overloads`` after adding ops;
``tests/test_overrides.py`` and ``tests/test_torch_dispatch.py`` check the files against torch."""
import inspect
import json
import pathlib

import ember
from ember import _aten, _ops
from ember._ops._core import OPS

PATH = pathlib.Path(ember.__file__).parent / "_aten_overloads.json"
SCHEMAS = pathlib.Path(ember.__file__).parent / "_aten_schemas.json"

# aten operators Ember's dispatch reaches without a same-named Ember op (Tensor conversions,
# indexing, scalar reads, AccumulateGrad's detach)
_DISPATCH_TARGETS = ("_to_copy", "select", "slice", "index", "index_put", "_local_scalar_dense",
                     "detach", "unsqueeze", "lift_fresh", "copy_", "alias")


def served_names():
    names = set(_ops.functions) | set(_aten.KERNELS)
    names |= {n for n in dir(ember) if not n.startswith("_")
              and inspect.isfunction(getattr(ember, n, None))}
    names |= {n for n in dir(ember.Tensor) if n.endswith("_") and not n.startswith("__")
              and callable(getattr(ember.Tensor, n))}
    return names


def table(torch):
    out = {}
    for name in sorted(served_names()):
        packet = getattr(torch.ops.aten, name, None)
        if packet is not None:
            out[name] = packet.overloads()
    return out


_KINDS = {"Tensor": "T", "Optional[Tensor]": "T?", "List[Tensor]": "L",
          "List[Optional[Tensor]]": "L", "number": "S", "Optional[number]": "S?",
          "int": "i", "Optional[int]": "i?", "List[int]": "I", "Optional[List[int]]": "I?",
          "float": "f", "Optional[float]": "f?", "bool": "b", "Optional[bool]": "b?",
          "str": "s", "Optional[str]": "s?", "complex": "c", "List[str]": "N",
          "Optional[List[str]]": "N?"}


def _default(arg):
    """The default as JSON (absent: no default; an opaque default is a string never matched)."""
    value = arg.default_value
    if value is None or isinstance(value, (bool, int, float, str)):
        return [value]
    if isinstance(value, (list, tuple)) and all(isinstance(v, (int, float)) for v in value):
        return [list(value)]
    return ["<opaque>"]


def _schema(s):
    args = [[a.name, _KINDS.get(str(a.type), "o"), int(a.kwarg_only),
             *(_default(a) if a.has_default_value() else [])] for a in s.arguments]
    return [s.overload_name or "default", args]


def schemas(torch):
    """{name: [[overload, [[arg, kind, kwarg_only, (default)], ...]], ...]} in torch's order."""
    names = {n for n in served_names() | set(OPS) | set(_DISPATCH_TARGETS)}
    names |= {n + "_" for n in OPS}
    out = {}
    for name in sorted(names):
        found = torch._C._jit_get_schemas_for_operator("aten::" + name)
        if found:
            out[name] = [_schema(s) for s in found]
    return out


if __name__ == "__main__":
    import torch
    PATH.write_text(json.dumps(table(torch), separators=(",", ":"), sort_keys=True) + "\n")
    SCHEMAS.write_text(json.dumps(schemas(torch), separators=(",", ":"), sort_keys=True) + "\n")
