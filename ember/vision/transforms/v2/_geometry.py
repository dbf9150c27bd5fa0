"""Geometric v2 transforms (flips, resizes, crops, padding, affine, rotation, zoom out, IoU
crop); their random parameters are drawn with ember's RNG in torchvision's order, so seeded
runs match torchvision's."""
import math
import warnings

from .... import cat, empty, exp, log, rand, randint, tensor as _tensor
from ...._tensor import Tensor
from ... import tv_tensors
from ...ops.boxes import box_iou
from .. import functional as F1
from ..functional import InterpolationMode
from . import functional as F
from ._transform import Transform, _RandomApplyTransform
from ._utils import (_check_padding_arg, _check_padding_mode_arg, _check_sequence_input,
                     _get_fill, _setup_angle, _setup_fill_arg, _setup_number_or_seq, _setup_size,
                     get_bounding_boxes,
                     query_size)
from .... import _errors


def _uniform(lo, hi):
    return empty(1).uniform_(lo, hi).item()


class RandomHorizontalFlip(_RandomApplyTransform):
    def transform(self, inpt, params):
        return self._call_kernel(F.horizontal_flip, inpt)


class RandomVerticalFlip(_RandomApplyTransform):
    def transform(self, inpt, params):
        return self._call_kernel(F.vertical_flip, inpt)


class Resize(Transform):
    def __init__(self, size, interpolation="bilinear", max_size=None,
                 antialias=True):
        super().__init__()
        if isinstance(size, int):
            size = [size]
        elif isinstance(size, (list, tuple)) and len(size) in (1, 2):
            size = list(size)
        elif size is None:
            if not isinstance(max_size, int):
                raise _errors.v2_max_size_integer_when_size(max_size)
        else:
            raise _errors.v2_size_can_integer_sequence_one(size)
        self.size, self.max_size = size, max_size
        self.interpolation, self.antialias = interpolation, antialias

    def transform(self, inpt, params):
        return self._call_kernel(F.resize, inpt, self.size, interpolation=self.interpolation,
                                 max_size=self.max_size, antialias=self.antialias)


class CenterCrop(Transform):
    def __init__(self, size):
        super().__init__()
        self.size = _setup_size(size)

    def transform(self, inpt, params):
        return self._call_kernel(F.center_crop, inpt, output_size=self.size)


class RandomResizedCrop(Transform):
    def __init__(self, size, scale=(0.08, 1.0), ratio=(3.0 / 4.0, 4.0 / 3.0),
                 interpolation="bilinear", antialias=True):
        super().__init__()
        self.size = _setup_size(size)
        if not isinstance(scale, (list, tuple)) or len(scale) != 2:
            raise _errors.v2_two_floats("Scale")
        if not isinstance(ratio, (list, tuple)) or len(ratio) != 2:
            raise _errors.v2_two_floats("Ratio")
        if scale[0] > scale[1] or ratio[0] > ratio[1]:
            warnings.warn("Scale and ratio should be of kind (min, max)")
        self.scale, self.ratio = scale, ratio
        self.interpolation, self.antialias = interpolation, antialias
        self._log_ratio = log(_tensor(self.ratio))

    def make_params(self, flat_inputs):
        height, width = query_size(flat_inputs)
        area = height * width
        for _ in range(10):
            target_area = area * _uniform(self.scale[0], self.scale[1])
            aspect = exp(empty(1).uniform_(float(self._log_ratio[0]),
                                           float(self._log_ratio[1]))).item()
            w = int(round(math.sqrt(target_area * aspect)))
            h = int(round(math.sqrt(target_area / aspect)))
            if 0 < w <= width and 0 < h <= height:
                top = randint(0, height - h + 1, size=(1,)).item()
                left = randint(0, width - w + 1, size=(1,)).item()
                return dict(top=top, left=left, height=h, width=w)
        in_ratio = float(width) / float(height)
        if in_ratio < min(self.ratio):
            w, h = width, int(round(width / min(self.ratio)))
        elif in_ratio > max(self.ratio):
            w, h = int(round(height * max(self.ratio))), height
        else:
            w, h = width, height
        return dict(top=(height - h) // 2, left=(width - w) // 2, height=h, width=w)

    def transform(self, inpt, params):
        return self._call_kernel(F.resized_crop, inpt, **params, size=self.size,
                                 interpolation=self.interpolation, antialias=self.antialias)


class Pad(Transform):
    def __init__(self, padding, fill=0, padding_mode="constant"):
        super().__init__()
        _check_padding_arg(padding)
        _check_padding_mode_arg(padding_mode)
        self.padding = list(padding) if isinstance(padding, tuple) else padding
        self.fill, self._fill = fill, _setup_fill_arg(fill)
        self.padding_mode = padding_mode

    def transform(self, inpt, params):
        return self._call_kernel(F.pad, inpt, padding=self.padding,
                                 fill=_get_fill(self._fill, type(inpt)),
                                 padding_mode=self.padding_mode)


class RandomCrop(Transform):
    def __init__(self, size, padding=None, pad_if_needed=False, fill=0,
                 padding_mode="constant"):
        super().__init__()
        self.size = _setup_size(size)
        if pad_if_needed or padding is not None:
            if padding is not None:
                _check_padding_arg(padding)
            _check_padding_mode_arg(padding_mode)
        self.padding = F._geometry._parse_pad_padding(padding) if padding else None
        self.pad_if_needed = pad_if_needed
        self.fill, self._fill = fill, _setup_fill_arg(fill)
        self.padding_mode = padding_mode

    def make_params(self, flat_inputs):
        height, width = query_size(flat_inputs)
        left, right, top, bottom = self.padding or (0, 0, 0, 0)
        height, width = height + top + bottom, width + left + right
        ch, cw = self.size
        if self.pad_if_needed:
            if height < ch:
                diff = ch - height
                top, bottom, height = top + diff, bottom + diff, height + 2 * diff
            if width < cw:
                diff = cw - width
                left, right, width = left + diff, right + diff, width + 2 * diff
        if height < ch or width < cw:
            raise _errors.v2_required_crop_size_larger_than(ch, cw, self, height, width)
        padding = [left, top, right, bottom]
        crop_top = int(randint(0, height - ch + 1, size=())) if height > ch else 0
        crop_left = int(randint(0, width - cw + 1, size=())) if width > cw else 0
        return dict(needs_crop=height > ch or width > cw, top=crop_top, left=crop_left,
                    height=ch, width=cw, needs_pad=any(padding), padding=padding)

    def transform(self, inpt, params):
        if params["needs_pad"]:
            inpt = self._call_kernel(F.pad, inpt, padding=params["padding"],
                                     fill=_get_fill(self._fill, type(inpt)),
                                     padding_mode=self.padding_mode)
        if params["needs_crop"]:
            inpt = self._call_kernel(F.crop, inpt, top=params["top"], left=params["left"],
                                     height=params["height"], width=params["width"])
        return inpt


class _FillTransform:
    """Set-up shared by the transforms that fill uncovered pixels."""

    def _setup_fill_center(self, fill, center):
        self.fill, self._fill = fill, _setup_fill_arg(fill)
        if center is not None:
            _check_sequence_input(center, "center", req_sizes=(2,))
        self.center = center


class RandomRotation(Transform, _FillTransform):
    def __init__(self, degrees, interpolation="nearest", expand=False,
                 center=None, fill=0):
        super().__init__()
        self.degrees = _setup_angle(degrees, name="degrees", req_sizes=(2,))
        self.interpolation, self.expand = interpolation, expand
        self._setup_fill_center(fill, center)

    def make_params(self, flat_inputs):
        return dict(angle=_uniform(self.degrees[0], self.degrees[1]))

    def transform(self, inpt, params):
        return self._call_kernel(F.rotate, inpt, **params, interpolation=self.interpolation,
                                 expand=self.expand, center=self.center,
                                 fill=_get_fill(self._fill, type(inpt)))


class RandomAffine(Transform, _FillTransform):
    def __init__(self, degrees, translate=None, scale=None, shear=None,
                 interpolation="nearest", fill=0, center=None):
        super().__init__()
        self.degrees = _setup_angle(degrees, name="degrees", req_sizes=(2,))
        if translate is not None:
            _check_sequence_input(translate, "translate", req_sizes=(2,))
            if not all(0.0 <= t <= 1.0 for t in translate):
                raise _errors.v2_translation_values_between_0_1()
        if scale is not None:
            _check_sequence_input(scale, "scale", req_sizes=(2,))
            if any(s <= 0 for s in scale):
                raise _errors.v2_scale_values_positive()
        self.translate, self.scale = translate, scale
        self.shear = None if shear is None else _setup_angle(shear, name="shear",
                                                               req_sizes=(2, 4))
        self.interpolation = interpolation
        self._setup_fill_center(fill, center)

    def make_params(self, flat_inputs):
        height, width = query_size(flat_inputs)
        angle = _uniform(self.degrees[0], self.degrees[1])
        translate = (0, 0)
        if self.translate is not None:
            max_dx, max_dy = float(self.translate[0] * width), float(self.translate[1] * height)
            translate = (int(round(_uniform(-max_dx, max_dx))),
                         int(round(_uniform(-max_dy, max_dy))))
        scale = 1.0 if self.scale is None else _uniform(self.scale[0], self.scale[1])
        shear = [0.0, 0.0]
        if self.shear is not None:
            shear[0] = float(_uniform(self.shear[0], self.shear[1]))
            if len(self.shear) == 4:
                shear[1] = float(_uniform(self.shear[2], self.shear[3]))
        return dict(angle=angle, translate=translate, scale=scale, shear=tuple(shear))

    def transform(self, inpt, params):
        return self._call_kernel(F.affine, inpt, **params, interpolation=self.interpolation,
                                 fill=_get_fill(self._fill, type(inpt)), center=self.center)


class RandomZoomOut(_RandomApplyTransform):
    """Place the image on a larger canvas (side ``× r``, ``r`` from ``side_range``)."""

    def __init__(self, fill=0, side_range=(1.0, 4.0), p=0.5):
        super().__init__(p=p)
        self.fill, self._fill = fill, _setup_fill_arg(fill)
        _check_sequence_input(side_range, "side_range", req_sizes=(2,))
        self.side_range = side_range
        if side_range[0] < 1.0 or side_range[0] > side_range[1]:
            raise _errors.v2_invalid_side_range_provided(side_range)

    def make_params(self, flat_inputs):
        orig_h, orig_w = query_size(flat_inputs)
        r = self.side_range[0] + rand(1) * (self.side_range[1] - self.side_range[0])
        canvas_w, canvas_h = int(orig_w * r), int(orig_h * r)
        r = rand(2)
        left, top = int((canvas_w - orig_w) * r[0]), int((canvas_h - orig_h) * r[1])
        return dict(padding=[left, top, canvas_w - (left + orig_w), canvas_h - (top + orig_h)])

    def transform(self, inpt, params):
        return self._call_kernel(F.pad, inpt, **params, fill=_get_fill(self._fill, type(inpt)))


class RandomIoUCrop(Transform):
    """SSD's crop: a random crop whose IoU with some box reaches a drawn threshold; boxes
    whose centre leaves the crop become zero (remove them with ``SanitizeBoundingBoxes``)."""

    def __init__(self, min_scale=0.3, max_scale=1.0, min_aspect_ratio=0.5,
                 max_aspect_ratio=2.0, sampler_options=None, trials=40):
        super().__init__()
        self.min_scale, self.max_scale = min_scale, max_scale
        self.min_aspect_ratio, self.max_aspect_ratio = min_aspect_ratio, max_aspect_ratio
        self.options = [0.0, 0.1, 0.3, 0.5, 0.7, 0.9, 1.0] if sampler_options is None \
            else sampler_options
        self.trials = trials

    def check_inputs(self, flat_inputs):
        from ._utils import has_all
        if not has_all(flat_inputs, tv_tensors.BoundingBoxes):
            raise _errors.v2_requires_input_sample_contain_bounding(self)

    def _try(self, boxes, orig_h, orig_w, min_iou):
        r = self.min_scale + (self.max_scale - self.min_scale) * rand(2)
        new_w, new_h = int(orig_w * r[0]), int(orig_h * r[1])
        if new_h == 0 or not (self.min_aspect_ratio <= new_w / new_h <= self.max_aspect_ratio):
            return None
        r = rand(2)
        left, top = int((orig_w - new_w) * r[0]), int((orig_h - new_h) * r[1])
        right, bottom = left + new_w, top + new_h
        if left == right or top == bottom:
            return None
        xyxy = F.convert_bounding_box_format(boxes.as_subclass(Tensor), boxes.format,
                                             tv_tensors.BoundingBoxFormat.XYXY)
        cx = 0.5 * (xyxy[..., 0] + xyxy[..., 2])
        cy = 0.5 * (xyxy[..., 1] + xyxy[..., 3])
        inside = (left < cx) & (cx < right) & (top < cy) & (cy < bottom)
        if not inside.any():
            return None
        ious = box_iou(xyxy[inside], _tensor([[left, top, right, bottom]], dtype=xyxy.dtype))
        if ious.max() < min_iou:
            return None
        return dict(top=top, left=left, height=new_h, width=new_w, is_within_crop_area=inside)

    def make_params(self, flat_inputs):
        orig_h, orig_w = query_size(flat_inputs)
        boxes = get_bounding_boxes(flat_inputs)
        while True:
            min_iou = self.options[int(randint(low=0, high=len(self.options), size=(1,)))]
            if min_iou >= 1.0:
                return dict()
            for _ in range(self.trials):
                params = self._try(boxes, orig_h, orig_w, min_iou)
                if params is not None:
                    return params

    def transform(self, inpt, params):
        if not params:
            return inpt
        output = self._call_kernel(F.crop, inpt, top=params["top"], left=params["left"],
                                   height=params["height"], width=params["width"])
        if isinstance(output, tv_tensors.BoundingBoxes):
            output[~params["is_within_crop_area"]] = 0
        return output


class RandomPerspective(_RandomApplyTransform):
    """Move each corner inwards by up to ``distortion_scale`` of the half side."""

    def __init__(self, distortion_scale=0.5, p=0.5, interpolation="bilinear",
                 fill=0):
        super().__init__(p=p)
        if not 0 <= distortion_scale <= 1:
            raise _errors.v2_argument_distortion_scale_value_between()
        self.distortion_scale, self.interpolation = distortion_scale, interpolation
        self.fill, self._fill = fill, _setup_fill_arg(fill)

    def make_params(self, flat_inputs):
        height, width = query_size(flat_inputs)
        bound_h = int(self.distortion_scale * (height // 2)) + 1
        bound_w = int(self.distortion_scale * (width // 2)) + 1

        def draw(lo, hi):
            return int(randint(lo, hi, size=(1,)))
        topleft = [draw(0, bound_w), draw(0, bound_h)]
        topright = [draw(width - bound_w, width), draw(0, bound_h)]
        botright = [draw(width - bound_w, width), draw(height - bound_h, height)]
        botleft = [draw(0, bound_w), draw(height - bound_h, height)]
        startpoints = [[0, 0], [width - 1, 0], [width - 1, height - 1], [0, height - 1]]
        return dict(coefficients=F1._get_perspective_coeffs(
            startpoints, [topleft, topright, botright, botleft]))

    def transform(self, inpt, params):
        return self._call_kernel(F.perspective, inpt, None, None,
                                 fill=_get_fill(self._fill, type(inpt)),
                                 interpolation=self.interpolation, **params)


class _RandomResizeBase(Transform):
    """Resize to a size drawn per call by ``make_params``."""

    def __init__(self, interpolation, antialias, **settings):
        super().__init__()
        for name, value in settings.items():   # first, in torchvision's repr order
            setattr(self, name, value)
        self.interpolation, self.antialias = interpolation, antialias

    def transform(self, inpt, params):
        return self._call_kernel(F.resize, inpt, params["size"],
                                 interpolation=self.interpolation, antialias=self.antialias)


class ScaleJitter(_RandomResizeBase):
    """Scale to fit ``target_size`` (W, H) times a factor drawn from ``scale_range``."""

    def __init__(self, target_size, scale_range=(0.1, 2.0),
                 interpolation="bilinear", antialias=True):
        super().__init__(interpolation, antialias, target_size=target_size,
                         scale_range=scale_range)

    def make_params(self, flat_inputs):
        height, width = query_size(flat_inputs)
        scale = self.scale_range[0] + rand(1) * (self.scale_range[1] - self.scale_range[0])
        r = min(self.target_size[1] / height, self.target_size[0] / width) * scale
        return dict(size=(int(height * r), int(width * r)))


class RandomShortestSize(_RandomResizeBase):
    """Shorter side to one of ``min_size`` (drawn), the longer one at most ``max_size``."""

    def __init__(self, min_size, max_size=None, interpolation="bilinear",
                 antialias=True):
        super().__init__(interpolation, antialias,
                         min_size=[min_size] if isinstance(min_size, int) else list(min_size),
                         max_size=max_size)

    def make_params(self, flat_inputs):
        height, width = query_size(flat_inputs)
        r = self.min_size[int(randint(len(self.min_size), ()))] / min(height, width)
        if self.max_size is not None:
            r = min(r, self.max_size / max(height, width))
        return dict(size=(int(height * r), int(width * r)))


class RandomResize(_RandomResizeBase):
    """Shorter side to a size drawn uniformly from ``[min_size, max_size)``."""

    def __init__(self, min_size, max_size, interpolation="bilinear",
                 antialias=True):
        super().__init__(interpolation, antialias, min_size=min_size, max_size=max_size)

    def make_params(self, flat_inputs):
        return dict(size=[int(randint(self.min_size, self.max_size, ()))])


class ElasticTransform(Transform):
    """Displace pixels by smoothed random fields (strength ``alpha``, smoothness ``sigma``)."""

    def __init__(self, alpha=50.0, sigma=5.0, interpolation="bilinear", fill=0):
        super().__init__()
        self.alpha = _setup_number_or_seq(alpha, "alpha")
        self.sigma = _setup_number_or_seq(sigma, "sigma")
        self.interpolation = interpolation
        self.fill, self._fill = fill, _setup_fill_arg(fill)

    def _field(self, height, width, axis):
        d = rand(1, 1, height, width) * 2 - 1
        if self.sigma[axis] > 0.0:
            k = int(8 * self.sigma[axis] + 1)
            k += 1 - k % 2
            d = self._call_kernel(F.gaussian_blur, d, [k, k], list(self.sigma))
        return d * self.alpha[axis] / (width, height)[axis]

    def make_params(self, flat_inputs):
        height, width = query_size(flat_inputs)
        dx = self._field(height, width, 0)
        dy = self._field(height, width, 1)
        return dict(displacement=cat([dx, dy], 1).permute([0, 2, 3, 1]))

    def transform(self, inpt, params):
        return self._call_kernel(F.elastic, inpt, **params,
                                 fill=_get_fill(self._fill, type(inpt)),
                                 interpolation=self.interpolation)


class FiveCrop(Transform):
    def __init__(self, size):
        super().__init__()
        self.size = _setup_size(size)

    def transform(self, inpt, params):
        return self._call_kernel(F.five_crop, inpt, self.size)


class TenCrop(FiveCrop):
    def __init__(self, size, vertical_flip=False):
        super().__init__(size)
        self.vertical_flip = vertical_flip

    def transform(self, inpt, params):
        return self._call_kernel(F.ten_crop, inpt, self.size, vertical_flip=self.vertical_flip)


