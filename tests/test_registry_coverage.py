"""Every op in ember's registry has an oracle entry (``tests/oracle/specs_*.py``) or an
exemption with a reason (``tests/oracle/specs_exempt.py``)."""
from ember._ops._core import OPS
from tests.oracle import harness
from tests.oracle.specs_exempt import EXEMPT


def covered_names():
    names = set()
    for specs in harness.load_specs().values():
        if not isinstance(specs, Exception):
            names.update(s.name for s in specs)
    return names


def test_every_registered_op_has_a_spec():
    missing = sorted(set(OPS) - covered_names() - set(EXEMPT))
    assert not missing, f"{len(missing)} registered ops have no OpSpec and no exemption: " \
                        + ", ".join(missing)


def test_exemptions_have_reasons_and_exist():
    bad = sorted(n for n, why in EXEMPT.items() if not (isinstance(why, str) and why.strip()))
    assert not bad, f"exemptions without a reason: {bad}"
    stale = sorted(set(EXEMPT) - set(OPS))
    assert not stale, f"exempt names not in the op registry: {stale}"


def test_opdef_module_is_the_defining_file():
    """``OpDef.module`` names the op's file: the file binds the op, or its code is there
    (ops made by ``_core``'s factories are bound by the family file that calls them)."""
    import sys
    from ember._ops._bindings import original   # a transform's layer may be on in this worker
    wrong = []
    for op in OPS.values():
        mod = sys.modules[op.module]
        bound = any(original(v) is op.fn or op.inplace is not None and original(v) is op.inplace
                    for v in vars(mod).values())
        if op.module == "ember._ops._core" or not (
                bound or op.fn.__code__.co_filename == mod.__file__):
            wrong.append(f"{op.name} ({op.module})")
    assert not wrong, "ops whose OpDef.module is not their file: " + ", ".join(wrong)
