"""Messages of nested tensors (ember/nested/)."""

__all__ = ["nested_jagged_not_implemented", "nested_irregular_dim", "nested_no_sizes",
           "nested_layout_unsupported", "nested_empty_list", "nested_zero_dim_list",
           "nested_dim_mismatch", "nested_jagged_dim_mismatch", "nested_jagged_one_ragged",
           "nested_as_nested_input", "nested_convert_layout", "nested_from_jagged_no_offsets",
           "nested_jagged_dim_arg", "nested_narrow_strided_dim", "nested_narrow_strided_ints",
           "nested_narrow_jagged_dim", "nested_padded_holes", "nested_padded_output_dims",
           "nested_padded_truncation", "nested_jagged_binary", "nested_strided_broadcast",
           "nested_strided_dense", "nested_strided_both", "nested_op_batch_dim",
           "nested_jagged_ragged_reduce", "nested_softmax_ragged", "nested_strided_softmax",
           "nested_strided_keepdim", "nested_strided_reduce_dim", "nested_transpose_batch_jagged",
           "nested_transpose_batch_strided", "nested_unbind_jagged", "nested_unbind_strided",
           "nested_slice_batch", "nested_jagged_matmul", "nested_strided_linear",
           "nested_strided_layer_norm", "nested_no_attribute", "nested_strided_reduce_dims",
           "nested_grad_dtype", "nested_shape_dim", "nested_unflatten_ragged", "nested_view",
           "nested_view_ragged", "nested_cat_structure", "nested_sdpa_inputs",
           "nested_sdpa_mask", "nested_strided_prototype", "nested_batch_dim_op",
           "nested_chunk_last_dim", "nested_chunk_divisible", "nested_cat_dense"]


def nested_jagged_not_implemented(op):
    return NotImplementedError(f"aten.{op}.default")


def nested_irregular_dim(dim):
    return RuntimeError(f"Given dimension {dim} is irregular and does not have a size.")


def nested_no_sizes():
    return RuntimeError("Internal error: NestedTensorImpl doesn't support sizes. Please file an "
                        "issue.")


def nested_layout_unsupported(layout):
    return RuntimeError(f"Specified layout is unsupported for nested tensors: {layout}")


def nested_empty_list():
    return RuntimeError("Cannot construct a nested tensor from an empty tensor list")


def nested_zero_dim_list():
    return RuntimeError("Cannot construct a nested tensor from a list of zero-dim tensors")


def nested_dim_mismatch(index, dim, first):
    return RuntimeError(f"All Tensors given to nested_tensor must have the same dimension. Found "
                        f"dimension {dim} for Tensor at index {index} and dimension {first} for "
                        "Tensor at index 0.")


def nested_jagged_dim_mismatch():
    return RuntimeError("When constructing a nested tensor, all tensors in list must have the "
                        "same dim")


def nested_jagged_one_ragged():
    return RuntimeError("Cannot represent given tensor list as a nested tensor with the jagged "
                        "layout. Note that the jagged layout only allows for a single ragged "
                        "dimension. For example: (B, *, D_0, D_1, ..., D_N), with ragged * dim.")


def nested_as_nested_input():
    return TypeError("as_nested_tensor(): Expected first argument to be a tensor or a list / "
                     "tuple of tensors ")


def nested_convert_layout():
    return RuntimeError("as_nested_tensor(): Converting between nested tensor layouts is not "
                        "supported")


def nested_from_jagged_no_offsets():
    return RuntimeError("nested_tensor_from_jagged(): At least one of offsets or lengths is "
                        "required.")


def nested_jagged_dim_arg(dim):
    return ValueError(f"Expected jagged_dim >=1, but got {dim}.")


def nested_narrow_strided_dim(dim):
    return RuntimeError(f"narrow(): only dim=0 supported for nested tensors, but got: {dim}")


def nested_narrow_strided_ints():
    return RuntimeError("start and length must be integers for the strided layout NT impl")


def nested_narrow_jagged_dim():
    return RuntimeError("jagged layout only supports dim=1")


def nested_padded_holes():
    return RuntimeError("to_padded_tensor(): not supported for nested tensors with holes")


def nested_padded_output_dims():
    return RuntimeError("Length of output_size does not match NestedTensor dims. Broadcasting "
                        "is not supported.")


def nested_padded_truncation():
    return RuntimeError("Value in output_size is less than NestedTensor padded size. Truncation "
                        "is not supported.")


def nested_jagged_binary(op, a_shape, b_shape):
    return RuntimeError(f"cannot call binary pointwise function {op} with inputs of shapes "
                        f"{a_shape} and {b_shape}")


def nested_strided_broadcast(op):
    return RuntimeError(f"{op} does not support broadcasting when given a NestedTensor")


def nested_strided_dense():
    return RuntimeError("Expected both self and other to be nested, but got a nested self and "
                        "non-nested other")


def nested_strided_both():
    return RuntimeError("Expected both to be nested, but got a nested self and non-nested other")


def nested_op_batch_dim(op):
    return RuntimeError(f"{op}(): reducing along the batch dimension but not the ragged "
                        "dimension is not supported for nested tensors")


def nested_jagged_ragged_reduce(op):
    return RuntimeError(f"{op}(): reducing along a ragged and non-batch dimension is not "
                        "supported for nested tensors")


def nested_softmax_ragged(batch):
    what = ("when reducing across the batch dimension" if batch else
            "when reducing along the ragged dimension for ragged_idx > 1")
    return RuntimeError(f"softmax(): not supported {what} for NestedTensor")


def nested_strided_softmax(dim):
    return RuntimeError(f"Cannot apply softmax across nested dimension {dim}")


def nested_strided_keepdim():
    return RuntimeError("NestedTensor always requires keepdim=True for now.")


def nested_strided_reduce_dim(dim):
    return RuntimeError("NestedTensor can only be reduced across the last dimension for now got "
                        f"dimension {dim} instead.")


def nested_transpose_batch_jagged():
    return ValueError("Transpose is not supported on the batch dimension for jagged NT")


def nested_transpose_batch_strided():
    return RuntimeError("Nested tensor dimension 0 cannot be transposed")


def nested_unbind_jagged():
    return RuntimeError("unbind(): only supported for NestedTensor on dim=0")


def nested_unbind_strided(dim):
    return RuntimeError(f"NestedTensor can only be unbound along dimension 0 got dimension {dim} "
                        "instead.")


def nested_slice_batch():
    return RuntimeError("slice(): not supported for NestedTensor on dim=0")


def nested_jagged_matmul(a_shape, b_shape):
    return RuntimeError(f"matmul(): not supported between inputs of shapes {a_shape} and "
                        f"{b_shape}")


def nested_strided_linear(last_dim, in_features):
    return RuntimeError("Shape mismatch for NestedTensor Linear: Expected input's (a nested "
                        "tensor) 'last_dim' to equal 'weight.size(1), but got: last_dim = "
                        f"{last_dim}, and weight.size(1) = {in_features}")


def nested_strided_layer_norm():
    return ValueError("NestedTensor layer_norm requires weight and bias")


def nested_no_attribute(name):
    return AttributeError(f"'Tensor' object has no attribute '{name}'")


def nested_strided_reduce_dims():
    return RuntimeError("NestedTensor only allows reduction of a single dimension for now.")


def nested_grad_dtype(layout):
    kinds = "floating point and complex" if layout.name == "strided" else "floating point"
    return RuntimeError(f"{'O' if layout.name == 'strided' else 'o'}nly Tensors of {kinds} dtype "
                        "can require gradients")


def nested_shape_dim(op, what):
    return RuntimeError(f"{op}(): not supported for NestedTensor on {what}")


def nested_unflatten_ragged(sizes, dim, size):
    return RuntimeError(f"unflatten: Provided sizes {sizes} don't multiply up to the size of dim "
                        f"{dim} ({size}) in the input tensor")


def nested_view(shape, size):
    return RuntimeError(f"view(): cannot view shape {shape} as {size}")


def nested_view_ragged(shape, size):
    return RuntimeError(f"view(): does not support ragged_idx != 1 except when inp._size == size. "
                        f"inp._size is ({shape}) and size is ({size}).")


def nested_cat_structure():
    return RuntimeError("cat(): expected all nested tensors to have matching ragged structures "
                        "outside of the concatenated dim")


def nested_sdpa_inputs(q, k, v):
    return ValueError(f"Expected query, key, and value to be nested tensors, but got "
                      f"query.is_nested: {q}, key.is_nested: {k}, and value.is_nested: {v} "
                      "instead.")


def nested_sdpa_mask():
    return ValueError("Masks are not yet supported!")


def nested_strided_prototype():
    return UserWarning("The PyTorch API of nested tensors is in prototype stage and will change "
                       "in the near future. We recommend specifying layout=torch.jagged when "
                       "constructing a nested tensor, as this layout receives active "
                       "development, has better operator coverage, and works with "
                       "torch.compile.")


def nested_batch_dim_op(op, doing):
    return RuntimeError(f"{op}(): For nested tensors, {doing} dimension 0 is not supported at the "
                        "moment if you need this feature, please open an issue on github "
                        "describing your use case.")


def nested_chunk_last_dim():
    return RuntimeError("Chunk for nested tensors is currently only supported for the last "
                        "dimension.")


def nested_chunk_divisible(size, chunks):
    return RuntimeError("Chunk for nested tensors is only supported for nested tensors with "
                        f"trailing dimension divisible by chunks, got: {size} % {chunks} != 0")


def nested_cat_dense():
    return RuntimeError("cat(): expected each tensor in given list to be nested")
