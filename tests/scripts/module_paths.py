"""Under ``python -m ember.run``: which of PyTorch's class paths (JSON on stdin: canonical path
-> the public paths where torch also exports the class) import, and as the same object."""
import importlib
import json
import sys


def lookup(path):
    module, _, qualname = path.partition(":")
    obj = importlib.import_module(module)
    for part in qualname.split("."):
        obj = getattr(obj, part)
    return obj


report = {"missing": [], "wrong": []}
for canonical, public in json.load(sys.stdin).items():
    found = []
    for path in public:
        try:
            found.append(lookup(path))
        except (ImportError, AttributeError):
            pass
    if not found:
        report["missing"].append(canonical)
        continue
    try:
        same = lookup(canonical) is found[0]
    except (ImportError, AttributeError) as e:
        same = f"{type(e).__name__}: {e}"
    if same is not True:
        report["wrong"].append([canonical, str(same)])
print(json.dumps(report))
