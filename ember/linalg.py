"""``torch.linalg``: the linear-algebra namespace (products are defined in ``_ops.linalg``,
factorizations and solvers in ``_ops.decompositions`` and ``_ops.packed``, norms in
``_ops.norms``, matrix functions in ``_ops.matrix_functions``)."""
from ._errors import LinAlgError
from ._ops._numpy_names import parsed
from ._ops.linalg import (matmul, linalg_cross as cross, linalg_multi_dot as multi_dot,
                          linalg_vecdot as vecdot)
from ._ops.decompositions import (
    linalg_inv as inv, linalg_inv_ex as inv_ex, linalg_det as det, linalg_slogdet as slogdet,
    linalg_solve as solve, linalg_solve_ex as solve_ex,
    linalg_solve_triangular as solve_triangular, linalg_cholesky as cholesky,
    linalg_cholesky_ex as cholesky_ex, linalg_qr as qr, linalg_eig as eig,
    linalg_eigvals as eigvals, linalg_eigh as eigh, linalg_eigvalsh as eigvalsh,
    linalg_svd as svd, linalg_svdvals as svdvals, linalg_pinv as pinv, linalg_lstsq as lstsq)
from ._ops.packed import (
    linalg_lu as lu, linalg_lu_factor as lu_factor, linalg_lu_factor_ex as lu_factor_ex,
    linalg_lu_solve as lu_solve, linalg_ldl_factor as ldl_factor,
    linalg_ldl_factor_ex as ldl_factor_ex, linalg_ldl_solve as ldl_solve,
    linalg_householder_product as householder_product)
from ._ops.norms import (linalg_vector_norm as vector_norm, linalg_matrix_norm as matrix_norm,
                         linalg_norm as norm)
from ._ops.matrix_functions import (
    linalg_matrix_power as matrix_power, linalg_matrix_exp as matrix_exp,
    linalg_matrix_rank as matrix_rank, linalg_cond as cond, linalg_tensorinv as tensorinv,
    linalg_tensorsolve as tensorsolve, linalg_vander as vander, linalg_diagonal as diagonal)

__all__ = ["LinAlgError", "matmul", "cross", "multi_dot", "vecdot", "inv", "inv_ex", "det",
           "slogdet", "solve", "solve_ex", "solve_triangular", "cholesky", "cholesky_ex", "lu",
           "lu_factor", "lu_factor_ex", "lu_solve", "ldl_factor", "ldl_factor_ex", "ldl_solve",
           "qr", "householder_product", "eig", "eigvals", "eigh", "eigvalsh", "svd", "svdvals",
           "pinv", "lstsq", "vector_norm", "matrix_norm", "norm", "matrix_power", "matrix_exp",
           "matrix_rank", "cond", "tensorinv", "tensorsolve", "vander", "diagonal"]

# torch parses these from native signatures: NumPy's keyword names work (``norm(x=t)``)
for _name in __all__[1:]:
    globals()[_name] = parsed(globals()[_name], _name, __name__)
