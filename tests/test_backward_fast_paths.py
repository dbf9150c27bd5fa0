"""The backward fast paths (SigmoidBackward0 and ReluBackward0 on arrays when no graph of the
gradient is built, unary nodes built inline, add / sub nodes with nothing to unpack) against
torch: plain backward, double backward (``create_graph``, the op path), forward-over-reverse,
broadcasting, shared inputs, non-contiguous gradients and 0-d tensors."""
import numpy as np
import pytest
import torch

import ember
import ember.autograd.forward_ad as fwAD

DTYPES = [(ember.float32, torch.float32, 1e-5), (ember.float64, torch.float64, 1e-12)]
SHAPES = [((), ()), ((5,), (5,)), ((3, 4), (4,)), ((3, 1), (1, 4))]


def _pair(rng, shape, dt, tdt):
    v = rng.standard_normal(shape)
    return (ember.tensor(v, dtype=dt, requires_grad=True),
            torch.tensor(v, dtype=tdt, requires_grad=True))


def _close(e, t, tol):
    assert e.dtype is not None and tuple(e.shape) == tuple(t.shape)
    np.testing.assert_allclose(e.detach().numpy(), t.detach().numpy(), rtol=tol, atol=tol)


def _net(lib, a, b):
    """Shared inputs (gradients summed in the engine), products, sigmoids and a ReLU."""
    u = (a * b).sigmoid()
    return (u * a + u.sigmoid() * b - a * 0.5).sigmoid() + (a * b - 0.25).relu()


@pytest.mark.parametrize("dt,tdt,tol", DTYPES)
@pytest.mark.parametrize("sa,sb", SHAPES)
def test_gradients_match_torch(dt, tdt, tol, sa, sb):
    rng = np.random.default_rng(len(sa) * 7 + len(sb))
    (ea, ta), (eb, tb) = _pair(rng, sa, dt, tdt), _pair(rng, sb, dt, tdt)
    ey, ty = _net(ember, ea, eb), _net(torch, ta, tb)
    gv = rng.standard_normal(tuple(ty.shape))
    eg, tg = ember.tensor(gv, dtype=dt), torch.tensor(gv, dtype=tdt)
    for e, t in zip(ember.autograd.grad(ey, (ea, eb), eg, retain_graph=True),
                    torch.autograd.grad(ty, (ta, tb), tg, retain_graph=True)):
        _close(e, t, tol)
    # the op path (a graph of the gradient), then its gradient
    e1 = ember.autograd.grad(ey, ea, eg, create_graph=True)[0]
    t1 = torch.autograd.grad(ty, ta, tg, create_graph=True)[0]
    _close(e1, t1, tol)
    for e, t in zip(ember.autograd.grad(e1.sum(), (ea, eb)),
                    torch.autograd.grad(t1.sum(), (ta, tb))):
        _close(e, t, tol * 10)


@pytest.mark.parametrize("dt,tdt,tol", DTYPES)
def test_non_contiguous_incoming_gradient(dt, tdt, tol):
    rng = np.random.default_rng(1)
    (ea, ta), (eb, tb) = _pair(rng, (4, 3), dt, tdt), _pair(rng, (4, 3), dt, tdt)
    gv = rng.standard_normal((3, 4))
    eg, tg = ember.tensor(gv, dtype=dt).t(), torch.tensor(gv, dtype=tdt).t()
    _net(ember, ea, eb).backward(eg)
    _net(torch, ta, tb).backward(tg)
    _close(ea.grad, ta.grad, tol)
    _close(eb.grad, tb.grad, tol)


@pytest.mark.parametrize("dt,tdt,tol", DTYPES)
def test_forward_over_reverse(dt, tdt, tol):
    """The gradient of a dual input carries the Hessian-vector product: the formulas' tangents
    must flow (no array shortcut for tensors with tangents)."""
    rng = np.random.default_rng(2)
    av, bv, tv = (rng.standard_normal(5) for _ in range(3))
    ea = ember.tensor(av, dtype=dt, requires_grad=True)
    eb = ember.tensor(bv, dtype=dt, requires_grad=True)
    ta = torch.tensor(av, dtype=tdt, requires_grad=True)
    tb = torch.tensor(bv, dtype=tdt, requires_grad=True)
    with fwAD.dual_level():
        ed = fwAD.make_dual(ea, ember.tensor(tv, dtype=dt))
        eg = ember.autograd.grad(_net(ember, ed, eb).sum(), ed)[0]
        ehvp = fwAD.unpack_dual(eg).tangent
    with torch.autograd.forward_ad.dual_level():
        td = torch.autograd.forward_ad.make_dual(ta, torch.tensor(tv, dtype=tdt))
        tg = torch.autograd.grad(_net(torch, td, tb).sum(), td)[0]
        thvp = torch.autograd.forward_ad.unpack_dual(tg).tangent
    _close(eg, tg, tol)
    _close(ehvp, thvp, tol * 10)


def test_half_precision_and_complex_take_the_op_path():
    rng = np.random.default_rng(3)
    for dt, tdt, tol in ((ember.float16, torch.float16, 2e-3),
                         (ember.bfloat16, torch.bfloat16, 2e-2),
                         (ember.complex64, torch.complex64, 1e-5)):
        v, w = rng.standard_normal(6), rng.standard_normal(6)
        ea, eb = (ember.tensor(x).to(dt).requires_grad_() for x in (v, w))
        ta, tb = (torch.tensor(x).to(tdt).requires_grad_() for x in (v, w))
        ey, ty = ea * eb + ea * ea, ta * tb + ta * ta
        if not dt.is_complex:
            ey, ty = ey.sigmoid() + ea.sigmoid(), ty.sigmoid() + ta.sigmoid()
        ey.sum().abs().backward()
        ty.sum().abs().backward()
        for e, t in ((ea.grad, ta.grad), (eb.grad, tb.grad)):
            assert str(e.dtype).split(".")[-1] == str(t.dtype).split(".")[-1]
            np.testing.assert_allclose(e.to(ember.complex128 if dt.is_complex else ember.float64)
                                       .numpy(), t.to(torch.complex128 if dt.is_complex else
                                                      torch.float64).numpy(), rtol=tol, atol=tol)
