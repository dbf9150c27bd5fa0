"""vision: models, datasets, transforms, utils."""

# ---- vision.models ---------------------------------------------------------------------------
def weights_file_missing(weights, name, path, url):
    return FileNotFoundError(
        f"{weights} needs the checkpoint file '{name}', which is not at {path}. Ember does not "
        f"download weights here (that needs network access): fetch {url} on a machine with "
        f"network access and put the file at {path} (or set $TORCH_HOME, or pass "
        f"weights_path='/path/to/{name}').")


def weights_unknown(name, enum_cls):
    return ValueError(f"Failed to find Weights `{name}` in {enum_cls.__name__}. "
                      f"Try one of {[m.name for m in enum_cls]}")


def weights_wrong_type(obj, enum_cls):
    return TypeError(f"Invalid Weight class provided; expected {enum_cls.__name__} but "
                     f"received {type(obj).__name__}.")


def weights_param_mismatch(param, expected, got):
    return ValueError(f"The parameter '{param}' expected value {expected} but got {got} instead.")


def pretrained_deprecated_warning(pretrained_param, weights_param):
    return UserWarning(f"The parameter '{pretrained_param}' is deprecated since 0.13 and may be "
                       f"removed in the future, please use '{weights_param}' instead.")


def pretrained_value_warning(weights_param, equivalent, default):
    extra = (f" You can also use `{weights_param}={default}` to get the most up-to-date weights."
             if default != equivalent else "")
    return UserWarning(f"Arguments other than a weight enum or `None` for '{weights_param}' are "
                       f"deprecated since 0.13 and may be removed in the future. The current "
                       f"behavior is equivalent to passing `{weights_param}={equivalent}`.{extra}")


def unknown_model(name):
    return ValueError(f"Unknown model {name}")


def basic_block_groups():
    return ValueError("BasicBlock only supports groups=1 and base_width=64")


def basic_block_dilation():
    return NotImplementedError("Dilation > 1 not supported in BasicBlock")


def resnet_dilation(replace_stride_with_dilation):
    return ValueError("replace_stride_with_dilation should be None or a 3-element tuple, got "
                      f"{replace_stride_with_dilation}")


def mobilenet_stride(stride):
    return ValueError(f"stride should be 1 or 2 instead of {stride}")


def mobilenet_setting(setting):
    return ValueError("inverted_residual_setting should be non-empty or a 4-element list, got "
                      f"{setting}")


def squeezenet_version(version):
    return ValueError(f"Unsupported SqueezeNet version {version}: 1_0 or 1_1 expected")


# ---- vision.datasets -------------------------------------------------------------------------
def pillow_missing():
    return ImportError("this ember.vision feature needs Pillow: pip install 'ember[vision]'")


def vision_transforms_exclusive():
    return ValueError("Only transforms or transform/target_transform can be passed as argument")


def vision_dataset_missing(corrupted=False):
    return RuntimeError(f"Dataset not found{' or corrupted' if corrupted else ''}. You can use "
                        "download=True to download it")


def download_failed(what, why, filename, md5, folder):
    """No network (or a dead mirror): say which file to fetch and where it goes."""
    return RuntimeError(f"Could not download {what} ({why}). Place {filename} (md5 {md5}) in "
                        f"{folder} and retry.")


def download_md5(url, md5):
    return RuntimeError(f"File {url} downloaded with a wrong md5 (expected {md5}).")


def extraction_unsupported(path):
    return RuntimeError(f"Extraction of {path} not supported")


def not_idx_file(path):
    return RuntimeError(f"{path} is not an IDX file")


def emnist_split(split, splits):
    return ValueError(f"Unknown value '{split}' for argument split. Valid values are "
                      f"{{{', '.join(repr(s) for s in splits)}}}.")


def fake_data_index(dataset):
    return IndexError(f"{type(dataset).__name__} index out of range")


def no_class_folder(directory):
    return FileNotFoundError(f"Couldn't find any class folder in {directory}.")


def extensions_xor_is_valid_file():
    return ValueError("Both extensions and is_valid_file cannot be None or not None at the same "
                      "time")


def no_valid_file(classes, extensions):
    msg = f"Found no valid file for the classes {', '.join(sorted(classes))}. "
    if extensions is not None:
        exts = extensions if isinstance(extensions, str) else ", ".join(extensions)
        msg += f"Supported extensions are: {exts}"
    return FileNotFoundError(msg)


# ---- vision.transforms / vision.utils --------------------------------------------------------
def img_type(img):
    return TypeError(f"img should be PIL Image or Tensor. Got {type(img)}")


def tensor_image_type(img):
    return TypeError(f"img should be Tensor Image. Got {type(img)}")


def convert_image_not_tensor():
    return TypeError("Input img should be Tensor Image")


def pic_type(expected, pic):
    return TypeError(f"pic should be {expected}. Got {type(pic)}")


def to_pil_image_type(pic):
    return TypeError(f"pic should be Tensor or ndarray. Got {type(pic)}.")


def pic_dims(ndim):
    return ValueError(f"pic should be 2/3 dimensional. Got {ndim} dimensions.")


def pil_input_type(dtype):
    return TypeError(f"Input type {dtype} is not supported")


def normalize_float(dtype):
    return TypeError(f"Input tensor should be a float tensor. Got {dtype}.")


def normalize_dims(size):
    return ValueError("Expected tensor to be a tensor image of size (..., C, H, W). Got "
                      f"tensor.size() = {size}")


def normalize_std_zero(dtype):
    return ValueError(f"std evaluated to zero after conversion to {dtype}, leading to division "
                      "by zero.")


def resize_max_size(max_size, size):
    return ValueError(f"max_size = {max_size} must be strictly greater than the requested size "
                      f"for the smaller edge size = {size}")


def resize_max_size_sequence():
    return ValueError("max_size should only be passed if size specifies the length of the "
                      "smaller edge, i.e. size should be an int or a sequence of length 1 in "
                      "torchscript mode.")


def resize_size_type(size):
    return TypeError(f"Size should be int or sequence. Got {type(size)}")


def interpolation_tensor(mode):
    return ValueError(f"Interpolation mode {mode} is unsupported for tensors")


def interpolation_nearest_exact_pil():
    return ValueError("Interpolation mode NEAREST_EXACT is unsupported with Pil input")


def padding_length(n):
    return ValueError("Padding must be an int or a 1, 2, or 4 element tuple, not a "
                      f"{n} element tuple")


def padding_mode():
    return ValueError("Padding mode should be either constant, edge, reflect or symmetric")


def fill_channels(n, bands):
    return ValueError("The number of elements in 'fill' does not match the number of channels "
                      f"of the image ({n} != {bands})")


def five_crop_size(crop_size, image_size):
    return ValueError(f"Requested crop size {crop_size} is bigger than input size {image_size}")


def random_crop_size(crop_size, image_size):
    return ValueError(f"Required crop size {crop_size} is larger than input image size "
                      f"{image_size}")


def affine_scale():
    return ValueError("Argument scale should be positive")


def colour_factor(name, factor):
    return ValueError(f"{name}_factor ({factor}) is not non-negative.")


def hue_factor(factor):
    return ValueError(f"hue_factor ({factor}) is not in [-0.5, 0.5].")


def gamma_negative():
    return ValueError("Gamma should be a non-negative real number")


def grayscale_channels():
    return ValueError("num_output_channels should be either 1 or 3")


def blur_kernel_size(kernel_size):
    return ValueError(f"kernel_size should have odd and positive integers. Got {kernel_size}")


def blur_sigma(sigma):
    return ValueError(f"sigma should have positive values. Got {sigma}")


def blur_kernel_odd():
    return ValueError("Kernel size value should be an odd and positive number.")


def lambda_not_callable(lambd):
    return TypeError(f"Argument lambd should be callable, got {type(lambd).__name__!r}")


def single_number_negative(name):
    return ValueError(f"If {name} is a single number, it must be non negative.")


def single_number_positive(name):
    return ValueError(f"If {name} is a single number, it must be positive.")


def jitter_type(name):
    return TypeError(f"{name} should be a single number or a list/tuple with length 2.")


def jitter_bounds(name, bound, value):
    return ValueError(f"{name} values should be between {bound}, but got {value}.")


def sequence_len_2(name):
    return ValueError(f"If {name} is a sequence, it must be of len 2.")


def erasing_scale_ratio():
    return ValueError("Scale and ratio should be of kind (min, max)")


def erasing_probability():
    return ValueError("Random erasing probability should be between 0 and 1")


def make_grid_dims(ndim):
    return ValueError(f"tensor should be 2D, 3D or 4D. Got {ndim}D")


# ---- vision.ops ------------------------------------------------------------------------------
def box_format_conversion(in_fmt, out_fmt, error=ValueError):
    return error(f"Unsupported Bounding Box Conversions for given in_fmt {in_fmt} and "
                 f"out_fmt {out_fmt}")


def box_area_format(fmt):
    return ValueError(f"Unsupported Bounding Box area for given format {fmt}")


def box_iou_format(fmt, aligned, rotated):
    return ValueError(f"Unsupported format '{fmt}'. Supported axis-aligned formats: {aligned}. "
                      f"Supported rotated formats: {rotated}.")


def nms_boxes_dim(ndim):
    return RuntimeError(f"boxes should be a 2d tensor, got {ndim}D")


def nms_boxes_width(n):
    return RuntimeError(f"boxes should have 4 elements in dimension 1, got {n}")


def nms_scores_dim(ndim):
    return RuntimeError(f"scores should be a 1d tensor, got {ndim}")


def nms_count_mismatch(nb, ns):
    return RuntimeError("boxes and scores should have same number of elements in dimension 0, "
                        f"got {nb} and {ns}")


def roi_boxes_list_shape():
    return AssertionError("The shape of the tensor in the boxes list is not correct as "
                          "List[Tensor[L, 4]]")


def roi_boxes_tensor_shape():
    return AssertionError("The boxes tensor shape is not correct as Tensor[K, 5]")


def ps_roi_channels():
    return RuntimeError("input channels must be a multiple of pooling height * pooling width")


def roi_boxes_type():
    return AssertionError("boxes is expected to be a Tensor[L, 5] or a List[Tensor[K, 4]]")


def not_a_module_class(t):
    return ValueError(f"Class {t} is not a subclass of nn.Module.")


def drop_probability(p, period=False):
    return ValueError(f"drop probability has to be between 0 and 1, but got {p}"
                      + ("." if period else ""))


def stochastic_depth_mode(mode):
    return ValueError(f"mode has to be either 'batch' or 'row', but got {mode}")


def drop_block_dims(want, got):
    return ValueError(f"input should be {want} dimensional. Got {got} dimensions.")


def drop_block_even(size):
    return ValueError(f"block size should be odd. Got {size} which is even.")


def loss_reduction_value(reduction):
    return ValueError(f"Invalid Value for arg 'reduction': '{reduction} \n Supported reduction "
                      "modes: 'none', 'mean', 'sum'")


def focal_loss_alpha(alpha):
    return ValueError(f"Invalid alpha value: {alpha}. alpha must be in the range [0,1] or -1 for "
                      "ignore.")


# ---- vision.io ------------------------------------------------------------------------------
def io_read_failed(err):
    return RuntimeError(f"[Errno {err.errno}] {err.strerror}: {err.filename!r}")


def io_bytes_dtype(dtype):
    return RuntimeError(f"Expected a torch.uint8 tensor, got {dtype}")


def io_bytes_tensor():
    return RuntimeError("Expected a non empty 1-dimensional tensor")


def io_undecodable(kind, err):
    return RuntimeError(f"Could not decode the {kind} content: {err}")


def io_wrong_format(kind):
    return RuntimeError(f"Content is not {kind.lower()}")


def io_empty_list():
    return ValueError("Input list must contain at least one element")


def io_encode_dtype():
    return RuntimeError("Input tensor dtype should be uint8")


def io_encode_dims():
    return RuntimeError("Input data should be a 3-dimensional tensor")


def io_encode_channels(c):
    return RuntimeError(f"The number of channels should be 1 or 3, got: {c}")


def io_compression_level(level):
    return RuntimeError("Compression level should be between 0 and 9")


def io_jpeg_quality(quality):
    return ValueError("Image quality should be a positive number between 1 and 100")


def perspective_corners(n_start, n_end):
    return ValueError(f"Please provide exactly four corners, got {n_start} startpoints and "
                      f"{n_end} endpoints.")


# ---- v1 colour ops (invert, posterize, solarize, autocontrast, equalize, sharpness) ----------
def pil_img_type(img):
    return TypeError(f"img should be PIL Image. Got {type(img)}")


def tensor_not_image():
    return TypeError("Tensor is not a torch image.")


def image_ndim_at_least_3(ndim):
    return TypeError(f"Input image tensor should have at least 3 dimensions, but found {ndim}")


def image_ndim_3_or_4(ndim):
    return TypeError(f"Input image tensor should have 3 or 4 dimensions, but found {ndim}")


def image_channels(permitted, c):
    return TypeError(f"Input image tensor permitted channel values are {permitted}, but found {c}")


def image_uint8_only(dtype):
    return TypeError(f"Only torch.uint8 image tensors are supported, but found {dtype}")


def posterize_bits(bits):
    return ValueError(f"The number if bits should be between 0 and 8. Got {bits}")


def solarize_threshold():
    return TypeError("Threshold should be less than bound of img.")


# ---- v1 transform classes --------------------------------------------------------------------
def transforms_sequence():
    return TypeError("Argument transforms should be a sequence")


def choice_p_sequence():
    return TypeError("Argument p should be a sequence")


def crop_size_dims():
    return ValueError("Please provide only two dimensions (h, w) for size.")


def linear_matrix_square(size):
    return ValueError(f"transformation_matrix should be square. Got {size} rectangular matrix.")


def linear_mean_length(n, size):
    return ValueError(f"mean_vector should have the same length {n} as any one of the "
                      f"dimensions of the transformation_matrix [{size}]")


def linear_devices(a, b):
    return ValueError(f"Input tensors should be on the same device. Got {a} and {b}")


def linear_dtypes(a, b):
    return ValueError(f"Input tensors should have the same dtype. Got {a} and {b}")


def linear_input_shape(shape, n):
    return ValueError("Input tensor and transformation matrix have incompatible shape."
                      f"[{shape[-3]} x {shape[-2]} x {shape[-1]}] != {n}")


def linear_input_device(a, b):
    return ValueError("Input tensor should be on the same device as transformation matrix and "
                      f"mean vector. Got {a} vs {b}")


def perspective_fill_type():
    return TypeError("Fill should be either a sequence or a number.")


def elastic_arg_type(name, value):
    return TypeError(f"{name} should be float or a sequence of floats. Got {type(value)}")


def elastic_arg_len(name, n):
    return ValueError(f"If {name} is a sequence its length should be 2. Got {n}")


def elastic_arg_item(name, value):
    return TypeError(f"{name} should be a sequence of floats. Got {type(value)}")


def elastic_fill_type(fill):
    return TypeError(f"fill should be int or float or a list or tuple of them. Got {type(fill)}")


def auto_augment_unknown_op(name):
    return ValueError(f"The provided operator {name} is not recognized.")


def deform_offset_channels(got, needed):
    return RuntimeError(
        "the shape of the offset tensor at dimension 1 is not valid. It should be a multiple of "
        f"2 * weight.size[2] * weight.size[3].\nGot offset.shape[1]={got}, while "
        f"2 * weight.size[2] * weight.size[3]={needed}")


def deform_shape(condition):
    return RuntimeError(f"deform_conv2d: the shapes must satisfy {condition}")
