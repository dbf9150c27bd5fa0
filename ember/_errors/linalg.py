"""Linear algebra: products, decompositions, LAPACK failures."""
from .base import _CPP_TYPE, legacy_scalar_type


# ---- linear algebra ---------------------------------------------------------------------------
class LinAlgError(RuntimeError):
    """torch.linalg.LinAlgError: a LAPACK failure (singular or non positive-definite input)."""




def mm_dtype(a, b):
    return RuntimeError(f"expected m1 and m2 to have the same dtype, but got: "
                        f"{_CPP_TYPE[a.name]} != {_CPP_TYPE[b.name]}")


def scalar_type_mismatch(a, b):
    return RuntimeError(f"expected scalar type {legacy_scalar_type(a)} but found "
                        f"{legacy_scalar_type(b)}")


def addmv_dtype(mat, vec, input=None):
    """``mv`` checks as ``addmv`` with an ``input`` of the vector's dtype."""
    first = vec if input is None else input
    return RuntimeError("addmv input tensors must have the same dtype, but got "
                        f"{legacy_scalar_type(first)}, {legacy_scalar_type(mat)}, and "
                        f"{legacy_scalar_type(vec)}")


def dot_dtype(name, a, b):
    return RuntimeError(f"{name} : expected both vectors to have same dtype, but found "
                        f"{legacy_scalar_type(a)} and {legacy_scalar_type(b)}")


def addmm_dtype(name, input_dtype, a_dtype, b_dtype):
    """``input`` of a fused add-product has another dtype than its factors ``a`` and ``b``."""
    if name == "baddbmm":
        if input_dtype is a_dtype:
            return scalar_type_mismatch(a_dtype, b_dtype)
        return RuntimeError(f"Input dtypes must be the same, got: input "
                            f"{_CPP_TYPE[input_dtype.name]}, batch1: {_CPP_TYPE[a_dtype.name]}, "
                            f"batch2: {_CPP_TYPE[b_dtype.name]}")
    if name == "addmv":
        return addmv_dtype(a_dtype, b_dtype, input_dtype)
    if input_dtype is b_dtype:
        return addmm_mat_dtype(a_dtype, b_dtype)
    return RuntimeError(f"self and mat2 must have the same dtype, but got "
                        f"{legacy_scalar_type(input_dtype)} and {legacy_scalar_type(b_dtype)}")


def mm_not_matrix(op, arg, ndim):
    """``arg`` 0 or 1 of ``mm`` / ``addmm`` is not 2-D."""
    if op == "addmm":
        return RuntimeError(f"{('mat1', 'mat2')[arg]} must be a matrix, got {ndim}-D tensor")
    return RuntimeError(f"{('self', 'mat2')[arg]} must be a matrix")


def addmm_mat_dtype(a, b):
    return RuntimeError(f"mat1 and mat2 must have the same dtype, but got "
                        f"{legacy_scalar_type(a)} and {legacy_scalar_type(b)}")


def bmm_not_3d(arg):
    return RuntimeError(f"{arg} must be a 3D tensor")


def bmm_batch2_size(shape1, shape2):
    return RuntimeError(f"Expected size for first two dimensions of batch2 tensor to be: "
                        f"[{shape1[0]}, {shape1[2]}] but got: [{shape2[0]}, {shape2[1]}].")


def addbmm_sizes(shape1, shape2):
    if shape1[0] != shape2[0]:
        return RuntimeError(f"batch1 and batch2 must have same number of batches, got "
                            f"{shape1[0]} and {shape2[0]}")
    return RuntimeError(f"Incompatible matrix sizes for bmm ({shape1[1]}x{shape1[2]} and "
                        f"{shape2[1]}x{shape2[2]})")


def mv_dims(mat_ndim, vec_ndim):
    return RuntimeError(f"vector + matrix @ vector expected, got 1, {mat_ndim}, {vec_ndim}")


def mv_size(mat_shape, n):
    return RuntimeError(f"size mismatch, got input ({mat_shape[0]}), mat ({mat_shape[0]}x"
                        f"{mat_shape[1]}), vec ({n})")


def dot_dims(nd1, nd2):
    return RuntimeError(f"1D tensors expected, but got {nd1}D and {nd2}D tensors")


def dot_size(n1, n2):
    return RuntimeError(f"inconsistent tensor size, expected tensor [{n1}] and src [{n2}] to "
                        f"have the same number of elements, but got {n1} and {n2} elements "
                        "respectively")


def matmul_0d(nd1, nd2):
    return RuntimeError(f"both arguments to matmul need to be at least 1D, but they are {nd1}D "
                        f"and {nd2}D")


def outer_not_vector(op, arg, ndim):
    return RuntimeError(f"{op}: Expected 1-D argument {arg}, but got {ndim}-D")


def linalg_float_expected(name, dtype):
    return RuntimeError(f"{name}: Expected a floating point or complex tensor as input. Got "
                        f"{legacy_scalar_type(dtype)}")


def linalg_min_2d(name):
    return RuntimeError(f"{name}: The input tensor A must have at least 2 dimensions.")


def linalg_not_square(name, m, n):
    return RuntimeError(f"{name}: A must be batches of square matrices, but they are {m} by {n} "
                        "matrices")


def solve_dtype(a, b):
    return RuntimeError("linalg.solve: Expected A and B to have the same dtype, but found A of "
                        f"type {legacy_scalar_type(a)} and B of type {legacy_scalar_type(b)} "
                        "instead")


def _batch_prefix(batch):
    """'(Batch element i): ' for the first failing matrix ``i`` of a batch, '' for a single one."""
    return "" if batch is None else f"(Batch element {batch}): "


def linalg_inv_singular(name, batch, order):
    return LinAlgError(f"{name}: {_batch_prefix(batch)}The diagonal element {order} is zero, the "
                       "inversion could not be completed because the input matrix is singular.")


def linalg_singular(name, batch=None, _code=None):
    return LinAlgError(f"{name}: {_batch_prefix(batch)}The solver failed because the input "
                       "matrix is singular.")


def cholesky_not_pd(name, batch, order):
    return LinAlgError(f"{name}: {_batch_prefix(batch)}The factorization could not be completed "
                       "because the input is not positive-definite (the leading minor of order "
                       f"{order} is not positive-definite).")


def lu_factor_singular(name, batch, order):
    return RuntimeError(f"{name}: {_batch_prefix(batch)}U[{order},{order}] is zero and using it "
                        "on lu_solve would result in a division by zero. If you still want to "
                        "perform the factorization, consider calling linalg.lu(A, pivot) or "
                        "linalg.lu_factor_ex(A, pivot)")


def eig_not_converged(name, batch):
    return LinAlgError(f"{name}: {_batch_prefix(batch)}The algorithm failed to converge because "
                       "the input matrix is ill-conditioned or has too many repeated "
                       "eigenvalues (error code: 1).")


def matrix_sizes_for(name, a_shape, b_shape):
    return RuntimeError(f"Incompatible matrix sizes for {name}: each A matrix is "
                        f"{a_shape[-2]} by {a_shape[-1]} but each b matrix is {b_shape[-2]} by "
                        f"{b_shape[-1]}")


def ldl_unknown_code(name, batch, code):
    """torch reports a zero pivot of sytrf (info > 0) through an internal assert."""
    return RuntimeError('false INTERNAL ASSERT FAILED at "/__w/pytorch/pytorch/aten/src/ATen/'
                        'native/BatchLinearAlgebra.cpp":1642, please report a bug to PyTorch. '
                        f"{name}: Unknown error code: {code}.")


def lapack_float_double():
    return RuntimeError("This function doesn't handle types other than float and double")


def lu_without_pivoting():
    return RuntimeError("linalg.lu_factor: LU without pivoting is not implemented on the CPU")


def lu_not_implemented(dtype):
    return NotImplementedError(f'"lu_cpu" not implemented for \'{legacy_scalar_type(dtype)}\'')


def tensorinv_shape(a, b):
    return RuntimeError(f"Expected self to satisfy the requirement prod(self.shape[ind:]) == "
                        f"prod(self.shape[:ind]), but got {a} != {b}")


def tensorinv_ind(ind):
    return RuntimeError(f"Expected a strictly positive integer for 'ind', but got {ind}")


def cond_not_square(p, shape):
    if len(shape) < 2:
        return RuntimeError(f"linalg.cond(ord={p}): The input tensor A must have at least 2 "
                            "dimensions.")
    return RuntimeError(f"linalg.cond(ord={p}): A must be batches of square matrices, but they "
                        f"are {shape[-2]} by {shape[-1]} matrices")


def linalg_min_1d(name, arg):
    return RuntimeError(f"{name}: The input tensor {arg} must have at least 1 dimension.")


def vander_n():
    return RuntimeError("N must be greater than 1.")


def vander_one_dimensional():
    return RuntimeError("x must be a one-dimensional tensor.")


def vander_negative_n():
    return RuntimeError("N must be non-negative.")


def householder_sizes(which):
    if which == "tau":
        return RuntimeError("torch.linalg.householder_product: input.shape[-1] must be greater "
                            "than or equal to tau.shape[-1]")
    return RuntimeError("torch.linalg.householder_product: input.shape[-2] must be greater than "
                        "or equal to input.shape[-1]")


def min_2d(name, arg="input"):
    return RuntimeError(f"{name}: {arg} must have at least 2 dimensions.")


def view_as_complex_last():
    return RuntimeError("Tensor must have a last dimension of size 2")


def view_as_real_complex():
    return RuntimeError("view_as_real is only supported for complex tensors")


def complex_dtypes(a, b):
    return RuntimeError(f"Expected both inputs to be Half, Float or Double tensors but got "
                        f"{legacy_scalar_type(a)} and {legacy_scalar_type(b)}")


def complex_second_dtype(a, b):
    return RuntimeError(f"Expected object of scalar type {legacy_scalar_type(a)} but got scalar "
                        f"type {legacy_scalar_type(b)} for second argument")


def unknown_complex_type(dtype):
    return RuntimeError(f"Unknown Complex ScalarType for {legacy_scalar_type(dtype)}")


def frexp_dtype():
    return RuntimeError("torch.frexp() only supports floating-point dtypes")


def deprecated_triangular_solve():
    return ("torch.triangular_solve is deprecated in favor of torch.linalg.solve_triangularand "
            "will be removed in a future PyTorch release.\ntorch.linalg.solve_triangular has its "
            "arguments reversed and does not return a copy of one of the inputs.\nX = "
            "torch.triangular_solve(B, A).solution\nshould be replaced with\nX = "
            "torch.linalg.solve_triangular(A, B).")


def deprecated_lu():
    return ("torch.lu is deprecated in favor of torch.linalg.lu_factor / torch.linalg.lu_factor_ex "
            "and will be removed in a future PyTorch release.\nLU, pivots = torch.lu(A, "
            "compute_pivots)\nshould be replaced with\nLU, pivots = torch.linalg.lu_factor(A, "
            "compute_pivots)\nand\nLU, pivots, info = torch.lu(A, compute_pivots, "
            "get_infos=True)\nshould be replaced with\nLU, pivots, info = "
            "torch.linalg.lu_factor_ex(A, compute_pivots)")


def vander_dtype(dtype):
    return RuntimeError("linalg.vander supports floating point, complex, and integer tensors, "
                        f"but got {legacy_scalar_type(dtype)}")


def deprecated_cholesky():
    return ("torch.cholesky is deprecated in favor of torch.linalg.cholesky and will be removed "
            "in a future PyTorch release.\nL = torch.cholesky(A)\nshould be replaced with\nL = "
            "torch.linalg.cholesky(A)\nand\nU = torch.cholesky(A, upper=True)\nshould be "
            "replaced with\nU = torch.linalg.cholesky(A).mH\nThis transform will produce "
            "equivalent results for all valid (symmetric positive definite) inputs.")


def inner_last_dim(shape1, shape2):
    return RuntimeError(f"inner() the last dimension must match on both input tensors but got "
                        f"shapes {list(shape1)} and {list(shape2)}")


def tensordot_negative_dims(dims):
    return RuntimeError(f"tensordot expects dims >= 0, but got dims={dims}")


def tensordot_dims_length():
    return RuntimeError("both dimension lists should have same length")


def tensordot_contracted(size1, dim1, size2, dim2):
    return RuntimeError(f"contracted dimensions need to match, but first has size {size1} in dim "
                        f"{dim1} and second has size {size2} in dim {dim2}")


def trace_not_matrix(ndim):
    return RuntimeError(f"trace: expected a matrix, but got tensor with dim {ndim}")


def cross_ndim():
    return RuntimeError("linalg.cross: inputs must have the same number of dimensions.")


def cross_length(dim, n1, n2):
    return RuntimeError(f"linalg.cross: inputs dimension {dim} must have length 3. Got {n1} and "
                        f"{n2}")


def cross_default_dim_warning():
    return ("Using torch.cross without specifying the dim arg is deprecated.\nPlease either pass "
            "the dim explicitly or simply use torch.linalg.cross.\nThe default value of dim will "
            "change to agree with that of linalg.cross in a future release.")


def multi_dot_count(n):
    return RuntimeError(f"multi_dot(): expected at least 2 tensors but got {n}")


def solve_shapes(left, shape_a, shape_b, name="linalg.solve"):
    return RuntimeError(f"{name}: Incompatible shapes of A and B for the equation "
                        f"{'AX = B' if left else 'XA = B'} ({shape_a[-2]}x{shape_a[-1]} and "
                        f"{shape_b[-2]}x{shape_b[-1]})")


def qr_mode(mode):
    return RuntimeError(f"qr received unrecognized mode '{mode}' but expected one of 'reduced' "
                        "(default), 'r', or 'complete'")


def qr_backward(mode):
    if mode == "r":
        return RuntimeError("The derivative of linalg.qr depends on Q, which is not computed when "
                            "mode='r'. Please use linalg.qr(A, mode='reduced') if you are going "
                            "to differentiate through linalg.qr.")
    return RuntimeError("The QR decomposition is not differentiable when mode='complete' and "
                        "nrows > ncols.")


def eigh_uplo(uplo):
    return RuntimeError(f"Expected UPLO argument to be 'L' or 'U', but got {uplo}")


def matrix_norm_order(ord):
    return RuntimeError(f"linalg.matrix_norm: Order {ord} not supported.")


def linalg_norm_dims(ndim):
    return RuntimeError(f"linalg.norm: If dim is not specified but ord is, the input must be 1D "
                        f"or 2D. Got {ndim}D.")


# torch's deprecation of the native norms ({0}: the function, {1}: what to call instead)
DEPRECATED_NATIVE_NORM = ("at::{0} is deprecated and it is just left for JIT compatibility. It "
                          "will be removed in a future PyTorch release. Please use `{1}` instead")


def lobpcg_not_square(shape):
    return AssertionError(f"A must be square, got shape {shape}")


def lobpcg_shapes(a, b):
    return AssertionError(f"A and B must have same shape, got {a} vs {b}")


def lobpcg_too_many(m, n):
    return ValueError(f"LOBPCG algorithm is not applicable when the number of A rows (={m}) is "
                      f"smaller than 3 x the number of requested eigenpairs (={n})")


def einsum_too_few_arguments():
    return ValueError("einsum(): must specify the equation string and at least one operand, or "
                      "at least one operand and its subscripts list")


def einsum_sublist_range():
    return ValueError("einsum(): subscript in subscript list is not within the valid range "
                      "[0, 52)")


def opt_einsum_missing(switch, value):
    consequence = (f"setting `enabled` to {value} will not reap the benefits of calculating an "
                   "optimal path for einsum. torch.einsum will fall back to contracting from "
                   "left to right. To enable this optimal path calculation, please install "
                   "opt-einsum." if switch == "enabled" else
                   f"setting `strategy` to {value} will not be meaningful. torch.einsum will "
                   "bypass path calculation and simply contract from left to right. Please "
                   "install opt_einsum or unset `strategy`.")
    return ValueError(f"opt_einsum is not available, so {consequence}")


def opt_einsum_disabled(value):
    return ValueError(f"opt_einsum is not enabled, so setting a `strategy` to {value} will not be "
                      "meaningful. torch.einsum will bypass path calculation and simply contract "
                      "from left to right. Please set `enabled` to `True` as well or unset "
                      "`strategy`.")


def opt_einsum_strategy(value):
    return ValueError("`strategy` must be one of the following: [auto, greedy, optimal] but is "
                      f"{value}")


def einsum_operand_count(more):
    return RuntimeError(f"einsum(): {'more' if more else 'fewer'} operands were provided than "
                        "specified in the equation")


def einsum_subscript_count(n, ndim, k, ellipsis):
    if ellipsis:
        return RuntimeError(f"einsum(): the number of subscripts in the equation ({n}) is more "
                            f"than the number of dimensions ({ndim}) for operand {k}")
    return RuntimeError(f"einsum(): the number of subscripts in the equation ({n}) does not "
                        f"match the number of dimensions ({ndim}) for operand {k} and no "
                        "ellipsis was given")


def einsum_repeated_size(label, k, size, first):
    return RuntimeError(f"einsum(): subscript {label} is repeated for operand {k} but the sizes "
                        f"don't match, {size} != {first}")


def einsum_broadcast(label, size, k, seen):
    return RuntimeError(f"einsum(): subscript {label} has size {size} for operand {k} which does "
                        f"not broadcast with previously seen size {seen}")


_REMOVED_SINCE_1_9 = "This function was deprecated since version 1.9 and is now removed."
_REMOVED_ADVICE = {
    "matrix_rank": (
        "\nPlease use the `torch.linalg.matrix_rank` function instead. The parameter 'symmetric' "
        "was renamed in `torch.linalg.matrix_rank()` to 'hermitian'."),
    "eig": (
        " `torch.linalg.eig` returns complex tensors of dtype `cfloat` or `cdouble` rather than "
        "real tensors mimicking complex tensors.\n\nL, _ = torch.eig(A) should be replaced "
        "with:\nL_complex = torch.linalg.eigvals(A)\n\nand\n\nL, V = torch.eig(A, "
        "eigenvectors=True) should be replaced with:\nL_complex, V_complex = torch.linalg.eig(A)"),
    "symeig": (
        " The default behavior has changed from using the upper triangular portion of the matrix "
        "by default to using the lower triangular portion.\n\nL, _ = torch.symeig(A, "
        "upper=upper) should be replaced with:\nL = torch.linalg.eigvalsh(A, UPLO='U' if upper "
        "else 'L')\n\nand\n\nL, V = torch.symeig(A, eigenvectors=True) should be replaced "
        "with:\nL, V = torch.linalg.eigh(A, UPLO='U' if upper else 'L')"),
    "lstsq": (
        " `torch.lstsq` is deprecated in favor of `torch.linalg.lstsq`.\n`torch.linalg.lstsq` has "
        "reversed arguments and does not return the QR decomposition in the returned tuple "
        "(although it returns other information about the problem).\n\nTo get the QR "
        "decomposition consider using `torch.linalg.qr`.\n\nThe returned solution in "
        "`torch.lstsq` stored the residuals of the solution in the last m - n columns of the "
        "returned value whenever m > n. In torch.linalg.lstsq, the residuals are in the field "
        "'residuals' of the returned named tuple.\n\nThe unpacking of the solution, as in\nX, _ "
        "= torch.lstsq(B, A).solution[:A.size(1)]\nshould be replaced with:\nX = "
        "torch.linalg.lstsq(A, B).solution"),
    "solve": (
        " `torch.solve` is deprecated in favor of `torch.linalg.solve`. `torch.linalg.solve` has "
        "its arguments reversed and does not return the LU factorization.\n\nTo get the LU "
        "factorization see `torch.lu`, which can be used with `torch.lu_solve` or "
        "`torch.lu_unpack`.\nX = torch.solve(B, A).solution should be replaced with:\nX = "
        "torch.linalg.solve(A, B)"),
}


def removed_since_1_9(name):
    """torch.matrix_rank / eig / symeig / lstsq / solve: the name stays, calling it says what
    replaces it."""
    return RuntimeError(_REMOVED_SINCE_1_9 + _REMOVED_ADVICE[name])
