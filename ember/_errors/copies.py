"""The copying variants of view ops, resizing and strided allocation, index arithmetic."""
from .base import legacy_scalar_type


def scatter_src_size(src_shape, slice_shape):
    return RuntimeError("expected src to have a size equal to the slice of self. src size = "
                        f"{list(src_shape)}, slice size = {list(slice_shape)}")


def sum_to_size_not_expandable(size, shape):
    return RuntimeError(f"size {{{list(size)}}} is not expandable to size {{{list(shape)}}}.")


def norm_input_dtype(dtype):
    return RuntimeError("norm(): input dtype should be either floating point or complex. Got "
                        f"{legacy_scalar_type(dtype)} instead.")


def unravel_index_dtype(dtype):
    return TypeError(f"expected 'indices' to be integer dtype, but got {dtype}")


def nonzero_static_size():
    return RuntimeError("nonzero_static: 'size' must be an non-negative integer")


def tri_indices_negative(what, value):
    return RuntimeError(f"{what} must be non-negative, got{value}")


def strided_ndim(size, stride):
    return RuntimeError(f"dimensionality of sizes ({len(size)}) must match dimensionality of "
                        f"strides ({len(stride)})")


def physical_layout_ndim(size, layout):
    return RuntimeError("Number of dimensions in size does not match the length of the "
                        f"physical_layout; i.e. len(size) = {len(size)} is not equal to "
                        f"len(physical_layout) = {len(layout)}")


def resize_requires_grad():
    return RuntimeError("cannot resize variables that require grad")


def index_reduce_reduce_arg(reduce):
    return RuntimeError("index_reduce(): Expected reduce to be one of prod, mean, amax or amin "
                        f"but got {reduce}.")


def index_reduce_index_dtype(dtype):
    return RuntimeError("index_reduce_(): Expected dtype int32/int64 for index but got: "
                        f"{legacy_scalar_type(dtype)}")


def hash_tensor_mode(mode):
    return RuntimeError(f"Unknown hash_tensor mode: {mode}")


def hash_tensor_empty():
    return RuntimeError("hash_tensor: Expected reduction dim to be specified for input.numel() == "
                        "0. Specify the reduction dim with the 'dim' argument.")


def hash_tensor_empty_dim(d):
    return IndexError(f"hash_tensor: Expected reduction dim {d} to have non-zero size.")
