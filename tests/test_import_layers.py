"""The layer order of docs/design.md holds: no module of ember imports a layer above its own,
at module level or lazily inside a function (every ``import`` statement is read, and every
``importlib.import_module`` call whose target the source spells out)."""
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


def _dynamic_target(call, module):
    """The ember module an ``importlib.import_module(...)`` / ``__import__(...)`` call names,
    read as far as it is written in the source: ``f"{__name__}.{name}"`` gives the package
    itself (the name is only known at run time); None where nothing can be read (data-driven
    imports, e.g. a loader importing the module a file names)."""
    func = call.func
    name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
    if name not in ("import_module", "__import__") or not call.args:
        return None
    arg = call.args[0]
    if isinstance(arg, ast.BinOp) and isinstance(arg.op, ast.Add):
        arg = ast.JoinedStr([ast.FormattedValue(arg.left, -1), arg.right])
    parts = arg.values if isinstance(arg, ast.JoinedStr) else [arg]
    text = ""
    for part in parts:
        if isinstance(part, ast.Constant) and isinstance(part.value, str):
            text += part.value
        elif isinstance(part, ast.FormattedValue) and getattr(part.value, "id", "") == "__name__":
            text += module
        else:
            return text.rpartition(".")[0] or None
    return text


def _lazy_attribute_calls(tree):
    """The calls inside a module-level ``__getattr__``: a package handing out its own
    submodules on first attribute access (``ember.nn``, ``ember.cuda.amp``)."""
    return {id(node) for fn in tree.body
            if isinstance(fn, ast.FunctionDef) and fn.name == "__getattr__"
            for node in ast.walk(fn) if isinstance(node, ast.Call)}


def imports(path):
    """(line, imported ember module) for every import in a file: ``import`` statements at any
    depth, and ``importlib.import_module`` calls whose target the source spells out.  A
    package's ``__getattr__`` loading its own submodules is not an import of its code: it is
    Python's ``import package.sub`` run on first use, and is passed over."""
    return imports_in(path.read_text(), _module_name(path), path.name == "__init__.py")


def _statements(tree):
    """Every statement, at any depth, without the expressions: all that a file without an
    ``import_module`` / ``__import__`` call can import through (a tenth of the nodes)."""
    todo = list(tree.body)
    while todo:
        node = todo.pop()
        yield node
        for field in ("body", "orelse", "finalbody", "handlers", "cases"):
            todo.extend(getattr(node, field, ()))


def imports_in(source, module, is_package):
    """``imports`` of the source text of ``module``."""
    package = module if is_package else module.rpartition(".")[0]
    tree = ast.parse(source)
    lazy = _lazy_attribute_calls(tree) if is_package else set()
    dynamic = "import_module" in source or "__import__" in source
    for node in ast.walk(tree) if dynamic else _statements(tree):
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
        elif isinstance(node, ast.Call):
            target = _dynamic_target(node, module)
            if target and not (id(node) in lazy and (target + ".").startswith(module + ".")):
                yield node.lineno, target


def test_lazy_and_dynamic_imports_are_read():
    source = ("import ember._dtype\n"
              "def f():\n"
              "    from . import nn\n"
              "    import importlib\n"
              "    return importlib.import_module('ember.vision')\n")
    found = sorted(t for _, t in imports_in(source, "ember._tensor", False))
    assert found == ["ember._dtype", "ember.nn", "ember.vision", "importlib"]
    # a package's __getattr__ handing out its own submodules is passed over
    lazy = ("def __getattr__(name):\n"
            "    import importlib\n"
            "    return importlib.import_module(f'{__name__}.{name}')\n")
    assert [t for _, t in imports_in(lazy, "ember.cuda", True)] == ["importlib"]
    assert [t for _, t in imports_in("import importlib\nimportlib.import_module('ember.nn')",
                                     "ember.cuda", True)] == ["importlib", "ember.nn"]


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


def test_the_graph_imports_nothing_from_ops():
    """docs/design.md's rule inside the tensor core ("`autograd.graph` and `autograd.grad_mode`
    import nothing from `_ops`"), at module level and at call time alike."""
    rule = re.search(r"`([\w.]+)` and\s+`([\w.]+)` import nothing from `([\w.]+)`",
                     DESIGN.read_text())
    assert rule, "the rule's sentence moved: update this test"
    *modules, banned = rule.groups()
    found = [f"{module}:{line} imports {target}" for module in modules
             for line, target in imports(EMBER.joinpath(*module.split(".")).with_suffix(".py"))
             if (target + ".").startswith(f"ember.{banned}.")]
    assert not found, "\n".join(found)
