"""``torch.svd_lowrank`` / ``torch.pca_lowrank``: randomized range finding (Halko, Martinsson
and Tropp 2009, algorithm 4.4) followed by an exact SVD of the small projected matrix.  Written
with ember ops, so gradients flow through it as through any composition."""
from ._ops.random import randn
from ._ops.decompositions import linalg_qr, linalg_svd
from ._ops.linalg import matmul, _mT

__all__ = ["get_approximate_basis", "svd_lowrank", "pca_lowrank"]


def get_approximate_basis(A, q, niter=2, M=None):
    """An (m, q) matrix with orthonormal columns whose range approximates that of ``A - M``."""
    niter = 2 if niter is None else niter
    n = A.shape[-1]
    R = randn(*A.shape[:-2], n, q, dtype=A.dtype, device=A.device)
    X = matmul(A, R) if M is None else matmul(A, R) - matmul(M, R)
    Q = linalg_qr(X).Q
    for _ in range(niter):
        X = matmul(_mT(A), Q) if M is None else matmul(_mT(A), Q) - matmul(_mT(M), Q)
        Q = linalg_qr(X).Q
        X = matmul(A, Q) if M is None else matmul(A, Q) - matmul(M, Q)
        Q = linalg_qr(X).Q
    return Q


def svd_lowrank(A, q=6, niter=2, M=None):
    """Approximate rank-``q`` SVD ``(U, S, V)`` of ``A - M`` (``A ~ U diag(S) V^H``)."""
    q = 6 if q is None else q
    m, n = A.shape[-2:]
    if M is not None:
        M = M.broadcast_to(A.shape)
    if m < n:                  # work on the taller A^H and swap the factors back
        U, S, V = svd_lowrank(_mT(A), q, niter, None if M is None else _mT(M))
        return V, S, U
    Q = get_approximate_basis(A, q, niter, M)
    B = matmul(_mT(Q), A) if M is None else matmul(_mT(Q), A) - matmul(_mT(Q), M)
    U, S, Vh = linalg_svd(B, full_matrices=False)
    return matmul(Q, U), S, _mT(Vh)


def pca_lowrank(A, q=None, center=True, niter=2):
    """Principal components of the rows of ``A``: ``svd_lowrank`` of ``A`` centred on its
    column means (``q`` defaults to ``min(6, m, n)``)."""
    m, n = A.shape[-2:]
    q = min(6, m, n) if q is None else q
    if not center:
        return svd_lowrank(A, q, niter)
    return svd_lowrank(A - A.mean(-2, keepdim=True), q, niter)
