"""Batch-level augmentations ``MixUp`` and ``CutMix``, ``RandomErasing`` and ``JPEG``."""
import math
import numbers
import warnings

from .... import clamp, empty, exp, log, randint, tensor as _tensor
from ....utils._pytree import tree_flatten, tree_unflatten
from ... import tv_tensors
from ..._pil import is_pil_image
from . import functional as F
from ._transform import Transform, _RandomApplyTransform
from ._utils import (_check_sequence_input, _parse_labels_getter, has_any, is_pure_tensor,
                     query_chw, query_size)
from .... import _errors


class _BaseMixUpCutMix(Transform):
    """Mixes each image of a batch with the next one (``roll(1, 0)``) and the labels in
    proportion, with ``lam ~ Beta(alpha, alpha)``."""

    def __init__(self, *, alpha=1.0, num_classes=None, labels_getter="default"):
        super().__init__()
        from ....distributions import Beta
        self.alpha = float(alpha)
        self._dist = Beta(_tensor([alpha]), _tensor([alpha]))
        self.num_classes = num_classes
        self._labels_getter = _parse_labels_getter(labels_getter)

    def forward(self, *inputs):
        from ...._tensor import Tensor
        inputs = inputs if len(inputs) > 1 else inputs[0]
        flat_inputs, spec = tree_flatten(inputs)
        needs = self._needs_transform_list(flat_inputs)
        if has_any(flat_inputs, is_pil_image, tv_tensors.BoundingBoxes, tv_tensors.Mask,
                   tv_tensors.KeyPoints):
            raise _errors.v2_mix_unsupported_inputs(self)
        labels = self._labels_getter(inputs)
        if not isinstance(labels, Tensor):
            raise _errors.v2_labels_tensor(labels)
        if labels.ndim not in (1, 2):
            raise _errors.v2_labels_index_based_shape_batch(labels)
        if labels.ndim == 2 and self.num_classes is not None and \
                labels.shape[-1] != self.num_classes:
            raise _errors.v2_when_passing_2d_labels_number(labels, self)
        if labels.ndim == 1 and self.num_classes is None:
            raise _errors.v2_num_classes_passed_labels_index()
        params = {"labels": labels, "batch_size": labels.shape[0],
                  **self.make_params([x for x, n in zip(flat_inputs, needs) if n])}
        needs[next(i for i, x in enumerate(flat_inputs) if x is labels)] = True
        return tree_unflatten([self.transform(x, params) if n else x
                               for x, n in zip(flat_inputs, needs)], spec)

    def _check_image_or_video(self, inpt, *, batch_size):
        expected = 5 if isinstance(inpt, tv_tensors.Video) else 4
        if inpt.ndim != expected:
            raise _errors.v2_expected_batched_input_dims_dimensions(expected, inpt)
        if inpt.shape[0] != batch_size:
            raise _errors.v2_batch_size_image_video_does(inpt, batch_size)

    def _mixup_label(self, label, *, lam):
        from ....nn.functional import one_hot
        if label.ndim == 1:
            label = one_hot(label, num_classes=self.num_classes)
        if not label.dtype.is_floating_point:
            label = label.float()
        return label.roll(1, 0).mul_(1.0 - lam).add_(label.mul(lam))

    def transform(self, inpt, params):
        if inpt is params["labels"]:
            return self._mixup_label(inpt, lam=params["label_lam"])
        if not (isinstance(inpt, (tv_tensors.Image, tv_tensors.Video)) or is_pure_tensor(inpt)):
            return inpt
        self._check_image_or_video(inpt, batch_size=params["batch_size"])
        output = self._mix(inpt, params)
        if isinstance(inpt, (tv_tensors.Image, tv_tensors.Video)):
            output = tv_tensors.wrap(output, like=inpt)
        return output


class MixUp(_BaseMixUpCutMix):
    def make_params(self, flat_inputs):
        lam = float(self._dist.sample(()))
        return dict(lam=lam, label_lam=lam)

    def _mix(self, inpt, params):
        lam = params["lam"]
        return inpt.roll(1, 0).mul_(1.0 - lam).add_(inpt.mul(lam))


class CutMix(_BaseMixUpCutMix):
    def make_params(self, flat_inputs):
        lam = float(self._dist.sample(()))
        H, W = query_size(flat_inputs)
        r_x, r_y = randint(W, size=(1,)), randint(H, size=(1,))
        r = 0.5 * math.sqrt(1.0 - lam)
        r_w_half, r_h_half = int(r * W), int(r * H)
        x1, y1 = int(clamp(r_x - r_w_half, min=0)), int(clamp(r_y - r_h_half, min=0))
        x2, y2 = int(clamp(r_x + r_w_half, max=W)), int(clamp(r_y + r_h_half, max=H))
        return dict(box=(x1, y1, x2, y2),
                    label_lam=float(1.0 - (x2 - x1) * (y2 - y1) / (W * H)))

    def _mix(self, inpt, params):
        x1, y1, x2, y2 = params["box"]
        output = inpt.clone()
        output[..., y1:y2, x1:x2] = inpt.roll(1, 0)[..., y1:y2, x1:x2]
        return output




class RandomErasing(_RandomApplyTransform):
    """Erase a random rectangle (area fraction ``scale``, aspect ``ratio``) with ``value``
    (a number, one per channel, or ``"random"`` for normal noise)."""

    def __init__(self, p=0.5, scale=(0.02, 0.33), ratio=(0.3, 3.3), value=0.0, inplace=False):
        super().__init__(p=p)
        if not isinstance(value, (numbers.Number, str, tuple, list)):
            raise _errors.v2_erasing_value_type()
        if isinstance(value, str) and value != "random":
            raise _errors.v2_erasing_value_str()
        if not isinstance(scale, (tuple, list)):
            raise _errors.v2_erasing_sequence("Scale")
        if not isinstance(ratio, (tuple, list)):
            raise _errors.v2_erasing_sequence("Ratio")
        if scale[0] > scale[1] or ratio[0] > ratio[1]:
            warnings.warn("Scale and ratio should be of kind (min, max)")
        if scale[0] < 0 or scale[1] > 1:
            raise _errors.v2_erasing_scale()
        self.scale, self.ratio = scale, ratio
        self.value = None if isinstance(value, str) else \
            [float(value)] if isinstance(value, numbers.Number) else [float(v) for v in value]
        self.inplace = inplace
        self._log_ratio = log(_tensor(self.ratio))

    def _call_kernel(self, functional, inpt, *args, **kwargs):
        if isinstance(inpt, (tv_tensors.BoundingBoxes, tv_tensors.KeyPoints, tv_tensors.Mask)):
            warnings.warn(f"{type(self).__name__}() is currently passing through inputs of type "
                          f"tv_tensors.{type(inpt).__name__}. This will likely change in the "
                          f"future.")
        return super()._call_kernel(functional, inpt, *args, **kwargs)

    def make_params(self, flat_inputs):
        img_c, img_h, img_w = query_chw(flat_inputs)
        if self.value is not None and len(self.value) not in (1, img_c):
            raise _errors.v2_erasing_value_channels(img_c)
        area = img_h * img_w
        for _ in range(10):
            erase_area = area * empty(1).uniform_(self.scale[0], self.scale[1]).item()
            aspect = exp(empty(1).uniform_(float(self._log_ratio[0]),
                                           float(self._log_ratio[1]))).item()
            h = int(round(math.sqrt(erase_area * aspect)))
            w = int(round(math.sqrt(erase_area / aspect)))
            if not (h < img_h and w < img_w):
                continue
            v = empty([img_c, h, w]).normal_() if self.value is None else \
                _tensor(self.value)[:, None, None]
            i = randint(0, img_h - h + 1, size=(1,)).item()
            j = randint(0, img_w - w + 1, size=(1,)).item()
            return dict(i=i, j=j, h=h, w=w, v=v)
        return dict(i=0, j=0, h=img_h, w=img_w, v=None)

    def transform(self, inpt, params):
        if params["v"] is not None:
            inpt = self._call_kernel(F.erase, inpt, **params, inplace=self.inplace)
        return inpt


class JPEG(Transform):
    """JPEG-compress and decompress images (uint8 tensors ``[..., 1 or 3, H, W]`` or PIL) at a
    ``quality`` from 1 to 100, or one drawn uniformly from a ``(min, max)`` range per call."""

    def __init__(self, quality):
        super().__init__()
        if isinstance(quality, int):
            if isinstance(quality, bool):
                raise _errors.v2_jpeg_quality_bool()
            quality = [quality, quality]
        else:
            _check_sequence_input(quality, "quality", req_sizes=(2,))
        if not (isinstance(quality[0], int) and isinstance(quality[1], int)
                and 1 <= quality[0] <= quality[1] <= 100):
            raise _errors.v2_jpeg_quality_range(quality)
        self.quality = quality

    def make_params(self, flat_inputs):
        return dict(quality=randint(self.quality[0], self.quality[1] + 1, ()).item())

    def transform(self, inpt, params):
        return self._call_kernel(F.jpeg, inpt, quality=params["quality"])
