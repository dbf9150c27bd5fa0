"""The detection models' input/output transform: normalise, resize (with the targets'
boxes, masks and keypoints), batch into a padded tensor; and map predictions back to the
original image sizes."""
import math

import ember

from .... import _errors, nn
from ....nn import functional as F
from .image_list import ImageList
from .roi_heads import paste_masks_in_image

__all__ = ["GeneralizedRCNNTransform", "resize_boxes", "resize_keypoints"]

# the detectors' default normalisation
_IMAGENET_MEAN = [0.485, 0.456, 0.406]
_IMAGENET_STD = [0.229, 0.224, 0.225]


def _resize_image_and_masks(image, self_min_size, self_max_size, target=None, fixed_size=None):
    """Scale so the short side is ``self_min_size`` unless the long side would pass
    ``self_max_size`` (or to ``fixed_size`` (w, h)); target masks follow (nearest)."""
    if fixed_size is not None:
        size, scale_factor, recompute = [fixed_size[1], fixed_size[0]], None, None
    else:
        shape = image.shape[-2:]
        size, recompute = None, True
        scale_factor = min(self_min_size / min(shape), self_max_size / max(shape))
    image = F.interpolate(image[None], size=size, scale_factor=scale_factor, mode="bilinear",
                          recompute_scale_factor=recompute, align_corners=False)[0]
    if target is not None and "masks" in target:
        masks = target["masks"][:, None].float()
        target["masks"] = F.interpolate(masks, size=size, scale_factor=scale_factor,
                                        recompute_scale_factor=recompute)[:, 0].byte()
    return image, target


def _ratios(original_size, new_size, device):
    return [ember.tensor(s, dtype=ember.float32, device=device) /
            ember.tensor(s_orig, dtype=ember.float32, device=device)
            for s, s_orig in zip(new_size, original_size)]


def resize_boxes(boxes, original_size, new_size):
    ratio_h, ratio_w = _ratios(original_size, new_size, boxes.device)
    xmin, ymin, xmax, ymax = boxes.unbind(1)
    return ember.stack((xmin * ratio_w, ymin * ratio_h, xmax * ratio_w, ymax * ratio_h), dim=1)


def resize_keypoints(keypoints, original_size, new_size):
    ratio_h, ratio_w = _ratios(original_size, new_size, keypoints.device)
    return ember.stack((keypoints[..., 0] * ratio_w, keypoints[..., 1] * ratio_h,
                        keypoints[..., 2]), dim=-1)


class GeneralizedRCNNTransform(nn.Module):
    """Normalise each ``[C, H, W]`` float image with ``image_mean``/``image_std``, resize it
    (in training to a random choice of ``min_size``), and zero-pad the batch to a multiple of
    ``size_divisible``.  ``postprocess`` maps boxes, masks and keypoints back."""

    def __init__(self, min_size, max_size, image_mean, image_std, size_divisible=32,
                 fixed_size=None, **kwargs):
        super().__init__()
        if not isinstance(min_size, (list, tuple)):
            min_size = (min_size,)
        self.min_size = min_size
        self.max_size = max_size
        self.image_mean = image_mean
        self.image_std = image_std
        self.size_divisible = size_divisible
        self.fixed_size = fixed_size
        self._skip_resize = kwargs.pop("_skip_resize", False)

    def forward(self, images, targets=None):
        images = list(images)
        if targets is not None:
            targets = [dict(t) for t in targets]
        for i, image in enumerate(images):
            if image.dim() != 3:
                raise _errors.rcnn_image_dims(image.shape)
            target = targets[i] if targets is not None else None
            image, target = self.resize(self.normalize(image), target)
            images[i] = image
            if target is not None:
                targets[i] = target
        image_sizes = [tuple(img.shape[-2:]) for img in images]
        return ImageList(self.batch_images(images, self.size_divisible), image_sizes), targets

    def normalize(self, image):
        if not image.is_floating_point():
            raise _errors.rcnn_image_dtype(image.dtype)
        mean = ember.as_tensor(self.image_mean, dtype=image.dtype, device=image.device)
        std = ember.as_tensor(self.image_std, dtype=image.dtype, device=image.device)
        return (image - mean[:, None, None]) / std[:, None, None]

    def torch_choice(self, k):
        """A uniformly random element of ``k``, drawn from ember's generator."""
        return k[int(ember.empty(1).uniform_(0.0, float(len(k))).item())]

    def resize(self, image, target=None):
        h, w = image.shape[-2:]
        if self.training:
            if self._skip_resize:
                return image, target
            size = self.torch_choice(self.min_size)
        else:
            size = self.min_size[-1]
        image, target = _resize_image_and_masks(image, size, self.max_size, target,
                                                self.fixed_size)
        if target is None:
            return image, target
        target["boxes"] = resize_boxes(target["boxes"], (h, w), image.shape[-2:])
        if "keypoints" in target:
            target["keypoints"] = resize_keypoints(target["keypoints"], (h, w), image.shape[-2:])
        return image, target

    def max_by_axis(self, the_list):
        return [max(sizes) for sizes in zip(*the_list)]

    def batch_images(self, images, size_divisible=32):
        max_size = self.max_by_axis([list(img.shape) for img in images])
        stride = float(size_divisible)
        max_size[1] = int(math.ceil(float(max_size[1]) / stride) * stride)
        max_size[2] = int(math.ceil(float(max_size[2]) / stride) * stride)
        padded = [F.pad(img, (0, max_size[2] - img.shape[2], 0, max_size[1] - img.shape[1],
                              0, max_size[0] - img.shape[0])) for img in images]
        return ember.stack(padded)

    def postprocess(self, result, image_shapes, original_image_sizes):
        if self.training:
            return result
        for pred, im_s, o_im_s in zip(result, image_shapes, original_image_sizes):
            pred["boxes"] = resize_boxes(pred["boxes"], im_s, o_im_s)
            if "masks" in pred:
                pred["masks"] = paste_masks_in_image(pred["masks"], pred["boxes"], o_im_s)
            if "keypoints" in pred:
                pred["keypoints"] = resize_keypoints(pred["keypoints"], im_s, o_im_s)
        return result

    def __repr__(self):
        indent = "\n    "
        return (f"{self.__class__.__name__}({indent}Normalize(mean={self.image_mean}, "
                f"std={self.image_std}){indent}Resize(min_size={self.min_size}, "
                f"max_size={self.max_size}, mode='bilinear')\n)")
