"""Helpers shared by the v2 transform classes: input queries and argument set-up."""
import collections.abc
import numbers

from ... import tv_tensors
from ..._pil import is_pil_image
from .functional import get_dimensions, get_size, is_pure_tensor


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
        raise ValueError("No bounding boxes were found in the sample") from None


def get_keypoints(flat_inputs):
    try:
        return next(x for x in flat_inputs if isinstance(x, tv_tensors.KeyPoints))
    except StopIteration:
        raise ValueError("No keypoints were found in the sample") from None


def _sequence_to_str(seq):
    return ", ".join(f"'{item}'" if isinstance(item, str) else str(item) for item in seq)


_IMAGE_LIKE = (is_pure_tensor, tv_tensors.Image, is_pil_image, tv_tensors.Video)


def query_chw(flat_inputs):
    """The ``(C, H, W)`` shared by the sample's images and videos."""
    chws = {tuple(get_dimensions(x)) for x in flat_inputs if check_type(x, _IMAGE_LIKE)}
    if not chws:
        raise TypeError("No image or video was found in the sample")
    if len(chws) > 1:
        raise ValueError(f"Found multiple CxHxW dimensions in the sample: "
                         f"{_sequence_to_str(sorted(chws))}")
    return chws.pop()


def query_size(flat_inputs):
    """The ``(H, W)`` shared by the sample's images, videos, masks, boxes and keypoints."""
    spatial = _IMAGE_LIKE + (tv_tensors.Mask, tv_tensors.BoundingBoxes, tv_tensors.KeyPoints)
    sizes = {tuple(get_size(x)) for x in flat_inputs if check_type(x, spatial)}
    if not sizes:
        raise TypeError("No image, video, mask, bounding box of keypoint was found in the sample")
    if len(sizes) > 1:
        raise ValueError(f"Found multiple HxW dimensions in the sample: "
                         f"{_sequence_to_str(sorted(sizes))}")
    return sizes.pop()


def _setup_size(size, error_msg):
    if isinstance(size, numbers.Number):
        return int(size), int(size)
    if isinstance(size, collections.abc.Sequence) and len(size) == 1:
        return size[0], size[0]
    if len(size) != 2:
        raise ValueError(error_msg)
    return size


def _check_sequence_input(x, name, req_sizes):
    msg = req_sizes[0] if len(req_sizes) < 2 else " or ".join(str(s) for s in req_sizes)
    if not isinstance(x, collections.abc.Sequence):
        raise TypeError(f"{name} should be a sequence of length {msg}.")
    if len(x) not in req_sizes:
        raise ValueError(f"{name} should be a sequence of length {msg}.")


def _setup_angle(x, name, req_sizes=(2,)):
    if isinstance(x, numbers.Number):
        if x < 0:
            raise ValueError(f"If {name} is a single number, it must be positive.")
        x = [-x, x]
    else:
        _check_sequence_input(x, name, req_sizes)
    return [float(d) for d in x]


def _setup_number_or_seq(arg, name):
    if not isinstance(arg, (int, float, collections.abc.Sequence)):
        raise TypeError(f"{name} should be a number or a sequence of numbers. Got {type(arg)}")
    if isinstance(arg, collections.abc.Sequence):
        if len(arg) not in (1, 2):
            raise ValueError(f"If {name} is a sequence its length should be 1 or 2. "
                             f"Got {len(arg)}")
        if not all(isinstance(e, (int, float)) for e in arg):
            raise ValueError(f"{name} should be a sequence of numbers.")
        return [float(arg[0]), float(arg[-1])]
    return [float(arg), float(arg)]


def _setup_fill_arg(fill):
    """``{type or "others": fill}``: a fill per input type."""
    def check(value):
        if value is not None and not isinstance(value, (numbers.Number, tuple, list)):
            raise TypeError("Got inappropriate fill arg, only Numbers, tuples, lists and dicts "
                            "are allowed.")
        return value if value is None or isinstance(value, (int, float)) else \
            [float(v) for v in value]
    if isinstance(fill, dict):
        return {k: check(v) for k, v in fill.items()}
    return {"others": check(fill)}


def _get_fill(fill_dict, inpt_type):
    return fill_dict.get(inpt_type, fill_dict.get("others"))


def _check_padding_arg(padding):
    err = f"Padding must be an int or a 1, 2, or 4 element of tuple or list, got {padding}."
    if isinstance(padding, (tuple, list)):
        if len(padding) not in (1, 2, 4) or not all(isinstance(p, int) for p in padding):
            raise ValueError(err)
    elif not isinstance(padding, int):
        raise ValueError(err)


def _check_padding_mode_arg(padding_mode):
    if padding_mode not in ("constant", "edge", "reflect", "symmetric"):
        raise ValueError("Padding mode should be either constant, edge, reflect or symmetric")


def _find_labels_default_heuristic(inputs):
    """The labels of a ``(image, target)`` sample: the tensor, or the target dict's item
    whose key is ``labels`` (else the first containing ``label``)."""
    if isinstance(inputs, (tuple, list)):
        inputs = inputs[1]
    if is_pure_tensor(inputs):
        return inputs
    if not isinstance(inputs, collections.abc.Mapping):
        raise ValueError(
            f"When using the default labels_getter, the input passed to forward must be a "
            f"dictionary or a two-tuple whose second item is a dictionary or a tensor, but got "
            f"{inputs} instead.")
    key = next((k for k in inputs if k.lower() == "labels"), None)
    if key is None:
        key = next((k for k in inputs if "label" in k.lower()), None)
    if key is None:
        raise ValueError(
            "Could not infer where the labels are in the sample. Try passing a callable as the "
            "labels_getter parameter?If there are no labels in the sample by design, pass "
            "labels_getter=None.")
    return inputs[key]


def _parse_labels_getter(labels_getter):
    if labels_getter == "default":
        return _find_labels_default_heuristic
    if callable(labels_getter):
        return labels_getter
    if labels_getter is None:
        return lambda _: None
    raise ValueError(f"labels_getter should either be 'default', a callable, or None, but got "
                     f"{labels_getter}.")


