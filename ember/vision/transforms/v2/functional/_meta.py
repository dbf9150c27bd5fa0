"""Sizes and bounding-box formats (``torchvision.transforms.v2.functional._meta``)."""
from ....._tensor import Tensor
from .... import tv_tensors
from ....tv_tensors import BoundingBoxFormat
from ... import functional as F1
from ._utils import PIL_IMAGE, _dispatch, _register_kernel_internal, is_pure_tensor
from ..... import _errors


def get_dimensions(inpt):
    """``[C, H, W]`` of an image or video."""
    return _dispatch(get_dimensions, inpt)


def get_num_channels(inpt):
    return _dispatch(get_num_channels, inpt)


def get_size(inpt):
    """``[H, W]`` of an image, video, mask, boxes or keypoints (their canvas)."""
    return _dispatch(get_size, inpt)


def _dims(image):
    return list(F1.get_dimensions(image))


for _t in (Tensor, PIL_IMAGE, tv_tensors.Image, tv_tensors.Video):
    _register_kernel_internal(get_dimensions, _t, wrap=False)(_dims)
    _register_kernel_internal(get_num_channels, _t, wrap=False)(lambda x: _dims(x)[0])
    _register_kernel_internal(get_size, _t, wrap=False)(lambda x: _dims(x)[1:])
_register_kernel_internal(get_size, tv_tensors.Mask, wrap=False)(lambda m: list(m.shape[-2:]))
for _t in (tv_tensors.BoundingBoxes, tv_tensors.KeyPoints):
    _register_kernel_internal(get_size, _t, wrap=False)(lambda b: list(b.canvas_size))


def _check_upright(*formats):
    if any(tv_tensors.is_rotated_bounding_format(f) for f in formats):
        raise _errors.v2_rotated_boxes_unsupported()


def _to_xyxy(boxes, fmt):
    """``boxes`` (float or int) in XYXY, as a new tensor."""
    if fmt is BoundingBoxFormat.XYXY:
        return boxes.clone()
    x, y, a, b = boxes.unbind(-1)
    if fmt is BoundingBoxFormat.XYWH:
        return _stack_like(boxes, x, y, x + a, y + b)
    if not boxes.is_floating_point():
        x, y, a, b = x.float(), y.float(), a.float(), b.float()
    x1, y1 = x - a / 2, y - b / 2
    return _stack_like(boxes, x1, y1, x1 + a, y1 + b)


def _from_xyxy(boxes, fmt):
    if fmt is BoundingBoxFormat.XYXY:
        return boxes
    x1, y1, x2, y2 = boxes.unbind(-1)
    w, h = x2 - x1, y2 - y1
    if fmt is BoundingBoxFormat.XYWH:
        return _stack_like(boxes, x1, y1, w, h)
    mode = None if boxes.is_floating_point() else "floor"
    return _stack_like(boxes, (x1 * 2 + w).div(2, rounding_mode=mode),
                       (y1 * 2 + h).div(2, rounding_mode=mode), w, h)


def _stack_like(boxes, *columns):
    from ..... import stack
    return stack(columns, dim=-1).to(boxes.dtype)


def _convert_bounding_box_format(boxes, old_format, new_format):
    if new_format is old_format:
        return boxes
    if tv_tensors.is_rotated_bounding_format(old_format) ^ \
            tv_tensors.is_rotated_bounding_format(new_format):
        raise _errors.v2_cannot_convert_between_rotated_unrotated()
    _check_upright(old_format, new_format)
    return _from_xyxy(_to_xyxy(boxes, old_format), new_format)


def _format(fmt):
    return BoundingBoxFormat[fmt.upper()] if isinstance(fmt, str) else fmt


def convert_bounding_box_format(inpt, old_format=None, new_format=None, inplace=False):
    """Boxes in ``new_format`` (``old_format`` only for pure tensors)."""
    if new_format is None:
        raise _errors.v2_convert_bounding_box_format_missing()
    old_format, new_format = _format(old_format), _format(new_format)
    if is_pure_tensor(inpt):
        if old_format is None:
            raise _errors.v2_pure_tensor_inputs_old_format()
        out = _convert_bounding_box_format(inpt, old_format, new_format)
    elif isinstance(inpt, tv_tensors.BoundingBoxes):
        if old_format is not None:
            raise _errors.v2_bounding_box_tv_tensor_inputs_2()
        out = tv_tensors.wrap(_convert_bounding_box_format(inpt.as_subclass(Tensor),
                                                           inpt.format, new_format),
                              like=inpt, format=new_format)
    else:
        raise _errors.v2_input_can_either_plain_tensor(inpt)
    if inplace and out is not inpt:
        inpt.as_subclass(Tensor).copy_(out)
        return inpt if is_pure_tensor(inpt) else out
    return out


def _clamp_bounding_boxes(boxes, format, canvas_size, clamping_mode):
    if clamping_mode is None:
        return boxes.clone()
    _check_upright(format)
    xyxy = _to_xyxy(boxes if boxes.is_floating_point() else boxes.float(), format)
    xyxy[..., 0::2].clamp_(min=0, max=canvas_size[1])
    xyxy[..., 1::2].clamp_(min=0, max=canvas_size[0])
    return _from_xyxy(xyxy, format).to(boxes.dtype)


def clamp_bounding_boxes(inpt, format=None, canvas_size=None, clamping_mode="auto"):
    """Clip the boxes to their canvas."""
    if clamping_mode is not None and clamping_mode not in ("soft", "hard", "auto"):
        raise _errors.v2_clamping_mode("soft, hard, auto or None", clamping_mode)
    if is_pure_tensor(inpt):
        if format is None or canvas_size is None or clamping_mode == "auto":
            raise _errors.v2_pure_tensor_inputs_format_canvas()
        return _clamp_bounding_boxes(inpt, _format(format), canvas_size, clamping_mode)
    if isinstance(inpt, tv_tensors.BoundingBoxes):
        if format is not None or canvas_size is not None:
            raise _errors.v2_bounding_box_tv_tensor_inputs()
        if clamping_mode == "auto":
            clamping_mode = inpt.clamping_mode
        return tv_tensors.wrap(_clamp_bounding_boxes(inpt.as_subclass(Tensor), inpt.format,
                                                     inpt.canvas_size, clamping_mode),
                               like=inpt)
    raise _errors.v2_input_can_either_plain_tensor(inpt)




def _clamp_keypoints(points, canvas_size):
    out = points.clone() if points.is_floating_point() else points.float()
    out[..., 0].clamp_(min=0, max=canvas_size[1] - 1)
    out[..., 1].clamp_(min=0, max=canvas_size[0] - 1)
    return out.to(dtype=points.dtype)


def clamp_keypoints(inpt, canvas_size=None):
    """Move keypoints outside the canvas onto its border pixels."""
    if is_pure_tensor(inpt):
        if canvas_size is None:
            raise _errors.v2_keypoints_need_canvas()
        return _clamp_keypoints(inpt, canvas_size)
    if isinstance(inpt, tv_tensors.KeyPoints):
        if canvas_size is not None:
            raise _errors.v2_keypoints_take_no_canvas()
        return tv_tensors.wrap(_clamp_keypoints(inpt.as_subclass(Tensor), inpt.canvas_size),
                               like=inpt)
    raise _errors.v2_keypoints_input_type(inpt)
