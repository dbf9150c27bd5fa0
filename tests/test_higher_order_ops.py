"""``torch.cond`` and ``torch.while_loop`` run eagerly, compared with torch (which compiles
them: those comparisons are slow tests)."""
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


@pytest.mark.slow
@pytest.mark.parametrize("pred", [lambda lib: lib.tensor(True), lambda lib: lib.tensor([0.0]),
                                  lambda lib: _x(lib).sum() > 0])
def test_cond_with_a_tensor_predicate(pred):
    got, expected = (_outcome(lambda lib=lib: lib.cond(pred(lib), lambda x: x.sin(),
                                                       lambda x: x.cos(), (_x(lib),)))
                     for lib in LIBS)
    assert got == expected and got[0] == "ok"


@pytest.mark.slow
@pytest.mark.parametrize("cond_fn, body_fn, carried", [
    (lambda i, y: i < 3, lambda i, y: (i + 1, y * 2), lambda lib: [lib.tensor(0), lib.ones(2)]),
    (lambda i: i < 0, lambda i: (i + 1,), lambda lib: (lib.tensor(5),)),
    (lambda i: i < 3, lambda i: i + 1, lambda lib: (lib.tensor(0),)),
    (lambda i: i < 3, lambda i: (i + 1,), lambda lib: (0,)),
    (lambda i: i < 3, lambda i: (i + 1.5,), lambda lib: (lib.tensor(0),)),
    (lambda i: i.new_ones(2) > 0, lambda i: (i + 1,), lambda lib: (lib.tensor(0),)),
    (lambda i: True, lambda i: (i + 1,), lambda lib: (lib.tensor(0),)),
    (lambda i, y: i < 3, lambda i, y: (i + 1, y.sum()), lambda lib: (lib.tensor(0), lib.ones(2)))])
def test_while_loop(cond_fn, body_fn, carried):
    got, expected = (_outcome(lambda lib=lib: lib.while_loop(cond_fn, body_fn, carried(lib)))
                     for lib in LIBS)
    assert got == expected


def test_while_loop_errors_are_torchs_dynamo_exception():
    from ember._dynamo.exc import TorchDynamoException, UncapturedHigherOrderOpError
    with pytest.raises(UncapturedHigherOrderOpError, match="same metadata") as info:
        ember.while_loop(lambda i: i < 3, lambda i: (i + 1.5,), (ember.tensor(0),))
    assert isinstance(info.value, TorchDynamoException) and isinstance(info.value, RuntimeError)
    assert ember.while_loop(lambda i, y: i < 3, lambda i, y: (i + 1, y * 2),
                            (ember.tensor(0), ember.ones(2)))[1].tolist() == [8.0, 8.0]
