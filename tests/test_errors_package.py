"""The ``ember._errors`` package re-exports its family modules with ``import *``: a name that
two families define would silently resolve to the later one (a vision builder once shadowed
the padding modules' builder of the same name, and raised TypeError)."""
import ast
import pathlib
import re

ROOT = pathlib.Path(__file__).resolve().parents[1]
ERRORS = ROOT / "ember" / "_errors"


def _public_defs(path):
    tree = ast.parse(path.read_text())
    return {node.name for node in tree.body
            if isinstance(node, (ast.FunctionDef, ast.ClassDef)) and not node.name.startswith("_")}


def test_no_builder_name_is_defined_by_two_families():
    seen = {}
    clashes = []
    for path in sorted(ERRORS.glob("*.py")):
        for name in _public_defs(path):
            if name in seen:
                clashes.append(f"{name}: {seen[name]} and {path.name}")
            seen[name] = path.name
    assert not clashes


def test_every_builder_that_ember_calls_exists():
    from ember import _errors
    missing = set()
    for path in (ROOT / "ember").rglob("*.py"):
        if path.parent == ERRORS:
            continue
        for name in re.findall(r"\b_errors\.(\w+)\(", path.read_text()):
            if not hasattr(_errors, name):
                missing.add(f"{path.relative_to(ROOT)}: {name}")
    assert not missing
