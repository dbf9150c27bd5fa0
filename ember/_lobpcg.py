"""``torch.lobpcg``: the ``k`` largest (or smallest) eigenpairs of a symmetric matrix ``A``, or
of the generalized problem ``A x = lambda B x`` with ``B`` positive definite.

torch iterates LOBPCG until the residuals fall under ``tol``; Ember computes the pairs that
iteration converges to exactly, with a dense eigendecomposition (``linalg.eigh``; for ``B``,
of ``L^-1 A L^-T`` with ``B = L L^T``), so ``niter``, ``tol``, ``method``, ``iK``, ``tracker``
and the ``ortho_*`` parameters do not change the result, and ``X`` only sets how many pairs are
wanted.  torch's checks and the shape of its answer are kept: eigenvalues in decreasing order
for the largest (increasing for the smallest), eigenvectors as the columns of ``X``,
``B``-orthonormal.  Written in ember ops, so gradients flow through ``eigh``."""
from . import _errors
from ._ops.decompositions import linalg_cholesky, linalg_eigh, linalg_solve_triangular
from ._ops.linalg import _mT

__all__ = ["lobpcg"]


def lobpcg(A, k=None, B=None, X=None, n=None, iK=None, niter=None, tol=None, largest=None,
           method=None, tracker=None, ortho_iparams=None, ortho_fparams=None,
           ortho_bparams=None):
    """``(E, X)``: the ``k`` extreme eigenvalues and their eigenvectors (batched over leading
    dims)."""
    if A.shape[-2] != A.shape[-1]:
        raise _errors.lobpcg_not_square(A.shape)
    if B is not None and A.shape != B.shape:
        raise _errors.lobpcg_shapes(A.shape, B.shape)
    m = A.shape[-1]
    k = (1 if X is None else X.shape[-1]) if k is None else k
    n = (k if n is None else n) if X is None else X.shape[-1]
    if m < 3 * n:
        raise _errors.lobpcg_too_many(m, n)
    A = A.to_dense() if A.is_sparse else A
    if B is None:
        values, vectors = linalg_eigh(A)
    else:
        L = linalg_cholesky(B.to_dense() if B.is_sparse else B)
        C = linalg_solve_triangular(L, _mT(linalg_solve_triangular(L, A, upper=False)),
                                    upper=False)      # L^-1 A L^-T (A symmetric)
        values, V = linalg_eigh(C)
        vectors = linalg_solve_triangular(_mT(L), V, upper=True)
    if largest is None or largest:
        return values[..., -k:].flip(-1), vectors[..., -k:].flip(-1)
    return values[..., :k], vectors[..., :k]
