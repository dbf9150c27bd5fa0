"""Linear algebra, decompositions and solvers: inverse, determinants, solve (and their ``_ex``
forms with LAPACK's ``info`` codes), triangular solve, Cholesky, QR, eigen and singular value
decompositions, pseudo-inverse and least squares.  (LU, LDL, Householder pieces and the
solvers reading packed factors are in ``packed``.)

Forward runs on the tensor's backend: ``xp`` for array math and ``backend.linalg`` for the
LAPACK-style kernels (``_backend/numpy_linalg.py`` on the CPU).  Backward formulas are written
with ember ops so that double backward works.
"""
import numpy as np

from .. import _dtype as D
from .. import _errors
from .._tensor import _make
from ..autograd.graph import node_class, set_output, save_output
from .. import return_types as RT
from ._core import register, record, _grad_on, grad_for
from .linalg import matmul, _grad_needed, _mT, _conj, _eye_like, _result
from .reduction import _finish_tuple



def _diag_embed(v):
    """A batch of diagonal matrices from the last dim of ``v`` (differentiable)."""
    return v.unsqueeze(-1) * _eye_like(v, v._data.shape[-1])


def _check_float(name, t):
    if t._dtype.category < 2:
        raise _errors.linalg_float_expected(name, t._dtype)


def _check_square(name, t):
    s = t._data.shape
    if len(s) < 2:
        raise _errors.linalg_min_2d(name)
    if s[-1] != s[-2]:
        raise _errors.linalg_not_square(name, s[-2], s[-1])


def _xla(t):
    """The tensor's array module and its backend's LAPACK-style namespace."""
    b = t._device._backend
    return b.xp, b.linalg


def _info(info, like):
    """LAPACK's per-matrix ``info`` codes as an int32 tensor on ``like``'s device."""
    return _make(like._device._backend.xp.asarray(info, np.int32), D.int32, like._device)


def _raise_info(like, info, builder, name):
    """Raise ``builder(name, batch index or None, code)`` for the first nonzero ``info`` (an
    array on ``like``'s device)."""
    flat = np.asarray(like._device._backend.to_host(info)).reshape(-1)
    bad = np.flatnonzero(flat)
    if bad.size:
        i = int(bad[0])
        raise builder(name, i if np.ndim(info) else None, int(flat[i]))


# ---- inverse, determinants, solve ----------------------------------------------------------
def _inv_bwd(node, g):
    (y,) = node.saved()
    yh = _mT(y)
    return (-matmul(matmul(yh, g), yh),)


LinalgInvExBackward0 = node_class("LinalgInvExBackward0", _inv_bwd)


def _inv_ex(A, name, check_errors, check_name="linalg.inv"):
    """The inverse and getrf's info; ``name`` words the singular error, ``check_name`` the
    dtype / shape ones."""
    _check_float(check_name, A)
    _check_square(check_name, A)
    r, info = A._device._backend.linalg.inv_ex(A._data)
    if check_errors:
        _raise_info(A, info, _errors.linalg_inv_singular, name)
    res = _make(r, A._dtype, A._device)
    if _grad_on() and A._requires_grad:
        save_output(record(res, LinalgInvExBackward0, (A,), (None,)), res, 0)
    return res, _info(info, A)


@register("linalg_inv", method=False, nodes=("LinalgInvExBackward0",), out=True, function=False)
def linalg_inv(A, *, out=None):
    return _result(_inv_ex(A, "linalg.inv", True)[0], out)


def inv_named(A, name):
    """``linalg.inv`` whose singular error names ``name`` (torch's ``inverse`` callers)."""
    return _inv_ex(A, name, True)[0]


@register("linalg_inv_ex", method=False, nodes=("LinalgInvExBackward0",), out=True,
          function=False)
def linalg_inv_ex(A, *, check_errors=False, out=None):
    return _finish_tuple(RT.linalg_inv_ex(*_inv_ex(A, "linalg.inv_ex", check_errors)), out)


@register("inverse", autocast={"cpu": "fp32"}, nodes=("LinalgInvExBackward0",), out=True)
def inverse(input, *, out=None):
    return linalg_inv(input, out=out)


def _det_bwd(node, g):
    A, d = node.saved()
    return ((g * _conj(d)).unsqueeze(-1).unsqueeze(-1) * _mT(linalg_inv(A)),)


LinalgDetBackward0 = node_class("LinalgDetBackward0", _det_bwd)


@register("linalg_det", method=False, nodes=("LinalgDetBackward0",), out=True, function=False)
def linalg_det(A, *, out=None):
    _check_float("linalg.det", A)
    _check_square("linalg.det", A)
    xp, la = _xla(A)
    res = _make(xp.asarray(la.det(A._data)), A._dtype, A._device)
    if _grad_on() and A._requires_grad:
        save_output(record(res, LinalgDetBackward0, (A,), (A, None)), res, 1)
    return _result(res, out)


@register("det", nodes=("LinalgDetBackward0",))
def det(input):
    return linalg_det(input)


def _slogdet_bwd(node, g_sign, g_logabs):
    (A,) = node.saved()
    if g_logabs is None:
        return (None,)
    return (g_logabs.unsqueeze(-1).unsqueeze(-1) * _mT(linalg_inv(A)),)


LinalgSlogdetBackward0 = node_class("LinalgSlogdetBackward0", _slogdet_bwd)


def _slogdet(A, name, tuple_cls):
    _check_float(name, A)
    _check_square(name, A)
    xp, la = _xla(A)
    sign, logabs = la.slogdet(A._data)
    dt, dev = A._dtype, A._device
    rdt = dt.to_real() if dt.is_complex else dt
    s = _make(xp.asarray(sign).astype(dt.np), dt, dev)
    la = _make(xp.asarray(logabs).astype(rdt.np), rdt, dev)
    if _grad_on() and A._requires_grad:   # both outputs come from the node, as in torch
        node = record(s, LinalgSlogdetBackward0, (A,), (A,))
        set_output(node, la, nr=1)
        node._nout = 2
    return tuple_cls(s, la)


@register("linalg_slogdet", method=False, nodes=("LinalgSlogdetBackward0",), out=True,
          function=False)
def linalg_slogdet(A, *, out=None):
    return _finish_tuple(_slogdet(A, "linalg.slogdet", RT.linalg_slogdet), out)


@register("slogdet", nodes=("LinalgSlogdetBackward0",), out=True)
def slogdet(input, *, out=None):
    return _finish_tuple(_slogdet(input, "linalg.slogdet", RT.slogdet), out)


@register("logdet", nodes=("WhereBackward0",))
def logdet(input):
    sign, logabs = _slogdet(input, "linalg.slogdet", RT.slogdet)
    if input._dtype.is_complex:     # log det = log(sign) + log|det|, complex
        return sign.log() + logabs
    xp = input._device._backend.xp
    nan = _make(xp.asarray(xp.nan, dtype=logabs._dtype.np), logabs._dtype, logabs._device)
    return logabs.where(sign >= 0, nan)


def _solve_is_vector(A, B):
    sa, sb = A._data.shape, B._data.shape
    return len(sb) == 1 or (len(sb) == len(sa) - 1 and sb == sa[:-1])


def _solve_bwd(node, g):
    A, X = node.saved()
    left, vector, bshape = node._args
    nf = node.next_functions
    gB = linalg_solve(_mT(A), g, left=left)
    gA = None
    if nf[0][0] is not None:
        if vector:
            gA = -gB.unsqueeze(-1) * _conj(X).unsqueeze(-2)
        else:
            gA = -matmul(gB, _mT(X)) if left else -matmul(_mT(X), gB)
        gA = grad_for(gA, A._data.shape, A._dtype)
    gB = grad_for(gB, bshape, A._dtype) if nf[1][0] is not None else None
    return gA, gB


LinalgSolveExBackward0 = node_class("LinalgSolveExBackward0",
                                    lambda node, g: _solve_bwd(node, g))


def _solve_ex(A, B, left, name, check_errors):
    _check_float(name, A)
    _check_square(name, A)
    if A._dtype is not B._dtype:
        raise _errors.solve_dtype(A._dtype, B._dtype)
    vector = left and _solve_is_vector(A, B)
    a, b = A._data, B._data
    xp = A._device._backend.xp
    if not left:
        a, b = xp.swapaxes(a, -1, -2), xp.swapaxes(b, -1, -2)
    if vector:
        b = b[..., None]
    if b.shape[-2] != a.shape[-1]:
        raise _errors.solve_shapes(left, A._data.shape, b.shape if left else B._data.shape)
    bshape = np.broadcast_shapes(a.shape[:-2], b.shape[:-2])
    r, info = A._device._backend.linalg.solve_ex(xp.broadcast_to(a, bshape + a.shape[-2:]),
                                                 xp.broadcast_to(b, bshape + b.shape[-2:]))
    if check_errors:
        _raise_info(A, info, _errors.linalg_singular, "torch." + name)
    r = r[..., 0] if vector else (r if left else xp.swapaxes(r, -1, -2))
    res = _make(xp.ascontiguousarray(r), A._dtype, A._device)
    if _grad_needed(A, B):
        node = record(res, LinalgSolveExBackward0, (A, B), (A, None),
                      (left, vector, B._data.shape))
        save_output(node, res, 1)
    return res, _info(info, A)


@register("linalg_solve", method=False, nodes=("LinalgSolveExBackward0",), out=True, function=False)
def linalg_solve(A, B, *, left=True, out=None):
    return _result(_solve_ex(A, B, left, "linalg.solve", True)[0], out)


@register("linalg_solve_ex", method=False, nodes=("LinalgSolveExBackward0",), out=True,
          function=False)
def linalg_solve_ex(A, B, *, left=True, check_errors=False, out=None):
    return _finish_tuple(RT.linalg_solve_ex(*_solve_ex(A, B, left, "linalg.solve_ex",
                                                      check_errors)), out)


def _solve_tri_bwd(node, g):
    A, X = node.saved()
    upper, left, unitriangular = node._args
    nf = node.next_functions
    gB = linalg_solve_triangular(_mT(A), g, upper=not upper, left=left,
                                 unitriangular=unitriangular)
    gA = None
    if nf[0][0] is not None:
        gA = -matmul(gB, _mT(X)) if left else -matmul(_mT(X), gB)
        gA = grad_for(gA * _tri_mask(A, upper, unitriangular), A._data.shape, A._dtype)
    return gA, (gB if nf[1][0] is not None else None)


LinalgSolveTriangularBackward0 = node_class("LinalgSolveTriangularBackward0", _solve_tri_bwd)


@register("linalg_solve_triangular", method=False, nodes=("LinalgSolveTriangularBackward0",),
          out=True, function=False)
def linalg_solve_triangular(input, B, *, upper, left=True, unitriangular=False, out=None):
    if input._dtype.category < 2:
        raise _errors.kernel_not_implemented("triangular_solve_cpu", input._dtype)
    sa, sb = input._data.shape, B._data.shape
    if sb[-2 if left else -1] != sa[-1]:
        raise _errors.solve_shapes(left, sa, sb, "linalg.solve_triangular")
    xp, la = _xla(input)
    a, b = input._data, B._data
    if B._dtype is not input._dtype:       # torch solves in A's dtype
        b = b.astype(input._dtype.np)
    if not left:
        a, b, upper = xp.swapaxes(a, -1, -2), xp.swapaxes(b, -1, -2), not upper
    r = la.solve_triangular(a, b, upper, unitriangular)
    if not left:
        r = xp.swapaxes(r, -1, -2)
        upper = not upper
    res = _make(xp.ascontiguousarray(r), input._dtype, input._device)
    if _grad_needed(input, B):
        save_output(record(res, LinalgSolveTriangularBackward0, (input, B), (input, None),
                           (upper, left, unitriangular)), res, 1)
    return _result(res, out)


# ---- factorizations: cholesky, qr, eigh, svd ------------------------------------------------
def _tril_mask(x, k=0):
    n = x._data.shape[-1]
    xp = x._device._backend.xp
    return _make(xp.tril(xp.ones((n, n), x._dtype.np), k), x._dtype, x._device)


def _tri_mask(A, upper, unit):
    """Ones on the triangle of ``A`` that a triangular solve reads (strict one when ``unit``)."""
    xp = A._device._backend.xp
    ones = xp.ones(A._data.shape[-2:], A._dtype.np)
    mask = xp.triu(ones, 1 if unit else 0) if upper else xp.tril(ones, -1 if unit else 0)
    return _make(mask, A._dtype, A._device)


def _cholesky_bwd(node, g):
    (L,) = node.saved()
    upper = node._args
    if upper:
        L, g = _mT(L), _mT(g)
    # gA = L^{-H} S L^{-1} with P = tril(L^H gL) and S = (P + tril(P, -1)^H) / 2: Hermitian
    # off the diagonal, the diagonal kept as it is (its imaginary part too, as torch does)
    P = matmul(_mT(L), g).tril()
    gA = 0.5 * (P + _mT(P.tril(-1)))
    gA = linalg_solve_triangular(_mT(L), gA, upper=True)
    return (linalg_solve_triangular(L, gA, upper=False, left=False),)


LinalgCholeskyExBackward0 = node_class("LinalgCholeskyExBackward0", _cholesky_bwd)
CholeskyBackward0 = node_class("CholeskyBackward0", _cholesky_bwd)


def _cholesky_ex(A, upper, name, check_errors, cls=LinalgCholeskyExBackward0):
    check_name = "linalg.cholesky" if name == "linalg.cholesky_ex" else name
    _check_float(check_name, A)
    _check_square(check_name, A)
    xp, la = _xla(A)
    r, info = la.cholesky_ex(A._data)
    if check_errors:
        _raise_info(A, info, _errors.cholesky_not_pd, name)
    if upper:
        r = xp.ascontiguousarray(xp.swapaxes(r, -1, -2).conj())
    res = _make(r, A._dtype, A._device)
    if _grad_on() and A._requires_grad:
        save_output(record(res, cls, (A,), (None,), upper), res, 0)
    return res, _info(info, A)


@register("linalg_cholesky", method=False, nodes=("LinalgCholeskyExBackward0",), out=True,
          function=False)
def linalg_cholesky(input, *, upper=False, out=None):
    return _result(_cholesky_ex(input, upper, "linalg.cholesky", True)[0], out)


@register("linalg_cholesky_ex", method=False, nodes=("LinalgCholeskyExBackward0",), out=True,
          function=False)
def linalg_cholesky_ex(input, *, upper=False, check_errors=False, out=None):
    return _finish_tuple(RT.linalg_cholesky_ex(*_cholesky_ex(input, upper, "linalg.cholesky_ex",
                                                            check_errors)), out)


@register("cholesky", nodes=("CholeskyBackward0",), out=True)
def cholesky(input, upper=False, *, out=None):
    import warnings
    warnings.warn(_errors.deprecated_cholesky(), UserWarning, stacklevel=2)
    return _result(_cholesky_ex(input, upper, "cholesky", True, CholeskyBackward0)[0], out)


def _qr_bwd(node, gQ, gR):
    Q, R = node.saved()
    mode, m, n = node._args
    if mode == "r" or mode == "complete" and m > n:
        raise _errors.qr_backward(mode)
    if m < n:
        return (_qr_wide_grad(Q, R, gQ, gR, m),)
    return (_qr_tall_grad(Q, R, gQ, gR),)


def _qr_wide_grad(Q, R, gQ, gR, m):
    """A = [X | Y] with X = Q R1 square and R2 = Q^H Y: R2 feeds back into Q's gradient
    (gQ + Y gR2^H), X takes the square-case gradient and Y gets Q gR2."""
    from .shape import cat
    R1, R2 = R[..., :m], R[..., m:]
    gR1 = gR2 = None
    if gR is not None:
        gR1, gR2 = gR[..., :m], gR[..., m:]
        back = matmul(matmul(Q, R2), _mT(gR2))   # Y gR2^H, with Y = Q R2
        gQ = back if gQ is None else gQ + back
    gX = _qr_tall_grad(Q, R1, gQ, gR1)
    gY = matmul(Q, gR2) if gR2 is not None else R2.new_zeros(R2.shape)
    return cat([gX, gY], -1)


def _qr_tall_grad(Q, R, gQ, gR):
    """Gradient of A = QR (m >= n, reduced): gA = (gQ + Q copyltu(M)) R^{-H},
    M = R gR^H - gQ^H Q."""
    M = None
    if gR is not None:
        M = matmul(R, _mT(gR))
    if gQ is not None:
        M = -matmul(_mT(gQ), Q) if M is None else M - matmul(_mT(gQ), Q)
    low = M * _tril_mask(M, -1)
    sym = low + _mT(low) + M * _eye_like(M, M._data.shape[-1])
    b = matmul(Q, sym)
    if gQ is not None:
        b = b + gQ
    return linalg_solve_triangular(_mT(R), b, upper=False, left=False)


LinalgQrBackward0 = node_class("LinalgQrBackward0", _qr_bwd)


def _qr(A, mode, tuple_cls):
    if mode not in ("reduced", "complete", "r"):
        raise _errors.qr_mode(mode)
    _check_float("linalg.qr", A)
    if A._data.ndim < 2:
        raise _errors.linalg_min_2d("linalg.qr")
    xp, la = _xla(A)
    q, r = la.qr(A._data, mode="complete" if mode == "complete" else "reduced")
    dt, dev = A._dtype, A._device
    Q = _make(q if mode != "r" else xp.empty((0,), dt.np), dt, dev)
    R = _make(r, dt, dev)
    if _grad_on() and A._requires_grad:
        m, n = A._data.shape[-2:]
        node = record(R, LinalgQrBackward0, (A,), (None, None), (mode, m, n))
        set_output(node, Q, nr=0)
        set_output(node, R, nr=1)
        node._nout = 2
        save_output(node, Q, 0, 0)
        save_output(node, R, 1, 1)
    return tuple_cls(Q, R)


@register("linalg_qr", method=False, nodes=("LinalgQrBackward0",), out=True, function=False)
def linalg_qr(A, mode="reduced", *, out=None):
    return _finish_tuple(_qr(A, mode, RT.linalg_qr), out)


@register("qr", autocast={"cpu": "fp32"}, nodes=("LinalgQrBackward0",), out=True)
def qr(input, some=True, *, out=None):
    return _finish_tuple(_qr(input, "reduced" if some else "complete", RT.qr), out)


def _skew(x):
    return x - _mT(x)


def _eigh_bwd(node, gL, gV):
    L, V = node.saved()
    inner = None
    if gV is not None:
        E = L.unsqueeze(-2) - L.unsqueeze(-1)
        eye = _eye_like(L, L._data.shape[-1])
        inner = 0.5 * _skew(matmul(_mT(V), gV)) / (E + eye)
    if gL is not None:
        d = _diag_embed(gL).to(V._dtype)
        inner = d if inner is None else inner + d
    return (matmul(matmul(V, inner), _mT(V)),)


LinalgEighBackward0 = node_class("LinalgEighBackward0", _eigh_bwd)


def _eigh(A, UPLO, want_vectors):
    _check_float("linalg.eigh", A)
    _check_square("linalg.eigh", A)
    if UPLO not in ("L", "U"):
        raise _errors.eigh_uplo(UPLO)
    dt, dev = A._dtype, A._device
    w, v = A._device._backend.linalg.eigh(A._data, UPLO=UPLO)
    rdt = dt.to_real() if dt.is_complex else dt
    L = _make(w.astype(rdt.np, copy=False), rdt, dev)
    V = _make(v, dt, dev)
    if _grad_on() and A._requires_grad:
        node = record(L, LinalgEighBackward0, (A,), (None, None))
        node._nout = 2
        save_output(node, L, 0, 0)
        if want_vectors:
            set_output(node, V, nr=1)
        node._saved = node._saved[:1] + (V,)
        node._versions = node._versions[:1] + (V._vc[0],)
    return L, V


@register("linalg_eigh", method=False, nodes=("LinalgEighBackward0",), out=True, function=False)
def linalg_eigh(input, UPLO="L", *, out=None):
    return _finish_tuple(RT.linalg_eigh(*_eigh(input, UPLO, True)), out)


@register("linalg_eigvalsh", method=False, nodes=("LinalgEighBackward0",), out=True,
          function=False)
def linalg_eigvalsh(input, UPLO="L", *, out=None):
    return _result(_eigh(input, UPLO, False)[0], out)


def _svd_bwd(node, gU, gS, gVh):
    U, S, Vh = node.saved()
    m, n = U._data.shape[-2], Vh._data.shape[-1]
    k = S._data.shape[-1]
    if U._data.shape[-1] != k:              # full_matrices: only the first k vectors matter
        U = U[..., :k]
        gU = gU[..., :k] if gU is not None else None
    if Vh._data.shape[-2] != k:
        Vh = Vh[..., :k, :]
        gVh = gVh[..., :k, :] if gVh is not None else None
    V = _mT(Vh)
    gV = _mT(gVh) if gVh is not None else None
    inner = None
    if gU is not None:
        inner = _skew(matmul(_mT(U), gU)) * S.unsqueeze(-2)
    if gV is not None:
        t = S.unsqueeze(-1) * _skew(matmul(Vh, gV))
        inner = t if inner is None else inner + t
    if inner is not None:
        S2 = S * S
        inner = inner / (S2.unsqueeze(-2) - S2.unsqueeze(-1) + _eye_like(S, k))
    if gS is not None:
        d = _diag_embed(gS).to(U._dtype)
        inner = d if inner is None else inner + d
    if U._dtype.is_complex and (gU is not None or gV is not None):
        # the phase of each singular pair: i Im(diag(U^H gU) - diag(V^H gV)) / (2 S)
        im = 0
        if gU is not None:
            im = matmul(_mT(U), gU).diagonal(0, -2, -1).imag
        if gV is not None:
            im = im - matmul(Vh, gV).diagonal(0, -2, -1).imag
        inner = inner + _diag_embed(im / (2 * S)).to(U._dtype) * 1j
    gA = matmul(matmul(U, inner), Vh) if inner is not None else None
    if gU is not None and m > k:
        gUS = gU / S.unsqueeze(-2)
        t = matmul(gUS - matmul(U, matmul(_mT(U), gUS)), Vh)
        gA = t if gA is None else gA + t
    if gV is not None and n > k:
        gVS = gV / S.unsqueeze(-2)
        t = matmul(U, _mT(gVS - matmul(V, matmul(Vh, gVS))))
        gA = t if gA is None else gA + t
    return (gA,)


LinalgSvdBackward0 = node_class("LinalgSvdBackward0", _svd_bwd)


def _svd(A, full_matrices, want_vectors, name="linalg.svd"):
    _check_float(name, A)
    if A._data.ndim < 2:
        raise _errors.linalg_min_2d(name)
    dt, dev = A._dtype, A._device
    rdt = dt.to_real() if dt.is_complex else dt
    a = A._data
    la = A._device._backend.linalg
    if want_vectors:
        u, s, vh = la.svd(a, full_matrices=full_matrices)
    else:
        s = la.svd(a, compute_uv=False)
        u = vh = None
    S = _make(s.astype(rdt.np, copy=False), rdt, dev)
    U = _make(u, dt, dev) if want_vectors else None
    Vh = _make(vh, dt, dev) if want_vectors else None
    if _grad_on() and A._requires_grad:
        if not want_vectors:                # svdvals still needs U, Vh for its backward
            u, _, vh = la.svd(a, full_matrices=False)
        node = record(S, LinalgSvdBackward0, (A,), (None, S, None))
        node._nout = 3
        set_output(node, S, nr=1)
        save_output(node, S, 1, 1)
        su, svh = _make(u, dt, dev), _make(vh, dt, dev)
        node._saved = (su, node._saved[1], svh)
        node._versions = (0, node._versions[1], 0)
        if want_vectors:
            set_output(node, U, nr=0)
            set_output(node, Vh, nr=2)
    return U, S, Vh


@register("linalg_svd", method=False, nodes=("LinalgSvdBackward0",), out=True, function=False)
def linalg_svd(A, full_matrices=True, *, driver=None, out=None):
    return _finish_tuple(RT.linalg_svd(*_svd(A, full_matrices, True)), out)


@register("linalg_svdvals", method=False, nodes=("LinalgSvdBackward0",), out=True,
          function=False)
def linalg_svdvals(A, *, driver=None, out=None):
    return _result(_svd(A, False, False)[1], out)


@register("svd", autocast={"cpu": "fp32"}, nodes=("LinalgSvdBackward0",), out=True)
def svd(input, some=True, compute_uv=True, *, out=None):
    U, S, Vh = _svd(input, not some, True)
    return _finish_tuple(RT.svd(U, S, Vh.mT.conj() if Vh._dtype.is_complex else Vh.mT), out)


# ---- pseudo-inverse and least squares ----------------------------------------------------------
def _pinv_grad(A, P, gP):
    """gA = -P^H gP P^H + (I - A P) gP^H P P^H + P^H P gP^H (I - P A)."""
    Ph, gPh = _mT(P), _mT(gP)
    gA = -matmul(matmul(Ph, gP), Ph)
    t = matmul(gPh, matmul(P, Ph))
    gA = gA + t - matmul(A, matmul(P, t))
    t = matmul(matmul(Ph, P), gPh)
    return gA + t - matmul(matmul(t, P), A)


def _pinv_bwd(node, g):
    A, P = node.saved()
    return (_pinv_grad(A, P, g),)


LinalgPinvBackward0 = node_class("LinalgPinvBackward0", _pinv_bwd)


@register("linalg_pinv", method=False, nodes=("LinalgPinvBackward0",), out=True, function=False)
def linalg_pinv(input, *, atol=None, rtol=None, hermitian=False, rcond=None, out=None):
    _check_float("linalg.pinv", input)
    a = input._data
    xp, la = _xla(input)
    m, n = a.shape[-2:]
    if rcond is not None:
        rtol = rcond
    if rtol is None:
        rtol = 0.0 if atol is not None and atol > 0 else max(m, n) * np.finfo(a.dtype).eps
    if hermitian:
        w, v = la.eigh(a)
        aw = xp.abs(w)
        cut = xp.maximum(atol or 0.0, rtol * aw.max(-1, keepdims=True, initial=0.0))
        winv = xp.where(aw > cut, 1.0 / xp.where(aw > cut, w, 1.0), 0.0)
        r = xp.matmul(v * winv[..., None, :], xp.swapaxes(v, -1, -2).conj())
    else:
        u, s, vh = la.svd(a, full_matrices=False)
        cut = xp.maximum(atol or 0.0, rtol * s.max(-1, keepdims=True, initial=0.0))
        sinv = xp.where(s > cut, 1.0 / xp.where(s > cut, s, 1.0), 0.0)
        r = xp.matmul(xp.swapaxes(vh, -1, -2).conj() * sinv[..., None, :],
                      xp.swapaxes(u, -1, -2).conj())
    res = _make(r.astype(input._dtype.np, copy=False), input._dtype, input._device)
    if _grad_on() and input._requires_grad:
        save_output(record(res, LinalgPinvBackward0, (input,), (input, None)), res, 1)
    return _result(res, out)


@register("pinverse", autocast={"cpu": "fp32"}, nodes=("LinalgPinvBackward0",))
def pinverse(input, rcond=1e-15):
    return linalg_pinv(input, rtol=rcond)


def _lstsq_bwd(node, g, g_res=None, *_):
    A, B, P, X = node.saved()
    nf = node.next_functions
    if node._args:                      # B (and the solution) are vectors
        B, X = B.unsqueeze(-1), X.unsqueeze(-1)
        g = g.unsqueeze(-1) if g is not None else None
    gA = gB = None
    if g is not None:
        gA = _pinv_grad(A, P, matmul(g, _mT(B))) if nf[0][0] is not None else None
        gB = matmul(_mT(P), g) if nf[1][0] is not None else None
    if g_res is not None and g_res._data.size:
        # residuals = |A X - B|^2 summed over rows; X's own variation drops out at the optimum
        E = (matmul(A, X) - B) * g_res.unsqueeze(-2) * 2
        if nf[0][0] is not None:
            gA = matmul(E, _mT(X)) if gA is None else gA + matmul(E, _mT(X))
        if nf[1][0] is not None:
            gB = -E if gB is None else gB - E
    return gA, (gB.squeeze(-1) if node._args and gB is not None else gB)


LinalgLstsqBackward0 = node_class("LinalgLstsqBackward0", _lstsq_bwd)


@register("linalg_lstsq", method=False, nodes=("LinalgLstsqBackward0",), function=False)
def linalg_lstsq(input, b, rcond=None, *, driver=None):
    """Minimum-norm least-squares solution through the pseudo-inverse (gelsd's answer)."""
    _check_float("linalg.lstsq", input)
    vector = b._data.ndim == input._data.ndim - 1
    rhs = b._data[..., None] if vector else b._data
    a = input._data
    xp, la = _xla(input)
    u, s, vh = la.svd(a, full_matrices=False)
    m, n = a.shape[-2:]
    tol = (rcond if rcond is not None else max(m, n) * np.finfo(a.dtype).eps) * \
        s.max(-1, keepdims=True, initial=0.0)
    keep = s > tol
    sinv = xp.where(keep, 1.0 / xp.where(keep, s, 1.0), 0.0)
    p = xp.matmul(xp.swapaxes(vh, -1, -2).conj() * sinv[..., None, :],
                  xp.swapaxes(u, -1, -2).conj())
    x = xp.matmul(p, rhs)
    dt, dev = input._dtype, input._device
    rank = keep.sum(-1)
    drv = driver or "gelsy"
    real = dt.to_real()         # residuals and singular values are real for complex input
    empty = _make(xp.empty((0,), real.np), real, dev)
    resid = _make(xp.empty((0,), real.np), real, dev)
    # gels (QR) assumes full rank and always reports residuals; gelsd/gelss only at full rank
    if m > n and drv != "gelsy" and (drv == "gels" or bool((rank == n).all())):
        resid = _make((xp.abs(xp.matmul(a, x) - rhs) ** 2).sum(-2).astype(real.np), real, dev)
    sv = _make(s.astype(real.np), real, dev) if drv in ("gelsd", "gelss") else empty
    # gels computes no rank
    rank = xp.empty((0,), np.int64) if drv == "gels" else xp.asarray(rank, np.int64)
    X = _make(xp.ascontiguousarray(x[..., 0] if vector else x).astype(dt.np, copy=False),
              dt, dev)
    if _grad_needed(input, b):   # the solution and the residuals come from the node
        node = record(X, LinalgLstsqBackward0, (input, b),
                      (input, b, _make(p.astype(dt.np, copy=False), dt, dev), None), vector)
        save_output(node, X, 3)
        set_output(node, resid, nr=1)
        node._nout = 2
    return RT.linalg_lstsq(X, resid, _make(rank, D.int64, dev), sv)




# ---- general eigendecomposition ---------------------------------------------------------------
def _eig_bwd(node, gL, gV):
    """gA = V^{-H} (diag(gL) + (V^H gV - V^H V Re(diag(V^H gV))) / (conj(L_j) - conj(L_i))) V^H,
    real part for a real input."""
    L, V = node.saved()
    real_input = node._args
    Vh = _mT(V)
    inner = None
    if gV is not None:
        VhgV = matmul(Vh, gV)
        d = VhgV.diagonal(0, -2, -1).real
        inner = VhgV - matmul(Vh, V * d.unsqueeze(-2).to(V.dtype))
        Lc = L.conj()
        E = Lc.unsqueeze(-2) - Lc.unsqueeze(-1)
        n = L._data.shape[-1]
        eye = _eye_like(V, n)
        inner = inner * (1 - eye) / (E + eye)
    if gL is not None:
        d = _diag_embed(gL)
        inner = d if inner is None else inner + d
    gA = linalg_solve(Vh, matmul(inner, Vh))
    return (gA.real if real_input else gA,)


LinalgEigBackward0 = node_class("LinalgEigBackward0", _eig_bwd)


def _eig(A, name, want_vectors):
    if A._dtype.category < 2:
        raise _errors.unknown_complex_type(A._dtype)
    _check_square(name, A)
    xp, la = _xla(A)
    dt = A._dtype
    cdt = dt if dt.is_complex else dt.to_complex()
    w, v = la.eig(A._data)
    L = _make(xp.asarray(w, cdt.np), cdt, A._device)
    V = _make(xp.asarray(v, cdt.np), cdt, A._device)
    if _grad_on() and A._requires_grad:
        node = record(L, LinalgEigBackward0, (A,), (None, V), not dt.is_complex)
        node._nout = 2
        save_output(node, L, 0, 0)
        if want_vectors:
            set_output(node, V, nr=1)
    return L, V


@register("linalg_eig", method=False, nodes=("LinalgEigBackward0",), out=True, function=False)
def linalg_eig(input, *, out=None):
    return _finish_tuple(RT.linalg_eig(*_eig(input, "linalg.eig", True)), out)


@register("linalg_eigvals", method=False, nodes=("LinalgEigBackward0",), out=True,
          function=False)
def linalg_eigvals(input, *, out=None):
    return _result(_eig(input, "linalg.eigvals", False)[0], out)
