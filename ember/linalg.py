"""``torch.linalg``: the linear-algebra namespace (functions are defined in ``_ops.linalg``)."""
from ._errors import LinAlgError
from ._ops.linalg import (
    matmul, linalg_cross as cross, linalg_multi_dot as multi_dot,
    linalg_matrix_power as matrix_power, linalg_inv as inv, linalg_det as det,
    linalg_slogdet as slogdet, linalg_solve as solve,
    linalg_solve_triangular as solve_triangular, linalg_cholesky as cholesky,
    linalg_qr as qr, linalg_eigh as eigh, linalg_eigvalsh as eigvalsh, linalg_svd as svd,
    linalg_svdvals as svdvals, linalg_pinv as pinv, linalg_lstsq as lstsq,
    linalg_vector_norm as vector_norm, linalg_matrix_norm as matrix_norm, linalg_norm as norm,
    linalg_vecdot as vecdot)

__all__ = ["LinAlgError", "matmul", "cross", "multi_dot", "matrix_power", "inv", "det",
           "slogdet", "solve", "solve_triangular", "cholesky", "qr", "eigh", "eigvalsh", "svd",
           "svdvals", "pinv", "lstsq", "vector_norm", "matrix_norm", "norm", "vecdot"]
