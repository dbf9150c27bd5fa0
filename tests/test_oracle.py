"""Every oracle entry (``tests/oracle/specs_*.py``) against torch 2.13: one test per (spec,
case, dtype), plus float64 gradcheck and gradgradcheck of ember alone (second order is on for
every differentiable spec unless the spec says why not)."""
import os

import pytest

from tests.oracle import harness

pytest.importorskip("torch")

LOADED = harness.load_specs()
BROKEN = {name: exc for name, exc in LOADED.items() if isinstance(exc, Exception)}


def _case_id(case, i):
    return case.name or f"case{i}"


# EMBER_ORACLE_SUBSET=1 (CI's strict-backend job): every case of every entry in one dtype
# (float64 where the entry has it, so gradients are compared to second order), and gradcheck of
# each entry's first case only
SUBSET = os.environ.get("EMBER_ORACLE_SUBSET", "") not in ("", "0")


def _dtypes(spec, case):
    dts = harness.case_dtypes(spec, case)
    if not SUBSET or len(dts) < 2:
        return dts
    return ["float64"] if "float64" in dts else dts[:1]


def _oracle_params():
    for mod, specs in LOADED.items():
        if mod in BROKEN:
            continue
        for spec in specs:
            for i, case in enumerate(spec.cases):
                for dt in _dtypes(spec, case):
                    yield pytest.param(spec, case, dt, id=f"{spec.name}-{_case_id(case, i)}-"
                                                         f"{dt or 'fixed'}")


def _gradcheck_params(second_order):
    for mod, specs in LOADED.items():
        if mod in BROKEN:
            continue
        for spec in specs:
            wanted = spec.gradcheck and (spec.gradgradcheck is True or not second_order)
            if not (wanted and spec.grad and "float64" in spec.dtypes):
                continue
            for i, case in enumerate(spec.cases):
                if case.gradcheck and not case.error and \
                        harness.has_float_grad_input((case.args, case.kwargs)):
                    yield pytest.param(spec, case, id=f"{spec.name}-{_case_id(case, i)}")
                    if SUBSET:
                        break


@pytest.mark.parametrize("module", sorted(LOADED))
def test_spec_module_imports(module):
    if module in BROKEN:
        raise BROKEN[module]


@pytest.mark.parametrize("spec, case, dtype", list(_oracle_params()))
def test_oracle(spec, case, dtype):
    if harness.DEVICE != "cpu" and spec.name in harness.DEVICE_DEPENDENT:
        pytest.skip(harness.DEVICE_DEPENDENT[spec.name])
    harness.run_case(spec, case, dtype, seed=harness.seed_for(spec.name, case.name, dtype))


@pytest.mark.parametrize("spec, case", list(_gradcheck_params(False)))
def test_gradcheck(spec, case):
    harness.run_gradcheck(spec, case, seed=harness.seed_for(spec.name, case.name))


def test_second_order_exemptions_give_a_reason():
    """``gradgradcheck`` is True (the default) or a string saying why it is off."""
    bad = [spec.name for specs in LOADED.values() if not isinstance(specs, Exception)
           for spec in specs
           if spec.gradgradcheck is not True and not (isinstance(spec.gradgradcheck, str)
                                                      and spec.gradgradcheck.strip())]
    assert not bad, f"specs turning second order off without a reason: {bad}"


@pytest.mark.parametrize("spec, case", list(_gradcheck_params(True)))
def test_gradgradcheck(spec, case):
    harness.run_gradcheck(spec, case, seed=harness.seed_for(spec.name, case.name),
                          second_order=True)


# ---- the harness itself: it must catch each kind of divergence ------------------------------
def _diverging(ember_call, torch_call, **kw):
    import ember
    from tests.oracle.spec import Case, OpSpec, T
    spec = OpSpec("self_test", [Case((T((2, 3), noncontig=True),))],
                  call=lambda lib, x: (ember_call if lib is ember else torch_call)(lib, x), **kw)
    return spec, spec.cases[0]


@pytest.mark.parametrize("ember_call, torch_call, message", [
    (lambda lib, x: x * 2, lambda lib, x: x * 3, "values differ"),
    (lambda lib, x: (x * 2).double(), lambda lib, x: x * 2, "dtype"),
    (lambda lib, x: x.sum(0), lambda lib, x: x.sum(1), "shape"),
    (lambda lib, x: (x, x), lambda lib, x: [x, x], "ember tuple != torch list"),
    (lambda lib, x: x * x.detach(), lambda lib, x: x * x, "grad"),
    (lambda lib, x: x.exp(), lambda lib, x: x.exp() + 0, "grad_fn"),
    (lambda lib, x: x.sum(5), lambda lib, x: x.sum(7), "message"),
    (lambda lib, x: x, lambda lib, x: x.sum(7), "did not raise"),
])
def test_harness_catches(ember_call, torch_call, message):
    spec, case = _diverging(ember_call, torch_call)
    case.error = message == "message"
    with pytest.raises(AssertionError, match=message):
        harness.run_case(spec, case, "float32", seed=1)


def test_harness_accepts_equal_noncontiguous():
    spec, case = _diverging(lambda lib, x: x.t() * 2, lambda lib, x: x.t() * 2)
    harness.run_case(spec, case, "float64", seed=1)
    harness.run_gradcheck(spec, case, seed=1)


def test_own_gradcheck_catches_wrong_gradient():
    spec, case = _diverging(lambda lib, x: x * x.detach(), None)
    with pytest.raises(AssertionError, match="numerical"):
        harness.gradcheck(lambda x: spec.call(harness.ember, x),
                          (harness.to_device(harness.ember.ones(3, dtype=harness.ember.float64))
                           .requires_grad_(),))


def test_harness_catches_a_backward_that_leaves_the_graph():
    """A gradient that torch can differentiate again but ember's backward computed outside
    the graph fails the float64 run (second order is on by default)."""
    import ember

    class Doubled(ember.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x * 2

        @staticmethod
        def backward(ctx, g):
            with ember.no_grad():
                return g * 2
    spec, case = _diverging(lambda lib, x: Doubled.apply(x), lambda lib, x: x * 2,
                            node_names=False)
    with pytest.raises(AssertionError, match="no second derivative"):
        harness.run_case(spec, case, "float64", seed=1)
