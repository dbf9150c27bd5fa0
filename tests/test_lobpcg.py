"""``torch.lobpcg`` against torch's: eigenvalues, eigenvectors (up to sign), the generalized
problem, batches, gradients of the eigenvalues, and torch's refusals."""
import numpy as np
import pytest
import torch

import ember


def _spd(m, seed, batch=()):
    a = np.random.default_rng(seed).standard_normal(batch + (m, m))
    return a @ np.swapaxes(a, -1, -2) + m * np.eye(m)


def _pairs(lib, A, B=None, **kw):
    E, X = lib.lobpcg(lib.tensor(A), B=None if B is None else lib.tensor(B), **kw)
    return E.numpy(), X.numpy()


def _same_up_to_sign(x, y, tol):
    signs = np.sign(np.sum(x * y, axis=-2, keepdims=True))
    np.testing.assert_allclose(x * signs, y, rtol=tol, atol=tol)


@pytest.mark.parametrize("kw", [dict(k=3), dict(k=2, largest=False), dict(k=1, n=2),
                                dict(X="init"), dict(k=2, method="basic", niter=500)])
def test_pairs_as_torch(kw):
    A = _spd(12, 0)
    if kw.get("X") == "init":
        kw = dict(X=np.random.default_rng(1).standard_normal((12, 3)))
    got = _pairs(ember, A, **{k: ember.tensor(v) if isinstance(v, np.ndarray) else v
                              for k, v in kw.items()})
    torch.manual_seed(0)
    expected = _pairs(torch, A, **{k: torch.tensor(v) if isinstance(v, np.ndarray) else v
                                   for k, v in kw.items()})
    np.testing.assert_allclose(got[0], expected[0], rtol=1e-7)
    _same_up_to_sign(got[1], expected[1], 1e-5)


def test_generalized_and_batched_as_torch():
    A, B = _spd(12, 2), _spd(12, 3)
    got, expected = _pairs(ember, A, B, k=2), _pairs(torch, A, B, k=2)
    np.testing.assert_allclose(got[0], expected[0], rtol=1e-7)
    _same_up_to_sign(got[1], expected[1], 1e-5)
    Ab = _spd(12, 4, (2,))
    got, expected = _pairs(ember, Ab, k=2), _pairs(torch, Ab, k=2)
    np.testing.assert_allclose(got[0], expected[0], rtol=1e-7)


def _eigenvalue_grad(lib, A):
    t = lib.tensor(A, requires_grad=True)
    E, _ = lib.lobpcg(t, k=2)
    (E * lib.tensor([1.0, 2.0], dtype=t.dtype)).sum().backward()
    g = t.grad.numpy().astype("float64")
    return (g + g.T) / 2        # (torch's backward symmetrizes; compare symmetric parts)


@pytest.mark.parametrize("dtype,tol", [("float32", 1e-4), ("float64", 1e-6)])
def test_eigenvalue_gradients_as_torch(dtype, tol):
    """Against torch in float64 (its iteration stops at a residual of sqrt(eps): ~1.5e-8 in
    float64, ~3e-4 in float32)."""
    A = _spd(9, 5)
    np.testing.assert_allclose(_eigenvalue_grad(ember, A.astype(dtype)),
                               _eigenvalue_grad(torch, A), rtol=tol, atol=tol)


def _refusals(lib):
    out = []
    for call in (lambda: lib.lobpcg(lib.ones(4, 5)),
                 lambda: lib.lobpcg(lib.eye(6), B=lib.eye(5)),
                 lambda: lib.lobpcg(lib.eye(10), k=4)):
        try:
            call()
        except (AssertionError, ValueError) as e:
            out.append((type(e).__name__, str(e)))
    return out


def test_refusals_as_torch():
    assert _refusals(ember) == _refusals(torch)
