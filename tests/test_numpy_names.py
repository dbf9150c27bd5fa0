"""NumPy's keyword names for torch arguments (``torch.sum(x, axis=1, keepdims=True)``,
``x.max(axis=0)``, ``torch.cat(ts, axis=-1)``): every registered op that has a ``dim`` or
``keepdim`` argument, called the way its oracle samples call it but with that argument (and
``input`` / ``other``) passed under NumPy's name, gives what torch 2.13 gives, or fails as
torch fails; plus the conflict rules (both names, positional and alias)."""
import numpy as np
import pytest

import ember
from ember._ops._core import OPS
from ember._ops._numpy_names import ALIASES, _wrappers
from tests.oracle import harness

torch = pytest.importorskip("torch")

_ALIAS_OF = {"dim": "axis", "keepdim": "keepdims", "input": "x", "other": "x2"}


def _params(fn):
    code = getattr(fn, "__wrapped__", fn).__code__
    return code.co_varnames[:code.co_argcount + code.co_kwonlyargcount]


def _variants():
    """(op, method form?, case, the argument renamed): the last positional argument or a
    keyword argument, renamed to its NumPy name."""
    out = []
    for specs in harness.load_specs().values():
        if isinstance(specs, Exception):
            continue
        for spec in specs:
            op = OPS.get(spec.name)
            if spec.call is not None or op is None or op.public not in _wrappers:
                continue
            case = next((c for c in spec.cases if not c.error), None)
            if case is None:
                continue
            params = _params(op.fn)
            given = list(params[:len(case.args)]) + list(case.kwargs)
            for p in ("dim", "keepdim", "input", "other"):
                last = p == given[len(case.args) - 1] if case.args else False
                if p in case.kwargs or last:
                    for method in ((False, True) if op.methods and op.function else
                                   (bool(op.methods),)):
                        if not (method and p == "input"):
                            out.append((spec.name, method, case, p, spec))
    return out


def _call(lib, name, method, case, renamed):
    rng = np.random.default_rng(0)
    args = list(harness.build(harness.draw(case.args, "float32", rng), lib, False, []))
    kwargs = harness.build(harness.draw(case.kwargs, "float32", rng), lib, False, [])
    value = kwargs.pop(renamed) if renamed in kwargs else args.pop()
    kwargs[_ALIAS_OF[renamed]] = value
    if method:
        return getattr(args[0], name)(*args[1:], **kwargs)
    return getattr(lib, name)(*args, **kwargs)


VARIANTS = _variants()


@pytest.mark.parametrize("name,method,case,renamed,spec", VARIANTS,
                         ids=[f"{n}-{'method' if m else 'function'}-{r}"
                              for n, m, _, r, _ in VARIANTS])
def test_op_takes_numpy_names_as_torch(name, method, case, renamed, spec):
    results = []
    for lib in (torch, ember):
        try:
            results.append((_call(lib, name, method, case, renamed), None))
        except Exception as exc:  # noqa: BLE001 - the exception is the compared result
            results.append((None, exc))
    (t_out, t_exc), (e_out, e_exc) = results
    if t_exc is not None:
        assert e_exc is not None and type(e_exc) is type(t_exc), \
            f"torch raised {type(t_exc).__name__}: {t_exc}; ember gave {e_exc!r}"
        return
    assert e_exc is None, f"ember raised {type(e_exc).__name__}: {e_exc}"
    if spec.output is not None:
        e_out, t_out = spec.output(e_out), spec.output(t_out)
    harness.compare(e_out, t_out, 1e-5, 1e-6, values=spec.values)


def test_the_registry_has_the_aliased_ops():
    names = {n for n, *_ in VARIANTS}
    assert {"sum", "mean", "softmax", "cumsum", "max", "argmax", "std"} <= names
    assert len(names) > 40


def _outcome(fn):
    try:
        r = fn()
    except TypeError as exc:
        return "TypeError", str(exc)
    return "ok", r.tolist() if hasattr(r, "tolist") else [v.tolist() for v in r]


@pytest.mark.parametrize("call", [
    "m.sum(x, axis=1)", "x.sum(axis=0, keepdims=True)", "m.mean(x, axis=(0, 1), keepdims=True)",
    "m.cat((x, x), axis=-2)", "m.max(x, axis=1)", "x.softmax(axis=0)", "m.softmax(x, axis=1)",
    "m.sum(a=x, axis=1)", "m.sum(x=x, dim=0)", "m.std(x, axis=0)", "m.squeeze(x[:1], axis=0)",
    "m.sum(x, dim=1, axis=1)", "m.sum(x, 1, axis=1)",
    "m.sum(x, axis=1, keepdim=True, keepdims=True)", "m.sum(x, 1, axes=1)",
    "m.nn.functional.softmax(x, axis=1)", "m.nn.functional.glu(x, axis=1)",
    "m.add(x1=x, x2=x)", "m.mul(input=x, x2=x)", "m.mul(x1=x, other=x)", "x.mul(x2=x)",
    "x.clone().mul_(x2=x)", "m.add(x, x2=x, alpha=2)", "m.sigmoid(a=x)", "m.sigmoid(x=x)",
    "m.special.expit(x=x)", "m.clamp(x=x, min=0)", "m.pow(x=x, exponent=2)",
    "m.where(x > 0, x, x2=x)", "m.eq(x1=x, x2=x)", "m.matmul(a=x, other=x.T)",
    "m.add(x, x, x=x)", "m.add(x=x, a=x, other=x)", "x.mul(other=x, x2=x)",
    "m.nn.functional.relu(x=x)", "m.nn.functional.hardtanh(x=x)", "x.relu(x=x)",
])
def test_call_forms_and_conflicts_as_torch(call):
    """Aliases are accepted where the canonical argument is not given; given both ways, the
    alias is an unexpected keyword (torch's TypeError); ``nn.functional`` (Python in torch)
    takes no aliases."""
    def run(m):
        x = m.arange(12.0).reshape(3, 4)
        return _outcome(lambda: eval(call, {"m": m, "x": x}))
    expected = run(torch)
    got = run(ember)
    assert got[0] == expected[0]
    if got[0] == "ok":
        np.testing.assert_allclose(np.array(got[1]), np.array(expected[1]), rtol=1e-6)
    elif "unexpected keyword" in expected[1]:
        assert got[1] == expected[1]


def _bindings_in_a_fresh_process():
    """Only the public bindings are wrappers: operators, unary methods and the ops' own module
    functions (Ember's internal calls) stay bare.  A transform that rebinds the public
    functions (a ``TorchFunctionMode``) keeps the aliases working, sees the public function,
    and puts every binding back.  Public functions pickle by reference."""
    import pickle
    import ember
    from ember._ops import pointwise
    from ember.overrides import TorchFunctionMode
    checks = {
        "operators bare": ember.Tensor.__mul__ is pointwise.mul,
        "unary methods bare": ember.Tensor.sigmoid is pointwise.sigmoid,
        "function wrapped": ember.mul is not pointwise.mul and
        ember.mul.__wrapped__ is pointwise.mul,
        "binary method is the function": ember.Tensor.mul is ember.mul,
    }
    seen = []

    class Record(TorchFunctionMode):
        def __torch_function__(self, func, types, args=(), kwargs=None):
            seen.append(func)
            return func(*args, **(kwargs or {}))

    x = ember.arange(4.0)
    before = (ember.add, ember.Tensor.mul, ember.Tensor.__mul__, pointwise.mul)
    with Record():
        out = ember.add(x1=x, x2=x)
        checks["mode sees the public function"] = seen == [ember.add]
        out = out.mul(x2=x)
    checks["aliases under the mode"] = out.tolist() == ((x + x) * x).tolist()
    checks["bindings back"] = (ember.add, ember.Tensor.mul, ember.Tensor.__mul__,
                               pointwise.mul) == before
    checks["pickled by reference"] = all(
        pickle.loads(pickle.dumps(fn)) is fn
        for fn in (ember.add, ember.sigmoid, ember.sum, ember.Tensor.mul, ember.Tensor.mul_,
                   ember.relu, ember.special.expit))
    return checks


@pytest.mark.slow  # a fresh interpreter importing the test module and torch (2.4 CPU-seconds)
def test_public_bindings_stand_in_for_the_bare_ops():
    from tests import isolated
    checks = isolated.run(_bindings_in_a_fresh_process)
    assert all(checks.values()), checks


def test_error_raised_inside_the_op_is_not_retried():
    """A TypeError from the op's own body (not from binding its arguments) propagates as is."""
    x = ember.ones(2, 3)
    with pytest.raises(TypeError) as info:
        ember.sum(x, axis="a")
    with pytest.raises(TypeError) as expected:
        ember.sum(x, dim="a")
    assert str(info.value) == str(expected.value)


def test_aliases_are_torchs():
    assert ALIASES == {"axis": "dim", "keepdims": "keepdim", "x": "input", "a": "input",
                       "x1": "input", "x2": "other"}
