"""Normalize, dtype conversion, blurs, lambdas and box sanitising (v2 transforms)."""
import warnings

from .... import _dtype
from ...._tensor import Tensor
from ....utils._pytree import tree_flatten, tree_unflatten
from ... import tv_tensors
from ..._pil import is_pil_image
from . import functional as F
from ._transform import Transform
from ._utils import (_parse_labels_getter, _setup_number_or_seq, _setup_size,
                     get_bounding_boxes, get_keypoints, has_any, is_pure_tensor)
from .... import _errors


def _labels_tuple(labels):
    """The labels a sanitizer filters along with its targets: ``None`` or a tuple of tensors."""
    if labels is None:
        return None
    if isinstance(labels, Tensor):
        return (labels,)
    if not isinstance(labels, (tuple, list)):
        raise _errors.v2_labels_type(labels)
    for entry in labels:
        if not isinstance(entry, Tensor):
            raise _errors.v2_labels_type(entry)
    return labels


class Identity(Transform):
    def transform(self, inpt, params):
        return inpt


class Lambda(Transform):
    """Apply ``lambd`` to the inputs of the given ``types`` (default: all)."""
    _transformed_types = (object,)

    def __init__(self, lambd, *types):
        super().__init__()
        self.lambd = lambd
        self.types = types or self._transformed_types

    def transform(self, inpt, params):
        return self.lambd(inpt) if isinstance(inpt, self.types) else inpt

    def extra_repr(self):
        name = getattr(self.lambd, "__name__", None)
        extras = [] if name is None else [name]
        extras.append(f"types={[type.__name__ for type in self.types]}")
        return ", ".join(extras)


class Normalize(Transform):
    def __init__(self, mean, std, inplace=False):
        super().__init__()
        self.mean, self.std, self.inplace = list(mean), list(std), inplace

    def check_inputs(self, sample):
        if has_any(sample, is_pil_image):
            raise _errors.v2_no_pil_images(self)

    def transform(self, inpt, params):
        return self._call_kernel(F.normalize, inpt, mean=self.mean, std=self.std,
                                 inplace=self.inplace)


class GaussianBlur(Transform):
    def __init__(self, kernel_size, sigma=(0.1, 2.0)):
        super().__init__()
        self.kernel_size = _setup_size(kernel_size, _errors.v2_kernel_size_two)
        for ks in self.kernel_size:
            if ks <= 0 or ks % 2 == 0:
                raise _errors.blur_kernel_odd()
        self.sigma = _setup_number_or_seq(sigma, "sigma")
        if not 0.0 < self.sigma[0] <= self.sigma[1]:
            raise _errors.v2_sigma_values_positive_form_min(self)

    def make_params(self, flat_inputs):
        from .... import empty
        sigma = empty(1).uniform_(self.sigma[0], self.sigma[1]).item()
        return dict(sigma=[sigma, sigma])

    def transform(self, inpt, params):
        return self._call_kernel(F.gaussian_blur, inpt, self.kernel_size, **params)


class GaussianNoise(Transform):
    def __init__(self, mean=0.0, sigma=0.1, clip=True):
        super().__init__()
        self.mean, self.sigma, self.clip = mean, sigma, clip

    def transform(self, inpt, params):
        return self._call_kernel(F.gaussian_noise, inpt, mean=self.mean, sigma=self.sigma,
                                 clip=self.clip)


class ToDtype(Transform):
    """Convert images/videos (a dtype) or each tv_tensor type (a dict with an ``"others"``
    fallback) to a dtype; ``scale=True`` rescales image values."""
    _transformed_types = (Tensor,)

    def __init__(self, dtype, scale=False):
        super().__init__()
        if not isinstance(dtype, (dict, _dtype.dtype)):
            raise _errors.v2_dtype_dict_torch_dtype(dtype)
        if isinstance(dtype, dict) and Tensor in dtype and \
                any(cls in dtype for cls in (tv_tensors.Image, tv_tensors.Video)):
            warnings.warn(
                "Got `dtype` values for `torch.Tensor` and either `tv_tensors.Image` or "
                "`tv_tensors.Video`. Note that a plain `torch.Tensor` will *not* be transformed "
                "by this (or any other transformation) in case a `tv_tensors.Image` or "
                "`tv_tensors.Video` is present in the input.")
        self.dtype, self.scale = dtype, scale

    def transform(self, inpt, params):
        image_like = is_pure_tensor(inpt) or isinstance(inpt, (tv_tensors.Image,
                                                               tv_tensors.Video))
        if isinstance(self.dtype, _dtype.dtype):
            if not image_like:
                return inpt
            dtype = self.dtype
        elif type(inpt) in self.dtype:
            dtype = self.dtype[type(inpt)]
        elif "others" in self.dtype:
            dtype = self.dtype["others"]
        else:
            raise _errors.v2_no_dtype_specified_type_you(inpt)
        if dtype is None:
            if self.scale and image_like:
                warnings.warn("scale was set to True but no dtype was specified for images or "
                              "videos: no scaling will be done.")
            return inpt
        return self._call_kernel(F.to_dtype, inpt, dtype=dtype, scale=self.scale)


class ConvertImageDtype(Transform):
    def __init__(self, dtype=_dtype.float32):
        super().__init__()
        self.dtype = dtype

    def transform(self, inpt, params):
        if not (is_pure_tensor(inpt) or isinstance(inpt, (tv_tensors.Image, tv_tensors.Video))):
            return inpt
        return self._call_kernel(F.to_dtype, inpt, dtype=self.dtype, scale=True)


class _Sanitize(Transform):
    """Drop the entries a mask (from the sample's boxes or keypoints) rejects, from every
    ``_filtered_types`` input and from the labels."""
    _filtered_types = ()

    def __init__(self, labels_getter, **settings):
        super().__init__()
        for name, value in settings.items():    # before labels_getter, as torchvision's repr
            setattr(self, name, value)
        self.labels_getter = labels_getter
        self._labels_getter = _parse_labels_getter(labels_getter)

    def forward(self, *inputs):
        inputs = inputs if len(inputs) > 1 else inputs[0]
        labels = _labels_tuple(self._labels_getter(inputs))
        flat_inputs, spec = tree_flatten(inputs)
        valid = self._valid(flat_inputs, labels)
        params = dict(valid=valid, labels=labels)
        return tree_unflatten([self.transform(x, params) for x in flat_inputs], spec)

    def transform(self, inpt, params):
        is_label = params["labels"] is not None and any(inpt is lab for lab in params["labels"])
        if not (is_label or isinstance(inpt, self._filtered_types)):
            return inpt
        try:
            output = inpt[params["valid"]]
        except IndexError:
            return inpt
        return output if is_label else tv_tensors.wrap(output, like=inpt)


class SanitizeBoundingBoxes(_Sanitize):
    """Drop degenerate boxes (smaller than ``min_size``/``min_area`` or outside the canvas)
    together with their labels and masks."""
    _filtered_types = (tv_tensors.BoundingBoxes, tv_tensors.Mask)

    def __init__(self, min_size=1.0, min_area=1.0, labels_getter="default"):
        if min_size < 1:
            raise _errors.v2_at_least_1("min_size", min_size)
        if min_area < 1:
            raise _errors.v2_at_least_1("min_area", min_area)
        super().__init__(labels_getter, min_size=min_size, min_area=min_area)

    def _valid(self, flat_inputs, labels):
        boxes = get_bounding_boxes(flat_inputs)
        for label in labels or ():
            if boxes.shape[0] != label.shape[0]:
                raise _errors.v2_number_boxes_shape_match_number(boxes, label)
        return F._misc._get_sanitize_bounding_boxes_mask(
            boxes.as_subclass(Tensor), format=boxes.format, canvas_size=boxes.canvas_size,
            min_size=self.min_size, min_area=self.min_area)


class SanitizeKeyPoints(_Sanitize):
    """Drop keypoints (or groups of them) outside the canvas, with their labels."""
    _filtered_types = (tv_tensors.KeyPoints,)

    def __init__(self, labels_getter=None):
        super().__init__(labels_getter)

    def _valid(self, flat_inputs, labels):
        points = get_keypoints(flat_inputs)
        for label in labels or ():
            if points.shape[0] != label.shape[0]:
                raise _errors.v2_keypoints_count(points, label)
        return F._misc._get_sanitize_keypoints_mask(points.as_subclass(Tensor),
                                                    points.canvas_size)


class LinearTransformation(Transform):
    """Whitening: ``(x.flatten() - mean_vector) @ transformation_matrix`` per image."""
    _transformed_types = (is_pure_tensor, tv_tensors.Image, tv_tensors.Video)

    def __init__(self, transformation_matrix, mean_vector):
        super().__init__()
        if transformation_matrix.size(0) != transformation_matrix.size(1):
            raise _errors.linear_matrix_square(tuple(transformation_matrix.size()))
        if mean_vector.size(0) != transformation_matrix.size(0):
            raise _errors.linear_mean_length(mean_vector.size(0),
                                             tuple(transformation_matrix.size()))
        if transformation_matrix.dtype != mean_vector.dtype:
            raise _errors.linear_dtypes(transformation_matrix.dtype, mean_vector.dtype)
        self.transformation_matrix, self.mean_vector = transformation_matrix, mean_vector

    def check_inputs(self, sample):
        if has_any(sample, is_pil_image):
            raise _errors.v2_no_pil_images(self)

    def transform(self, inpt, params):
        shape = inpt.shape
        n = shape[-3] * shape[-2] * shape[-1]
        if n != self.transformation_matrix.shape[0]:
            raise _errors.linear_input_shape(shape, self.transformation_matrix.shape[0])
        flat = inpt.reshape(-1, n) - self.mean_vector
        output = flat.mm(self.transformation_matrix.to(flat.dtype)).reshape(shape)
        if isinstance(inpt, (tv_tensors.Image, tv_tensors.Video)):
            output = tv_tensors.wrap(output, like=inpt)
        return output


class UniformTemporalSubsample(Transform):
    _transformed_types = (Tensor,)

    def __init__(self, num_samples):
        super().__init__()
        self.num_samples = num_samples

    def transform(self, inpt, params):
        return self._call_kernel(F.uniform_temporal_subsample, inpt, self.num_samples)
