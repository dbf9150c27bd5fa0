"""Lazy modules, fractional max pooling, adaptive log-softmax, cross-map LRN and the
nn.utils helpers skip_init / memory-format conversion."""


def lazy_not_initialized(name):
    return RuntimeError(f"module {name} has not been fully initialized")


def lazy_data_parallel():
    return RuntimeError("Modules with uninitialized parameters can't be used with "
                        "`DataParallel`. Run a dummy forward pass to correctly initialize the "
                        "modules")


def lazy_conv_input_dims(no_batch, name, shape):
    return RuntimeError(f"Expected {no_batch}D (unbatched) or {no_batch + 1}D (batched) input "
                        f"to {name}, but got input of size: {shape}")


def fractional_pool_no_output(name):
    return ValueError(f"{name} requires specifying either an output size, or a pooling ratio")


def fractional_pool_both_outputs():
    return ValueError("only one of output_size and output_ratio may be specified")


def fractional_pool_ratio_range(ratio):
    return ValueError(f"output_ratio must be between 0 and 1 (got {ratio})")


def fractional_pool_kernel_positive(kernel_size):
    return ValueError(f"kernel_size must be greater than 0, but got {kernel_size}")


def asm_cutoffs_empty():
    return ValueError("cutoffs should be a sequence of length larger than 0")


def asm_cutoffs_invalid():
    return ValueError("cutoffs should be a sequence of unique, positive integers sorted in an "
                      "increasing order, where each value is between 1 and n_classes-1")


def asm_batch_mismatch():
    return RuntimeError("Input and target should have the same size in the batch dimension.")


def asm_input_dims(target_dim, input_dim, size):
    return RuntimeError(f"{target_dim}D target tensor expects {input_dim}D input tensors, "
                        f"but found inputs with size {size}")


def asm_target_range(n_classes, lo, hi):
    return RuntimeError(f"Target values should be in [0, {n_classes - 1}], but values in range "
                        f"[{lo}, {hi}] were found. ")


def cross_map_lrn_dims(dim):
    return ValueError(f"CrossMapLRN2d: Expected input to be 4D, got {dim}D instead.")


def lce_weight_shape(num_classes, shape):
    return RuntimeError(f"expected weight shape to be {(num_classes,)}, got {shape}")


def lce_label_smoothing(value):
    return RuntimeError(f"expected label_smoothing to be in range [0, 1], got {value}")


def skip_init_not_module(cls):
    return RuntimeError(f"Expected a Module; got {cls}")


def skip_init_no_device():
    return RuntimeError("Module must support a 'device' arg to skip initialization")


def nllloss2d_deprecated():
    return FutureWarning("`NLLLoss2d` has been deprecated. Please use `NLLLoss` instead as a "
                         "drop-in replacement and see "
                         "https://pytorch.org/docs/main/nn.html#torch.nn.NLLLoss for more "
                         "details.")
