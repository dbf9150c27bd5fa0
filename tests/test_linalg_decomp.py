"""Decompositions and solvers against torch 2.13: LAPACK info codes and messages, bad input,
complex outputs, tuple returns, deprecation warnings and randomized low-rank SVD.  (Values,
gradients, node names and float64 gradcheck of each op are in tests/oracle/specs_linalg.py.)"""
import warnings

import numpy as np
import pytest

import ember

torch = pytest.importorskip("torch")

RNG = np.random.default_rng(7)
SINGULAR = np.array([[1., 2.], [2., 4.]])
NOT_PD = np.array([[1., 2.], [2., 1.]])


def both(a, dtype="float64"):
    a = np.asarray(a, dtype)
    return ember.from_numpy(a.copy()), torch.from_numpy(a.copy())


def close(e, t, atol=1e-7):
    assert tuple(e.shape) == tuple(t.shape)
    assert str(e.dtype) == str(t.dtype), (e.dtype, t.dtype)
    np.testing.assert_allclose(e.detach().numpy(), t.detach().numpy(), rtol=1e-6, atol=atol)


def same_error(fe, ft):
    """Both raise; same exception class name and the same message."""
    with pytest.raises(Exception) as te:
        ft()
    with pytest.raises(Exception) as ee:
        fe()
    names = {type(te.value).__name__.lstrip("_"), type(ee.value).__name__.lstrip("_")}
    assert len(names) == 1 or isinstance(ee.value, type(te.value).__mro__[1]), \
        (type(ee.value), type(te.value))
    assert str(ee.value) == str(te.value)


def _batches(*mats):
    return np.stack([np.asarray(m, float) for m in mats])


# ---- LAPACK info codes and messages -----------------------------------------------------------
@pytest.mark.parametrize("a", [SINGULAR, _batches(np.eye(2), SINGULAR),
                               _batches(SINGULAR, np.eye(2), SINGULAR)])
@pytest.mark.parametrize("fn", [
    lambda L, a: L.linalg.inv(a),
    lambda L, a: L.linalg.inv_ex(a, check_errors=True),
    lambda L, a: L.linalg.solve(a, L.ones(a.shape[:-1], dtype=a.dtype)),
    lambda L, a: L.linalg.solve_ex(a, L.ones(a.shape, dtype=a.dtype), check_errors=True),
    lambda L, a: L.linalg.lu_factor(a),
    lambda L, a: L.linalg.lu_factor_ex(a, check_errors=True),
    lambda L, a: L.linalg.tensorinv(a.reshape(-1, 2, 2)[-1], ind=1),
])
def test_singular_messages(a, fn):
    e, t = both(a)
    same_error(lambda: fn(ember, e), lambda: fn(torch, t))


@pytest.mark.parametrize("a", [NOT_PD, _batches(np.eye(2), NOT_PD), _batches(NOT_PD, NOT_PD)])
@pytest.mark.parametrize("fn", [
    lambda L, a: L.linalg.cholesky(a),
    lambda L, a: L.linalg.cholesky_ex(a, check_errors=True),
    lambda L, a: L.cholesky(a),
    lambda L, a: L.linalg.cholesky(a, upper=True),
])
def test_not_positive_definite_messages(a, fn):
    e, t = both(a)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        same_error(lambda: fn(ember, e), lambda: fn(torch, t))


def test_info_codes():
    a = _batches(np.eye(2), SINGULAR, np.zeros((2, 2)))
    e, t = both(a)
    for name in ("inv_ex", "lu_factor_ex"):
        ie, it = getattr(ember.linalg, name)(e).info, getattr(torch.linalg, name)(t).info
        close(ie, it)
    b = ember.ones(3, 2, 1, dtype=ember.float64), torch.ones(3, 2, 1, dtype=torch.float64)
    close(ember.linalg.solve_ex(e, b[0]).info, torch.linalg.solve_ex(t, b[1]).info)
    p = _batches(np.eye(3), [[1, 2, 0], [2, 1, 0], [0, 0, 1]], [[4, 0, 0], [0, 1, 0], [0, 0, -1]])
    e, t = both(p)
    close(ember.linalg.cholesky_ex(e).info, torch.linalg.cholesky_ex(t).info)
    assert ember.linalg.inv_ex(e[0]).info.dim() == 0


def test_ex_good_batch_elements_and_out():
    a = _batches(np.eye(2) * 2, SINGULAR)
    e, t = both(a)
    close(ember.linalg.inv_ex(e).inverse[0], torch.linalg.inv_ex(t).inverse[0])
    spd = RNG.standard_normal((3, 3))
    e, t = both(spd @ spd.T + 3 * np.eye(3))
    outs = ember.empty(0, dtype=ember.float64), ember.empty(0, dtype=ember.int32)
    r = ember.linalg.cholesky_ex(e, out=outs)
    assert r.L is outs[0] and r.info is outs[1]
    close(outs[0], torch.linalg.cholesky_ex(t).L)


@pytest.mark.parametrize("name", ["cholesky", "triangular_solve", "lu"])
def test_deprecation_warnings(name):
    args = (2,) if name == "triangular_solve" else (1,)
    old = torch.is_warn_always_enabled()
    torch.set_warn_always(True)          # torch warns once per process otherwise
    try:
        with warnings.catch_warnings(record=True) as wt:
            warnings.simplefilter("always")
            getattr(torch, name)(*[torch.eye(2)] * args[0])
    finally:
        torch.set_warn_always(old)
    with pytest.warns(UserWarning) as we:
        getattr(ember, name)(*[ember.eye(2)] * args[0])
    assert str(we[0].message) == str(wt[0].message).split(" (Triggered internally")[0]


def test_torch_lu_never_raises_and_returns_info():
    e, t = both(SINGULAR)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        re, rt = ember.lu(e, get_infos=True), torch.lu(t, get_infos=True)
        assert len(ember.lu(e)) == 2
    assert type(re).__name__ == type(rt).__name__ == "_lu_with_info"
    for x, y in zip(re, rt):
        close(x, y)


# ---- bad input ----------------------------------------------------------------------------------
def _rect():
    return both(RNG.standard_normal((3, 2)))


BAD = [
    lambda L, a, i: L.linalg.eig(a),
    lambda L, a, i: L.linalg.eigvals(a),
    lambda L, a, i: L.linalg.matrix_exp(a),
    lambda L, a, i: L.linalg.inv_ex(a),
    lambda L, a, i: L.linalg.cholesky_ex(a),
    lambda L, a, i: L.cholesky_inverse(a),
    lambda L, a, i: L.linalg.cond(a, 1),
    lambda L, a, i: L.linalg.cond(a, "fro"),
    lambda L, a, i: L.linalg.matrix_exp(i),
    lambda L, a, i: L.linalg.lu_factor(i),
    lambda L, a, i: L.linalg.eig(i),
    lambda L, a, i: L.geqrf(a[0]),
    lambda L, a, i: L.linalg.householder_product(a.mT, a[0]),
    lambda L, a, i: L.linalg.householder_product(a, L.ones(3, dtype=a.dtype)),
    lambda L, a, i: L.linalg.tensorinv(a, ind=1),
    lambda L, a, i: L.linalg.tensorinv(a, ind=0),
    lambda L, a, i: L.linalg.vander(a[0], N=1),
    lambda L, a, i: L.linalg.vander(a[0] > 0),
    lambda L, a, i: L.cholesky_solve(a, L.eye(2, dtype=a.dtype)),
    lambda L, a, i: L.linalg.lu_solve(*L.linalg.lu_factor(L.eye(2, dtype=a.dtype)), a),
    lambda L, a, i: L.linalg.lu_solve(*L.linalg.lu_factor(L.eye(2, dtype=a.dtype)), a.mT,
                                      left=False),
    lambda L, a, i: L.linalg.solve_triangular(L.eye(3, dtype=a.dtype), a.mT, upper=True),
    lambda L, a, i: L.linalg.solve_triangular(i, i, upper=True),
    lambda L, a, i: L.view_as_complex(a.mT),
    lambda L, a, i: L.view_as_real(a),
    lambda L, a, i: L.complex(a, a.float()),
    lambda L, a, i: L.complex(i, i),
    lambda L, a, i: L.polar(i, i),
    lambda L, a, i: L.frexp(i),
    lambda L, a, i: L.linalg.ldl_factor(a),
    lambda L, a, i: L.block_diag(a, a.unsqueeze(0)),
    lambda L, a, i: L.linalg.lu_factor(a, pivot=False),
    lambda L, a, i: L.linalg.lu(a, pivot=False),
    lambda L, a, i: L.linalg.ldl_factor(i),
    lambda L, a, i: L.linalg.ldl_factor(L.zeros(3, 3)),
    lambda L, a, i: L.linalg.ldl_solve(*L.linalg.ldl_factor(L.eye(2, dtype=a.dtype)), a),
    lambda L, a, i: L.linalg.ldl_factor(a.mT @ a).LD.sum().backward(),
    lambda L, a, i: L.linalg.ldl_solve(*L.linalg.ldl_factor(L.eye(3, dtype=a.dtype)),
                                       a.requires_grad_()).sum().backward(),
]


@pytest.mark.parametrize("k", range(len(BAD)))
def test_bad_input(k):
    e, t = _rect()
    ie, it = ember.ones(3, 3, dtype=ember.int64), torch.ones(3, 3, dtype=torch.int64)
    same_error(lambda: BAD[k](ember, e, ie), lambda: BAD[k](torch, t, it))


def test_cond_backward_raises_like_torch():
    """torch fills the inverse in place, so backward through cond(ord=1) fails: ember too."""
    a = RNG.standard_normal((3, 3))
    e, t = both(a)
    e.requires_grad_()
    t.requires_grad_()
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        torch.linalg.cond(t, 1).backward()
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        ember.linalg.cond(e, 1).backward()


# ---- complex outputs, ranks, unpacking ------------------------------------------------------
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_eig_complex_outputs(dtype):
    a = RNG.standard_normal((2, 4, 4))
    e, t = both(a, dtype)
    Le, Ve = ember.linalg.eig(e)
    Lt, Vt = torch.linalg.eig(t)
    tol = 1e-4 if dtype == "float32" else 1e-8
    close(Le, Lt, tol)
    assert Ve.dtype == ember.complex64 if dtype == "float32" else ember.complex128
    # eigenvectors are unique up to a phase: compare their moduli, and A V = V diag(L)
    np.testing.assert_allclose(np.abs(Ve.numpy()), np.abs(Vt.numpy()), atol=tol * 10)
    av = a.astype(Ve.numpy().dtype) @ Ve.numpy()
    np.testing.assert_allclose(av, Ve.numpy() * Le.numpy()[..., None, :], atol=tol * 10)
    close(ember.linalg.eigvals(e), torch.linalg.eigvals(t), tol)


def test_eig_gradient_of_eigenvectors_is_phase_invariant_loss():
    a = RNG.standard_normal((3, 3))
    e, t = both(a)
    e.requires_grad_()
    t.requires_grad_()
    for lib, x in ((ember, e), (torch, t)):
        L, V = lib.linalg.eig(x)
        (lib.view_as_real(L).sum() + (V.abs() if lib is torch else lib.view_as_real(V).pow(2)
                                      .sum(-1).sqrt()).pow(3).sum()).backward()
    close(e.grad, t.grad, 1e-6)


@pytest.mark.parametrize("kw", [{}, {"hermitian": True}, {"atol": 0.5}, {"rtol": 0.3},
                                {"atol": 0.1, "rtol": 0.2}, {"tol": 0.4}])
def test_matrix_rank(kw):
    a = RNG.standard_normal((3, 4, 2)) @ RNG.standard_normal((3, 2, 4))
    a = a + a.swapaxes(-1, -2) if kw.get("hermitian") else a
    e, t = both(a)
    re = ember.linalg.matrix_rank(e, **kw)
    rt = torch.linalg.matrix_rank(t, **kw)
    close(re, rt)


@pytest.mark.parametrize("shape", [(3, 5), (5, 3), (2, 4, 4)])
@pytest.mark.parametrize("flags", [(True, True), (True, False), (False, True)])
def test_lu_unpack_flags(shape, flags):
    e, t = both(RNG.standard_normal(shape))
    re = ember.lu_unpack(*ember.linalg.lu_factor(e), *flags)
    rt = torch.lu_unpack(*torch.linalg.lu_factor(t), *flags)
    for x, y in zip(re, rt):
        close(x, y)


def test_lu_pivots_and_singular_factor_match_lapack():
    a = _batches(SINGULAR, [[0., 1.], [1., 0.]], np.zeros((2, 2)))
    e, t = both(a)
    for x, y in zip(ember.linalg.lu_factor_ex(e), torch.linalg.lu_factor_ex(t)):
        close(x, y)


def test_double_backward_through_solvers():
    a = RNG.standard_normal((3, 3)) + 3 * np.eye(3)
    b = RNG.standard_normal((3, 2))
    grads = []
    for lib in (ember, torch):
        A = lib.tensor(a, requires_grad=True)
        B = lib.tensor(b, requires_grad=True)
        X = lib.linalg.lu_solve(*lib.linalg.lu_factor(A), B) + lib.linalg.matrix_exp(A * 0.3)[:, :2]
        g, = lib.autograd.grad(X.pow(2).sum(), A, create_graph=True)
        gg, = lib.autograd.grad(g.sin().sum(), B)
        grads.append(gg)
    close(*grads, 1e-6)


# ---- randomized low-rank SVD / PCA -----------------------------------------------------------
@pytest.mark.parametrize("shape", [(8, 5), (5, 8), (2, 7, 6)])
def test_svd_lowrank_exact_on_low_rank(shape):
    m, n = shape[-2:]
    a = RNG.standard_normal(shape[:-1] + (3,)) @ RNG.standard_normal(shape[:-2] + (3, n))
    e, t = both(a)
    Ue, Se, Ve = ember.svd_lowrank(e, q=4)
    Ut, St, Vt = torch.svd_lowrank(t, q=4)
    for x, y in ((Ue, Ut), (Se, St), (Ve, Vt)):
        assert tuple(x.shape) == tuple(y.shape)
    np.testing.assert_allclose(Se.numpy()[..., :3], St.numpy()[..., :3], rtol=1e-8)
    np.testing.assert_allclose(((Ue * Se.unsqueeze(-2)) @ Ve.mT).numpy(), a, atol=1e-8)


def test_pca_lowrank_matches_torch_on_low_rank():
    a = RNG.standard_normal((10, 2)) @ RNG.standard_normal((2, 5)) + 3.0
    e, t = both(a)
    _, Se, Ve = ember.pca_lowrank(e, q=3)
    _, St, Vt = torch.pca_lowrank(t, q=3)
    np.testing.assert_allclose(Se.numpy()[:2], St.numpy()[:2], rtol=1e-8)
    np.testing.assert_allclose(np.abs(Ve.numpy()[:, :2]), np.abs(Vt.numpy()[:, :2]), atol=1e-8)


def test_block_diag_of_nothing():
    assert tuple(ember.block_diag().shape) == tuple(torch.block_diag().shape)
    assert ember.block_diag().dtype == ember.float32


def test_runner_module_paths():
    import importlib
    assert importlib.import_module("ember._lowrank").svd_lowrank is ember.svd_lowrank
    for name in ("eig", "lu_factor_ex", "householder_product", "vander", "diagonal", "cond",
                 "ldl_factor"):
        assert hasattr(torch.linalg, name)
        assert hasattr(ember.linalg, name), name


@pytest.mark.parametrize("hermitian", [False, True])
@pytest.mark.parametrize("dtype", ["float64", "complex128"])
def test_ldl_matches_lapack(hermitian, dtype):
    """Bunch-Kaufman pivots (1x1 and 2x2 blocks) and the packed factor equal sytrf's."""
    a = RNG.standard_normal((6, 5, 5))
    if dtype == "complex128":
        a = a + 1j * RNG.standard_normal((6, 5, 5))
    a = a + (a.conj() if hermitian else a).swapaxes(-1, -2)
    a[0, 0, :] = a[0, :, 0] = 0           # a zero pivot: info 1
    a[1, 0, 0] = a[1, 1, 1] = 0           # forces a 2x2 block
    e, t = both(a, dtype)
    re = ember.linalg.ldl_factor_ex(e, hermitian=hermitian)
    rt = torch.linalg.ldl_factor_ex(t, hermitian=hermitian)
    for x, y in zip(re, rt):
        close(x, y, 1e-10)
    b = RNG.standard_normal((5, 2)).astype(dtype)
    be, bt = both(b, dtype)
    close(ember.linalg.ldl_solve(re.LD[1:], re.pivots[1:], be, hermitian=hermitian),
          torch.linalg.ldl_solve(rt.LD[1:], rt.pivots[1:], bt, hermitian=hermitian), 1e-8)


# ---- complex inputs -----------------------------------------------------------------------------
def _c(*shape):
    return RNG.standard_normal(shape) + 1j * RNG.standard_normal(shape)


def _hpd(n, batch=()):
    a = _c(*batch, n, n)
    return a @ a.conj().swapaxes(-1, -2) + n * np.eye(n)


def _phase_free(lib, z, w):
    """A real loss of complex ``z`` that a per-column phase does not change."""
    return (lib.view_as_real(z).pow(2).sum(-1) * lib.from_numpy(w)).sum()


W33 = np.cos(np.arange(9.0)).reshape(3, 3)


def _svd_phase_free(lib, U, S, Vh):
    """Moduli of U's entries and the rank-1 term u1 v1^H: unchanged by the pairs' phases."""
    return _phase_free(lib, U[..., :3, :3], W33) + \
        lib.view_as_real(U[..., :1] @ Vh[..., :1, :]).pow(3).sum()
COMPLEX = [
    ("cholesky", lambda L, a: L.linalg.cholesky(a), lambda: (_hpd(3, (2,)),)),
    ("cholesky_ex", lambda L, a: L.linalg.cholesky_ex(a, upper=True).L, lambda: (_hpd(3),)),
    ("inv_ex", lambda L, a: L.linalg.inv_ex(a).inverse, lambda: (_c(2, 3, 3),)),
    ("solve_ex", lambda L, a, b: L.linalg.solve_ex(a, b).result, lambda: (_c(3, 3), _c(3, 2))),
    ("lu", lambda L, a: L.linalg.lu(a)[1:], lambda: (_c(2, 3, 4),)),
    ("lu_solve", lambda L, a, b: L.linalg.lu_solve(*L.linalg.lu_factor(a), b, adjoint=True),
     lambda: (_c(3, 3), _c(3, 2))),
    ("matrix_exp", lambda L, a: L.linalg.matrix_exp(a), lambda: (_c(2, 3, 3),)),
    ("eigvals", lambda L, a: L.linalg.eigvals(a), lambda: (_c(3, 3),)),
    ("cholesky_solve", lambda L, b, a: L.cholesky_solve(b, L.linalg.cholesky(a)),
     lambda: (_c(3, 2), _hpd(3))),
    ("triangular_solve", lambda L, b, a: L.triangular_solve(b, a, transpose=True).solution,
     lambda: (_c(3, 2), _c(3, 3) + 3 * np.eye(3))),
    ("householder_product", lambda L, a, t: L.linalg.householder_product(a, t),
     lambda: (_c(4, 3), _c(2))),
    ("svdvals", lambda L, a: L.linalg.svdvals(a), lambda: (_c(2, 4, 3),)),
    ("cond", lambda L, a: L.linalg.cond(a), lambda: (_c(3, 3),)),
    ("svd vectors", lambda L, a: _svd_phase_free(L, *L.linalg.svd(a)), lambda: (_c(4, 3),)),
    ("eigh vectors", lambda L, a: _phase_free(L, L.linalg.eigh(a).eigenvectors, W33),
     lambda: (_hpd(3),)),
]


@pytest.mark.parametrize("name,fn,make", COMPLEX, ids=[c[0] for c in COMPLEX])
def test_complex_values_and_gradients(name, fn, make):
    arrays = make()
    out, grads = [], []
    for lib in (ember, torch):
        xs = [lib.from_numpy(a.copy()).requires_grad_() for a in arrays]
        r = fn(lib, *xs)
        rs = r if isinstance(r, (tuple, list)) else (r,)
        ups = [lib.from_numpy(np.cos(np.arange(o.numel())).reshape(tuple(o.shape))).to(o.dtype)
               for o in rs]
        out.append(rs)
        grads.append(lib.autograd.grad(rs, xs, ups))
    for e, t in zip(*out):
        close(e, t, 1e-8)
        assert type(e.grad_fn).__name__ == type(t.grad_fn).__name__
    for e, t in zip(*grads):
        close(e, t, 1e-8)
