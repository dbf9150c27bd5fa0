"""nn kernels: normalisation, convolution, pooling, padding, activations, losses."""
from .base import legacy_scalar_type, legacy_type_name


# ---- normalization ---------------------------------------------------------------------------
def _dims(shape):
    return "[" + ", ".join(str(s) for s in shape) + "]"


def norm_param_size(name, expected, got):
    return RuntimeError(f"{name} should contain {expected} elements not {got}")


def norm_running_undefined(name):
    return RuntimeError(f"{name} must be defined in evaluation mode")


def norm_batch_size(size):
    return ValueError(f"Expected more than 1 value per channel when training, got input size "
                      f"{size}")


def norm_spatial_size(size):
    return ValueError(f"Expected more than 1 spatial element when training, got input size "
                      f"{size}")


def norm_eps(eps, training):
    if training:
        return ValueError(f"batch_norm eps must be positive during training, but got {eps}")
    return ValueError(f"batch_norm eps must be non-negative, but got {eps}")


def norm_input_dims(expected, got):
    return ValueError(f"expected {expected} input (got {got}D input)")


def norm_num_features(num_features, got, dim=1):
    return ValueError(f"expected input's size at dim={dim} to match num_features "
                      f"({num_features}), but got: {got}.")


def layer_norm_shape(normalized_shape, shape, sep=", "):
    return RuntimeError(f"Given normalized_shape={_dims(normalized_shape)}, expected input with "
                        f"shape [*{sep}{', '.join(str(s) for s in normalized_shape)}], but got "
                        f"input of size{_dims(shape)}")


def layer_norm_param(name, shape, normalized_shape):
    return RuntimeError(f"Expected {name} to be of same shape as normalized_shape, but got "
                        f"{name} of shape {_dims(shape)} and normalized_shape = "
                        f"{_dims(normalized_shape)}")


def norm_min_dims(ndim):
    return RuntimeError(f"Expected at least 2 dimensions for input tensor but received {ndim}")


def group_norm_groups(shape, num_groups):
    return RuntimeError(f"Expected number of channels in input to be divisible by num_groups, "
                        f"but got input of shape {_dims(shape)} and num_groups={num_groups}")


def group_norm_param(name, shape, input_shape):
    return RuntimeError(f"Expected {name} to be a vector of size equal to the number of channels "
                        f"in input, but got {name} of shape {_dims(shape)} and input of shape "
                        f"{_dims(input_shape)}")


# ---- nn: convolution / pooling -----------------------------------------------------------------
def conv_param_length(name, n, value):
    return RuntimeError(f"expected {name} to be a single integer value or a list of {n} values "
                        f"to match the convolution dimensions, but got {name}={list(value)}")


_CONV_TBC = {
    "input_dims": "Input must have 3 dims: time, batch, in_channel",
    "weight_dims": "Weight tensor must have 3 dims: kernel_width, in_channels, out_channels.",
    "bias_dims": "Bias must be 1-D",
    "channels": "Input dim 2 (input channels) is not == dim 1 in the weight tensor",
    "bias_size": "Bias size must equal dim 2 in the weight tensor (output channels).",
}


def conv_tbc(what):
    """``conv_tbc``'s refusals of its arguments' shapes."""
    return RuntimeError(_CONV_TBC[what])


def conv_grad_output_size(ndim, dim, size, grad_output):
    """``torch.nn.grad``'s check of ``grad_output`` against the convolution's output."""
    return RuntimeError(f"Expected a tensor of dimension {ndim} and tensor.size[{dim}] == {size} "
                        f"but got: dimension {grad_output.dim()} and tensor.size[{dim}] = "
                        f"{grad_output.shape[dim]}")


def conv_input_dim(nsp, name, shape):
    return RuntimeError(f"Expected {nsp + 1}D (unbatched) or {nsp + 2}D (batched) input to "
                        f"{name}, but got input of size: {list(shape)}")


def conv_weight_dim(weight_shape, input_shape):
    return RuntimeError(f"Expected {len(weight_shape)}-dimensional input for "
                        f"{len(weight_shape)}-dimensional weight {list(weight_shape)}, but got "
                        f"{len(input_shape)}-dimensional input of size {list(input_shape)} "
                        "instead")


def conv_dtype(input_dtype, weight_dtype):
    return RuntimeError(f"expected scalar type {legacy_scalar_type(input_dtype)} but found "
                        f"{legacy_scalar_type(weight_dtype)}")


def conv_channels(groups, weight_shape, input_shape, expected, transposed):
    given = "transposed=1, weight of size" if transposed else f"groups={groups}, weight of size"
    return RuntimeError(f"Given {given} {list(weight_shape)}, expected input{list(input_shape)} "
                        f"to have {expected} channels, but got {input_shape[1]} channels "
                        "instead")


def conv_groups_divisible(groups, weight_shape):
    return RuntimeError(f"Given groups={groups}, expected weight to be divisible by {groups} at "
                        f"dimension 0, but got weight of size [{list(weight_shape)}] instead")


def conv_bias(weight_shape, cout, bias_shape):
    return RuntimeError(f"Given weight of size {list(weight_shape)}, expected bias to be "
                        f"1-dimensional with {cout} elements, but got bias of size "
                        f"{list(bias_shape)} instead")


def conv_kernel_too_big(padded, kernel):
    return RuntimeError(f"Calculated padded input size per channel: "
                        f"({' x '.join(map(str, padded))}). Kernel size: "
                        f"({' x '.join(map(str, kernel))}). Kernel size can't be greater than "
                        "actual input size")


def conv_output_padding(output_padding, stride, dilation):
    names = {1: ("width",), 2: ("height", "width"), 3: ("depth", "height", "width")}
    dims = names.get(len(stride), tuple(str(i) for i in range(len(stride))))
    parts = [f"output_padding_{n}: {v}" for n, v in zip(dims, output_padding)]
    parts += [f"stride_{n}: {v}" for n, v in zip(dims, stride)]
    parts += [f"dilation_{n}: {v}" for n, v in zip(dims, dilation)]
    return RuntimeError("output padding must be smaller than either stride or dilation, but got "
                        + " ".join(parts))


def pool_output_too_small(sizes, out):
    return RuntimeError(f"Given input size: ({'x'.join(map(str, sizes))}). Calculated output "
                        f"size: ({'x'.join(map(str, out))}). Output size is too small")


# ---- nn ops: activations, embedding, conv/fold, pooling/padding, losses ----------------------
def celu_alpha_zero():
    return RuntimeError("ZeroDivisionError: alpha cannot be 0 for CELU")


def gelu_approximate_invalid():
    return RuntimeError("approximate argument must be either none or tanh.")


def prelu_weight_dim(weight):
    return RuntimeError(f"prelu: Expected `weight` to be a scalar or 1D tensor, but got: "
                        f"ndim = {weight._data.ndim}")


def glu_scalar():
    return RuntimeError("glu does not support scalars because halving size must be even")


def glu_halving_odd(d, x):
    return RuntimeError(f"Halving dimension must be even, but dimension {d} is size "
                        f"{x.shape[d]}")


def dropout_probability(p, error=RuntimeError):
    """RuntimeError from the op, ValueError from ``nn.Dropout`` / ``F.dropout``."""
    return error(f"dropout probability has to be between 0 and 1, but got {p}")


def embedding_indices_dtype(fn, indices):
    return RuntimeError(f"Expected tensor for argument #1 'indices' to have one of the "
                        f"following scalar types: Long, Int; but got "
                        f"{legacy_type_name(indices)} instead (while checking "
                        f"arguments for {fn})")


def embedding_sparse_freq():
    return RuntimeError("embedding_backward: scale_grad_by_freq not supported with sparse "
                        "gradients")


def embedding_weight_2d():
    return RuntimeError("'weight' must be 2-D")


def embedding_bag_first_offset(offs):
    return RuntimeError(f"offsets[0] has to be 0, i.e., the first sequence in the mini-batch "
                        f"has to start from position 0. However, got {int(offs[0])}")


def embedding_bag_index_range(k, n, idx):
    return RuntimeError(f"Index {k} of input takes value {int(idx[k])} which is not in the "
                        f"valid range [0, {n})")


def one_hot_dtype():
    return RuntimeError("one_hot is only applicable to index tensor of type LongTensor.")


def bilinear_input_size(k, expected, got):
    return RuntimeError(f"bilinear(): input{k} size does not match weight size: got {got} but "
                        f"expected {expected}")


def bilinear_batch_dims(input1, input2):
    return RuntimeError(f"bilinear(): input batch dimensions do not match: got "
                        f"{list(input1._data.shape[:-1])} and "
                        f"{list(input2._data.shape[:-1])}")


def prelu_channel_mismatch(n, c):
    return RuntimeError(f"Mismatch of parameter numbers and input channel size. Found "
                        f"parameter numbers = {n} and channel size = {c}.")


def feature_dropout_dims():
    return RuntimeError("Feature dropout requires at least 2 dimensions in the input")


def one_hot_empty():
    return RuntimeError("Can not infer total number of classes from empty tensor.")


def one_hot_negative():
    return RuntimeError("Class values must be non-negative.")


def one_hot_too_large():
    return RuntimeError("Class values must be smaller than num_classes.")


def conv_nonpositive_groups():
    return RuntimeError("non-positive groups is not supported")


def conv_nonpositive_stride():
    return RuntimeError("non-positive stride is not supported")


def conv_negative_padding():
    return RuntimeError("negative padding is not supported")


def conv_nonpositive_dilation(d):
    return RuntimeError(f"dilation should be greater than zero, but got {list(d)}")


def conv_same_padding_strided(error=RuntimeError):
    """RuntimeError from the op, ValueError from the ``nn.Conv*`` constructors."""
    return error("padding='same' is not supported for strided convolutions")


def im2col_input_dims(a):
    return RuntimeError("Input Error: Only 3D or 4D input Tensors are supported (got "
                        f"{a.ndim}D)")


def col2im_input_dims(a):
    return RuntimeError("Input Error: Only unbatched (2D) or batched (3D) input Tensors are "
                        f"supported (got {a.ndim}D)")


def col2im_kernel_divisible(ks, x):
    return RuntimeError(f"Expected size of input's dimension 1 to be divisible by the product "
                        f"of kernel_size, but got input.size(1)={x.shape[1]} and "
                        f"kernel_size={ks}")


def conv_padding_string(pad):
    return RuntimeError(f"Invalid padding string: '{pad}'")


def reduction_invalid(reduction):
    return ValueError(f"{reduction} is not a valid value for reduction")


def bce_dtype_mismatch(found, expected):
    return RuntimeError(f"Found dtype {legacy_scalar_type(found)} but expected "
                        f"{legacy_scalar_type(expected)}")


def bce_range(which):
    return RuntimeError(f"all elements of {which} should be between 0 and 1")


def target_out_of_bounds(t, bad):
    return IndexError(f"Target {int(t[bad].ravel()[0])} is out of bounds.")


def nll_target_dtype(tdt):
    return RuntimeError(f"expected target dtype to be Long or Byte, but got "
                        f"{legacy_scalar_type(tdt)}")


def nll_input_dims():
    return ValueError("Expected 1 or more dimensions (got 0)")


def nll_batch_size(shape, ts):
    return ValueError(f"Expected input batch_size ({shape[0]}) to match target "
                      f"batch_size ({ts[0] if ts else 1}).")


def target_multi_dim():
    return RuntimeError("0D or 1D target tensor expected, multi-target not supported")


def nll2d_target_dims(ts):
    return RuntimeError(f"only batches of spatial targets supported (3D tensors) but got "
                        f"targets of dimension: {len(ts)}")


def nll2d_size_mismatch(shape, ts):
    return RuntimeError(f"size mismatch (got input: {list(shape)} , target: {list(ts)}")


def nll_target_size(ts, shape):
    return RuntimeError(f"Expected target size {[shape[0], *shape[2:]]}, got {list(ts)}")


def nll_weight_size(c, weight, prefix=""):
    """``prefix``: ``"cross_entropy: "`` where cross_entropy checks it first."""
    return RuntimeError(f"{prefix}weight tensor should be defined either for all {c} classes or "
                        f"no classes but got weight tensor of shape: {list(weight.shape)}")


def multi_margin_input_dims(x):
    return RuntimeError(f"Expected non-empty vector or matrix with optional 0-dim batch size, "
                        f"but got: {list(x.shape)}")


def multi_margin_target_size(n, t, x):
    return RuntimeError(f"multi_margin_loss: target tensor should be 1-D with size equal to "
                        f"the number of input samples (batch size). Expected target size "
                        f"[{n}], but got {list(t.shape)}. Input has shape {list(x.shape)}.")


def target_out_of_range():
    return RuntimeError("target out of range")


def multilabel_target_size(t, x):
    return RuntimeError(f"inconsistent target size: {list(t.shape)} for input of size: "
                        f"{list(x.shape)}")


def target_arg_out_of_range():
    return RuntimeError("argument #2 'target' is out of range")


def ctc_input_lengths(t_max, il):
    return RuntimeError(f"Expected input_lengths to have value at most {t_max}, but got value "
                        f"{int(il.max())} (while checking arguments for "
                        f"ctc_loss_allocate_outputs)")


def ctc_target_size(tgt, tl):
    return RuntimeError(f"Expected tensor to have size at least {int(tl.max())} at dimension "
                        f"1, but got size {tgt.shape[1]} for argument #2 'targets' (while "
                        f"checking arguments for ctc_loss_allocate_outputs)")


def pool_input_dims(msg, nsp):
    return RuntimeError(msg or f"non-empty {nsp + 1}D or {nsp + 2}D (batch mode) tensor "
                               "expected for input")


def avg_pool_divisor_zero():
    return RuntimeError("divisor must be not zero")


def adaptive_avg_pool_output_size(nsp):
    return ValueError(f"adaptive_avg_pool{nsp}d: output_size must be {nsp}")


def adaptive_avg_pool_input_dims(input, nsp):
    return RuntimeError(f"adaptive_avg_pool{nsp}d(): Expected {nsp + 1}D or {nsp + 2}D "
                        f"tensor, but got {list(input._data.shape)}")


def adaptive_avg_pool1d_input_dims(input):
    return RuntimeError(f"adaptive_avg_pool1d(): Expected 2D or 3D tensor, but got "
                        f"{list(input._data.shape)}")


def adaptive_max_pool_input_dims(input, nsp):
    return RuntimeError(f"adaptive_max_pool{nsp}d(): Expected {nsp + 1}D or {nsp + 2}D "
                        f"tensor, but got {list(input._data.shape)}")


def adaptive_max_pool1d_input_dims(input):
    return RuntimeError(f"adaptive_max_pool1d(): Expected 2D or 3D tensor, but got "
                        f"{list(input._data.shape)}")


def max_unpool_invalid_index(bad, out_spatial):
    return RuntimeError(f"Found an invalid max index: {bad} (output volumes are of size "
                        f"{'x'.join(map(str, out_spatial))}")


def pad_length_odd():
    return RuntimeError("Padding length must be divisible by 2")


def pad_length_too_long(nd, pad):
    return RuntimeError(f"Padding length should be less than or equal to two times the "
                        f"input dimension but got padding length {len(pad)} and input of "
                        f"dimension {nd}")


def pad_negative_output(lead, a, pairs):
    return RuntimeError(f"The input size {a.shape[lead]}, plus negative padding "
                        f"{pairs[0][0]} and {pairs[0][1]} resulted in a negative output size, "
                        "which is invalid. Check dimension "
                        f"{lead} of your input.")


def pixel_shuffle_dims(op, a):
    """``op``: pixel_shuffle or pixel_unshuffle."""
    return RuntimeError(f"{op} expects input to have at least 3 dimensions, but got input with "
                        f"{a.ndim} dimension(s)")


def pixel_shuffle_channels(c, r):
    return RuntimeError("pixel_shuffle expects its input's 'channel' dimension to be "
                        "divisible by the square of upscale_factor, but input.size(-3)="
                        f"{c} is not divisible by {r * r}")


def pixel_unshuffle_size(h, r, w):
    return RuntimeError(f"pixel_unshuffle expects height to be divisible by downscale_factor, "
                        f"but input.size(-2)={h} is not divisible by {r}" if h % r else
                        "pixel_unshuffle expects width to be divisible by downscale_factor, "
                        f"but input.size(-1)={w} is not divisible by {r}")


def channel_shuffle_groups(groups):
    return RuntimeError(f"Number of groups to divide channels in must be positive. Value of "
                        f"groups:{groups}")


def channel_shuffle_channels(c, groups):
    return RuntimeError(f"Number of channels must be divisible by groups. Got {c} channels "
                        f"and {groups} groups.")


def pool_param_length(name, what, nums):
    return RuntimeError(f"{name}: {what} must either be a single int, or a tuple of "
                        f"{nums} ints")


def pool_pad_too_big(pi, k, di):
    return RuntimeError(f"pad should be at most half of effective kernel size, but got "
                        f"pad={pi}, kernel_size={k} and dilation={di}")


def max_pool1d_int_arg():
    return RuntimeError("max_pool1d() argument must be a single int or a tuple of one int")


def reflection_pad_size(lo, hi, k, nd, a):
    return RuntimeError(f"Argument #4: Padding size should be less than the corresponding "
                        f"input dimension, but got: padding ({lo}, {hi}) at dimension "
                        f"{a.ndim - nd + k} of input {list(a.shape)}")
