"""AutoAugment, RandAugment, TrivialAugmentWide and AugMix: random chains of photometric and
geometric ops applied to the sample's single image or video (boxes and masks are refused)."""
import math

from .... import _sample_dirichlet, arange, linspace, rand, randint, tensor as _tensor
from ...._tensor import Tensor
from ....utils._pytree import tree_flatten, tree_unflatten
from ... import tv_tensors
from .._functional_tensor import max_value
from ..._pil import is_pil_image
from ..autoaugment import AutoAugmentPolicy
from ..functional import InterpolationMode
from . import functional as F
from ._transform import Transform
from ._utils import _get_fill, _setup_fill_arg, check_type, is_pure_tensor
from .... import _errors


def _linear(lo, hi):
    """Magnitudes ``linspace(lo, hi)``; ``hi`` may depend on the image ``(height, width)``."""
    return lambda bins, h, w: linspace(lo, hi(h, w) if callable(hi) else hi, bins)


def _posterize_bits(top, span):
    return lambda bins, h, w: (top - (arange(bins) / ((bins - 1) / span))).round().int()


def _none(bins, h, w):
    return None


def _space(shear, translate, rotate, enhance, posterize, *, identity=False, invert=False):
    """An augmentation space: op name -> (magnitudes(bins, height, width), signed)."""
    space = {"Identity": (_none, False)} if identity else {}
    space.update({
        "ShearX": (_linear(0.0, shear), True), "ShearY": (_linear(0.0, shear), True),
        "TranslateX": (_linear(0.0, translate[0]), True),
        "TranslateY": (_linear(0.0, translate[1]), True),
        "Rotate": (_linear(0.0, rotate), True)})
    if enhance is not None:
        space.update({name: (_linear(0.0, enhance), True)
                      for name in ("Brightness", "Color", "Contrast", "Sharpness")})
    space.update({"Posterize": (posterize, False), "Solarize": (_linear(1.0, 0.0), False),
                  "AutoContrast": (_none, False), "Equalize": (_none, False)})
    if invert:
        space["Invert"] = (_none, False)
    return space


_AUTO_TRANSLATE = (lambda h, w: 150.0 / 331.0 * w, lambda h, w: 150.0 / 331.0 * h)


class _AutoAugmentBase(Transform):
    def __init__(self, *, interpolation="nearest", fill=None):
        super().__init__()
        self.interpolation = interpolation
        self.fill, self._fill = fill, _setup_fill_arg(fill)

    @staticmethod
    def _get_random_item(dct):
        keys = tuple(dct)
        key = keys[int(randint(len(keys), ()))]
        return key, dct[key]

    @staticmethod
    def _magnitude(magnitudes_fn, signed, bins, index, height, width):
        """The op's magnitude (``index`` into its bins, or a callable drawing it), negated
        with probability 1/2 for signed ops."""
        magnitudes = magnitudes_fn(bins, height, width)
        if magnitudes is None:
            return 0.0
        magnitude = float(magnitudes[index() if callable(index) else index])
        if signed and bool(rand(()) <= 0.5):
            magnitude *= -1
        return magnitude

    def _flatten_and_extract_image_or_video(self, inputs, unsupported_types=(
            tv_tensors.BoundingBoxes, tv_tensors.Mask, tv_tensors.KeyPoints)):
        flat_inputs, spec = tree_flatten(inputs if len(inputs) > 1 else inputs[0])
        found = []
        for idx, (inpt, needs) in enumerate(zip(flat_inputs,
                                                self._needs_transform_list(flat_inputs))):
            if needs and check_type(inpt, (tv_tensors.Image, is_pil_image, is_pure_tensor,
                                           tv_tensors.Video)):
                found.append((idx, inpt))
            elif isinstance(inpt, unsupported_types):
                raise _errors.v2_auto_augment_unsupported_input(inpt, self)
        if not found:
            raise _errors.v2_auto_augment_no_image()
        if len(found) > 1:
            raise _errors.v2_auto_augment_many_images(len(found))
        idx, image = found[0]
        return (flat_inputs, spec, idx), image

    @staticmethod
    def _unflatten_and_insert_image_or_video(flat_inputs_with_spec, image):
        flat_inputs, spec, idx = flat_inputs_with_spec
        flat_inputs[idx] = image
        return tree_unflatten(flat_inputs, spec)

    def _apply_image_or_video_transform(self, image, transform_id, magnitude):
        fill = _get_fill(self._fill, type(image))
        affine = dict(angle=0.0, translate=[0, 0], scale=1.0, shear=[0.0, 0.0],
                      interpolation=self.interpolation, fill=fill)
        shear = math.degrees(math.atan(magnitude))
        if transform_id == "Identity":
            return image
        if transform_id == "ShearX":
            return F.affine(image, **{**affine, "shear": [shear, 0.0]}, center=[0, 0])
        if transform_id == "ShearY":
            return F.affine(image, **{**affine, "shear": [0.0, shear]}, center=[0, 0])
        if transform_id == "TranslateX":
            return F.affine(image, **{**affine, "translate": [int(magnitude), 0]})
        if transform_id == "TranslateY":
            return F.affine(image, **{**affine, "translate": [0, int(magnitude)]})
        if transform_id == "Rotate":
            return F.rotate(image, angle=magnitude, interpolation=self.interpolation, fill=fill)
        enhance = {"Brightness": F.adjust_brightness, "Color": F.adjust_saturation,
                   "Contrast": F.adjust_contrast, "Sharpness": F.adjust_sharpness}
        if transform_id in enhance:
            return enhance[transform_id](image, 1.0 + magnitude)
        if transform_id == "Posterize":
            return F.posterize(image, bits=int(magnitude))
        if transform_id == "Solarize":
            bound = max_value(image.dtype) if isinstance(image, Tensor) else 255.0
            return F.solarize(image, threshold=bound * magnitude)
        plain = {"AutoContrast": F.autocontrast, "Equalize": F.equalize, "Invert": F.invert}
        if transform_id in plain:
            return plain[transform_id](image)
        raise _errors.v2_auto_augment_unknown_op(transform_id)


_IMAGENET_POLICY = (
    (("Posterize", 0.4, 8), ("Rotate", 0.6, 9)),
    (("Solarize", 0.6, 5), ("AutoContrast", 0.6, None)),
    (("Equalize", 0.8, None), ("Equalize", 0.6, None)),
    (("Posterize", 0.6, 7), ("Posterize", 0.6, 6)),
    (("Equalize", 0.4, None), ("Solarize", 0.2, 4)),
    (("Equalize", 0.4, None), ("Rotate", 0.8, 8)),
    (("Solarize", 0.6, 3), ("Equalize", 0.6, None)),
    (("Posterize", 0.8, 5), ("Equalize", 1.0, None)),
    (("Rotate", 0.2, 3), ("Solarize", 0.6, 8)),
    (("Equalize", 0.6, None), ("Posterize", 0.4, 6)),
    (("Rotate", 0.8, 8), ("Color", 0.4, 0)),
    (("Rotate", 0.4, 9), ("Equalize", 0.6, None)),
    (("Equalize", 0.0, None), ("Equalize", 0.8, None)),
    (("Invert", 0.6, None), ("Equalize", 1.0, None)),
    (("Color", 0.6, 4), ("Contrast", 1.0, 8)),
    (("Rotate", 0.8, 8), ("Color", 1.0, 2)),
    (("Color", 0.8, 8), ("Solarize", 0.8, 7)),
    (("Sharpness", 0.4, 7), ("Invert", 0.6, None)),
    (("ShearX", 0.6, 5), ("Equalize", 1.0, None)),
    (("Color", 0.4, 0), ("Equalize", 0.6, None)),
    (("Equalize", 0.4, None), ("Solarize", 0.2, 4)),
    (("Solarize", 0.6, 5), ("AutoContrast", 0.6, None)),
    (("Invert", 0.6, None), ("Equalize", 1.0, None)),
    (("Color", 0.6, 4), ("Contrast", 1.0, 8)),
    (("Equalize", 0.8, None), ("Equalize", 0.6, None)),
)
_CIFAR10_POLICY = (
    (("Invert", 0.1, None), ("Contrast", 0.2, 6)),
    (("Rotate", 0.7, 2), ("TranslateX", 0.3, 9)),
    (("Sharpness", 0.8, 1), ("Sharpness", 0.9, 3)),
    (("ShearY", 0.5, 8), ("TranslateY", 0.7, 9)),
    (("AutoContrast", 0.5, None), ("Equalize", 0.9, None)),
    (("ShearY", 0.2, 7), ("Posterize", 0.3, 7)),
    (("Color", 0.4, 3), ("Brightness", 0.6, 7)),
    (("Sharpness", 0.3, 9), ("Brightness", 0.7, 9)),
    (("Equalize", 0.6, None), ("Equalize", 0.5, None)),
    (("Contrast", 0.6, 7), ("Sharpness", 0.6, 5)),
    (("Color", 0.7, 7), ("TranslateX", 0.5, 8)),
    (("Equalize", 0.3, None), ("AutoContrast", 0.4, None)),
    (("TranslateY", 0.4, 3), ("Sharpness", 0.2, 6)),
    (("Brightness", 0.9, 6), ("Color", 0.2, 8)),
    (("Solarize", 0.5, 2), ("Invert", 0.0, None)),
    (("Equalize", 0.2, None), ("AutoContrast", 0.6, None)),
    (("Equalize", 0.2, None), ("Equalize", 0.6, None)),
    (("Color", 0.9, 9), ("Equalize", 0.6, None)),
    (("AutoContrast", 0.8, None), ("Solarize", 0.2, 8)),
    (("Brightness", 0.1, 3), ("Color", 0.7, 0)),
    (("Solarize", 0.4, 5), ("AutoContrast", 0.9, None)),
    (("TranslateY", 0.9, 9), ("TranslateY", 0.7, 9)),
    (("AutoContrast", 0.9, None), ("Solarize", 0.8, 3)),
    (("Equalize", 0.8, None), ("Invert", 0.1, None)),
    (("TranslateY", 0.7, 9), ("AutoContrast", 0.9, None)),
)
_SVHN_POLICY = (
    (("ShearX", 0.9, 4), ("Invert", 0.2, None)),
    (("ShearY", 0.9, 8), ("Invert", 0.7, None)),
    (("Equalize", 0.6, None), ("Solarize", 0.6, 6)),
    (("Invert", 0.9, None), ("Equalize", 0.6, None)),
    (("Equalize", 0.6, None), ("Rotate", 0.9, 3)),
    (("ShearX", 0.9, 4), ("AutoContrast", 0.8, None)),
    (("ShearY", 0.9, 8), ("Invert", 0.4, None)),
    (("ShearY", 0.9, 5), ("Solarize", 0.2, 6)),
    (("Invert", 0.9, None), ("AutoContrast", 0.8, None)),
    (("Equalize", 0.6, None), ("Rotate", 0.9, 3)),
    (("ShearX", 0.9, 4), ("Solarize", 0.3, 3)),
    (("ShearY", 0.8, 8), ("Invert", 0.7, None)),
    (("Equalize", 0.9, None), ("TranslateY", 0.6, 6)),
    (("Invert", 0.9, None), ("Equalize", 0.6, None)),
    (("Contrast", 0.3, 3), ("Rotate", 0.8, 4)),
    (("Invert", 0.8, None), ("TranslateY", 0.0, 2)),
    (("ShearY", 0.7, 6), ("Solarize", 0.4, 8)),
    (("Invert", 0.6, None), ("Rotate", 0.8, 4)),
    (("ShearY", 0.3, 7), ("TranslateX", 0.9, 3)),
    (("ShearX", 0.1, 6), ("Invert", 0.6, None)),
    (("Solarize", 0.7, 2), ("TranslateY", 0.6, 7)),
    (("ShearY", 0.8, 4), ("Invert", 0.8, None)),
    (("ShearX", 0.7, 9), ("TranslateY", 0.8, 3)),
    (("ShearY", 0.8, 5), ("AutoContrast", 0.7, None)),
    (("ShearX", 0.7, 2), ("Invert", 0.1, None)),
)
_POLICIES = {AutoAugmentPolicy.IMAGENET: _IMAGENET_POLICY,
             AutoAugmentPolicy.CIFAR10: _CIFAR10_POLICY, AutoAugmentPolicy.SVHN: _SVHN_POLICY}


class AutoAugment(_AutoAugmentBase):
    """One sub-policy (two ops with probabilities and magnitudes) of a learned policy."""
    _AUGMENTATION_SPACE = _space(0.3, _AUTO_TRANSLATE, 30.0, 0.9, _posterize_bits(8, 4),
                                 invert=True)

    def __init__(self, policy=AutoAugmentPolicy.IMAGENET, interpolation="nearest",
                 fill=None):
        super().__init__(interpolation=interpolation, fill=fill)
        self.policy = policy
        if policy not in _POLICIES:
            raise _errors.v2_auto_augment_policy(policy)
        self._policies = list(_POLICIES[policy])

    def forward(self, *inputs):
        flat_with_spec, image = self._flatten_and_extract_image_or_video(inputs)
        height, width = F.get_size(image)
        policy = self._policies[int(randint(len(self._policies), ()))]
        for transform_id, probability, magnitude_idx in policy:
            if not bool(rand(()) <= probability):
                continue
            fn, signed = self._AUGMENTATION_SPACE[transform_id]
            magnitude = self._magnitude(fn, signed, 10, magnitude_idx, height, width)
            image = self._apply_image_or_video_transform(image, transform_id, magnitude)
        return self._unflatten_and_insert_image_or_video(flat_with_spec, image)


class RandAugment(_AutoAugmentBase):
    """``num_ops`` ops drawn uniformly, all at bin ``magnitude`` of ``num_magnitude_bins``."""
    _AUGMENTATION_SPACE = _space(0.3, _AUTO_TRANSLATE, 30.0, 0.9, _posterize_bits(8, 4),
                                 identity=True)

    def __init__(self, num_ops=2, magnitude=9, num_magnitude_bins=31,
                 interpolation="nearest", fill=None):
        super().__init__(interpolation=interpolation, fill=fill)
        if not isinstance(num_ops, int) or num_ops < 0:
            raise _errors.v2_rand_augment_num_ops(num_ops)
        self.num_ops, self.magnitude = num_ops, magnitude
        self.num_magnitude_bins = num_magnitude_bins

    def forward(self, *inputs):
        flat_with_spec, image = self._flatten_and_extract_image_or_video(inputs)
        height, width = F.get_size(image)
        for _ in range(self.num_ops):
            transform_id, (fn, signed) = self._get_random_item(self._AUGMENTATION_SPACE)
            magnitude = self._magnitude(fn, signed, self.num_magnitude_bins, self.magnitude,
                                        height, width)
            image = self._apply_image_or_video_transform(image, transform_id, magnitude)
        return self._unflatten_and_insert_image_or_video(flat_with_spec, image)


class TrivialAugmentWide(_AutoAugmentBase):
    """One op drawn uniformly, at a uniformly drawn magnitude."""
    _AUGMENTATION_SPACE = _space(0.99, (32.0, 32.0), 135.0, 0.99, _posterize_bits(8, 6),
                                 identity=True)

    def __init__(self, num_magnitude_bins=31, interpolation="nearest",
                 fill=None):
        super().__init__(interpolation=interpolation, fill=fill)
        self.num_magnitude_bins = num_magnitude_bins

    def forward(self, *inputs):
        flat_with_spec, image = self._flatten_and_extract_image_or_video(inputs)
        height, width = F.get_size(image)
        transform_id, (fn, signed) = self._get_random_item(self._AUGMENTATION_SPACE)
        magnitude = self._magnitude(fn, signed, self.num_magnitude_bins,
                                    lambda: int(randint(self.num_magnitude_bins, ())),
                                    height, width)
        image = self._apply_image_or_video_transform(image, transform_id, magnitude)
        return self._unflatten_and_insert_image_or_video(flat_with_spec, image)


class AugMix(_AutoAugmentBase):
    """A Dirichlet-weighted mix of ``mixture_width`` random op chains, blended with the
    original image by a Beta-like weight."""
    _PARTIAL_AUGMENTATION_SPACE = _space(0.3, (lambda h, w: w / 3.0, lambda h, w: h / 3.0),
                                         30.0, None, _posterize_bits(4, 4))
    _AUGMENTATION_SPACE = {**_PARTIAL_AUGMENTATION_SPACE,
                           **{name: (_linear(0.0, 0.9), True)
                              for name in ("Brightness", "Color", "Contrast", "Sharpness")}}

    def __init__(self, severity=3, mixture_width=3, chain_depth=-1, alpha=1.0, all_ops=True,
                 interpolation="bilinear", fill=None):
        super().__init__(interpolation=interpolation, fill=fill)
        self._PARAMETER_MAX = 10
        if not 1 <= severity <= self._PARAMETER_MAX:
            raise _errors.v2_augmix_severity(self._PARAMETER_MAX, severity)
        self.severity, self.mixture_width, self.chain_depth = severity, mixture_width, chain_depth
        self.alpha, self.all_ops = alpha, all_ops

    def _sample_dirichlet(self, params):
        return _sample_dirichlet(params)

    def forward(self, *inputs):
        flat_with_spec, orig = self._flatten_and_extract_image_or_video(inputs)
        height, width = F.get_size(orig)
        image = orig if isinstance(orig, Tensor) else F.pil_to_tensor(orig)
        space = self._AUGMENTATION_SPACE if self.all_ops else self._PARTIAL_AUGMENTATION_SPACE
        orig_dims = list(image.shape)
        expected_ndim = 5 if isinstance(orig, tv_tensors.Video) else 4
        batch = image.reshape([1] * max(expected_ndim - image.ndim, 0) + orig_dims)
        batch_dims = [batch.size(0)] + [1] * (batch.ndim - 1)
        m = self._sample_dirichlet(_tensor([self.alpha, self.alpha]).expand(batch_dims[0], -1))
        weights = self._sample_dirichlet(
            _tensor([self.alpha] * self.mixture_width).expand(batch_dims[0], -1)
        ) * m[:, 1].reshape([batch_dims[0], -1])
        mix = m[:, 0].reshape(batch_dims) * batch
        for i in range(self.mixture_width):
            aug = batch
            depth = self.chain_depth if self.chain_depth > 0 else \
                int(randint(low=1, high=4, size=(1,)).item())
            for _ in range(depth):
                transform_id, (fn, signed) = self._get_random_item(space)
                magnitude = self._magnitude(fn, signed, self._PARAMETER_MAX,
                                            lambda: int(randint(self.severity, ())),
                                            height, width)
                aug = self._apply_image_or_video_transform(aug, transform_id, magnitude)
            mix.add_(weights[:, i].reshape(batch_dims) * aug)
        mix = mix.reshape(orig_dims).to(dtype=image.dtype)
        if isinstance(orig, (tv_tensors.Image, tv_tensors.Video)):
            mix = tv_tensors.wrap(mix, like=orig)
        elif is_pil_image(orig):
            mix = F.to_pil_image(mix)
        return self._unflatten_and_insert_image_or_video(flat_with_spec, mix)
