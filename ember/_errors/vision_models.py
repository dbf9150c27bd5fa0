"""Messages of torchvision's model builders (``torchvision.models``) beyond the first few in
``vision.py``."""


def mobilenet_v3_stride():
    return ValueError("illegal stride value")


def value_should_be(what, expected, got):
    return ValueError(f"{what} should be {expected} instead of {got}")


def mnasnet_repeats(repeats):
    return ValueError(f"repeats should be >= 1, instead got {repeats}")


def mnasnet_v1_checkpoint_warning():
    return ("A new version of MNASNet model has been implemented. Your checkpoint was saved "
            "using the previous version. This checkpoint will load and work as before, but you "
            "may want to upgrade by training a newer model or transfer learning from an updated "
            "ImageNet checkpoint.")


def shufflenet_stride_combination(stride, inp, oup):
    return ValueError(f"Invalid combination of stride {stride}, inp {inp} and oup {oup} values. "
                      "If stride == 1 then inp should be equal to oup // 2 << 1.")


def shufflenet_list(what, n):
    return ValueError(f"expected {what} as list of {n} positive ints")


def regnet_settings():
    return ValueError("Invalid RegNet settings")


def init_weights_future_warning(model):
    return (f"The default weight initialization of {model} will be changed in future releases "
            "of torchvision. If you wish to keep the old behavior (which leads to long "
            "initialization times due to scipy/scipy#11299), please set init_weights=True.")


def googlenet_aux_not_pretrained_warning():
    return ("auxiliary heads in the pretrained googlenet model are NOT pretrained, so make sure "
            "to train them")


def setting_empty(name):
    return ValueError(f"The {name} should not be empty")


def setting_type(name, item):
    return TypeError(f"The {name} should be List[{item}]")


def swin_window_shift_length():
    return ValueError("window_size and shift_size must be of length 2")


def maxvit_head_dim(feat_dim, head_dim):
    return ValueError(f"feat_dim: {feat_dim} must be divisible by head_dim: {head_dim}")


def maxvit_partition_type():
    return ValueError("partition_type must be either 'grid' or 'window'")


def maxvit_p_stochastic(n_layers, p_stochastic):
    return ValueError(f"p_stochastic must have length n_layers={n_layers}, "
                      f"got p_stochastic={p_stochastic}.")


def maxvit_input_size(block_input_size, idx, partition_size, block_input_sizes):
    return ValueError(
        f"Input size {block_input_size} of block {idx} is not divisible by partition size "
        f"{partition_size}. Consider changing the partition size or the input size.\n"
        f"Current configuration yields the following block input sizes: {block_input_sizes}.")


def return_layers_missing():
    return ValueError("return_layers are not present in model")


def no_aux_loss():
    return NotImplementedError("This model does not use auxiliary loss")


def pos_embedding_shape(shape):
    return ValueError(f"Unexpected position embedding shape: {shape}")


def seq_length_not_square(squared, seq_length):
    return ValueError(f"seq_length is not a perfect square! Instead got seq_length_1d * "
                      f"seq_length_1d = {squared} and seq_length = {seq_length}")
