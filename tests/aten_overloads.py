"""Writes ``ember/_aten_overloads.json``: PyTorch's overload names of every ``torch.ops.aten``
operator Ember serves (its op functions and other public functions, the in-place ``name_``
Tensor methods, the aten-only kernels of ``ember/_aten.py``).  Run ``python -m tests.aten_overloads`` after adding ops;
``tests/test_overrides.py`` checks the file against torch."""
import inspect
import json
import pathlib

import ember
from ember import _aten, _ops

PATH = pathlib.Path(ember.__file__).parent / "_aten_overloads.json"


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


if __name__ == "__main__":
    import torch
    PATH.write_text(json.dumps(table(torch), separators=(",", ":"), sort_keys=True) + "\n")
