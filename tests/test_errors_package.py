"""The ``ember._errors`` package re-exports its family modules with ``import *``: a name that
two families define would silently resolve to the later one (a vision builder once shadowed
the padding modules' builder of the same name, and raised TypeError)."""
import ast
import pathlib
import re

ROOT = pathlib.Path(__file__).resolve().parents[1]
ERRORS = ROOT / "ember" / "_errors"


def _public_defs(path):
    """The public names a family file defines at top level: functions, classes, assignments."""
    names = set()
    for node in ast.parse(path.read_text()).body:
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names.update(n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name))
    return {name for name in names if not name.startswith("_")}


def test_no_builder_name_is_defined_by_two_families():
    seen = {}
    clashes = []
    for path in sorted(ERRORS.glob("*.py")):
        for name in _public_defs(path):
            if name in seen:
                clashes.append(f"{name}: {seen[name]} and {path.name}")
            seen[name] = path.name
    assert not clashes


def test_every_exported_name_is_one_object():
    """What the package's ``import *`` lines gather, imports included: a public name that two
    families export is the same object (a helper both import from ``base``), never two."""
    import importlib
    from ember import _errors
    clashes = []
    for path in sorted(ERRORS.glob("*.py")):
        if path.stem == "__init__":
            continue
        family = importlib.import_module(f"ember._errors.{path.stem}")
        names = getattr(family, "__all__", None)
        for name in names if names is not None else [n for n in vars(family) if n[0] != "_"]:
            if getattr(_errors, name, None) is not getattr(family, name):
                clashes.append(f"{name}: {path.name}'s is shadowed by another family's")
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
