"""gradcheck / gradgradcheck: compare autograd's Jacobians with central finite differences.

The numerical Jacobian perturbs one input element at a time (as PyTorch's slow mode does); the
analytical one back-propagates one one-hot ``grad_output`` per output element.  Both are laid
out like PyTorch's: ``[input.numel(), output.numel()]`` per (input, output) pair.
"""
import warnings

import numpy as np

from .._tensor import Tensor, _make
from .. import _dtype as D
from .. import _errors
from . import grad_mode
from .engine import grad as _grad


GradcheckError = _errors.GradcheckError


def _as_tuple(x):
    return x if isinstance(x, tuple) else tuple(x) if isinstance(x, list) else (x,)


def _diff_outputs(func, inputs):
    return [o for o in _as_tuple(func(*inputs)) if isinstance(o, Tensor) and o._requires_grad]


def _flat_outputs(func, inputs):
    """Evaluate ``func``; each differentiable output as a flat float64 host array."""
    return [o._device._backend.to_host(o._data).astype(np.complex128 if o._dtype.is_complex
                                                        else np.float64).ravel()
            for o in _diff_outputs(func, inputs)]


def _numerical_jacobian(func, inputs, t, eps):
    """Columns of d(outputs)/d(t) by central differences, perturbing ``t``'s array in place."""
    d = t._data
    n_out = [o.size for o in _flat_outputs(func, inputs)]
    jac = [np.zeros((d.size, m)) for m in n_out]
    for j in range(d.size):
        idx = np.unravel_index(j, d.shape)
        orig = d[idx].copy()
        d[idx] = orig - eps
        lo = _flat_outputs(func, inputs)
        d[idx] = orig + eps
        hi = _flat_outputs(func, inputs)
        d[idx] = orig
        for k in range(len(jac)):
            jac[k][j] = ((hi[k] - lo[k]) / (2 * eps)).real
    return jac


def _analytical_jacobian(outputs, diff_inputs):
    """jac[i][k]: input i x output k, from one backward pass per output element."""
    jac = [[np.zeros((t._data.size, o._data.size)) for o in outputs] for t in diff_inputs]
    for k, o in enumerate(outputs):
        m = o._data.size
        basis = np.eye(m, dtype=o._dtype.np).reshape((m,) + o._data.shape)
        for r in range(m):
            go = _make(o._device._backend.from_host(basis[r]), o._dtype, o._device)
            grads = _grad((o,), diff_inputs, (go,), retain_graph=True, allow_unused=True)
            for i, g in enumerate(grads):
                if g is not None:
                    jac[i][k][:, r] = g._device._backend.to_host(g._data).ravel().real
    return jac


def _tensor(a, dtype):
    """A Jacobian as a tensor of the input's dtype (float64 for complex inputs), as torch's."""
    return _make(a.astype(dtype.np), dtype) if not dtype.is_complex else _make(a, D.float64)


def _fail(exc, raise_exception):
    if raise_exception:
        raise exc
    return False


def _check_inputs(inputs):
    diff = [(i, t) for i, t in enumerate(inputs) if isinstance(t, Tensor) and t._requires_grad]
    if not diff:
        raise _errors.gradcheck_no_input()
    for i, t in diff:
        if t._dtype is not D.float64 and t._dtype is not D.complex128:
            warnings.warn(_errors.gradcheck_precision_warning(i), stacklevel=3)
    return diff


def gradcheck(func, inputs, *, eps=1e-6, atol=1e-5, rtol=1e-3, raise_exception=True,
              nondet_tol=0.0, check_undefined_grad=True, check_grad_dtypes=False,
              check_batched_grad=False, check_batched_forward_grad=False,
              check_forward_ad=False, check_backward_ad=True, fast_mode=False, masked=None):
    """Check analytical gradients of ``func`` at ``inputs`` against finite differences.

    Returns True, or raises ``GradcheckError`` (returns False if ``raise_exception=False``).
    The batched / forward-AD / fast-mode options are accepted; the slow full check always runs.
    """
    inputs = _as_tuple(inputs)
    diff = _check_inputs(inputs)
    diff_inputs = tuple(t for _, t in diff)
    outputs = _diff_outputs(func, inputs)
    analytical = _analytical_jacobian(outputs, diff_inputs)
    for (i, t), a_rows in zip(diff, analytical):
        numerical = _numerical_jacobian(func, inputs, t, eps)
        for k, o in enumerate(outputs):
            a, n = a_rows[k], numerical[k]
            if not np.allclose(a, n, rtol=rtol, atol=atol):
                return _fail(_errors.gradcheck_jacobian_mismatch(
                    k, i, _tensor(n, t._dtype), _tensor(a, t._dtype)), raise_exception)
    return True


def _random_like(o, rng):
    a = rng.uniform(-1, 1, o._data.shape).astype(o._dtype.np)
    return _make(o._device._backend.from_host(a), o._dtype, o._device, True)


def gradgradcheck(func, inputs, grad_outputs=None, *, eps=1e-6, atol=1e-5, rtol=1e-3,
                  gen_non_contig_grad_outputs=False, raise_exception=True, nondet_tol=0.0,
                  check_undefined_grad=True, check_grad_dtypes=False, check_batched_grad=False,
                  check_fwd_over_rev=False, check_rev_over_rev=True, fast_mode=False,
                  masked=False):
    """gradcheck of the map (inputs, grad_outputs) -> vector-Jacobian products of ``func``."""
    inputs = _as_tuple(inputs)
    if grad_outputs is None:
        rng = np.random.default_rng(0)
        grad_outputs = tuple(_random_like(o, rng) for o in _diff_outputs(func, inputs))
    grad_outputs = _as_tuple(grad_outputs)
    n = len(inputs)

    def new_func(*args):
        ins, gos = args[:n], args[n:]
        outs = _diff_outputs(func, ins)
        diff = tuple(t for t in ins if isinstance(t, Tensor) and t._requires_grad)
        grads = _grad(tuple(outs), diff, gos, create_graph=True, allow_unused=True)
        return tuple(g for g in grads if g is not None)

    return gradcheck(new_func, inputs + grad_outputs, eps=eps, atol=atol, rtol=rtol,
                     raise_exception=raise_exception, nondet_tol=nondet_tol)
