"""AutoAugment, RandAugment, TrivialAugmentWide and AugMix: random chains of photometric and
geometric ops applied to the sample's single image or video (boxes and masks are refused)."""
from .... import _sample_dirichlet, rand, randint, tensor as _tensor
from ...._tensor import Tensor
from ....utils._pytree import tree_flatten, tree_unflatten
from ... import tv_tensors
from .._functional_tensor import max_value
from ..._pil import is_pil_image
from ..autoaugment import (_AUTO_TRANSLATE, _POLICIES, AutoAugmentPolicy, _apply_op, _linear,
                           _posterize_bits, _space)
from . import functional as F
from ._transform import Transform
from ._utils import _get_fill, _setup_fill_arg, check_type, is_pure_tensor
from .... import _errors


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
        if transform_id == "Solarize":
            magnitude *= max_value(image.dtype) if isinstance(image, Tensor) else 255.0
        return _apply_op(F, image, transform_id, magnitude, self.interpolation,
                         _get_fill(self._fill, type(image)), _errors.v2_auto_augment_unknown_op)


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
