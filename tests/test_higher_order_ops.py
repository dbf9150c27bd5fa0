"""``torch.cond`` and ``torch.while_loop`` run eagerly, compared with torch (which compiles
them: those comparisons are a slow test, torch's side in a subprocess)."""
import pytest

import ember

torch = pytest.importorskip("torch")
LIBS = (ember, torch)


def _outcome(call):
    try:
        return ("ok", repr(call()))
    except Exception as e:
        return (type(e).__name__, str(e).split("\n")[0])


def _x(lib):
    return lib.tensor([0.5, -1.0, 2.0])


@pytest.mark.parametrize("pred", [True, False, 1, 0.0])
def test_cond_with_a_python_predicate_runs_one_branch(pred):
    got, expected = (_outcome(lambda lib=lib: lib.cond(pred, lambda x: x.sin(),
                                                       lambda x: x.cos(), (_x(lib),)))
                     for lib in LIBS)
    assert got == expected and got[0] == "ok"


@pytest.mark.parametrize("make", [
    lambda lib: lib.cond("a", lib.sin, lib.cos, (_x(lib),)),
    lambda lib: lib.cond(None, lib.sin, lib.cos, (_x(lib),)),
    lambda lib: lib.cond(lib.ones(2) > 0, lib.sin, lib.cos, (_x(lib),)),
    lambda lib: lib.cond(lib.ones(()), lib.sin, lib.cos, _x(lib))])
def test_cond_refusals(make):
    got, expected = (_outcome(lambda lib=lib: make(lib)) for lib in LIBS)
    assert got == expected and got[0] == "RuntimeError"


# Calls that torch compiles with Dynamo: run as source text, torch's side in a subprocess (so
# the test worker never loads Dynamo and Inductor; that took ~100 MB of its memory).
COMPILED_CALLS = [
    "lib.cond(lib.tensor(True), lambda x: x.sin(), lambda x: x.cos(), (x,))",
    "lib.cond(lib.tensor([0.0]), lambda x: x.sin(), lambda x: x.cos(), (x,))",
    "lib.cond(x.sum() > 0, lambda x: x.sin(), lambda x: x.cos(), (x,))",
    "lib.while_loop(lambda i, y: i < 3, lambda i, y: (i + 1, y * 2), "
    "[lib.tensor(0), lib.ones(2)])",
    "lib.while_loop(lambda i: i < 0, lambda i: (i + 1,), (lib.tensor(5),))",
    "lib.while_loop(lambda i: i < 3, lambda i: i + 1, (lib.tensor(0),))",
    "lib.while_loop(lambda i: i < 3, lambda i: (i + 1,), (0,))",
    "lib.while_loop(lambda i: i < 3, lambda i: (i + 1.5,), (lib.tensor(0),))",
    "lib.while_loop(lambda i: i.new_ones(2) > 0, lambda i: (i + 1,), (lib.tensor(0),))",
    "lib.while_loop(lambda i: True, lambda i: (i + 1,), (lib.tensor(0),))",
    "lib.while_loop(lambda i, y: i < 3, lambda i, y: (i + 1, y.sum()), "
    "(lib.tensor(0), lib.ones(2)))"]

_RUN = """
import json, sys
import {lib} as lib
x = lib.tensor([0.5, -1.0, 2.0])
out = []
for call in json.loads(sys.argv[1]):
    try:
        out.append(["ok", repr(eval(call))])
    except Exception as e:
        out.append([type(e).__name__, str(e).split("\\n")[0]])
print(json.dumps(out))
"""


def _outcomes_in_subprocess(lib):
    import json
    import subprocess
    import sys
    proc = subprocess.run([sys.executable, "-c", _RUN.format(lib=lib),
                           json.dumps(COMPILED_CALLS)], capture_output=True, text=True,
                          check=True)
    return [tuple(o) for o in json.loads(proc.stdout.splitlines()[-1])]


@pytest.mark.slow
def test_cond_with_a_tensor_predicate_and_while_loop_as_torch_compiles_them():
    assert _outcomes_in_subprocess("ember") == _outcomes_in_subprocess("torch")


def test_while_loop_errors_are_torchs_dynamo_exception():
    from ember._dynamo.exc import TorchDynamoException, UncapturedHigherOrderOpError
    with pytest.raises(UncapturedHigherOrderOpError, match="same metadata") as info:
        ember.while_loop(lambda i: i < 3, lambda i: (i + 1.5,), (ember.tensor(0),))
    assert isinstance(info.value, TorchDynamoException) and isinstance(info.value, RuntimeError)
    assert ember.while_loop(lambda i, y: i < 3, lambda i, y: (i + 1, y * 2),
                            (ember.tensor(0), ember.ones(2)))[1].tolist() == [8.0, 8.0]
