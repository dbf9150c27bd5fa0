"""nn.functional's argument checks."""
from .base import legacy_scalar_type


# ---- nn.functional ---------------------------------------------------------------------------
def softmax_implicit_dim(name):
    return UserWarning(f"Implicit dimension choice for {name} has been deprecated. Change the "
                       "call to include dim=X as an argument.")


def sdpa_causal_with_mask():
    return RuntimeError("_scaled_dot_product_attention: Explicit attn_mask should not be set "
                        "when is_causal=True")


def mha_query_dims(qd):
    return AssertionError("query should be unbatched 2D or batched 3D tensor but received "
                          f"{qd}-D query tensor")


def mha_key_value_dims(kind, qd, key, value):
    return AssertionError(f"For {kind} `query`, expected `key` and `value` to be {qd}-D but "
                          f"found {key.dim()}-D and {value.dim()}-D tensors respectively")


def mha_key_padding_mask_dims(kind, qd, key_padding_mask):
    return AssertionError(f"For {kind} `query`, expected `key_padding_mask` to be `None` or "
                          f"{qd - 1}-D but found {key_padding_mask.dim()}-D tensor instead")


def mha_mask_dtype(mask_name):
    return AssertionError(f"only bool and floating types of {mask_name} are supported")


def mha_attn_mask_nd_shape(attn_mask, expected):
    return RuntimeError(f"The shape of the {attn_mask.dim()}D attn_mask is {attn_mask.shape}, but "
                        f"should be {expected}.")


def mha_static_size(name, static, dim, expected):
    return AssertionError(f"expecting {name}.size({dim}) of {expected}, but got "
                          f"{static.size(dim)}")


def mha_causal_needs_mask():
    return RuntimeError("Need attn_mask if specifying the is_causal hint. You may use the "
                        "Transformer module method `generate_square_subsequent_mask` to "
                        "create this mask.")


def mha_embed_dim(embed_dim_to_check, embed_dim):
    return AssertionError(f"was expecting embedding dimension of {embed_dim_to_check}, but "
                          f"got {embed_dim}")


def mha_heads_divisible(embed_dim, num_heads):
    return AssertionError(f"embed_dim {embed_dim} not divisible by num_heads {num_heads}")


def mha_attn_mask_dims(kind, attn_mask):
    return AssertionError(f"For {kind} `query`, expected `attn_mask` to be `None`, 2-D "
                          f"or 3-D but found {attn_mask.dim()}-D tensor instead")


def mha_mask_type_mismatch(mask_name, other_name):
    return UserWarning(f"Support for mismatched {mask_name} and {other_name} is deprecated. "
                       "Use same type for both instead.")


def mha_key_value_batch(key, value):
    return AssertionError(f"key's sequence and batch dims {key.shape[:2]} do not match "
                          f"value's {value.shape[:2]}")


def mha_key_value_shape(key, value):
    return AssertionError(f"key shape {key.shape} does not match value shape "
                          f"{value.shape}")


def mha_attn_mask_dim(attn_mask):
    return RuntimeError(f"attn_mask's dimension {attn_mask.dim()} is not supported")


def mha_bias_static(which):
    """``which``: key or value."""
    return AssertionError(f"bias cannot be added to static {which}.")


def mha_key_padding_size(dim, expected, key_padding_mask):
    """Dim 0 must be the batch size, dim 1 the source length."""
    return AssertionError(f"Expected key_padded_mask.shape[{dim}] to be {expected}, but got "
                          f"{key_padding_mask.shape[dim]}")


def mha_attn_mask_shape(expected, attn_mask):
    return AssertionError(f"Expected `attn_mask` shape to be {expected} but got "
                          f"{attn_mask.shape}")


def mha_bias_missing(given, missing):
    return AssertionError(f"{given} is set but {missing} is None")


def dropout1d_dims(nd):
    return RuntimeError(f"dropout1d: Expected 2D or 3D input, but received a {nd}D input. "
                        "Note that dropout1d exists to provide channel-wise dropout on inputs "
                        "with 1 spatial dimension, a channel dimension, and an optional batch "
                        "dimension (i.e. 2D or 3D inputs).")


def dropout_nd_dims(n, nd):
    """``dropout2d`` / ``dropout3d`` given an input of neither accepted rank."""
    return UserWarning(f"dropout{n}d: Received a {nd}-D input to dropout{n}d, which is deprecated "
                       "and will result in an error in a future release. To retain the behavior "
                       f"and silence this warning, please use dropout instead. Note that "
                       f"dropout{n}d exists to provide channel-wise dropout on inputs with {n} "
                       "spatial dimensions, a channel dimension, and an optional batch dimension "
                       f"(i.e. {n + 1}D or {n + 2}D inputs).")


def dropout2d_3d_input():
    return UserWarning("dropout2d: Received a 3D input to dropout2d and assuming that channel-wise "
                       "1D dropout behavior is desired - input is interpreted as shape (N, C, L), "
                       "where C is the channel dim. This behavior will change in a future release "
                       "to interpret the input as one without a batch dimension, i.e. shape (C, "
                       "H, W). To maintain the 1D channel-wise dropout behavior, please switch to "
                       "using dropout1d instead.")


def reduction_mode_invalid(reduction):
    return ValueError(f"Invalid reduction mode: {reduction}. Expected one of 'none', 'mean', "
                      f"'sum'.")


def elementwise_mean_deprecated():
    return UserWarning("reduction='elementwise_mean' is deprecated. Please use reduction='mean' "
                       "instead.")


def legacy_reduction_deprecated(ret):
    return UserWarning(f"size_average and reduce args will be deprecated, please use "
                       f"reduction='{ret}' instead.")


def loss_target_size_warning(input, target):
    return UserWarning(f"Using a target size ({target.shape}) that is different to the input size "
                       f"({input.shape}). This will likely lead to incorrect results due to "
                       f"broadcasting. Please ensure they have the same size.")


def weights_input_size():
    return ValueError("Weights and input must have the same size.")


def label_smoothing_range(label_smoothing):
    return RuntimeError(f"label_smoothing must be between 0.0 and 1.0. Got: "
                        f"{label_smoothing:g}")


def ce_target_probs_dtype(target):
    return RuntimeError(f"Expected floating point type for target with class probabilities, "
                        f"got {legacy_scalar_type(target.dtype)}")


def ce_ignore_index_probs():
    return RuntimeError("ignore_index is not supported for floating point target")


def bce_target_size_deprecated(input, target):
    return ValueError(f"Using a target size ({target.shape}) that is different to the input "
                      f"size ({input.shape}) is deprecated. Please ensure they have the "
                      f"same size.")


def bce_logits_target_size(input, target):
    return ValueError(f"Target size ({target.shape}) must be the same as input size "
                      f"({input.shape})")


def reduction_not_valid_value(reduction):
    """(Concatenated as torch's ``poisson_nll_loss`` does: a reduction that is not a string
    raises TypeError there, unlike ``reduction_invalid``.)"""
    return ValueError(reduction + " is not a valid value for reduction")


def reduction_not_valid(reduction):
    return ValueError(reduction + " is not valid")


def margin_ranking_dims(input1, input2, target):
    return RuntimeError(f"margin_ranking_loss : All input tensors should have same dimension "
                        f"but got sizes: input1: {input1.shape}, input2: {input2.shape}, "
                        f"target: {target.shape} ")


def cosine_embedding_target(td, input1, input2):
    return RuntimeError(f"{td}D target tensor expects {td + 1}D input tensors, but found inputs "
                        f"with sizes {list(input1.shape)} and {list(input2.shape)}.")


def triplet_dims(a, p, n):
    return RuntimeError(f"The anchor, positive, and negative tensors are expected to have the "
                        f"same number of dimensions, but got: anchor {a}D, positive {p}D, "
                        f"and negative {n}D inputs")


def margin_not_positive(margin):
    return ValueError(f"margin must be greater than 0, got {margin}")


def multi_margin_p():
    return ValueError("only p == 1 and p == 2 supported")


def multi_margin_weight_dim():
    return ValueError("weight must be one-dimensional")


def gaussian_nll_negative_var():
    return ValueError("var has negative entry/entries")


def kl_div_mean_warning():
    return UserWarning("reduction: 'mean' divides the total loss by both the batch size and the "
                       "support size.'batchmean' divides only by the batch size, and aligns with "
                       "the KL div math definition.'mean' will be changed to behave the same as "
                       "'batchmean' in the next major release.")


def gaussian_nll_var_size():
    return ValueError("var is of incorrect size")


def local_response_norm_dims(dim):
    return ValueError(f"Expected 3D or higher dimensionality                          input "
                      f"(got {dim} dimensions)")


def pdist_dims(input):
    return RuntimeError(f"pdist only supports 2D tensors, got: {input.dim()}D")


def adaptive_output_size_range(output_size, out, dflt, si):
    return ValueError(f"invalid output_size \"{list(output_size)}\" (dim {len(out)} "
                      f"must be between {dflt - si} and {dflt + si})")


def embedding_bag_weights_shape(input, per_sample_weights):
    return ValueError(f"embedding_bag: If per_sample_weights ({per_sample_weights.shape}) is "
                      f"not None, then it must have the same shape as the input "
                      f"({input.shape})")


def embedding_bag_weight_dims(weight):
    return ValueError(f"weight has to be a 2D Tensor, but got Tensor of dimension "
                      f"{weight.dim()}")


def embedding_bag_max_sparse():
    return ValueError("max mode does not support sparse weights")


def embedding_bag_mode():
    return ValueError("mode has to be one of sum, mean or max")


def embedding_bag_weights_mode(mode):
    return NotImplementedError(f"embedding_bag: per_sample_weights was not None. "
                               f"per_sample_weights is only supported for mode='sum' (got "
                               f"mode='{mode}'). Please open a feature request on GitHub.")


def embedding_bag_2d_offsets(offsets_type):
    return ValueError(f"if input is 2D, then offsets has to be None, as input is treated "
                      f"is a mini-batch of fixed length sequences. However, found offsets "
                      f"of type {offsets_type}")


def embedding_bag_input_dims(input):
    return ValueError(f"input has to be 1D or 2D Tensor, but got Tensor of dimension "
                      f"{input.dim()}")


def embedding_bag_offsets_none():
    return ValueError("offsets has to be a 1D Tensor but got None")


def embedding_bag_offsets_dims():
    return ValueError("offsets has to be a 1D Tensor")


def interpolate_size_and_scale():
    return ValueError("only one of size or scale_factor should be defined")


def interpolate_no_size_or_scale():
    return ValueError("either size or scale_factor should be defined")


def interpolate_scale_dims(sp, sc):
    return ValueError(f"Input and scale_factor must have the same number of spatial "
                      f"dimensions, but got input with spatial dimensions of {list(sp)} and "
                      f"scale_factor of shape {list(sc)}. Please provide input tensor in "
                      "(N, C, d1, d2, ...,dK) format and scale_factor in (s1, s2, ...,sK) "
                      "format.")


def interpolate_mode_dims(input, mode, linear_dims):
    return NotImplementedError(f"Got {input.dim()}D input, but {mode} mode needs "
                               f"{linear_dims[mode] + 2}D input")


def interpolate_input_dims(input, mode):
    return NotImplementedError(f"Input Error: Only 3D, 4D and 5D input Tensors supported (got "
                               f"{input.dim()}D) for the modes: nearest | linear | bilinear "
                               f"| bicubic | trilinear | area | nearest-exact (got {mode})")


def interpolate_antialias():
    return NotImplementedError("interpolate: antialias=True is not supported by ember")


def upsample_deprecated(name):
    return UserWarning(f"`nn.functional.{name}` is deprecated. Use `nn.functional.interpolate` "
                       "instead.")


def pad_mode_value(mode):
    return RuntimeError(f"Padding mode \"{mode}\" doesn't take in value argument.")


def pad_mode_unknown(mode):
    return NotImplementedError(f"Unrecognised padding mode {mode}")


def pad_size_unsupported(input, pad):
    return NotImplementedError(f"Padding size {len(pad)} is not supported for "
                               f"{input.dim()}D input tensor.")


def interpolate_size_dims(sp, out):
    return ValueError(f"Input and output must have the same number of spatial "
                      f"dimensions, but got input with spatial dimensions of {list(sp)} "
                      f"and output size of {list(out)}. Please provide input tensor in "
                      "(N, C, d1, d2, ...,dK) format and output size in (o1, o2, ...,oK) "
                      "format.")


def interpolate_align_corners():
    return ValueError("align_corners option can only be set with the interpolating "
                      "modes: linear | bilinear | bicubic | trilinear")


def flex_attention_heads(hq, hkv, gqa):
    if not gqa:
        return ValueError(f"Expect query and key/value to have the same number of heads but got "
                          f"Hq={hq} and Hkv={hkv}. Try setting enable_gqa=True for GQA.")
    return ValueError(f"Expect number of query heads to be a multiple of kv heads for GQA but "
                      f"got Hq={hq} and Hkv={hkv}.")


def flex_attention_cpu_backward():
    return NotImplementedError("FlexAttention does not support backward on CPU. Please set the "
                               "input requires_grad to False or use another device.")
