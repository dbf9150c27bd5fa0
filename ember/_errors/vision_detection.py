"""Messages of torchvision's detection models and the ops they use (``torchvision.models
.detection``, ``torchvision.ops.feature_pyramid_network`` / ``poolers``)."""


def fpn_zero_channels():
    return ValueError("in_channels=0 is currently not supported")


def fpn_extra_blocks_type(extra_blocks):
    return TypeError(f"extra_blocks should be of type ExtraFPNBlock not {type(extra_blocks)}")


def pooler_no_images():
    return ValueError("images list should not be empty")


def matcher_thresholds():
    return AssertionError("low_threshold should be <= high_threshold")


def matcher_empty(no_ground_truth):
    what = "ground-truth boxes" if no_ground_truth else "proposal boxes"
    return ValueError(f"No {what} available for one of the images during training")


def box_loss_type(type):
    return AssertionError(f"Unsupported loss: {type}")


def rcnn_image_dims(shape):
    return ValueError("images is expected to be a list of 3d tensors of shape [C, H, W], "
                      f"got {shape}")


def rcnn_image_dtype(dtype):
    return TypeError("Expected input images to be of floating type (in range [0, 1]), "
                     f"but found type {dtype} instead")


def targets_none():
    return ValueError("targets should not be None")


def targets_missing_key(key):
    return ValueError(f"Every element of targets should have a {key} key")


def target_dtype(what, kind, dtype):
    return TypeError(f"target {what} must of {kind} type, instead got {dtype}")


def keypoint_logits_not_square(H, W):
    return ValueError("keypoint_logits height and width (last two elements of shape) should be "
                      f"equal. Instead got H = {H} and W = {W}")


def targets_none_training():
    return AssertionError("targets should not be none when in training mode")


def target_boxes_type(kind):
    return AssertionError(f"Expected target boxes to be of type Tensor, got {kind}.")


def target_boxes_shape(shape):
    return AssertionError(f"Expected target boxes to be a tensor of shape [N, 4], got {shape}.")


def degenerate_box(box, index):
    return AssertionError("All bounding boxes should have positive height and width. Found "
                          f"invalid box {box} for target at index {index}.")


def trainable_layers_range(top, got):
    return ValueError(f"Trainable layers should be in the range [0,{top}], got {got}")


def trainable_backbone_layers_range(top, got):
    return ValueError(f"Trainable backbone layers should be in the range [0,{top}], got {got} ")


def trainable_layers_ignored_warning(top):
    return ("Changing trainable_backbone_layers has no effect if neither pretrained nor "
            "pretrained_backbone have been set to True, falling back to "
            f"trainable_backbone_layers={top} so that all layers are trainable")


def returned_layers_range(low, high, got):
    return ValueError(f"Each returned layer should be in the range [{low},{high}]. Got {got}")


def backbone_out_channels():
    return ValueError("backbone should contain an attribute out_channels specifying the number "
                      "of output channels (assumed to be the same for all the levels)")


def rcnn_argument_type(name, expected, got):
    return TypeError(f"{name} should be of type {expected} or None instead of {got}")


def num_classes_with_predictor(predictor):
    return ValueError(f"num_classes should be None when {predictor} is specified")


def num_classes_without_predictor(predictor):
    return ValueError(f"num_classes should not be None when {predictor} is not specified")


def predictor_input_shape(shape):
    return AssertionError("x has the wrong shape, expecting the last two dimensions to be [1,1] "
                          f"instead of {shape}")


def keypoint_roi_pool_type():
    # torchvision's message lacks its f-prefix: the placeholder is printed as is
    return TypeError("keypoint_roi_pool should be of type MultiScaleRoIAlign or None instead of "
                     "{type(keypoint_roi_pool)}")


def num_keypoints_with_predictor():
    return ValueError("num_keypoints should be None when keypoint_predictor is specified")


def fcos_anchor_generator_type(kind):
    return TypeError("anchor_generator should be of type AnchorGenerator or None, instead  got "
                     f"{kind}")


def fcos_anchors_per_location(count):
    return ValueError(f"anchor_generator.num_anchors_per_location()[0] should be 1 instead of "
                      f"{count}")


def default_boxes_steps():
    return ValueError("aspect_ratios and steps should have the same length")


def fixed_size_warning():
    return "The size of the model is already fixed; ignoring the parameter."


def ssd_out_channels(got, expected, parenthesised=True):
    # torchvision's ssd puts the counts in parentheses, its ssdlite does not
    got, expected = (f"({got})", f"({expected})") if parenthesised else (got, expected)
    return ValueError(f"The length of the output channels from the backbone {got} do not "
                      f"match the length of the anchor generator aspect ratios {expected}")


def trainable_layers_between(top, got):
    return AssertionError(f"trainable_layers should be in the range [0, {top}]. Instead got {got}")


def ssdlite_trainable_layers():
    # torchvision's message lacks its f-prefix: the placeholders are printed as is
    return ValueError("trainable_layers should be in the range [0, {num_stages}], instead got "
                      "{trainable_layers}")


def ssdlite_c4_residual():
    return ValueError("backbone[c4_pos].use_res_connect should be False")
