"""``torch.linalg``: the linear-algebra namespace (products are defined in ``_ops.linalg``,
factorizations and solvers in ``_ops.decompositions``, norms in ``_ops.norms``)."""
from ._errors import LinAlgError
from ._ops.linalg import (matmul, linalg_cross as cross, linalg_multi_dot as multi_dot,
                          linalg_vecdot as vecdot)
from ._ops.decompositions import (
    linalg_matrix_power as matrix_power, linalg_inv as inv, linalg_inv_ex as inv_ex,
    linalg_det as det, linalg_slogdet as slogdet, linalg_solve as solve,
    linalg_solve_ex as solve_ex, linalg_solve_triangular as solve_triangular,
    linalg_cholesky as cholesky, linalg_cholesky_ex as cholesky_ex, linalg_qr as qr,
    linalg_eigh as eigh, linalg_eigvalsh as eigvalsh, linalg_svd as svd,
    linalg_svdvals as svdvals, linalg_pinv as pinv, linalg_lstsq as lstsq)
from ._ops.norms import (linalg_vector_norm as vector_norm, linalg_matrix_norm as matrix_norm,
                         linalg_norm as norm)

__all__ = ["LinAlgError", "matmul", "cross", "multi_dot", "matrix_power", "inv", "inv_ex", "det",
           "slogdet", "solve", "solve_ex", "solve_triangular", "cholesky", "cholesky_ex", "qr",
           "eigh", "eigvalsh", "svd", "svdvals", "pinv", "lstsq", "vector_norm", "matrix_norm",
           "norm", "vecdot"]
