"""Messages of torchvision's ``tv_tensors`` and ``transforms.v2`` (Ember's
``vision.tv_tensors``, ``vision.transforms.v2``)."""


def _sequence_to_str(seq):
    return ", ".join(f"'{item}'" if isinstance(item, str) else str(item) for item in seq)


def v2_mix_unsupported_inputs(self):
    return ValueError(f"{type(self).__name__}() does not support PIL images, bounding "
                      f"boxes, keypoints and masks.")


def v2_labels_tensor(labels):
    return ValueError(f"The labels must be a tensor, but got {type(labels)} instead.")


def v2_labels_index_based_shape_batch(labels):
    return ValueError(f"labels should be index based with shape (batch_size,) or probability "
                      f"based "
                      f"with shape (batch_size, num_classes), but got a tensor of shape "
                      f"{labels.shape} instead.")


def v2_when_passing_2d_labels_number(labels, self):
    return ValueError(f"When passing 2D labels, the number of elements in last dimension must "
                      f"match "
                      f"num_classes: {labels.shape[-1]} != {self.num_classes}. You can Leave "
                      f"num_classes to None.")


def v2_num_classes_passed_labels_index():
    return ValueError("num_classes must be passed if the labels are index-based (1D)")


def v2_expected_batched_input_dims_dimensions(expected, inpt):
    return ValueError(f"Expected a batched input with {expected} dims, but got "
                      f"{inpt.ndim} dimensions instead.")


def v2_batch_size_image_video_does(inpt, batch_size):
    return ValueError(f"The batch size of the image or video does not match the batch "
                      f"size of the labels: {inpt.shape[0]} != {batch_size}.")


def v2_values_between_increasing(name, bound, value):
    return ValueError(f"{name} values should be between {bound} and increasing, "
                      f"but got {value}.")


def v2_single_number_sequence_length_2(name, value):
    return TypeError(f"{name}={value} should be a single number or a sequence with "
                     f"length 2.")


def v2_argument_transforms_sequence_callables():
    return TypeError("Argument transforms should be a sequence of callables")


def v2_pass_at_least_one_transform():
    return ValueError("Pass at least one transform")


def v2_argument_transforms_sequence_callables_nn():
    return TypeError("Argument transforms should be a sequence of callables or a "
                     "`nn.ModuleList`")


def v2_p_floating_point_value_interval():
    return ValueError("`p` should be a floating point value in the interval [0.0, 1.0].")


def v2_length_p_doesn_t_match(p, transforms):
    return ValueError(f"Length of p doesn't match the number of transforms: {len(p)} != "
                      f"{len(transforms)}")


def v2_two_floats(name):
    return TypeError(f"{name} should be a sequence of two floats.")


def v2_required_crop_size_larger_than(ch, cw, self, height, width):
    return ValueError(f"Required crop size {(ch, cw)} is larger than "
                      f"{'padded ' if self.padding is not None else ''}input image size "
                      f"{(height, width)}.")


def v2_invalid_side_range_provided(side_range):
    return ValueError(f"Invalid side range provided {side_range}.")


def v2_requires_input_sample_contain_bounding(self):
    return TypeError(f"{type(self).__name__}() requires input sample to contain "
                     f"Bounding Boxes")


def v2_argument_distortion_scale_value_between():
    return ValueError("Argument distortion_scale value should be between 0 and 1")


def v2_translation_values_between_0_1():
    return ValueError("translation values should be between 0 and 1")


def v2_scale_values_positive():
    return ValueError("scale values should be positive")


def v2_size_can_integer_sequence_one(size):
    return ValueError(f"size can be an integer, a sequence of one or two integers, or "
                      f"None, but got {size} instead.")


def v2_max_size_integer_when_size(max_size):
    return ValueError(f"max_size must be an integer when size is None, but got "
                      f"{max_size} instead.")


def v2_clamping_mode(allowed, clamping_mode):
    return ValueError(f"clamping_mode must be {allowed}, got {clamping_mode}")


def v2_no_pil_images(self):
    return TypeError(f"{type(self).__name__}() does not support PIL images.")


def v2_sigma_values_positive_form_min(self):
    return ValueError(f"sigma values should be positive and of the form (min, max). "
                      f"Got {self.sigma}")


def v2_dtype_dict_torch_dtype(dtype):
    return ValueError(f"dtype must be a dict or a torch.dtype, got {type(dtype)} instead")


def v2_at_least_1(name, value):
    return ValueError(f"{name} must be >= 1, got {value}.")


def v2_number_boxes_shape_match_number(boxes, label):
    return ValueError(f"Number of boxes (shape={boxes.shape}) and must match the number of "
                      f"labels.Found labels with shape={label.shape}).")


def v2_no_dtype_specified_type_you(inpt):
    return ValueError(f"No dtype was specified for type {type(inpt)}. If you only need to convert "
                      f"the "
                      f"dtype of images or videos, you can just pass e.g. dtype=torch.float32. If "
                      f"you're passing a dict as dtype, you can use \"others\" as a catch-all key "
                      f"e.g. dtype={{tv_tensors.Mask: torch.int64, \"others\": None}} to "
                      f"pass-through "
                      f"the rest of the inputs.")


def v2_labels_getter_either_default_callable(labels_getter):
    return ValueError(f"labels_getter should either be 'default', a callable, or None, but got "
                      f"{labels_getter}.")


def v2_no_image_video_found_sample():
    return TypeError("No image or video was found in the sample")


def v2_found_multiple_dimensions(kind, found):
    return ValueError(f"Found multiple {kind} dimensions in the sample: "
                      f"{_sequence_to_str(sorted(found))}")


def v2_no_image_video_mask_bounding():
    return TypeError("No image, video, mask, bounding box of keypoint was found in the sample")


def v2_sequence_length(name, msg, error=TypeError):
    return error(f"{name} should be a sequence of length {msg}.")


def v2_number_sequence_numbers(name, arg):
    return TypeError(f"{name} should be a number or a sequence of numbers. Got {type(arg)}")


def v2_when_using_default_labels_getter(inputs):
    return ValueError(f"When using the default labels_getter, the input passed to forward must be "
                      f"a "
                      f"dictionary or a two-tuple whose second item is a dictionary or a tensor, "
                      f"but got "
                      f"{inputs} instead.")


def v2_could_not_infer_where_labels():
    return ValueError("Could not infer where the labels are in the sample. Try passing a callable "
                      "as the "
                      "labels_getter parameter?If there are no labels in the sample by design, "
                      "pass "
                      "labels_getter=None.")


def v2_no_bounding_boxes_found_sample():
    return ValueError("No bounding boxes were found in the sample")


def v2_no_keypoints_found_sample():
    return ValueError("No keypoints were found in the sample")


def v2_sequence_its_length_1_2(name, arg):
    return ValueError(f"If {name} is a sequence its length should be 1 or 2. "
                      f"Got {len(arg)}")


def v2_sequence_numbers(name):
    return ValueError(f"{name} should be a sequence of numbers.")


def v2_inappropriate_fill_arg_numbers_tuples():
    return TypeError("Got inappropriate fill arg, only Numbers, tuples, lists and dicts "
                     "are allowed.")


def v2_bits_positive_integer_range_0(bits):
    return TypeError(f"bits must be a positive integer in the range [0, 8], "
                     f"got {bits} instead.")


def v2_threshold_less_equal_maximum_value(threshold):
    return TypeError(f"Threshold should be less or equal the maximum value of the dtype, "
                     f"but got {threshold}")


def v2_sharpness_factor_not_non_negative(factor):
    return ValueError(f"sharpness_factor ({factor}) is not non-negative.")


def v2_length_permutation_does_not_match(permutation, c):
    return ValueError(f"Length of permutation does not match number of channels: "
                      f"{len(permutation)} != {c}")


def v2_padding_integer_tuple_list_integers(padding):
    return TypeError(f"`padding` should be an integer or tuple or list of integers, "
                     f"but got {padding}")


def v2_either_startpoints_endpoints_coefficients_non():
    return ValueError("Either the startpoints/endpoints or the coefficients must have non "
                      "`None` values.")


def v2_max_size_passed_size_none():
    return ValueError("max_size should only be passed if size is None or specifies the length of "
                      "the "
                      "smaller edge, i.e. size should be an int or a sequence of length 1 in "
                      "torchscript "
                      "mode.")


def v2_padding_int_1_2_4(padding):
    return ValueError(f"Padding must be an int or a 1, 2, or 4 element tuple or list. "
                      f"Found {len(padding)}")


def v2_padding_mode_either_constant_edge_2(padding_mode):
    return ValueError(f"`padding_mode` should be either `'constant'`, `'edge'`, `'reflect'` or "
                      f"`'symmetric'`, but got `'{padding_mode}'`.")


def v2_non_scalar_fill_value_not():
    return ValueError("Non-scalar fill value is not supported")


def v2_argument_angle_int_float():
    return TypeError("Argument angle should be int or float")


def v2_argument_translate_sequence():
    return TypeError("Argument translate should be a sequence")


def v2_argument_translate_sequence_length_2():
    return ValueError("Argument translate should be a sequence of length 2")


def v2_shear_either_single_value_sequence():
    return TypeError("Shear should be either a single value or a sequence of two values")


def v2_shear_sequence_containing_two_values(shear):
    return ValueError(f"Shear should be a sequence containing two values. Got {shear}")


def v2_provided_perspective_coeffs_can_not(coeffs, what, denom):
    return RuntimeError(f"Provided perspective_coeffs {coeffs} can not be inverted to "
                        f"transform {what}. Denominator is zero, denom={denom}")


def v2_argument_center_sequence():
    return TypeError("Argument center should be a sequence")


def v2_startpoints_endpoints_coefficients_shouldn_t():
    return ValueError("The startpoints/endpoints and the coefficients shouldn't be "
                      "defined concurrently.")


def v2_argument_coefficients_8_float_values():
    return ValueError("Argument coefficients should have 8 float values")


def v2_input_can_either_plain_tensor(inpt):
    return TypeError(f"Input can either be a plain tensor or a bounding box tv_tensor, "
                     f"but got {type(inpt)} instead.")


def v2_rotated_boxes_unsupported():
    return NotImplementedError("Ember's v2 transforms support XYXY, XYWH and CXCYWH boxes; "
                               "rotated box formats are not implemented")


def v2_cannot_convert_between_rotated_unrotated():
    return ValueError("Cannot convert between rotated and unrotated bounding boxes.")


def v2_convert_bounding_box_format_missing():
    return TypeError("convert_bounding_box_format() missing 1 required argument: "
                     "'new_format'")


def v2_pure_tensor_inputs_old_format():
    return ValueError("For pure tensor inputs, `old_format` has to be passed.")


def v2_pure_tensor_inputs_format_canvas():
    return ValueError("For pure tensor inputs, `format`, `canvas_size` and "
                      "`clamping_mode` have to be passed.")


def v2_bounding_box_tv_tensor_inputs():
    return ValueError("For bounding box tv_tensor inputs, `format` and `canvas_size` "
                      "must not be passed.")


def v2_bounding_box_tv_tensor_inputs_2():
    return ValueError("For bounding box tv_tensor inputs, `old_format` must not be passed.")


def v2_bounding_boxes_tv_tensors_boundingboxes():
    return ValueError("bounding_boxes must be a tv_tensors.BoundingBoxes instance or a "
                      "pure tensor.")


def v2_sanitize_boxes_takes_no_meta(format, canvas_size):
    return ValueError(f"format and canvas_size must be None when bounding_boxes is a "
                      f"tv_tensors.BoundingBoxes instance. Got format={format} and "
                      f"canvas_size={canvas_size}.")


def v2_sanitize_pure_tensor_needs_meta(format, canvas_size):
    return ValueError(f"format and canvas_size cannot be None if bounding_boxes is a "
                      f"pure tensor. Got format={format} and canvas_size={canvas_size}.")


def v2_input_can_either_pure_tensor(inpt):
    return TypeError(f"Input can either be a pure Tensor, a numpy array, or a PIL image, "
                     f"but got {type(inpt)} instead.")


def v2_functional_f_supports_inputs_type(functional, registry, input_type):
    return TypeError(f"Functional F.{functional.__name__} supports inputs of type "
                     f"{list(registry)}, but got {input_type} instead.")


def v2_kernels_can_registered_subclasses_torchvision(tv_tensor_cls):
    return ValueError(f"Kernels can only be registered for subclasses of "
                      f"torchvision.tv_tensors.TVTensor, "
                      f"but got {tv_tensor_cls}.")


def v2_kernels_cannot_registered_builtin_tv(tv_tensor_cls):
    return ValueError(f"Kernels cannot be registered for the builtin tv_tensor classes, "
                      f"but got {tv_tensor_cls.__name__}")


def v2_no_kernel_registered_functional(functional):
    return ValueError(f"No kernel registered for functional {functional.__name__}.")


def tv_box_format_type(format):
    return ValueError(f"format should be str or BoundingBoxFormat, got {type(format)}")


def tv_clamping_mode_none_hard_soft(clamping_mode):
    return ValueError(f"clamping_mode must be None, hard or soft, got {clamping_mode}.")


def tv_rotated_bounding_boxes_floating_point(tensor):
    return ValueError(f"Rotated bounding boxes should be floating point tensors, got "
                      f"{tensor.dtype}.")


def tv_expected_1d_2d_tensor_d(tensor):
    return ValueError(f"Expected a 1D or 2D tensor, got {tensor.ndim}D")


def tv_tensor_2d_higher_d_tensor(tensor):
    return ValueError(f"Tensor must be 2D or higher, got {tensor.ndim}D tensor.")


def tv_expected_tensor_shape_2_not(tensor):
    return ValueError(f"Expected a tensor of shape (..., 2), not {tensor.shape}")


def tv_return_type_tvtensor_tensor(return_type):
    return ValueError(f"return_type must be 'TVTensor' or 'Tensor', got {return_type}")


def v2_channels_1_or_3(c):
    return TypeError(f"Input image tensor permitted channel values are 1 or 3, but found {c}")


def v2_sharpness_channels(c):
    return TypeError(f"Input image tensor can have 1 or 3 channels, but found {c}")


def v2_labels_type(labels):
    return ValueError(f"The labels in the input to forward() must be a tensor or None, got "
                      f"{type(labels)} instead.")


def v2_kernel_size_two():
    return ValueError("Kernel size should be a tuple/list of two integers")


def v2_padding_arg(padding):
    return ValueError(f"Padding must be an int or a 1, 2, or 4 element of tuple or list, got "
                      f"{padding}.")


def v2_pad_mode_unsupported(padding_mode, what):
    supported = " (supported modes are constant)" if what == "KeyPoints" else ""
    return ValueError(f"Padding mode '{padding_mode}' is not supported with {what}{supported}")


def v2_auto_augment_unsupported_input(inpt, transform):
    return TypeError(f"Inputs of type {type(inpt).__name__} are not supported by "
                     f"{type(transform).__name__}()")


def v2_auto_augment_no_image():
    return TypeError("Found no image in the sample.")


def v2_auto_augment_many_images(n):
    return TypeError(f"Auto augment transformations are only properly defined for a single "
                     f"image or video, but found {n}.")


def v2_auto_augment_unknown_op(transform_id):
    return ValueError(f"No transform available for {transform_id}")


def v2_auto_augment_policy(policy):
    return ValueError(f"The provided policy {policy} is not recognized.")


def v2_rand_augment_num_ops(num_ops):
    return ValueError(f"num_ops should be a non-negative integer, but got {num_ops} instead.")


def v2_augmix_severity(maximum, severity):
    return ValueError(f"The severity must be between [1, {maximum}]. Got {severity} instead.")


def v2_saturation_negative(factor):
    return ValueError(f"saturation_factor ({factor}) is not non-negative.")


# ---- vision.utils drawing ---------------------------------------------------------------------
def draw_too_few_colors(n_colors, num_objects):
    return ValueError(f"Number of colors must be equal or larger than the number of objects, "
                      f"but got {n_colors} < {num_objects}.")


def draw_colors_type(colors):
    return ValueError(f"colors must be a tuple or a string, or a list thereof, but got "
                      f"{colors}.")


def draw_colors_triplet(colors):
    return ValueError(f"If passed as tuple, colors should be an RGB triplet, but got {colors}.")


def draw_image_type(image, what):
    return TypeError(f"{what}, got {type(image)}")


def draw_image_dtype(dtype):
    return ValueError(f"The image dtype must be uint8 or float, got {dtype}")


def draw_batched_image():
    return ValueError("Pass individual images, not batches")


def draw_channels(channels):
    return ValueError("Only grayscale and RGB images are supported" if len(channels) > 1
                      else "Pass an RGB image. Other Image formats are not supported")


def draw_boxes_format():
    return ValueError("Boxes need to be in (xmin, ymin, xmax, ymax) format. Use "
                      "torchvision.ops.box_convert to convert them")


def draw_labels_count(num_boxes, num_labels):
    return ValueError(f"Number of boxes ({num_boxes}) and labels ({num_labels}) mismatch. "
                      f"Please specify labels for each box.")


def draw_masks_shape():
    return ValueError("masks must be of shape (H, W) or (batch_size, H, W)")


def draw_masks_dtype(dtype):
    return ValueError(f"The masks must be of dtype bool. Got {dtype}")


def draw_masks_size():
    return ValueError("The image and the masks must have the same height and width")


def draw_keypoints_shape():
    return ValueError("keypoints must be of shape (num_instances, K, 2)")


def draw_visibility_ndim(ndim):
    return ValueError(f"visibility must be of shape (num_instances, K). Got ndim={ndim}")


def draw_visibility_shape(vis_shape, kp_shape):
    return ValueError(f"keypoints and visibility must have the same dimensionality for "
                      f"num_instances and K. Got visibility.shape={vis_shape!r} and "
                      f"keypoints.shape={kp_shape!r}")


def flow_dtype(dtype):
    return ValueError(f"Flow should be of dtype torch.float, got {dtype}.")


def flow_shape(shape):
    return ValueError(f"Input flow should have shape (2, H, W) or (N, 2, H, W), got {shape}.")


# ---- vision.datasets --------------------------------------------------------------------------
def dataset_str_arg_type(value, arg):
    where = "" if arg is None else f" for argument {arg}"
    return ValueError(f"Expected type str{where}, but got type {type(value)}.")


def dataset_str_arg_value(value, arg, valid_values):
    valid = ", ".join(f"'{v}'" for v in valid_values)
    return ValueError(f"Unknown value '{value}' for argument {arg}. Valid values are {{{valid}}}.")


def stl10_folds_value(folds):
    return ValueError(f"Value for argument folds should be in the range [0, 10), but got {folds}.")


def stl10_folds_type(folds):
    return ValueError(f"Expected type None or int for argument folds, but got type "
                      f"{type(folds)}.")


def coco_index_type(index):
    return ValueError(f"Index must be of type integer, got {type(index)} instead.")


def imagenet_meta_missing(file):
    return RuntimeError(f"The meta file {file} is not present in the root directory or is "
                        f"corrupted. This file is automatically created by the ImageNet dataset.")


def imagenet_archive_missing(file, root):
    return RuntimeError(f"The archive {file} is not present in the root directory or is "
                        f"corrupted. You need to download it externally and place it in {root}.")


def v2_noise_sigma(sigma):
    return ValueError(f"sigma shouldn't be negative. Got {sigma}")


def v2_noise_dtype(dtype):
    return ValueError(f"Input tensor is expected to be in uint8 or float dtype, got dtype={dtype}")


def v2_erasing_value_type():
    return TypeError("Argument value should be either a number or str or a sequence")


def v2_erasing_value_str():
    return ValueError("If value is str, it should be 'random'")


def v2_erasing_sequence(what):
    return TypeError(f"{what} should be a sequence")


def v2_erasing_scale():
    return ValueError("Scale should be between 0 and 1")


def v2_erasing_value_channels(channels):
    return ValueError(f"If value is a sequence, it should have either a single value or "
                      f"{channels} (number of inpt channels)")


def v2_pad_vector_fill_mode(padding_mode):
    return ValueError(f"Padding mode '{padding_mode}' is not supported if fill is not scalar")


def v2_displacement_type():
    return TypeError("Argument displacement should be a Tensor")


def v2_displacement_shape(expected, shape):
    return ValueError(f"Argument displacement shape should be {expected}, but given {shape}")


def v2_keypoints_need_canvas():
    return ValueError("For pure tensor inputs, `canvas_size` has to be passed.")


def v2_keypoints_take_no_canvas():
    return ValueError("For keypoints tv_tensor inputs, `canvas_size` must not be passed.")


def v2_keypoints_input_type(inpt):
    return TypeError(f"Input can either be a plain tensor or a keypoints tv_tensor, but got "
                     f"{type(inpt)} instead.")


def v2_sanitize_keypoints_need_canvas():
    return ValueError("canvas_size cannot be None if key_points is a pure tensor. Set it to an "
                      "appropriate value or pass key_points as a tv_tensors.KeyPoints object.")


def v2_sanitize_keypoints_type():
    return ValueError("key_points must be a tv_tensors.KeyPoints instance or a pure tensor.")


def v2_sanitize_keypoints_take_no_canvas(canvas_size):
    return ValueError(f"canvas_size must be None when key_points is a tv_tensors.KeyPoints "
                      f"instance. Got canvas_size={canvas_size}. Leave it to None or pass "
                      f"key_points as a pure tensor.")


def v2_keypoints_count(points, label):
    return ValueError(f"Number of kepyoints (shape={points.shape}) must match the number of "
                      f"labels.Found labels with shape={label.shape}).")


def scipy_missing():
    return ModuleNotFoundError("This data set reads MATLAB .mat files, which needs SciPy: "
                               "pip install 'ember[vision]'")


def v2_jpeg_quality_bool():
    return TypeError("quality can't be bool")


def v2_jpeg_quality_range(quality):
    return ValueError(f"quality must be an integer from 1 to 100, got {quality =}")
