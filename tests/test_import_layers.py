"""The layer order of docs/design.md holds: no module of ember imports a layer above its own,
at module level or lazily inside a function (every ``import`` statement is read)."""
import ast
import pathlib
import re

ROOT = pathlib.Path(__file__).resolve().parents[1]
EMBER = ROOT / "ember"
DESIGN = ROOT / "docs" / "design.md"


def layers():
    """unit name -> layer number, from the table in docs/design.md."""
    table = {}
    for line in DESIGN.read_text().splitlines():
        m = re.match(r"\|\s*(\d+) [^|]*\|([^|]*)\|", line)
        if m:
            for name in re.findall(r"`([\w.]+)`", m.group(2)):
                table[name] = int(m.group(1))
    return table


def unit_of(module, table=None):
    """The table entry a module belongs to: the longest dotted entry it lies in (the table
    may place a subpackage, e.g. ``utils.hooks``, apart from its package), else its top-level
    name: ``ember.nn.modules.linear`` -> ``nn``; ``ember`` -> ``__init__``."""
    parts = module.split(".")[1:]
    for n in range(len(parts), 1, -1):
        if table and ".".join(parts[:n]) in table:
            return ".".join(parts[:n])
    return parts[0] if parts else "__init__"


def _module_name(path):
    rel = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(rel[:-1] if rel[-1] == "__init__" else rel)


def _is_module(dotted):
    parts = dotted.split(".")
    path = ROOT.joinpath(*parts)
    return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()


def imports(path):
    """(line, imported ember module) for every import statement in a file."""
    module = _module_name(path)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[:len(package.split(".")) - node.level + 1]
                source = ".".join(base + ([node.module] if node.module else []))
            else:
                source = node.module or ""
            for alias in node.names:
                target = f"{source}.{alias.name}"
                yield node.lineno, target if _is_module(target) else source


def test_every_unit_has_a_layer():
    table = layers()
    units = {unit_of(_module_name(p), table) for p in EMBER.rglob("*.py")}
    assert not sorted(units - set(table)), "add these to the layer table of docs/design.md"


def test_no_module_imports_a_layer_above_it():
    table = layers()
    upward = []
    for path in sorted(EMBER.rglob("*.py")):
        here = unit_of(_module_name(path), table)
        for line, target in imports(path):
            if target != "ember" and not target.startswith("ember."):
                continue
            there = unit_of(target, table)
            if there != here and table.get(there, 99) > table.get(here, -1):
                upward.append(f"{path.relative_to(ROOT)}:{line} ({here}, layer {table.get(here)})"
                              f" imports {target} (layer {table.get(there)})")
    assert not upward, "upward imports:\n" + "\n".join(upward)
