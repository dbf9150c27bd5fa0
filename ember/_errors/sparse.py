"""Messages of sparse COO tensors (ember/_ops/sparse.py)."""

__all__ = ["sparse_backend_not_implemented", "sparse_uncoalesced", "sparse_expected_layout",
           "sparse_to_numpy", "sparse_add_dense", "sparse_size_mismatch", "sparse_nnz_mismatch",
           "sparse_indices_shape", "sparse_index_out_of_bounds", "sparse_negative_index",
           "sparse_density_mismatch", "sparse_add_size_mismatch", "no_storage",
           "sparse_to_sparse_dim", "sparse_dense_to_sparse_dim", "sparse_dim_zero",
           "sparse_mm_shape", "sparse_reshape", "sparse_invariants_nested",
           "sparse_intersection_shapes"]


def sparse_backend_not_implemented(op, backend="SparseCPU"):
    return NotImplementedError(
        f"Could not run 'aten::{op}' with arguments from the '{backend}' backend. This could be "
        "because the operator doesn't exist for this backend, or was omitted during the "
        "selective/custom build process (if using custom build).")


def sparse_uncoalesced(what):
    return RuntimeError(f"Cannot get {what} on an uncoalesced tensor, please call .coalesce() "
                        "first")


def sparse_expected_layout(op):
    return RuntimeError(f"{op} expected sparse coordinate tensor layout but got Strided")


def sparse_to_numpy():
    return TypeError("can't convert Sparse layout tensor to numpy. Use Tensor.to_dense() first.")


def sparse_add_dense():
    return RuntimeError("add(sparse, dense) is not supported. Use add(dense, sparse) instead.")


def sparse_size_mismatch(ndim, sparse_dim, dense_dim):
    return RuntimeError(f"'len(size) == sparse_dim + dense_dim' is not satisfied: len(size) = "
                        f"{ndim}, sparse_dim = {sparse_dim}, dense_dim = {dense_dim}")


def sparse_nnz_mismatch(from_indices, from_values):
    return RuntimeError(f"indices and values must have same nnz, but got nnz from indices: "
                        f"{from_indices}, nnz from values: {from_values}")


def sparse_indices_shape(shape):
    return RuntimeError(f"indices must be sparse_dim x nnz, but got: {list(shape)}")


def sparse_index_out_of_bounds(dim, size, index):
    return RuntimeError(f"size is inconsistent with indices: for dim {dim}, size is {size} but "
                        f"found index {index}")


def sparse_negative_index(index, dim):
    return RuntimeError(f"found negative index {index} for dim {dim}")


def sparse_density_mismatch(a, b):
    return RuntimeError(f"add: expected 'self' and 'other' to have same density, but 'self' has "
                        f"{a} sparse dimensions while 'other' has {b} sparse dimensions")


def sparse_add_size_mismatch(a, b):
    return RuntimeError(f"add: expected 'self' and 'other' to have same size, but self has size "
                        f"{list(a)} while other has size {list(b)} (FYI: dense-sparse addition "
                        "does not currently support broadcasting)")


def no_storage():
    """Reading the data of a tensor that has none (sparse, or batched under vmap)."""
    return RuntimeError("Cannot access data pointer of Tensor that doesn't have storage")


def sparse_to_sparse_dim():
    return RuntimeError("to_sparse: conversion from Sparse to Sparse with sparse_dim argument "
                        "!=self.sparse_dim() is not supported")


def sparse_dense_to_sparse_dim(ndim, sparse_dim):
    return RuntimeError(f"dense_to_sparse: sparse_dim argument must be in [0,{ndim}] range, but "
                        f"{sparse_dim} is given")


def sparse_dim_zero():
    return RuntimeError("dense_to_sparse: sparse_dim argument must be in >0 when self.dim()>0")


def sparse_mm_shape(expected, got):
    return RuntimeError(f"addmm: Argument #3 (dense): Expected dim 0 size {expected}, got {got}")


def sparse_reshape():
    return RuntimeError("reshape is not implemented for sparse tensors")


def sparse_invariants_nested():
    return RuntimeError("This context manager instance is already activated. Use a different "
                        "context manager instance for context nesting.")


def sparse_intersection_shapes():
    return RuntimeError("sparse_binary_op_intersection_cpu(): expects sparse inputs with equal "
                        "dimensionality, number of sparse dimensions, and shape of sparse "
                        "dimensions")
