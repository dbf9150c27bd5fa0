"""nn.utils: clipping, vectors, fusion, weight/spectral norm, packed sequences, parametrize."""

# ---- nn.utils: clipping, vectors, fusion, weight/spectral norm, packed sequences -------------
def clip_grad_nonfinite(norm_type):
    return RuntimeError(f"The total norm of order {norm_type} for gradients from `parameters` "
                        "is non-finite, so it cannot be clipped. To disable this error and "
                        "scale the gradients by the non-finite norm anyway, set "
                        "`error_if_nonfinite=False`")


def clip_grad_empty_generator_warning():
    return UserWarning("`parameters` is an empty generator, no gradient clipping will occur.")


def parameters_on_two_devices():
    return TypeError("Found two parameters on different devices, this is currently not "
                     "supported.")


def vector_not_tensor(typename):
    return TypeError(f"expected torch.Tensor, but got: {typename}")


def fusion_eval_only():
    return AssertionError("Fusion only for eval!")


def fusion_running_stats():
    return AssertionError("bn.running_mean and bn.running_var must not be None")


def fusion_linear_features(out_features, num_features):
    return AssertionError("To fuse, linear.out_features == bn.num_features or "
                          f"bn.num_features == 1, got linear.out_features={out_features} and "
                          f"bn.num_features={num_features}")


def weight_hook_twice(api, name):
    return RuntimeError(f"Cannot register two {api} hooks on the same parameter {name}")


def weight_hook_missing(api, name, module):
    return ValueError(f"{api} of '{name}' not found in {module}")


def weight_norm_deprecated():
    return FutureWarning("`torch.nn.utils.weight_norm` is deprecated in favor of "
                         "`torch.nn.utils.parametrizations.weight_norm`.")


def power_iterations_positive(n_power_iterations):
    return ValueError("Expected n_power_iterations to be positive, but got "
                      f"n_power_iterations={n_power_iterations}")


def spectral_norm_dim(dim, ndim):
    return IndexError("Dimension out of range (expected to be in range of "
                      f"[-{ndim}, {ndim - 1}] but got {dim})")


def spectral_norm_no_tensor(module, name):
    return ValueError(f"Module '{module}' has no parameter or buffer with name '{name}'")


def packed_sequence_data():
    return AssertionError("Expected data to be a list or tuple of length 2")


def packed_batch_sizes_device():
    return ValueError("batch_sizes should always be on CPU. Instances of PackedSequence should "
                      "never be created manually. They should be instantiated by functions like "
                      "pack_sequence and pack_padded_sequences in nn.utils.rnn. "
                      "https://pytorch.org/docs/stable/nn.html#torch.nn.utils.rnn.pack_sequence")


def pack_lengths_type(lengths):
    return RuntimeError("'lengths' argument should be a 1D CPU int64 tensor, but got "
                        f"{lengths.dim()}D {lengths.device} Long tensor")


def pack_lengths_batch(n, batch_size):
    return RuntimeError(f"Expected `len(lengths)` to be equal to batch_size, but got {n} "
                        f"(batch_size={batch_size})")


def pack_lengths_unsorted():
    return RuntimeError("`lengths` array must be sorted in decreasing order when "
                        "`enforce_sorted` is True. You can pass `enforce_sorted=False` to "
                        "pack_padded_sequence and/or pack_sequence to sidestep this requirement "
                        "if you do not need ONNX exportability.")


def pack_lengths_positive():
    return RuntimeError("Length of all samples has to be greater than 0, but found an element "
                        "in 'lengths' that is <= 0")


def pad_total_length(total_length, max_length):
    return ValueError("Expected total_length to be at least the length of the longest sequence "
                      f"in input, but got total_length={total_length} and max sequence length "
                      f"being {max_length}")


def pad_sequence_iterable(sequences):
    return RuntimeError("pad_sequence: Expected iterable for input sequences, but got arg of "
                        f"type: {type(sequences)}")


def pad_sequence_empty():
    return RuntimeError("received an empty list of sequences")


def pad_sequence_side(padding_side):
    return RuntimeError("Expected padding_side to be one of left or right, but got "
                        f"{padding_side}.")


def output_broadcast_shape(out_shape, shape):
    """Copying into an output whose shape is not the broadcast shape (``copy_``, ``out=``)."""
    return RuntimeError(f"output with shape {list(out_shape)} doesn't match the broadcast shape "
                        f"{list(shape)}")


# ---- nn.utils.parametrize --------------------------------------------------------------------
def parametrization_list_empty():
    return ValueError("ParametrizationList requires one or more modules.")


def parametrization_not_tensor(result):
    return ValueError(f"A parametrization must return a tensor. Got {type(result).__name__}.")


def parametrization_changed(attr, before, after):
    """The first parametrization of a tensor changed its dtype or shape."""
    return ValueError(f"Registering a parametrization may not change the {attr} of the tensor, "
                      f"unless `unsafe` flag is enabled.\nunparametrized {attr}: {before}\n"
                      f"parametrized {attr}: {after}")


def parametrization_changed_chained(tensor_name, attr, before, after):
    """A parametrization appended to a parametrized tensor changed its dtype or shape."""
    return ValueError(f"Registering a parametrization may not change the {attr} of the tensor, "
                      f"unless the `unsafe` flag is enabled.\nmodule.{tensor_name}.{attr}: "
                      f"{before}\nparametrization(module.{tensor_name}).{attr}: {after}")


def right_inverse_type(result, index=None):
    got = (type(result).__name__ if index is None else
           f"element {index} of the sequence with type {type(result).__name__}.")
    return ValueError("'right_inverse' must return a Tensor or a Sequence of tensors (list, "
                      f"tuple...). Got {got}")


def right_inverse_one_dtype(original_dtype, new_dtype):
    return ValueError("When `right_inverse` outputs one tensor, it may not change the dtype.\n"
                      f"original.dtype: {original_dtype}\n"
                      f"right_inverse(original).dtype: {new_dtype}")


def right_inverse_missing(parametrization):
    return RuntimeError(f"parametrization {type(parametrization).__name__} does not implement "
                        "right_inverse.")


def right_inverse_not_tensor(value):
    return ValueError(f"`right_inverse` should return a tensor. Got {type(value).__name__}")


def right_inverse_dtype(dtype, original_dtype, index=None):
    which, original = ("The tensor", "original") if index is None else \
        (f"Tensor {index}", f"original{index}")
    return ValueError(f"{which} returned by `right_inverse` has dtype {dtype} while `{original}` "
                      f"has dtype {original_dtype}")


def right_inverse_not_sequence(value):
    return ValueError("'right_inverse' must return a sequence of tensors. Got "
                      f"{type(value).__name__}.")


def right_inverse_length(ntensors, n):
    return ValueError(f"'right_inverse' must return a sequence of tensors of length {ntensors}. "
                      f"Got a sequence of length {n}.")


def right_inverse_element(index, element):
    return ValueError("'right_inverse' must return a sequence of tensors or reference-type "
                      f"opaques. Got element {index} of type {type(element).__name__}.")


def right_inverse_chained_type(result):
    return ValueError("parametrization.right_inverse must return a tensor. Got: "
                      f"{type(result).__name__}")


def right_inverse_chained_changed(tensor_name, attr, before, after):
    return ValueError("The tensor returned by parametrization.right_inverse must have the same "
                      f"{attr} as module.{tensor_name}, unless the `unsafe` flag is enabled.\n"
                      f"module.{tensor_name}.{attr}: {before}\nreturned {attr}: {after}")


def parametrized_pickle():
    return RuntimeError("Serialization of parametrized modules is only supported through "
                        "state_dict(). See:\nhttps://pytorch.org/tutorials/beginner/"
                        "saving_loading_models.html#saving-loading-a-general-checkpoint-for-"
                        "inference-and-or-resuming-training")


def parametrize_attribute_exists(tensor_name):
    return AssertionError(f"Module already has an attribute named '{tensor_name}'")


def parametrize_no_tensor(module, tensor_name):
    return ValueError(f"Module '{module}' does not have a parameter, a buffer, or a "
                      f"parametrized element with name '{tensor_name}'")


def parametrize_not_parametrized(module, tensor_name):
    return ValueError(f"Module {module} does not have a parametrization on {tensor_name}")


def parametrize_leave_sequence():
    return ValueError("Cannot leave unparametrized (`leave_parametrized=False`) a tensor that "
                      "is parametrized in terms of a sequence of tensors.")


# ---- nn.utils.parametrizations.orthogonal ----------------------------------------------------
def orthogonal_matrix_ndim(ndim):
    return ValueError(f"Expected a matrix or batch of matrices. Got a tensor of {ndim} "
                      "dimensions.")


def orthogonal_map_unknown(orthogonal_map):
    return ValueError('orthogonal_map has to be one of "matrix_exp", "cayley", "householder". '
                      f"Got: {orthogonal_map}")


def orthogonal_householder_complex():
    return ValueError("The householder parametrization does not support complex tensors.")


def orthogonal_shape(expected, got):
    return ValueError(f"Expected a matrix or batch of matrices of shape {expected}. "
                      f"Got a tensor of shape {got}.")


def orthogonal_no_trivialization_assign():
    return NotImplementedError("It is not possible to assign to the matrix exponential or the "
                               "Cayley parametrizations when use_trivialization=False.")
