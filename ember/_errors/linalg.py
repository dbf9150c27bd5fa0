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


def _batch_prefix(arr, bad):
    """'(Batch element i): ' for the first failing matrix of a batch, '' for a single one."""
    import numpy as np
    if arr.ndim <= 2:
        return ""
    return f"(Batch element {int(np.flatnonzero(bad.reshape(-1))[0])}): "


def linalg_inv_singular(arr):
    import numpy as np
    rank = np.linalg.matrix_rank(arr)
    bad = rank < arr.shape[-1]
    first = int(np.asarray(rank).reshape(-1)[np.flatnonzero(np.asarray(bad).reshape(-1))[0]])
    return LinAlgError(f"linalg.inv: {_batch_prefix(arr, np.asarray(bad))}The diagonal element "
                       f"{first + 1} is zero, the inversion could not be completed because the "
                       "input matrix is singular.")


def linalg_singular(name):
    return LinAlgError(f"{name}: The solver failed because the input matrix is singular.")


def cholesky_not_pd(arr):
    import numpy as np
    n = arr.shape[-1]
    # smallest k whose leading k x k minor is not positive-definite (error path only)
    ok = np.ones(arr.shape[:-2] + (n + 1,), bool)
    for k in range(1, n + 1):
        ok[..., k] = np.linalg.eigvalsh(arr[..., :k, :k]).min(-1) > 0
    order = np.argmin(ok, axis=-1)
    bad = order > 0
    first = int(order.reshape(-1)[np.flatnonzero(bad.reshape(-1))[0]])
    return LinAlgError(f"linalg.cholesky: {_batch_prefix(arr, bad)}The factorization could not "
                       "be completed because the input is not positive-definite (the leading "
                       f"minor of order {first} is not positive-definite).")


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


def solve_shapes(left, shape_a, shape_b):
    return RuntimeError(f"linalg.solve: Incompatible shapes of A and B for the equation "
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
