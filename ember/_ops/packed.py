"""Linear algebra, packed LAPACK factorizations and the solvers that read them: LU
(``lu_factor``, ``lu``, ``lu_unpack``, ``lu_solve``), Bunch-Kaufman LDL (``ldl_factor``,
``ldl_solve``), Householder QR pieces (``geqrf``, ``householder_product`` / ``orgqr``,
``ormqr``), and the Cholesky / triangular solves (``cholesky_solve``, ``cholesky_inverse``,
``triangular_solve``).  Kernels come from ``backend.linalg``; backwards are ember ops."""
import numpy as np

from .. import _dtype as D
from .. import _errors
from .._tensor import _make
from ..autograd.graph import node_class, set_output, save_output
from ..autograd.grad_mode import no_grad as _no_grad
from .. import return_types as RT
from ._core import register, record, _grad_on, grad_for
from .linalg import matmul, _grad_needed, _mT, _conj, _eye_like, _result
from .pointwise import _not_implemented
from .decompositions import (linalg_solve_triangular, _tri_mask, _check_float, _check_square,
                             _xla, _info, _raise_info)
from .reduction import _finish_tuple


# ---- LU -------------------------------------------------------------------------------------
def _permutation(pivots, m, like):
    """Permutation matrices P (``A = P L U``) from LAPACK's 1-based row swaps."""
    b = like._device._backend
    perm = b.linalg.pivots_to_permutation(pivots._data, m)
    eye = b.xp.eye(m, dtype=like._dtype.np)
    return _make(b.xp.ascontiguousarray(b.xp.swapaxes(eye[perm], -1, -2)), like._dtype,
                 like._device)


def _lu_parts(LU):
    """The unit lower (m, k) and upper (k, n) factors packed in ``LU`` (differentiable)."""
    m, n = LU._data.shape[-2:]
    k = min(m, n)
    return LU[..., :, :k].tril(-1) + _eye_like(LU, m, k), LU[..., :k, :].triu()


def _lu_grad(P, L, U, gL, gU):
    """Gradient of A = P L U (L unit lower m x k, U upper k x n).  Square:
    gA = P L^{-H} (tril(L^H gL, -1) + triu(gU U^H)) U^{-H}.  Wide (m < n, U = [U1 U2]): the
    tril part goes through U1^{-H} only and gU's own columns are added before L^{-H}.  Tall
    (m > n, L = [L1; L2]): mirrored, through L1^{-H} first, gL's rows added before U^{-H}."""
    from .shape import cat
    m, n = L._data.shape[-2], U._data.shape[-1]
    k = min(m, n)
    if gL is None and gU is None:
        return None
    gL = gL.tril(-1) if gL is not None else None
    gU = gU.triu() if gU is not None else None
    if m <= n:
        X = matmul(_mT(L), gL) if gL is not None else None
        if gU is not None:
            t = matmul(gU, _mT(U))
            X = -t if X is None else X - t
        X = linalg_solve_triangular(_mT(U[..., :, :k]), X.tril(-1), upper=False, left=False)
        if gU is not None:
            X = X + gU[..., :, :k]
            if n > k:
                X = cat([X, gU[..., :, k:]], -1)
        X = linalg_solve_triangular(_mT(L), X, upper=True, unitriangular=True)
        if gU is None and n > k:
            X = cat([X, X.new_zeros(X._data.shape[:-1] + (n - k,))], -1)
    else:
        X = matmul(gU, _mT(U)) if gU is not None else None
        if gL is not None:
            t = matmul(_mT(L), gL)
            X = -t if X is None else X - t
        X = linalg_solve_triangular(_mT(L[..., :k, :]), X.triu(), upper=True, unitriangular=True)
        if gL is not None:
            X = cat([X + gL[..., :k, :], gL[..., k:, :]], -2)
        X = linalg_solve_triangular(_mT(U), X, upper=False, left=False)
        if gL is None:
            X = cat([X, X.new_zeros(X._data.shape[:-2] + (m - k, n))], -2)
    return matmul(P, X)


def _lu_factor_bwd(node, gLU, *_):
    LU, pivots = node.saved()
    L, U = _lu_parts(LU)
    P = _permutation(pivots, LU._data.shape[-2], LU)
    k = min(LU._data.shape[-2:])
    return (_lu_grad(P, L, U, gLU[..., :, :k], gLU[..., :k, :]),)


def _lu_bwd(node, gP, gL, gU):
    P, L, U = node.saved()
    return (_lu_grad(P, L, U, gL, gU),)


LinalgLuFactorExBackward0 = node_class("LinalgLuFactorExBackward0", _lu_factor_bwd)
LinalgLuBackward0 = node_class("LinalgLuBackward0", _lu_bwd)


def _lu_factor_ex(A, name, check_errors, pivot=True):
    if not pivot:
        raise _errors.lu_without_pivoting()
    if A._dtype.category < 2:
        raise _errors.lu_not_implemented(A._dtype)
    if A._data.ndim < 2:
        raise _errors.linalg_min_2d(name)
    lu, piv, info = A._device._backend.linalg.lu_factor(A._data)
    if check_errors:
        _raise_info(A, info, _errors.lu_factor_singular, name)
    dev = A._device
    LU = _make(lu, A._dtype, dev)
    pivots = _make(dev._backend.xp.asarray(piv, np.int32), D.int32, dev)
    return LU, pivots, _info(info, A)


def _lu_factor_node(A, res):
    if _grad_on() and A._requires_grad:
        save_output(record(res[0], LinalgLuFactorExBackward0, (A,), (None, res[1])), res[0], 0)
    return res


@register("linalg_lu_factor_ex", method=False, nodes=("LinalgLuFactorExBackward0",), out=True,
          function=False)
def linalg_lu_factor_ex(A, *, pivot=True, check_errors=False, out=None):
    res = _lu_factor_ex(A, "torch.linalg.lu_factor_ex", check_errors, pivot)
    return _finish_tuple(RT.linalg_lu_factor_ex(*_lu_factor_node(A, res)), out)


@register("linalg_lu_factor", method=False, nodes=("LinalgLuFactorExBackward0",), out=True,
          function=False)
def linalg_lu_factor(A, *, pivot=True, out=None):
    res = _lu_factor_ex(A, "torch.linalg.lu_factor", True, pivot)
    return _finish_tuple(RT.linalg_lu_factor(*_lu_factor_node(A, res)[:2]), out)


@register("lu", nodes=("LinalgLuFactorExBackward0",))
def lu(A, pivot=True, get_infos=False, out=None):
    """``torch.lu`` (deprecated): the packed factorization and pivots, plus the ``info``
    codes with ``get_infos``; it never raises for a singular matrix."""
    import warnings
    warnings.warn(_errors.deprecated_lu(), UserWarning, stacklevel=2)
    res = _lu_factor_node(A, _lu_factor_ex(A, "torch.linalg.lu_factor_ex", False, pivot))
    return _finish_tuple(RT._lu_with_info(*res), out) if get_infos else res[:2]


def _lu_unpack_bwd(node, gP, gL, gU):
    from .shape import cat
    m, n = node._args
    k = min(m, n)
    gLU = None
    if gL is not None:
        gL = gL.tril(-1)
        gLU = gL if n == k else cat([gL, gL.new_zeros(gL._data.shape[:-1] + (n - k,))], -1)
    if gU is not None:
        gU = gU.triu()
        gU = gU if m == k else cat([gU, gU.new_zeros(gU._data.shape[:-2] + (m - k, n))], -2)
        gLU = gU if gLU is None else gLU + gU
    return gLU, None


LuUnpackBackward0 = node_class("LuUnpackBackward0", _lu_unpack_bwd)


def _unpack(LU, pivots, unpack_data, unpack_pivots):
    m, n = LU._data.shape[-2:]
    P = _permutation(pivots, m, LU) if unpack_pivots else LU.new_empty((0,))
    if not unpack_data:
        return P, LU.new_empty((0,)), LU.new_empty((0,))
    with _no_grad():
        L, U = _lu_parts(LU)
    return P, L, U


@register("lu_unpack", nodes=("LuUnpackBackward0",), out=True, method=False)
def lu_unpack(LU_data, LU_pivots, unpack_data=True, unpack_pivots=True, *, out=None):
    P, L, U = _unpack(LU_data, LU_pivots, unpack_data, unpack_pivots)
    if unpack_data and _grad_on() and LU_data._requires_grad:
        node = record(L, LuUnpackBackward0, (LU_data, LU_pivots), (), LU_data._data.shape[-2:])
        set_output(node, L, nr=1)
        set_output(node, U, nr=2)
        node._nout = 3
    return _finish_tuple(RT.lu_unpack(P, L, U), out)


@register("linalg_lu", method=False, nodes=("LinalgLuBackward0",), out=True, function=False)
def linalg_lu(A, *, pivot=True, out=None):
    with _no_grad():
        LU, piv, _ = _lu_factor_ex(A, "torch.linalg.lu", False, pivot)
        P, L, U = _unpack(LU, piv, True, True)
    if _grad_on() and A._requires_grad:
        node = record(L, LinalgLuBackward0, (A,), (P, None, None))
        set_output(node, L, nr=1)
        set_output(node, U, nr=2)
        node._nout = 3
        save_output(node, L, 1, 1)
        save_output(node, U, 2, 2)
    return _finish_tuple(RT.linalg_lu(P, L, U), out)


def _lu_solve_arr(LU, pivots, B, adjoint):
    """``A X = B`` (or ``A^H X = B``) for ``A = P L U`` on arrays (broadcast batches)."""
    xp, la = _xla(LU)
    lu = LU._data
    P = _permutation(pivots, lu.shape[-1], LU)._data
    b = B._data
    if adjoint:                # U^H L^H P^T X = B
        lh = xp.swapaxes(lu, -1, -2).conj()
        y = la.solve_triangular(lh, b, False)
        y = la.solve_triangular(lh, y, True, True)
        return P @ y
    y = la.solve_triangular(lu, xp.swapaxes(P, -1, -2) @ b, False, True)
    return la.solve_triangular(lu, y, True)


def _lu_solve_bwd(node, g):
    LU, pivots, X = node.saved()
    left, adjoint = node._args
    nf = node.next_functions
    if not left:               # X op(A) = B is op'(A) X^H = B^H with op' the other op
        g, X, adjoint = _mT(g), _mT(X), not adjoint
    gB = linalg_lu_solve(LU, pivots, g, adjoint=not adjoint)
    gLU = None
    if nf[0][0] is not None:
        gA = -matmul(X, _mT(gB)) if adjoint else -matmul(gB, _mT(X))
        L, U = _lu_parts(LU)
        P = _permutation(pivots, LU._data.shape[-1], LU)
        PgA = matmul(_mT(P), gA)
        gLU = grad_for(matmul(PgA, _mT(U)).tril(-1) + matmul(_mT(L), PgA).triu(),
                       LU._data.shape, LU._dtype)
    gB = (_mT(gB) if not left else gB) if nf[2][0] is not None else None
    return gLU, None, gB


LinalgLuSolveBackward0 = node_class("LinalgLuSolveBackward0", _lu_solve_bwd)


@register("linalg_lu_solve", method=False, nodes=("LinalgLuSolveBackward0",), out=True,
          function=False)
def linalg_lu_solve(LU, pivots, B, *, left=True, adjoint=False, out=None):
    sa, sb = LU._data.shape, B._data.shape
    if sb[-2 if left else -1] != sa[-1]:
        raise _errors.solve_shapes(left, sa, sb, "linalg.lu_solve")
    if left:
        r = _lu_solve_arr(LU, pivots, B, adjoint)
    else:                      # X A = B  <=>  A^H X^H = B^H
        r = _mT(_make(_lu_solve_arr(LU, pivots, _mT(B).detach(), not adjoint), B._dtype,
                      B._device))._data
    xp = LU._device._backend.xp
    res = _make(xp.ascontiguousarray(r), LU._dtype, LU._device)
    if _grad_needed(LU, B):
        save_output(record(res, LinalgLuSolveBackward0, (LU, pivots, B), (LU, pivots, None),
                           (left, adjoint)), res, 2)
    return _result(res, out)


@register("lu_solve", nodes=("LinalgLuSolveBackward0",), out=True)
def lu_solve(input, LU_data, LU_pivots, *, out=None):
    return linalg_lu_solve(LU_data, LU_pivots, input, out=out)


# ---- Cholesky-based solves, triangular_solve ------------------------------------------------


def _cholesky_solve_bwd(node, g):
    L, X = node.saved()
    upper, bshape = node._args
    nf = node.next_functions
    gB = cholesky_solve(g, L, upper)
    gL = None
    if nf[1][0] is not None:
        c = matmul(gB, _mT(X))
        c = c + _mT(c)
        gL = grad_for(-matmul(L, c) if upper else -matmul(c, L), L._data.shape, L._dtype)
    return (grad_for(gB, bshape, X._dtype) if nf[0][0] is not None else None), gL


CholeskySolveBackward0 = node_class("CholeskySolveBackward0", _cholesky_solve_bwd)


@register("cholesky_solve", nodes=("CholeskySolveBackward0",), out=True)
def cholesky_solve(input, input2, upper=False, *, out=None):
    """Solve ``A X = B`` given A's Cholesky factor (two triangular solves)."""
    sb, sl = input._data.shape, input2._data.shape
    if sb[-2] != sl[-1]:
        raise _errors.matrix_sizes_for("cholesky_solve", sl, sb)
    xp, la = _xla(input2)
    lo = input2._data
    if upper:
        lo = xp.swapaxes(lo, -1, -2).conj()
    y = la.solve_triangular(lo, input._data, False)
    x = la.solve_triangular(xp.swapaxes(lo, -1, -2).conj(), y, True)
    res = _make(xp.ascontiguousarray(x), input._dtype, input._device)
    if _grad_needed(input, input2):
        save_output(record(res, CholeskySolveBackward0, (input, input2), (input2, None),
                           (upper, sb)), res, 1)
    return _result(res, out)


def _cholesky_inverse_bwd(node, g):
    L, R = node.saved()
    upper = node._args
    c = matmul(R, matmul(g + _mT(g), R))
    return (-matmul(L, c) if upper else -matmul(c, L),)


CholeskyInverseBackward0 = node_class("CholeskyInverseBackward0", _cholesky_inverse_bwd)


@register("cholesky_inverse", nodes=("CholeskyInverseBackward0",), out=True)
def cholesky_inverse(input, upper=False, *, out=None):
    _check_square("cholesky_inverse", input)
    with _no_grad():
        res = cholesky_solve(_eye_like(input, input._data.shape[-1]).expand(input._data.shape),
                             input, upper)
    if _grad_on() and input._requires_grad:
        save_output(record(res, CholeskyInverseBackward0, (input,), (input, None), upper), res, 1)
    return _result(res, out)


def _triangular_solve_bwd(node, g, g_coef=None):
    """X = M^{-1} B with M = A or its plain transpose: gB = M^{-H} g, gM = -gB X^H."""
    A, X = node.saved()
    upper, transpose, unit = node._args
    nf = node.next_functions
    gB = gA = None
    if g is not None:
        M = A.mT if transpose else A
        gB = linalg_solve_triangular(_mT(M), g, upper=upper == transpose, unitriangular=unit)
        if nf[1][0] is not None:
            gM = -matmul(gB, _mT(X))
            gA = (gM.mT if transpose else gM) * _tri_mask(A, upper, unit)
    if g_coef is not None and nf[1][0] is not None:
        gA = g_coef if gA is None else gA + g_coef
    if gA is not None:
        gA = grad_for(gA, A._data.shape, A._dtype)
    if gB is not None and nf[0][0] is None:
        gB = None
    return gB, gA


TriangularSolveBackward0 = node_class("TriangularSolveBackward0", _triangular_solve_bwd)


@register("triangular_solve", nodes=("TriangularSolveBackward0",), out=True)
def triangular_solve(input, A, upper=True, transpose=False, unitriangular=False, *, out=None):
    import warnings
    warnings.warn(_errors.deprecated_triangular_solve(), UserWarning, stacklevel=2)
    with _no_grad():
        X = linalg_solve_triangular(A.mT if transpose else A, input, upper=upper != transpose,
                                    unitriangular=unitriangular)
        C = A.clone()
    if _grad_needed(input, A):
        node = record(X, TriangularSolveBackward0, (input, A), (A, None),
                      (upper, transpose, unitriangular))
        save_output(node, X, 1)
        set_output(node, C, nr=1)
        node._nout = 2
    return _finish_tuple(RT.triangular_solve(X, C), out)


# ---- Householder QR pieces --------------------------------------------------------------------


@register("geqrf", out=True, differentiable=False)
def geqrf(input, *, out=None):
    if input._data.ndim < 2:
        raise _errors.min_2d("torch.geqrf")
    _check_float("geqrf", input)
    r, tau = input._device._backend.linalg.geqrf(input._data)
    return _finish_tuple(RT.geqrf(_make(r, input._dtype, input._device),
                                 _make(tau, input._dtype, input._device)), out)


def _reflector(A, i):
    """The i-th Householder vector stored in column i of ``A`` (implicit 1 at row i)."""
    from .shape import cat
    batch = A._data.shape[:-2]
    return cat([A.new_zeros(batch + (i,)), A.new_ones(batch + (1,)), A[..., i + 1:, i]], -1)


def _apply_reflectors(A, tau, C, left, transpose, steps=None):
    """``op(Q) @ C`` (``left``) or ``C @ op(Q)`` with Q = H_0 ... H_{k-1}, H_i = I - tau_i v v^H
    and op the conjugate transpose when ``transpose``: one rank-1 update per reflector.
    ``steps`` collects (i, v, t, C before the step) for the backward."""
    k = tau._data.shape[-1]
    # Q C applies H_{k-1} first; Q^H C applies H_0 first (the reverse for C Q, C Q^H)
    order = range(k - 1, -1, -1) if left != transpose else range(k)
    for i in order:
        v = _reflector(A, i)
        t = _conj(tau[..., i]) if transpose else tau[..., i]
        if steps is not None:
            steps.append((i, v, t, C))
        if left:
            w = matmul(_conj(v).unsqueeze(-2), C)             # v^H C
            C = C - (t.unsqueeze(-1) * v).unsqueeze(-1) * w
        else:
            z = matmul(C, v.unsqueeze(-1))                     # C v
            C = C - z * (t.unsqueeze(-1) * _conj(v)).unsqueeze(-2)
    return C


def _reflectors_bwd(A, tau, C, g, left, transpose):
    """Gradients of ``_apply_reflectors`` for A (the stored vectors), tau and C, stepping back
    through the rank-1 updates: for Y = C - t v (v^H C), gC = g - conj(t) v (v^H g),
    gt = -v^H g w^H and gv = -conj(t) g w^H - t C g^H v (w = v^H C); mirrored for C H."""
    from .shape import stack, cat
    steps = []
    _apply_reflectors(A, tau, C, left, transpose, steps)
    gv, gt = {}, {}
    for i, v, t, Ci in reversed(steps):
        vc, tc = _conj(v), _conj(t)
        if left:
            w = matmul(vc.unsqueeze(-2), Ci)                       # (1, n)
            gw = matmul(g, _mT(w))[..., 0]                          # g w^H, (m,)
            gt[i] = -(vc * gw).sum(-1)
            gv[i] = -tc.unsqueeze(-1) * gw - \
                t.unsqueeze(-1) * matmul(Ci, matmul(_mT(g), v.unsqueeze(-1)))[..., 0]
            g = g - (tc.unsqueeze(-1) * v).unsqueeze(-1) * matmul(vc.unsqueeze(-2), g)
        else:
            z = matmul(Ci, v.unsqueeze(-1))                         # (m, 1)
            gv_ = matmul(g, v.unsqueeze(-1))                        # g v, (m, 1)
            gt[i] = -(_conj(z) * gv_).sum((-2, -1))
            gv[i] = -tc.unsqueeze(-1) * matmul(_mT(Ci), gv_)[..., 0] - \
                t.unsqueeze(-1) * matmul(_mT(g), z)[..., 0]
            g = g - gv_ * (tc.unsqueeze(-1) * vc).unsqueeze(-2)
    k = tau._data.shape[-1]
    m, n = A._data.shape[-2:]
    batch = A._data.shape[:-2]
    cols = [cat([A.new_zeros(batch + (i + 1,)), gv[i][..., i + 1:]], -1) for i in range(k)]
    cols += [A.new_zeros(batch + (m,))] * (n - k)
    gA = stack(cols, -1) if cols else A.new_zeros(A._data.shape)
    gtau = stack([_conj(gt[i]) if transpose else gt[i] for i in range(k)], -1) if k else \
        tau.new_zeros(tau._data.shape)
    return gA, gtau, g


def _householder_bwd(node, g):
    A, tau = node.saved()
    eye = _eye_like(A, *A._data.shape[-2:]).expand(A._data.shape)
    gA, gtau, _ = _reflectors_bwd(A, tau, eye, g, True, False)
    return grad_for(gA, A._data.shape, A._dtype), grad_for(gtau, tau._data.shape, tau._dtype)


def _ormqr_bwd(node, g):
    A, tau, C = node.saved()
    left, transpose = node._args
    gA, gtau, gC = _reflectors_bwd(A, tau, C, g, left, transpose)
    return (grad_for(gA, A._data.shape, A._dtype), grad_for(gtau, tau._data.shape, tau._dtype),
            grad_for(gC, C._data.shape, C._dtype))


LinalgHouseholderProductBackward0 = node_class("LinalgHouseholderProductBackward0",
                                               _householder_bwd)
OrmqrBackward0 = node_class("OrmqrBackward0", _ormqr_bwd)


@register("linalg_householder_product", method=False, out=True, function=False,
          nodes=("LinalgHouseholderProductBackward0",))
def linalg_householder_product(input, tau, *, out=None):
    m, n = input._data.shape[-2:]
    if m < n:
        raise _errors.householder_sizes("input")
    if tau._data.shape[-1] > n:
        raise _errors.householder_sizes("tau")
    with _no_grad():
        eye = _eye_like(input, m, n).expand(input._data.shape)
        res = _apply_reflectors(input, tau, eye, True, False).contiguous()
    if _grad_needed(input, tau):
        record(res, LinalgHouseholderProductBackward0, (input, tau), (input, tau))
    return _result(res, out)


@register("orgqr", out=True, nodes=("LinalgHouseholderProductBackward0",))
def orgqr(input, input2, *, out=None):
    return linalg_householder_product(input, input2, out=out)


@register("ormqr", out=True, nodes=("OrmqrBackward0",))
def ormqr(input, input2, input3, left=True, transpose=False, *, out=None):
    with _no_grad():
        res = _apply_reflectors(input, input2, input3, left, transpose).contiguous()
    if _grad_needed(input, input2, input3):
        record(res, OrmqrBackward0, (input, input2, input3), (input, input2, input3),
               (left, transpose))
    return _result(res, out)


# ---- Bunch-Kaufman LDL ------------------------------------------------------------------------
LdlFactorNotImplemented = _not_implemented("linalg_ldl_factor_ex")
LdlSolveNotImplemented = _not_implemented("linalg_ldl_solve")


def _ldl_factor_ex(A, hermitian, name, check_errors):
    _check_float(name, A)
    _check_square(name, A)
    la = A._device._backend.linalg
    ld, piv, info = la.ldl_factor(A._data, hermitian)
    if check_errors:
        _raise_info(A, info, _errors.ldl_unknown_code, "torch.linalg.ldl_factor")
    dev = A._device
    LD = _make(ld, A._dtype, dev)
    if _grad_on() and A._requires_grad:
        record(LD, LdlFactorNotImplemented, (A,))
    return LD, _make(dev._backend.xp.asarray(piv, np.int32), D.int32, dev), _info(info, A)


@register("linalg_ldl_factor_ex", method=False, nodes=("NotImplemented",), out=True,
          function=False)
def linalg_ldl_factor_ex(input, *, hermitian=False, check_errors=False, out=None):
    res = _ldl_factor_ex(input, hermitian, "torch.linalg.ldl_factor_ex", check_errors)
    return _finish_tuple(RT.linalg_ldl_factor_ex(*res), out)


@register("linalg_ldl_factor", method=False, nodes=("NotImplemented",), out=True,
          function=False)
def linalg_ldl_factor(input, *, hermitian=False, out=None):
    res = _ldl_factor_ex(input, hermitian, "torch.linalg.ldl_factor_ex", True)
    return _finish_tuple(RT.linalg_ldl_factor(*res[:2]), out)


@register("linalg_ldl_solve", method=False, nodes=("NotImplemented",), out=True,
          function=False)
def linalg_ldl_solve(LD, pivots, B, *, hermitian=False, out=None):
    sa, sb = LD._data.shape, B._data.shape
    if sb[-2] != sa[-1]:
        raise _errors.matrix_sizes_for("torch.linalg.ldl_solve", sa, sb)
    x = LD._device._backend.linalg.ldl_solve(LD._data, pivots._data, B._data, hermitian)
    res = _make(x, LD._dtype, LD._device)
    if _grad_needed(LD, B):
        record(res, LdlSolveNotImplemented, (LD, B))
    return _result(res, out)
