"""Messages of torchvision's video classifiers and optical-flow models
(``torchvision.models.video``, ``torchvision.models.optical_flow``)."""


def raft_image_shapes(h, w, other):
    return ValueError(f"input images should have the same shape, instead got ({h}, {w}) != "
                      f"{other}")


def raft_image_size(h, w):
    return ValueError(f"input image H and W should be divisible by 8, instead got {h} (h) and "
                      f"{w} (w)")


def raft_fmap_shapes(shape1, shape2):
    return ValueError(f"Input feature maps should have the same shape, instead got {shape1} "
                      f"(fmap1.shape) != {shape2} (fmap2.shape)")


def raft_fmap_too_small(min_size, got):
    return ValueError(
        "Feature maps are too small to be down-sampled by the correlation pyramid. "
        f"H and W of feature maps should be at least {min_size}; got: {got}. "
        "Remember that input images to the model are downsampled by 8, so that means their "
        f"dimensions should be at least 8 * {min_size} = {8 * min_size}.")


def raft_layers(what, expected, got):
    return ValueError(f"The expected number of {what} is {expected}, instead got {got}")


def raft_context_channels(got, hidden):
    return ValueError(f"The context encoder outputs {got} channels, but it should have at "
                      f"strictly more than hidden_state={hidden} channels")


def mvit_input_dimension(shape):
    return ValueError(f"Unsupported input dimension {shape}")


def mvit_empty_setting():
    return ValueError("The configuration parameter can't be empty.")


def raft_corr_layers(got):
    return ValueError(f"The number of corr_layers should be 1 or 2, instead got {got}")


def raft_kernel_padding_lengths(kernel, padding):
    return ValueError(f"kernel_size should have the same length as padding, instead got "
                      f"len(kernel_size) = {kernel} and len(padding) = {padding}")


def raft_kernel_count(got):
    return ValueError(f"kernel_size should either 1 or 2, instead got {got}")


def raft_update_block_hidden_size():
    return ValueError("The update_block parameter should expose a 'hidden_state_size' attribute.")


def raft_encoder_downsample(which):
    return ValueError(f"The {which} encoder should downsample H and W by 8")
