"""Forward-mode AD over the oracle table: for every differentiable op, one float64 sample run
inside ``forward_ad.dual_level`` in ember and in torch 2.13 with the same primals and random
tangents; the outputs' primals and tangents must agree, and ember's tangents must match
central finite differences.  Ops torch has no forward derivative for must raise torch's
NotImplementedError."""
import numpy as np
import pytest

from tests.oracle import harness

torch = pytest.importorskip("torch")
import ember  # noqa: E402
from tests.oracle.forward_ad_known import KNOWN  # noqa: E402

LOADED = {k: v for k, v in harness.load_specs().items() if not isinstance(v, Exception)}


def _sample(spec):
    """The first non-error case with a differentiable float64 input, or None."""
    if not (spec.grad and "float64" in spec.dtypes):
        return None
    for case in spec.cases:
        if not case.error and harness.has_float_grad_input((case.args, case.kwargs)):
            return case
    return None


def _params():
    for specs in LOADED.values():
        for spec in specs:
            case = _sample(spec)
            if case is not None:
                marks = [pytest.mark.xfail(reason=KNOWN[spec.name], strict=True)] \
                    if spec.name in KNOWN else []
                yield pytest.param(spec, case, id=spec.name, marks=marks)


def _run(lib, spec, skel_a, skel_k, tangents, shift=0.0):
    """Call the op on dual inputs; returns (outputs, tangents) as NumPy arrays, or the error."""
    fwad = lib.autograd.forward_ad
    leaves = []
    harness.build(skel_a, lib, True, leaves)
    harness.build(skel_k, lib, True, leaves)
    with fwad.dual_level():
        duals = [fwad.make_dual(p.detach() + shift * lib.from_numpy(t), lib.from_numpy(t))
                 for p, t in zip(leaves, tangents)]
        given = iter(duals)
        args = harness.build(skel_a, lib, True, [], given)
        kwargs = harness.build(skel_k, lib, True, [], given)
        try:
            out = harness._call(spec, lib, args, kwargs)
        except Exception as exc:  # noqa: BLE001 - compared with torch's
            return None, exc
        if spec.output:
            out = spec.output(out)
        outs = [o for o in harness.tensor_leaves(out)]
        res = []
        for o in outs:
            p, t = fwad.unpack_dual(o)
            res.append((harness.to_numpy(p.detach()),
                        None if t is None else harness.to_numpy(t.detach())))
    return res, None


@pytest.mark.parametrize("spec, case", list(_params()))
def test_forward_ad(spec, case):
    rng = np.random.default_rng(harness.seed_for("fwd", spec.name))
    skel_a = harness.draw(case.args, "float64", rng)
    skel_k = harness.draw(case.kwargs, "float64", rng)
    leaves = []
    harness.build(skel_a, ember, True, leaves)
    harness.build(skel_k, ember, True, leaves)
    tangents = [rng.standard_normal(tuple(x.shape)) for x in leaves]
    t_res, t_exc = _run(torch, spec, skel_a, skel_k, tangents)
    e_res, e_exc = _run(ember, spec, skel_a, skel_k, tangents)
    if t_exc is not None:
        assert e_exc is not None and type(e_exc) is type(t_exc), (t_exc, e_exc)
        if isinstance(t_exc, NotImplementedError):
            assert str(e_exc) == str(t_exc)
        return
    if e_exc is not None:
        raise e_exc
    assert len(e_res) == len(t_res)
    rtol, atol = 1e-6, 1e-8
    for (ep, et), (tp, tt) in zip(e_res, t_res):
        if spec.values:
            np.testing.assert_allclose(ep, tp, rtol=rtol, atol=atol)
        if tt is None or not np.issubdtype(tp.dtype, np.inexact):
            continue   # torch gives no tangent (or zeros for an integer output)
        assert et is not None, "torch gives a tangent, ember none"
        assert et.shape == tt.shape
        if spec.values:
            np.testing.assert_allclose(et, tt, rtol=1e-5, atol=1e-7)
    if spec.values and spec.gradcheck and case.gradcheck:
        eps = 1e-6
        hi, _ = _run(ember, spec, skel_a, skel_k, tangents, eps)
        lo, _ = _run(ember, spec, skel_a, skel_k, tangents, -eps)
        for (_, et), (ph, _), (pl, _) in zip(e_res, hi, lo):
            if et is not None and np.issubdtype(ph.dtype, np.inexact):
                np.testing.assert_allclose(et, (ph - pl) / (2 * eps), rtol=1e-3, atol=1e-5)
