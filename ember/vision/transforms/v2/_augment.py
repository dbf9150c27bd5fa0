"""Batch-level augmentations: ``MixUp``, ``CutMix`` and ``RandomErasing``."""
import math

from .... import clamp, randint, tensor as _tensor
from ....utils._pytree import tree_flatten, tree_unflatten
from ... import tv_tensors
from ..._pil import is_pil_image
from ._transform import Transform
from ._utils import _parse_labels_getter, has_any, is_pure_tensor, query_size


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
            raise ValueError(f"{type(self).__name__}() does not support PIL images, bounding "
                             f"boxes, keypoints and masks.")
        labels = self._labels_getter(inputs)
        if not isinstance(labels, Tensor):
            raise ValueError(f"The labels must be a tensor, but got {type(labels)} instead.")
        if labels.ndim not in (1, 2):
            raise ValueError(
                f"labels should be index based with shape (batch_size,) or probability based "
                f"with shape (batch_size, num_classes), but got a tensor of shape "
                f"{labels.shape} instead.")
        if labels.ndim == 2 and self.num_classes is not None and \
                labels.shape[-1] != self.num_classes:
            raise ValueError(
                f"When passing 2D labels, the number of elements in last dimension must match "
                f"num_classes: {labels.shape[-1]} != {self.num_classes}. You can Leave "
                f"num_classes to None.")
        if labels.ndim == 1 and self.num_classes is None:
            raise ValueError("num_classes must be passed if the labels are index-based (1D)")
        params = {"labels": labels, "batch_size": labels.shape[0],
                  **self.make_params([x for x, n in zip(flat_inputs, needs) if n])}
        needs[next(i for i, x in enumerate(flat_inputs) if x is labels)] = True
        return tree_unflatten([self.transform(x, params) if n else x
                               for x, n in zip(flat_inputs, needs)], spec)

    def _check_image_or_video(self, inpt, *, batch_size):
        expected = 5 if isinstance(inpt, tv_tensors.Video) else 4
        if inpt.ndim != expected:
            raise ValueError(f"Expected a batched input with {expected} dims, but got "
                             f"{inpt.ndim} dimensions instead.")
        if inpt.shape[0] != batch_size:
            raise ValueError(f"The batch size of the image or video does not match the batch "
                             f"size of the labels: {inpt.shape[0]} != {batch_size}.")

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


