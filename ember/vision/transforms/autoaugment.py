"""``torchvision.transforms.autoaugment``: AutoAugment, RandAugment, TrivialAugmentWide and AugMix
on one image (PIL or tensor), drawing their random numbers as torchvision's v1 classes do.

The augmentation spaces and learned policies are shared with ``transforms.v2``."""
import enum
import math

import ember

from ... import _errors
from ...nn.modules.module import Module
from . import functional as F
from .functional import InterpolationMode


class AutoAugmentPolicy(enum.Enum):
    """The policies learned on ImageNet, CIFAR10 and SVHN."""
    IMAGENET = "imagenet"
    CIFAR10 = "cifar10"
    SVHN = "svhn"


def _linear(lo, hi):
    """Magnitudes ``linspace(lo, hi)``; ``hi`` may depend on the image ``(height, width)``."""
    return lambda bins, h, w: ember.linspace(lo, hi(h, w) if callable(hi) else hi, bins)


def _posterize_bits(top, span):
    return lambda bins, h, w: (top - (ember.arange(bins) / ((bins - 1) / span))).round().int()


def _none(bins, h, w):
    return None


def _space(shear, translate, rotate, enhance, posterize, *, solarize=1.0, identity=False,
           invert=False):
    """An augmentation space: op name -> (magnitudes(bins, height, width), signed)."""
    ops = {"Identity": (_none, False)} if identity else {}
    ops.update({
        "ShearX": (_linear(0.0, shear), True), "ShearY": (_linear(0.0, shear), True),
        "TranslateX": (_linear(0.0, translate[0]), True),
        "TranslateY": (_linear(0.0, translate[1]), True),
        "Rotate": (_linear(0.0, rotate), True)})
    if enhance is not None:
        ops.update({name: (_linear(0.0, enhance), True)
                      for name in ("Brightness", "Color", "Contrast", "Sharpness")})
    ops.update({"Posterize": (posterize, False), "Solarize": (_linear(solarize, 0.0), False),
                  "AutoContrast": (_none, False), "Equalize": (_none, False)})
    if invert:
        ops["Invert"] = (_none, False)
    return ops


_AUTO_TRANSLATE = (lambda h, w: 150.0 / 331.0 * w, lambda h, w: 150.0 / 331.0 * h)


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




def _apply_op(F, img, op_name, magnitude, interpolation, fill,
             unknown=_errors.auto_augment_unknown_op):
    """``img`` through the op ``op_name`` at ``magnitude``, with the functional module ``F``
    (v1's or v2's)."""
    if op_name in ("ShearX", "ShearY"):
        shear = math.degrees(math.atan(magnitude))
        return F.affine(img, angle=0.0, translate=[0, 0], scale=1.0,
                        shear=[shear, 0.0] if op_name == "ShearX" else [0.0, shear],
                        interpolation=interpolation, fill=fill, center=[0, 0])
    if op_name in ("TranslateX", "TranslateY"):
        shift = [int(magnitude), 0] if op_name == "TranslateX" else [0, int(magnitude)]
        return F.affine(img, angle=0.0, translate=shift, scale=1.0, shear=[0.0, 0.0],
                        interpolation=interpolation, fill=fill)
    if op_name == "Rotate":
        return F.rotate(img, magnitude, interpolation=interpolation, fill=fill)
    enhance = {"Brightness": F.adjust_brightness, "Color": F.adjust_saturation,
               "Contrast": F.adjust_contrast, "Sharpness": F.adjust_sharpness}
    if op_name in enhance:
        return enhance[op_name](img, 1.0 + magnitude)
    if op_name == "Posterize":
        return F.posterize(img, int(magnitude))
    if op_name == "Solarize":
        return F.solarize(img, magnitude)
    plain = {"AutoContrast": F.autocontrast, "Equalize": F.equalize, "Invert": F.invert,
             "Identity": lambda x: x}
    if op_name in plain:
        return plain[op_name](img)
    raise unknown(op_name)


def _randint(high):
    return int(ember.randint(high, (1,)).item())


class _AutoAugmentBase(Module):
    def __init__(self, interpolation, fill):
        super().__init__()
        self.interpolation, self.fill = interpolation, fill

    def _setup(self, img):
        """``(fill as the image takes it, height, width)``."""
        from .transforms import _fill_for
        _, height, width = F.get_dimensions(img)
        return _fill_for(img, self.fill), height, width

    def _random_op(self, img, space, bins, index, height, width, fill):
        """One op drawn uniformly from ``space``, at bin ``index()`` (drawn only for ops with
        magnitudes), negated when a coin comes up 1."""
        op_name = list(space)[_randint(len(space))]
        fn, signed = space[op_name]
        magnitudes = fn(bins, height, width)
        magnitude = 0.0 if magnitudes is None else float(magnitudes[index()].item())
        if signed and _randint(2):
            magnitude *= -1.0
        return _apply_op(F, img, op_name, magnitude, self.interpolation, fill)


class AutoAugment(_AutoAugmentBase):
    """One sub-policy (two ops with probabilities and magnitudes) of a learned policy."""
    _SPACE = _space(0.3, _AUTO_TRANSLATE, 30.0, 0.9, _posterize_bits(8, 4), solarize=255.0,
                    invert=True)

    def __init__(self, policy=AutoAugmentPolicy.IMAGENET, interpolation=InterpolationMode.NEAREST,
                 fill=None):
        super().__init__(interpolation, fill)
        self.policy = policy
        if policy not in _POLICIES:
            raise _errors.v2_auto_augment_policy(policy)
        self.policies = list(_POLICIES[policy])

    @staticmethod
    def get_params(transform_num):
        """``(sub-policy index, the two ops' probability draws, their sign draws)``."""
        return _randint(transform_num), ember.rand((2,)), ember.randint(2, (2,))

    def forward(self, img):
        fill, height, width = self._setup(img)
        transform_id, probs, signs = self.get_params(len(self.policies))
        for i, (op_name, p, magnitude_id) in enumerate(self.policies[transform_id]):
            if probs[i] <= p:
                fn, signed = self._SPACE[op_name]
                magnitude = 0.0 if magnitude_id is None else \
                    float(fn(10, height, width)[magnitude_id].item())
                if signed and signs[i] == 0:
                    magnitude *= -1.0
                img = _apply_op(F, img, op_name, magnitude, self.interpolation, fill)
        return img

    def __repr__(self):
        return f"{type(self).__name__}(policy={self.policy}, fill={self.fill})"


class RandAugment(_AutoAugmentBase):
    """``num_ops`` ops drawn uniformly, all at bin ``magnitude`` of ``num_magnitude_bins``."""
    _SPACE = _space(0.3, _AUTO_TRANSLATE, 30.0, 0.9, _posterize_bits(8, 4), solarize=255.0,
                    identity=True)

    def __init__(self, num_ops=2, magnitude=9, num_magnitude_bins=31,
                 interpolation=InterpolationMode.NEAREST, fill=None):
        super().__init__(interpolation, fill)
        self.num_ops, self.magnitude = num_ops, magnitude
        self.num_magnitude_bins = num_magnitude_bins

    def forward(self, img):
        fill, height, width = self._setup(img)
        for _ in range(self.num_ops):
            img = self._random_op(img, self._SPACE, self.num_magnitude_bins,
                                  lambda: self.magnitude, height, width, fill)
        return img

    def __repr__(self):
        return (f"{type(self).__name__}(num_ops={self.num_ops}, magnitude={self.magnitude}, "
                f"num_magnitude_bins={self.num_magnitude_bins}, "
                f"interpolation={self.interpolation}, fill={self.fill})")


class TrivialAugmentWide(_AutoAugmentBase):
    """One op drawn uniformly, at a uniformly drawn magnitude."""
    _SPACE = _space(0.99, (32.0, 32.0), 135.0, 0.99, _posterize_bits(8, 6), solarize=255.0,
                    identity=True)

    def __init__(self, num_magnitude_bins=31, interpolation=InterpolationMode.NEAREST,
                 fill=None):
        super().__init__(interpolation, fill)
        self.num_magnitude_bins = num_magnitude_bins

    def forward(self, img):
        fill, height, width = self._setup(img)
        bins = self.num_magnitude_bins
        return self._random_op(img, self._SPACE, bins, lambda: _randint(bins), height, width,
                               fill)

    def __repr__(self):
        return (f"{type(self).__name__}(num_magnitude_bins={self.num_magnitude_bins}, "
                f"interpolation={self.interpolation}, fill={self.fill})")


class AugMix(_AutoAugmentBase):
    """A Dirichlet-weighted mix of ``mixture_width`` random op chains, blended with the
    original image by a Dirichlet-drawn weight."""
    _PARTIAL_SPACE = _space(0.3, (lambda h, w: w / 3.0, lambda h, w: h / 3.0), 30.0, None,
                            _posterize_bits(4, 4), solarize=255.0)
    _SPACE = {**_PARTIAL_SPACE, **{name: (_linear(0.0, 0.9), True)
                                   for name in ("Brightness", "Color", "Contrast", "Sharpness")}}
    _PARAMETER_MAX = 10

    def __init__(self, severity=3, mixture_width=3, chain_depth=-1, alpha=1.0, all_ops=True,
                 interpolation=InterpolationMode.BILINEAR, fill=None):
        super().__init__(interpolation, fill)
        if not 1 <= severity <= self._PARAMETER_MAX:
            raise _errors.v2_augmix_severity(self._PARAMETER_MAX, severity)
        self.severity, self.mixture_width, self.chain_depth = severity, mixture_width, chain_depth
        self.alpha, self.all_ops = alpha, all_ops

    def _sample_dirichlet(self, params):
        return ember._sample_dirichlet(params)

    def forward(self, orig_img):
        fill, height, width = self._setup(orig_img)
        img = orig_img if isinstance(orig_img, ember.Tensor) else F.pil_to_tensor(orig_img)
        space = self._SPACE if self.all_ops else self._PARTIAL_SPACE
        orig_dims = list(img.shape)
        batch = img.view([1] * max(4 - img.ndim, 0) + orig_dims)
        n = batch.size(0)
        batch_dims = [n] + [1] * (batch.ndim - 1)
        m = self._sample_dirichlet(ember.tensor([self.alpha, self.alpha]).expand(n, -1))
        weights = self._sample_dirichlet(ember.tensor([self.alpha] * self.mixture_width)
                                         .expand(n, -1)) * m[:, 1].view([n, -1])
        mix = m[:, 0].view(batch_dims) * batch
        for i in range(self.mixture_width):
            aug = batch
            depth = self.chain_depth if self.chain_depth > 0 else \
                int(ember.randint(low=1, high=4, size=(1,)).item())
            for _ in range(depth):
                aug = self._random_op(aug, space, self._PARAMETER_MAX,
                                      lambda: _randint(self.severity), height, width, fill)
            mix.add_(weights[:, i].view(batch_dims) * aug)
        mix = mix.view(orig_dims).to(dtype=img.dtype)
        return mix if isinstance(orig_img, ember.Tensor) else F.to_pil_image(mix)

    def __repr__(self):
        return (f"{type(self).__name__}(severity={self.severity}, mixture_width="
                f"{self.mixture_width}, chain_depth={self.chain_depth}, alpha={self.alpha}, "
                f"all_ops={self.all_ops}, interpolation={self.interpolation}, fill={self.fill})")
