"""The backend seam, enforced: ``ember/_ops`` and ``ember/autograd`` reach tensor data only
through the tensor's backend (``xp``, ``backend.nn`` / ``linalg`` / ``special`` / ``random``,
``scatter_add`` / ``scatter_reduce``, ``writeable``), never with NumPy directly, because on CUDA
the data is a CuPy array that NumPy refuses.

An AST scan (no import, no run) of every function:

* a value is *device data* when its expression reads ``._data``, calls something on an ``xp``
  module, or uses a name assigned from device data earlier in the function; reading its
  metadata (``.shape``, ``.dtype``, ``.ndim``, ``.size``, ...) or converting it to a Python
  value (``int``, ``float``, ``bool``, ``len``, ``.item()``, ``.tolist()``, ``to_host``) gives
  host values again;
* a violation is a ``np.*`` / ``numpy.*`` call with device data among its arguments, or any
  use of ``.flags.writeable``, ``.ctypes`` or ``__array_interface__`` (NumPy-only attributes:
  ask ``backend.writeable`` / ``backend.data_ptr``).

NumPy on host bookkeeping (index lists, shapes, dtypes) stays allowed.  The scan follows names
within one function only: data passed in as a plain parameter is not seen; the strict backend
(``EMBER_FAKE_CUDA=strict``, CI's strict job) catches those at run time.  ``ALLOWED`` lists the
known exceptions, each with its reason.
"""
import ast
import pathlib

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent / "ember"
SCANNED = sorted([*ROOT.glob("_ops/*.py"), *ROOT.glob("autograd/*.py")])
HOST_ATTRS = {"shape", "dtype", "ndim", "size", "strides", "itemsize", "nbytes", "flags",
              "_shape", "_dtype"}
TO_HOST = {"int", "float", "bool", "len", "complex", "item", "tolist", "to_host", "isinstance",
           "type", "id", "str", "repr"}
NUMPY_ONLY_ATTRS = {"ctypes", "__array_interface__"}
# NumPy functions that read only metadata (CuPy arrays answer them through
# ``__array_function__``)
METADATA_FUNCS = {"shape", "ndim", "size", "broadcast_shapes", "result_type", "iinfo", "finfo",
                  "isscalar", "dtype"}
# (file relative to ember/, function): why NumPy may touch its data
ALLOWED = {
    ("autograd/gradcheck.py", "*"): "finite differences run on host copies (to_host) by design",
}


def _root_name(node):
    while isinstance(node, (ast.Attribute, ast.Subscript, ast.Call)):
        node = node.func if isinstance(node, ast.Call) else node.value
    return node.id if isinstance(node, ast.Name) else None


def _chain_has(node, name):
    while isinstance(node, ast.Attribute):
        if node.attr == name:
            return True
        node = node.value
    return isinstance(node, ast.Name) and node.id == name


def _called_name(call):
    f = call.func
    return f.attr if isinstance(f, ast.Attribute) else f.id if isinstance(f, ast.Name) else None


def _device(node, names):
    """Whether expression ``node`` may evaluate to (or contain) device data."""
    if isinstance(node, ast.Attribute):
        if node.attr in HOST_ATTRS:
            return False
        if node.attr == "_data":
            return True
        return _device(node.value, names)
    if isinstance(node, ast.Name):
        return node.id in names
    if isinstance(node, ast.Call):
        if _called_name(node) in TO_HOST:
            return False
        if _chain_has(node.func, "xp") and _root_name(node.func) not in ("np", "numpy"):
            return True
    if isinstance(node, (ast.Lambda, ast.FunctionDef)):
        return False
    return any(_device(c, names) for c in ast.iter_child_nodes(node))


def _targets(t):
    if isinstance(t, ast.Name):
        yield t.id
    elif isinstance(t, (ast.Tuple, ast.List)):
        for e in t.elts:
            yield from _targets(e)
    elif isinstance(t, ast.Starred):
        yield from _targets(t.value)


def _device_names(func):
    names = set()
    for _ in range(3):   # a few passes reach names assigned from names assigned later in text
        for node in ast.walk(func):
            if isinstance(node, ast.Assign) and _device(node.value, names):
                for t in node.targets:
                    names.update(_targets(t))
            elif isinstance(node, (ast.AugAssign, ast.AnnAssign)) and node.value is not None \
                    and _device(node.value, names):
                names.update(_targets(node.target))
            elif isinstance(node, ast.For) and _device(node.iter, names):
                names.update(_targets(node.target))
    return names


def violations(path):
    rel = path.relative_to(ROOT).as_posix()
    if (rel, "*") in ALLOWED:
        return []
    tree = ast.parse(path.read_text(), str(path))
    found = []
    for func in ast.walk(tree):
        if not isinstance(func, (ast.FunctionDef, ast.AsyncFunctionDef)) or \
                (rel, func.name) in ALLOWED:
            continue
        names = _device_names(func)
        for node in ast.walk(func):
            if isinstance(node, ast.Attribute) and (node.attr in NUMPY_ONLY_ATTRS or (
                    node.attr == "writeable" and isinstance(node.value, ast.Attribute) and
                    node.value.attr == "flags")):
                found.append(f"{rel}:{node.lineno} {func.name}: .{node.attr}")
            elif isinstance(node, ast.Call) and _root_name(node.func) in ("np", "numpy") and \
                    _called_name(node) not in METADATA_FUNCS and \
                    any(_device(a, names) for a in [*node.args, *(k.value for k in node.keywords)]):
                found.append(f"{rel}:{node.lineno} {func.name}: {ast.unparse(node)[:80]}")
    return sorted(set(found))


@pytest.mark.parametrize("path", SCANNED, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_no_numpy_on_tensor_data(path):
    bad = violations(path)
    assert not bad, "NumPy reaches tensor data directly (use the tensor's backend):\n" + \
        "\n".join(bad)


def test_the_scan_catches_a_direct_numpy_call(tmp_path):
    """The checker itself: each kind of violation is found, host bookkeeping is not."""
    src = tmp_path / "_ops" / "bad.py"
    src.parent.mkdir()
    src.write_text(
        "import numpy as np\n"
        "def f(t, idx):\n"
        "    a = t._data\n"
        "    b = a.T\n"
        "    np.add.at(b, idx, 1)\n"                       # 5: ufunc method on device data
        "    n = int(np.prod(a.shape))\n"                  # host: metadata only
        "    k = np.arange(n)\n"                           # host bookkeeping
        "    c = t._device._backend.xp.exp(a)\n"
        "    return np.asarray(c), a.flags.writeable, np.take(b, k)\n")   # 9: three
    global ROOT
    old, ROOT = ROOT, tmp_path
    try:
        got = violations(src)
    finally:
        ROOT = old
    assert [g.split()[0] for g in got] == ["_ops/bad.py:5", "_ops/bad.py:9", "_ops/bad.py:9",
                                           "_ops/bad.py:9"], got
