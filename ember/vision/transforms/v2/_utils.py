"""Helpers shared by the v2 transform classes: input queries and argument set-up."""
import collections.abc
import numbers

from ... import tv_tensors
from ..._pil import is_pil_image
from .functional import get_dimensions, get_size, is_pure_tensor
from .... import _errors


def check_type(obj, types_or_checks):
    return any(isinstance(obj, t) if isinstance(t, type) else t(obj) for t in types_or_checks)


def has_any(flat_inputs, *types_or_checks):
    return any(check_type(inpt, types_or_checks) for inpt in flat_inputs)


def has_all(flat_inputs, *types_or_checks):
    return all(has_any(flat_inputs, t) for t in types_or_checks)


def get_bounding_boxes(flat_inputs):
    try:
        return next(x for x in flat_inputs if isinstance(x, tv_tensors.BoundingBoxes))
    except StopIteration:
        raise _errors.v2_no_bounding_boxes_found_sample() from None


def get_keypoints(flat_inputs):
    try:
        return next(x for x in flat_inputs if isinstance(x, tv_tensors.KeyPoints))
    except StopIteration:
        raise _errors.v2_no_keypoints_found_sample() from None


_IMAGE_LIKE = (is_pure_tensor, tv_tensors.Image, is_pil_image, tv_tensors.Video)


def query_chw(flat_inputs):
    """The ``(C, H, W)`` shared by the sample's images and videos."""
    chws = {tuple(get_dimensions(x)) for x in flat_inputs if check_type(x, _IMAGE_LIKE)}
    if not chws:
        raise _errors.v2_no_image_video_found_sample()
    if len(chws) > 1:
        raise _errors.v2_found_multiple_dimensions("CxHxW", chws)
    return chws.pop()


def query_size(flat_inputs):
    """The ``(H, W)`` shared by the sample's images, videos, masks, boxes and keypoints."""
    spatial = _IMAGE_LIKE + (tv_tensors.Mask, tv_tensors.BoundingBoxes, tv_tensors.KeyPoints)
    sizes = {tuple(get_size(x)) for x in flat_inputs if check_type(x, spatial)}
    if not sizes:
        raise _errors.v2_no_image_video_mask_bounding()
    if len(sizes) > 1:
        raise _errors.v2_found_multiple_dimensions("HxW", sizes)
    return sizes.pop()


def _setup_size(size, error=_errors.crop_size_dims):
    if isinstance(size, numbers.Number):
        return int(size), int(size)
    if isinstance(size, collections.abc.Sequence) and len(size) == 1:
        return size[0], size[0]
    if len(size) != 2:
        raise error()
    return size


def _check_sequence_input(x, name, req_sizes):
    msg = req_sizes[0] if len(req_sizes) < 2 else " or ".join(str(s) for s in req_sizes)
    if not isinstance(x, collections.abc.Sequence):
        raise _errors.v2_sequence_length(name, msg)
    if len(x) not in req_sizes:
        raise _errors.v2_sequence_length(name, msg, ValueError)


def _setup_angle(x, name, req_sizes=(2,)):
    if isinstance(x, numbers.Number):
        if x < 0:
            raise _errors.single_number_positive(name)
        x = [-x, x]
    else:
        _check_sequence_input(x, name, req_sizes)
    return [float(d) for d in x]


def _setup_number_or_seq(arg, name):
    if not isinstance(arg, (int, float, collections.abc.Sequence)):
        raise _errors.v2_number_sequence_numbers(name, arg)
    if isinstance(arg, collections.abc.Sequence):
        if len(arg) not in (1, 2):
            raise _errors.v2_sequence_its_length_1_2(name, arg)
        if not all(isinstance(e, (int, float)) for e in arg):
            raise _errors.v2_sequence_numbers(name)
        return [float(arg[0]), float(arg[-1])]
    return [float(arg), float(arg)]


def _setup_fill_arg(fill):
    """``{type or "others": fill}``: a fill per input type."""
    def check(value):
        if value is not None and not isinstance(value, (numbers.Number, tuple, list)):
            raise _errors.v2_inappropriate_fill_arg_numbers_tuples()
        return value if value is None or isinstance(value, (int, float)) else \
            [float(v) for v in value]
    if isinstance(fill, dict):
        return {k: check(v) for k, v in fill.items()}
    return {"others": check(fill)}


def _get_fill(fill_dict, inpt_type):
    return fill_dict.get(inpt_type, fill_dict.get("others"))


def _check_padding_arg(padding):
    if isinstance(padding, (tuple, list)):
        if len(padding) not in (1, 2, 4) or not all(isinstance(p, int) for p in padding):
            raise _errors.v2_padding_arg(padding)
    elif not isinstance(padding, int):
        raise _errors.v2_padding_arg(padding)


def _check_padding_mode_arg(padding_mode):
    if padding_mode not in ("constant", "edge", "reflect", "symmetric"):
        raise _errors.padding_mode()


def _find_labels_default_heuristic(inputs):
    """The labels of a ``(image, target)`` sample: the tensor, or the target dict's item
    whose key is ``labels`` (else the first containing ``label``)."""
    if isinstance(inputs, (tuple, list)):
        inputs = inputs[1]
    if is_pure_tensor(inputs):
        return inputs
    if not isinstance(inputs, collections.abc.Mapping):
        raise _errors.v2_when_using_default_labels_getter(inputs)
    key = next((k for k in inputs if k.lower() == "labels"), None)
    if key is None:
        key = next((k for k in inputs if "label" in k.lower()), None)
    if key is None:
        raise _errors.v2_could_not_infer_where_labels()
    return inputs[key]


def _parse_labels_getter(labels_getter):
    if labels_getter == "default":
        return _find_labels_default_heuristic
    if callable(labels_getter):
        return labels_getter
    if labels_getter is None:
        return lambda _: None
    raise _errors.v2_labels_getter_either_default_callable(labels_getter)


