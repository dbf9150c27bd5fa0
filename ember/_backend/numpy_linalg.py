"""LAPACK-style kernels on NumPy: ``numpy.linalg`` plus what it lacks (LU with LAPACK's pivots,
triangular solves, Householder QR pieces).  A CuPy backend provides the same names (from
``cupy.linalg`` / ``cupyx.scipy.linalg``).

The loops here run over the columns of a matrix (n iterations of vectorised work over the whole
batch), never over elements or batch items.
"""
import numpy as np
from numpy.linalg import (LinAlgError, cholesky, det, eig, eigh, eigvals, eigvalsh,  # noqa: F401
                          inv, qr, slogdet, solve, svd)


def _batched(a):
    """``a`` as one batch dimension of matrices (also when the batch is empty)."""
    return a.reshape((int(np.prod(a.shape[:-2])),) + a.shape[-2:])


def _swap_rows(a, i, p, rows):
    """Swap row ``i`` with row ``p[b]`` in every matrix ``b`` of the batch ``a`` (in place)."""
    ri = a[rows, i].copy()
    a[rows, i] = a[rows, p]
    a[rows, p] = ri


def lu_factor(a):
    """Partial-pivoting LU of a batch of (m, n) matrices, as LAPACK's getrf returns it: the packed
    ``LU`` (unit L below the diagonal, U on and above), the 1-based int32 row swaps, and ``info``
    (per matrix: 0, or the 1-based index of the first exactly-zero pivot)."""
    shape = a.shape
    m, n = shape[-2:]
    k = min(m, n)
    lu = np.array(_batched(a), copy=True)
    nb = lu.shape[0]
    rows = np.arange(nb)
    piv = np.empty((nb, k), np.int32)
    info = np.zeros(nb, np.int32)
    for j in range(k):
        p = j + np.argmax(_cabs1(lu[:, j:, j]), axis=1)      # LAPACK's i?amax: |re| + |im|
        piv[:, j] = p + 1
        _swap_rows(lu, j, p, rows)
        d = lu[:, j, j]
        zero = d == 0
        info[(info == 0) & zero] = j + 1
        scale = np.where(zero, 1, d)
        lu[:, j + 1:, j] /= scale[:, None]
        lu[:, j + 1:, j + 1:] -= lu[:, j + 1:, j, None] * lu[:, j, None, j + 1:]
    return lu.reshape(shape), piv.reshape(shape[:-2] + (k,)), info.reshape(shape[:-2])


def pivots_to_permutation(piv, m):
    """The row order ``perm`` (``A[perm] = L U``) that LAPACK's 1-based swaps ``piv`` apply."""
    batch = piv.shape[:-1]
    p = piv.reshape((int(np.prod(batch)), piv.shape[-1])).astype(np.int64) - 1
    nb = p.shape[0]
    rows = np.arange(nb)
    perm = np.broadcast_to(np.arange(m), (nb, m)).copy()
    for j in range(p.shape[1]):
        pj = p[:, j]
        a = perm[rows, j].copy()
        perm[rows, j] = perm[rows, pj]
        perm[rows, pj] = a
    return perm.reshape(batch + (m,))


def solve_triangular(a, b, upper, unit=False):
    """Solve ``a x = b`` for triangular ``a`` (broadcast batches): zero pivots give inf/nan as
    LAPACK's trtrs-free path (trsm) does, instead of an error."""
    a = np.triu(a) if upper else np.tril(a)
    if unit:
        a = a.copy()
        np.einsum("...ii->...i", a)[...] = 1
    batch = np.broadcast_shapes(a.shape[:-2], b.shape[:-2])
    a = np.broadcast_to(a, batch + a.shape[-2:])
    b = np.broadcast_to(b, batch + b.shape[-2:])
    try:
        return solve(a, b)
    except LinAlgError:
        pass
    n = a.shape[-1]
    x = np.zeros(np.broadcast_shapes(a.shape[:-1], b.shape[:-2] + (n,)) + b.shape[-1:],
                 np.result_type(a, b))
    order = range(n - 1, -1, -1) if upper else range(n)
    for i in order:
        s = b[..., i, :] - np.einsum("...j,...jk->...k", a[..., i, :], x)
        x[..., i, :] = s / a[..., i, i, None]
    return x


def geqrf(a):
    """Householder QR as LAPACK's geqrf packs it: R on and above the diagonal, the reflectors'
    vectors (implicit leading 1) below it, and the scalar factors ``tau``."""
    shape = a.shape
    m, n = shape[-2:]
    k = min(m, n)
    r = np.array(_batched(a), copy=True)
    tau = np.zeros((r.shape[0], k), r.dtype)
    for j in range(k):
        alpha = r[:, j, j].copy()
        x = r[:, j + 1:, j]
        xnorm = np.sqrt(np.sum(np.abs(x) ** 2, axis=1))
        if np.iscomplexobj(r):
            trivial = (xnorm == 0) & (alpha.imag == 0)
            sign = np.where(alpha.real >= 0, 1.0, -1.0)
        else:
            trivial = xnorm == 0
            sign = np.where(alpha >= 0, 1.0, -1.0)
        beta = -sign * np.sqrt(np.abs(alpha) ** 2 + xnorm ** 2)
        beta = np.where(trivial, 1, beta)
        t = np.where(trivial, 0, (beta - alpha) / beta)
        v = x / np.where(trivial, 1, alpha - beta)[:, None]
        r[:, j + 1:, j] = np.where(trivial[:, None], x, v)
        r[:, j, j] = np.where(trivial, alpha, beta)
        tau[:, j] = t
        # apply H = I - tau v v^H to the trailing columns (from the left: H^H for complex)
        vv = np.concatenate([np.ones((r.shape[0], 1), r.dtype), r[:, j + 1:, j]], axis=1)
        rest = r[:, j:, j + 1:]
        w = np.einsum("bi,bij->bj", vv.conj(), rest)
        rest -= (t.conj()[:, None, None] * vv[:, :, None]) * w[:, None, :]
    return r.reshape(shape), tau.reshape(shape[:-2] + (k,))


def _cholesky_info(a):
    """Unblocked lower Cholesky over the batch, with LAPACK potrf's ``info`` (the order of the
    first leading minor that is not positive-definite; 0 when there is none)."""
    a = _batched(a)
    n = a.shape[-1]
    L = np.zeros_like(a)
    info = np.zeros(a.shape[0], np.int32)
    for j in range(n):
        row = L[:, j, :j]
        d = a[:, j, j] - np.sum(row * row.conj(), axis=-1)
        bad = ~(d.real > 0) & (info == 0)
        info[bad] = j + 1
        dj = np.sqrt(np.where(d.real > 0, d.real, 1.0)).astype(a.dtype)
        L[:, j, j] = np.where(bad, d, dj)
        L[:, j + 1:, j] = (a[:, j + 1:, j] - np.einsum("bik,bk->bi", L[:, j + 1:, :j],
                                                       row.conj())) / dj[:, None]
    return L, info


def cholesky_ex(a):
    """Lower Cholesky factor and potrf's per-matrix ``info`` (a failed matrix keeps its partial
    factor, as LAPACK leaves it)."""
    try:
        return cholesky(a), np.zeros(a.shape[:-2], np.int32)
    except LinAlgError:
        pass
    L, info = _cholesky_info(a)
    ok = info == 0
    if ok.any():
        L[ok] = cholesky(_batched(a)[ok])
    return L.reshape(a.shape), info.reshape(a.shape[:-2])


def _with_getrf_info(fn, a, *rest):
    """``fn(a, *rest)`` batch-wise plus getrf's ``info``: on a singular batch element numpy
    raises for the whole batch, so the good elements are redone alone and the bad ones get the
    inf/nan that dividing by the zero pivot gives."""
    try:
        return fn(a, *rest), np.zeros(a.shape[:-2], np.int32)
    except LinAlgError:
        pass
    info = lu_factor(a)[2]
    ok = (info == 0).reshape(-1)
    shape = rest[0].shape if rest else a.shape
    out = np.full((ok.size,) + shape[-2:], np.inf, np.result_type(a, *rest))
    if ok.any():
        out[ok] = fn(_batched(a)[ok], *[_batched(r)[ok] for r in rest])
    return out.reshape(shape), info


def inv_ex(a):
    """Inverse and getrf's ``info`` per matrix (0, or the 1-based index of a zero pivot)."""
    return _with_getrf_info(inv, a)


def solve_ex(a, b):
    """``solve(a, b)`` for equal batch shapes, and getrf's ``info`` per matrix."""
    return _with_getrf_info(solve, a, b)


# Padé (13, 13) coefficients and theta_13 for scaling and squaring (Higham 2005).
_PADE13 = (64764752532480000., 32382376266240000., 7771770303897600., 1187353796428800.,
           129060195264000., 10559470521600., 670442572800., 33522128640., 1323241920.,
           40840800., 960960., 16380., 182., 1.)
_THETA13 = 5.371920351148152


def matrix_exp(a):
    """exp of a batch of square matrices: Padé (13, 13) with scaling and squaring, one scaling
    for the whole batch (its largest 1-norm)."""
    work = a.astype(np.promote_types(a.dtype, np.float64))
    norm = np.abs(work).sum(-2).max() if work.size else 0.0
    s = max(0, int(np.ceil(np.log2(norm / _THETA13)))) if norm > _THETA13 else 0
    x = work / (2.0 ** s)
    b = _PADE13
    eye = np.broadcast_to(np.eye(a.shape[-1], dtype=work.dtype), work.shape)
    x2 = x @ x
    x4 = x2 @ x2
    x6 = x4 @ x2
    u = x @ (x6 @ (b[13] * x6 + b[11] * x4 + b[9] * x2) + b[7] * x6 + b[5] * x4 + b[3] * x2
             + b[1] * eye)
    v = x6 @ (b[12] * x6 + b[10] * x4 + b[8] * x2) + b[6] * x6 + b[4] * x4 + b[2] * x2 \
        + b[0] * eye
    r = solve(v - u, v + u)
    for _ in range(s):
        r = r @ r
    return r.astype(a.dtype)


# ---- Bunch-Kaufman LDL^T (LAPACK's sytf2 / hetf2, lower) --------------------------------------
_BK_ALPHA = (1 + np.sqrt(17.0)) / 8


def _cabs1(x):
    """LAPACK's cheap modulus |re| + |im| (the plain modulus for real numbers)."""
    return np.abs(x.real) + np.abs(x.imag) if np.iscomplexobj(x) else np.abs(x)


def _bk_pivot(A, k, herm):
    """Bunch-Kaufman's choice at column k: (kp, kstep), or None for a zero column."""
    n = A.shape[0]
    absakk = abs(A[k, k].real) if herm else _cabs1(A[k, k])
    colmax = 0.0
    if k < n - 1:
        col = _cabs1(A[k + 1:, k])
        imax = k + 1 + int(np.argmax(col))
        colmax = col[imax - k - 1]
    if max(absakk, colmax) == 0 or np.isnan(absakk):
        return None
    if absakk >= _BK_ALPHA * colmax:
        return k, 1
    rowmax = _cabs1(A[imax, k:imax]).max()
    if imax < n - 1:
        rowmax = max(rowmax, _cabs1(A[imax + 1:, imax]).max())
    if absakk >= _BK_ALPHA * colmax * (colmax / rowmax):
        return k, 1
    aii = abs(A[imax, imax].real) if herm else _cabs1(A[imax, imax])
    return (imax, 1) if aii >= _BK_ALPHA * rowmax else (imax, 2)


def _bk_swap(A, k, kk, kp, kstep, herm):
    """Interchange rows and columns kk and kp of the trailing lower triangle."""
    cj = np.conj if herm else (lambda x: x)
    A[kp + 1:, [kk, kp]] = A[kp + 1:, [kp, kk]]
    t = cj(A[kk + 1:kp, kk]).copy()
    A[kk + 1:kp, kk] = cj(A[kp, kk + 1:kp])
    A[kp, kk + 1:kp] = t
    if herm:
        A[kp, kk] = np.conj(A[kp, kk])
    A[kk, kk], A[kp, kp] = A[kp, kp], A[kk, kk]
    if kstep == 2:
        A[k + 1, k], A[kp, k] = A[kp, k], A[k + 1, k]


def _bk_update(A, k, kstep, herm):
    """Eliminate the 1x1 or 2x2 pivot block at k from the trailing lower triangle."""
    cj = np.conj if herm else (lambda x: x)
    if kstep == 1:
        d = 1 / (A[k, k].real if herm else A[k, k])
        x = A[k + 1:, k].copy()
        A[k + 1:, k + 1:] -= d * np.multiply.outer(x, cj(x))
        A[k + 1:, k] = x * d
        return
    if herm:
        mod = abs(A[k + 1, k])
        d11, d22 = A[k + 1, k + 1].real / mod, A[k, k].real / mod
        d21 = A[k + 1, k] / mod
        scale = 1 / (d11 * d22 - 1) / mod
        ck, ck1 = A[k + 2:, k].copy(), A[k + 2:, k + 1].copy()
        wk = scale * (d11 * ck - d21 * ck1)
        wk1 = scale * (d22 * ck1 - np.conj(d21) * ck)
    else:
        d21 = A[k + 1, k]
        d11, d22 = A[k + 1, k + 1] / d21, A[k, k] / d21
        scale = 1 / (d11 * d22 - 1) / d21
        ck, ck1 = A[k + 2:, k].copy(), A[k + 2:, k + 1].copy()
        wk = scale * (d11 * ck - ck1)
        wk1 = scale * (d22 * ck1 - ck)
    A[k + 2:, k + 2:] -= np.multiply.outer(ck, cj(wk)) + np.multiply.outer(ck1, cj(wk1))
    A[k + 2:, k], A[k + 2:, k + 1] = wk, wk1


def _ldl_one(A, herm):
    n = A.shape[0]
    piv = np.empty(n, np.int32)
    info = 0
    k = 0
    while k < n:
        choice = _bk_pivot(A, k, herm)
        if choice is None:
            info = info or k + 1
            kp, kstep = k, 1
        else:
            kp, kstep = choice
            kk = k + kstep - 1
            if kp != kk:
                _bk_swap(A, k, kk, kp, kstep, herm)
            if k + kstep < n or kstep == 2:
                _bk_update(A, k, kstep, herm)
        if herm:
            A[k, k] = A[k, k].real
            if kstep == 2:
                A[k + 1, k + 1] = A[k + 1, k + 1].real
        piv[k:k + kstep] = kp + 1 if kstep == 1 else -(kp + 1)
        k += kstep
    return piv, info


def ldl_factor(a, hermitian=False):
    """Bunch-Kaufman LDL^T (or LDL^H) of symmetric matrices from their lower triangles, as
    LAPACK's sytrf / hetrf return it: L and D packed in the lower triangle, 1-based pivots
    (negative pairs mark 2x2 blocks) and ``info``.  Pivoting decides per matrix, so this loops
    over the batch (each step is vectorised over the trailing submatrix)."""
    flat = np.tril(_batched(a))
    herm = hermitian and np.iscomplexobj(a)
    piv = np.empty(flat.shape[:2], np.int32)
    info = np.zeros(flat.shape[0], np.int32)
    for b in range(flat.shape[0]):
        piv[b], info[b] = _ldl_one(flat[b], herm)
    return (np.tril(flat).reshape(a.shape), piv.reshape(a.shape[:-1]),
            info.reshape(a.shape[:-2]))


def _ldl_solve_one(A, piv, B, herm):
    """LAPACK's sytrs / hetrs (lower) for one factorization: B is overwritten with X."""
    cj = np.conj if herm else (lambda x: x)
    n = A.shape[0]
    k = 0
    while k < n:                               # L D Y = P^T B
        if piv[k] > 0:
            kp = piv[k] - 1
            B[[k, kp]] = B[[kp, k]]
            B[k + 1:] -= np.multiply.outer(A[k + 1:, k], B[k])
            B[k] /= A[k, k].real if herm else A[k, k]
            k += 1
            continue
        kp = -piv[k] - 1
        B[[k + 1, kp]] = B[[kp, k + 1]]
        B[k + 2:] -= np.multiply.outer(A[k + 2:, k], B[k]) + \
            np.multiply.outer(A[k + 2:, k + 1], B[k + 1])
        akm1k = A[k + 1, k]
        akm1 = A[k, k] / cj(akm1k)
        ak = A[k + 1, k + 1] / akm1k
        denom = akm1 * ak - 1
        bkm1, bk = B[k] / cj(akm1k), B[k + 1] / akm1k
        B[k], B[k + 1] = (ak * bkm1 - bk) / denom, (akm1 * bk - bkm1) / denom
        k += 2
    k = n - 1
    while k >= 0:                              # L^T P^T X = Y
        if piv[k] > 0:
            B[k] -= cj(A[k + 1:, k]) @ B[k + 1:]
            kp = piv[k] - 1
            B[[k, kp]] = B[[kp, k]]
            k -= 1
            continue
        B[k] -= cj(A[k + 1:, k]) @ B[k + 1:]
        B[k - 1] -= cj(A[k + 1:, k - 1]) @ B[k + 1:]
        kp = -piv[k] - 1
        B[[k, kp]] = B[[kp, k]]
        k -= 2
    return B


def ldl_solve(ld, piv, b, hermitian=False):
    """Solve A X = B from ``ldl_factor``'s output (batches broadcast against B's)."""
    batch = np.broadcast_shapes(ld.shape[:-2], b.shape[:-2])
    ld = _batched(np.broadcast_to(ld, batch + ld.shape[-2:]))
    # pivots as host ints: the row swaps index with them one at a time (on any device)
    piv = np.broadcast_to(piv, batch + piv.shape[-1:]).reshape((ld.shape[0], piv.shape[-1]))\
        .tolist()
    x = _batched(np.array(np.broadcast_to(b, batch + b.shape[-2:]),
                          np.result_type(ld, b), copy=True))
    herm = hermitian and np.iscomplexobj(ld)
    for i in range(x.shape[0]):
        _ldl_solve_one(ld[i], piv[i], x[i], herm)
    return x.reshape(batch + b.shape[-2:])
