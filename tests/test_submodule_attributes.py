"""After ``import torch`` its submodules are attributes (``torch.nn.attention.sdpa_kernel``
without importing ``torch.nn.attention``); each one Ember has must be reachable the same way.
Both sides run in fresh interpreters, so nothing this test process imported counts."""
import subprocess
import sys

import pytest

_REACHABLE = r'''
import importlib, sys, types
root = importlib.import_module("torch")
found, todo = set(), [root]
while todo:
    mod = todo.pop()
    for name in dir(mod):
        value = getattr(mod, name, None) if not name.startswith("_") else None
        if isinstance(value, types.ModuleType) and value.__name__ == f"{mod.__name__}.{name}" \
                and value.__name__ not in found and value.__name__.count(".") < 5:
            found.add(value.__name__)
            todo.append(value)
print("\n".join(sorted(found)))
'''

_ATTRIBUTES = r'''
import functools, sys
import ember
for name in sys.stdin.read().split():
    try:
        functools.reduce(getattr, name.split(".")[1:], ember)
    except AttributeError:
        print(name)
'''

_IMPORTABLE = r'''
import importlib, sys
for name in sys.stdin.read().split():
    try:
        importlib.import_module(name)
    except Exception:
        continue
    print(name)
'''


def _run(code, *args, stdin=""):
    proc = subprocess.run([sys.executable, "-c", code, *args], input=stdin, capture_output=True,
                          text=True, timeout=300, cwd="/")
    assert proc.returncode == 0, proc.stderr[-2000:]
    return set(proc.stdout.split())


@pytest.mark.slow
def test_torch_submodule_attributes_are_attributes_in_ember():
    torch_names = _run(_REACHABLE)
    ours = {"ember" + name[len("torch"):] for name in torch_names}
    importable = _run(_IMPORTABLE, stdin="\n".join(sorted(ours)))
    assert len(importable) > 100
    assert sorted(_run(_ATTRIBUTES, stdin="\n".join(sorted(importable)))) == []
