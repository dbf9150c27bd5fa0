"""``BoundingBoxes``: boxes of one image, with their format and the image's (H, W)."""
import enum

from ..._tensor import Tensor
from ._tv_tensor import TVTensor, _first
from ... import _errors


class BoundingBoxFormat(enum.Enum):
    XYXY = "XYXY"
    XYWH = "XYWH"
    CXCYWH = "CXCYWH"
    XYWHR = "XYWHR"
    CXCYWHR = "CXCYWHR"
    XYXYXYXY = "XYXYXYXY"


_ROTATED = ("XYWHR", "CXCYWHR", "XYXYXYXY")


def is_rotated_bounding_format(format):
    if isinstance(format, BoundingBoxFormat):
        return format.value in _ROTATED
    if isinstance(format, str):
        return format in _ROTATED
    raise _errors.tv_box_format_type(format)


class BoundingBoxes(TVTensor):
    """Boxes ``(N, K)`` with ``format`` (a :class:`BoundingBoxFormat` or its name),
    ``canvas_size`` (the image's ``(H, W)``) and ``clamping_mode`` (``"soft"``, ``"hard"``
    or ``None``)."""

    @classmethod
    def _wrap(cls, tensor, *, format, canvas_size, clamping_mode="soft", check_dims=True):
        if check_dims:
            if tensor.ndim == 1:
                tensor = tensor.unsqueeze(0)
            elif tensor.ndim != 2:
                raise _errors.tv_expected_1d_2d_tensor_d(tensor)
        if clamping_mode is not None and clamping_mode not in ("hard", "soft"):
            raise _errors.tv_clamping_mode_none_hard_soft(clamping_mode)
        if isinstance(format, str):
            format = BoundingBoxFormat[format.upper()]
        boxes = tensor.as_subclass(cls)
        boxes.format = format
        boxes.canvas_size = canvas_size
        boxes.clamping_mode = clamping_mode
        return boxes

    @classmethod
    def wrap(cls, tensor, like, **kwargs):
        return cls._wrap(tensor, format=kwargs.get("format", like.format),
                         canvas_size=kwargs.get("canvas_size", like.canvas_size),
                         clamping_mode=kwargs.get("clamping_mode", like.clamping_mode))

    def __new__(cls, data, *, format, canvas_size, clamping_mode="soft", dtype=None,
                device=None, requires_grad=None):
        tensor = cls._to_tensor(data, dtype=dtype, device=device, requires_grad=requires_grad)
        if not tensor.is_floating_point() and is_rotated_bounding_format(format):
            raise _errors.tv_rotated_bounding_boxes_floating_point(tensor)
        return cls._wrap(tensor, format=format, canvas_size=canvas_size,
                         clamping_mode=clamping_mode)

    @classmethod
    def _wrap_output(cls, output, args=(), kwargs=None):
        like = _first(BoundingBoxes, args, kwargs)
        meta = dict(format=like.format, canvas_size=like.canvas_size,
                    clamping_mode=like.clamping_mode, check_dims=False)
        if isinstance(output, Tensor) and not isinstance(output, BoundingBoxes):
            output = BoundingBoxes._wrap(output, **meta)
        elif isinstance(output, (tuple, list)):
            output = type(output)(BoundingBoxes._wrap(part, **meta) for part in output)
        return output

    def __repr__(self):
        return self._make_repr(format=self.format, canvas_size=self.canvas_size,
                               clamping_mode=self.clamping_mode)
