"""Transform classes (torchvision's v1 API); random parameters come from ember's RNG, so
``ember.manual_seed`` makes them reproducible."""
import math
import numbers
import random
from collections.abc import Sequence

import ember

from ... import _errors
from ...nn.modules.module import Module
from . import functional as F
from .functional import InterpolationMode, _interp, _pair


def _uniform(lo, hi):
    return float(ember.empty(1).uniform_(lo, hi).item())


def _randint(lo, hi):
    return int(ember.randint(lo, hi, size=(1,)).item())


def _coin(p):
    return float(ember.rand(1).item()) < p


class Compose:
    def __init__(self, transforms):
        self.transforms = transforms

    def __call__(self, img):
        for t in self.transforms:
            img = t(img)
        return img

    def __repr__(self):
        body = "".join(f"\n    {t}" for t in self.transforms)
        return f"{type(self).__name__}({body}\n)"


class _Simple:
    """Parameter-free transform whose repr is ``Name()``."""

    def __repr__(self):
        return f"{type(self).__name__}()"


class ToTensor(_Simple):
    def __call__(self, pic):
        return F.to_tensor(pic)


class PILToTensor(_Simple):
    def __call__(self, pic):
        return F.pil_to_tensor(pic)


class ToPILImage:
    def __init__(self, mode=None):
        self.mode = mode

    def __call__(self, pic):
        return F.to_pil_image(pic, self.mode)

    def __repr__(self):
        return f"{type(self).__name__}(mode={self.mode})" if self.mode else "ToPILImage()"


class ConvertImageDtype(Module):
    def __init__(self, dtype):
        super().__init__()
        self.dtype = dtype

    def forward(self, image):
        return F.convert_image_dtype(image, self.dtype)


class Lambda:
    def __init__(self, lambd):
        if not callable(lambd):
            raise _errors.lambda_not_callable(lambd)
        self.lambd = lambd

    def __call__(self, img):
        return self.lambd(img)

    def __repr__(self):
        return "Lambda()"


class Normalize(Module):
    def __init__(self, mean, std, inplace=False):
        super().__init__()
        self.mean, self.std, self.inplace = mean, std, inplace

    def forward(self, tensor):
        return F.normalize(tensor, self.mean, self.std, self.inplace)

    def extra_repr(self):
        return f"mean={self.mean}, std={self.std}"

    def __repr__(self):
        return f"{type(self).__name__}({self.extra_repr()})"


class Resize(Module):
    def __init__(self, size, interpolation=InterpolationMode.BILINEAR, max_size=None,
                 antialias=True):
        super().__init__()
        if not isinstance(size, (int, list, tuple)) or (
                isinstance(size, (list, tuple)) and len(size) not in (1, 2)):
            raise _errors.resize_size_type(size)
        self.size, self.max_size, self.antialias = size, max_size, antialias
        self.interpolation = _interp(interpolation)

    def forward(self, img):
        return F.resize(img, self.size, self.interpolation, self.max_size, self.antialias)

    def __repr__(self):
        return (f"{type(self).__name__}(size={self.size}, interpolation="
                f"{self.interpolation.value}, max_size={self.max_size}, "
                f"antialias={self.antialias})")


class CenterCrop(Module):
    def __init__(self, size):
        super().__init__()
        self.size = _pair(size)

    def forward(self, img):
        return F.center_crop(img, self.size)

    def __repr__(self):
        return f"{type(self).__name__}(size={self.size})"


class Pad(Module):
    def __init__(self, padding, fill=0, padding_mode="constant"):
        super().__init__()
        self.padding, self.fill, self.padding_mode = padding, fill, padding_mode

    def forward(self, img):
        return F.pad(img, self.padding, self.fill, self.padding_mode)

    def __repr__(self):
        return (f"{type(self).__name__}(padding={self.padding}, fill={self.fill}, "
                f"padding_mode={self.padding_mode})")


class RandomCrop(Module):
    def __init__(self, size, padding=None, pad_if_needed=False, fill=0,
                 padding_mode="constant"):
        super().__init__()
        self.size = _pair(size)
        self.padding, self.pad_if_needed = padding, pad_if_needed
        self.fill, self.padding_mode = fill, padding_mode

    @staticmethod
    def get_params(img, output_size):
        _, h, w = F.get_dimensions(img)
        th, tw = output_size
        if h < th or w < tw:
            raise _errors.random_crop_size((th, tw), (h, w))
        if (h, w) == (th, tw):
            return 0, 0, h, w
        return _randint(0, h - th + 1), _randint(0, w - tw + 1), th, tw

    def forward(self, img):
        if self.padding is not None:
            img = F.pad(img, self.padding, self.fill, self.padding_mode)
        _, h, w = F.get_dimensions(img)
        th, tw = self.size
        if self.pad_if_needed and (w < tw or h < th):
            img = F.pad(img, [max(tw - w, 0), max(th - h, 0)], self.fill, self.padding_mode)
        return F.crop(img, *self.get_params(img, self.size))

    def __repr__(self):
        return f"{type(self).__name__}(size={self.size}, padding={self.padding})"


def _random_boxes(area, scale, ratio, tries=10):
    """``tries`` random ``(sqrt(a * r), sqrt(a / r))`` side pairs (rounded): ``a`` a uniform
    fraction of ``area`` in ``scale``, ``r`` a log-uniform aspect ratio in ``ratio``."""
    log_ratio = (math.log(ratio[0]), math.log(ratio[1]))
    for _ in range(tries):
        target = area * _uniform(scale[0], scale[1])
        aspect = math.exp(_uniform(*log_ratio))
        yield int(round(math.sqrt(target * aspect))), int(round(math.sqrt(target / aspect)))


class RandomResizedCrop(Module):
    def __init__(self, size, scale=(0.08, 1.0), ratio=(3.0 / 4.0, 4.0 / 3.0),
                 interpolation=InterpolationMode.BILINEAR, antialias=True):
        super().__init__()
        self.size = _pair(size)
        self.scale, self.ratio, self.antialias = scale, ratio, antialias
        self.interpolation = _interp(interpolation)

    @staticmethod
    def get_params(img, scale, ratio):
        """Up to ten tries at a crop with a random area fraction and aspect ratio; then a
        centre crop with the ratio clamped into range."""
        _, h, w = F.get_dimensions(img)
        for cw, ch in _random_boxes(h * w, scale, ratio):
            if 0 < cw <= w and 0 < ch <= h:
                return _randint(0, h - ch + 1), _randint(0, w - cw + 1), ch, cw
        in_ratio = w / h
        if in_ratio < min(ratio):
            cw, ch = w, int(round(w / min(ratio)))
        elif in_ratio > max(ratio):
            ch, cw = h, int(round(h * max(ratio)))
        else:
            cw, ch = w, h
        return (h - ch) // 2, (w - cw) // 2, ch, cw

    def forward(self, img):
        i, j, h, w = self.get_params(img, self.scale, self.ratio)
        return F.resized_crop(img, i, j, h, w, self.size, self.interpolation, self.antialias)

    def __repr__(self):
        return (f"{type(self).__name__}(size={self.size}, scale={tuple(self.scale)}, "
                f"ratio={tuple(self.ratio)}, interpolation={self.interpolation.value}, "
                f"antialias={self.antialias})")


class _RandomFlip(Module):
    _flip = None

    def __init__(self, p=0.5):
        super().__init__()
        self.p = p

    def forward(self, img):
        return type(self)._flip(img) if _coin(self.p) else img

    def __repr__(self):
        return f"{type(self).__name__}(p={self.p})"


class RandomHorizontalFlip(_RandomFlip):
    _flip = staticmethod(F.hflip)


class RandomVerticalFlip(_RandomFlip):
    _flip = staticmethod(F.vflip)


def _range(value, name, center=1.0, bound=(0, float("inf"))):
    """A jitter argument as a (lo, hi) range: a number v means [center - v, center + v]."""
    if isinstance(value, numbers.Number):
        if value < 0:
            raise _errors.single_number_negative(name)
        value = [center - float(value), center + float(value)]
        if center == 1.0:
            value[0] = max(value[0], 0.0)
    elif not (isinstance(value, (tuple, list)) and len(value) == 2):
        raise _errors.jitter_type(name)
    if not bound[0] <= value[0] <= value[1] <= bound[1]:
        raise _errors.jitter_bounds(name, bound, value)
    if value[0] == value[1] == center:
        return None
    return (float(value[0]), float(value[1]))


class ColorJitter(Module):
    def __init__(self, brightness=0, contrast=0, saturation=0, hue=0):
        super().__init__()
        self.brightness = _range(brightness, "brightness")
        self.contrast = _range(contrast, "contrast")
        self.saturation = _range(saturation, "saturation")
        self.hue = _range(hue, "hue", center=0.0, bound=(-0.5, 0.5))

    @staticmethod
    def get_params(brightness, contrast, saturation, hue):
        order = ember.randperm(4).tolist()
        factors = [None if r is None else _uniform(*r)
                   for r in (brightness, contrast, saturation, hue)]
        return (order, *factors)

    def forward(self, img):
        order, *factors = self.get_params(self.brightness, self.contrast, self.saturation,
                                          self.hue)
        ops = (F.adjust_brightness, F.adjust_contrast, F.adjust_saturation, F.adjust_hue)
        for k in order:
            if factors[k] is not None:
                img = ops[k](img, factors[k])
        return img

    def __repr__(self):
        return (f"{type(self).__name__}(brightness={self.brightness}, contrast="
                f"{self.contrast}, saturation={self.saturation}, hue={self.hue})")


class Grayscale(Module):
    def __init__(self, num_output_channels=1):
        super().__init__()
        self.num_output_channels = num_output_channels

    def forward(self, img):
        return F.rgb_to_grayscale(img, self.num_output_channels)

    def __repr__(self):
        return f"{type(self).__name__}(num_output_channels={self.num_output_channels})"


class RandomGrayscale(Module):
    def __init__(self, p=0.1):
        super().__init__()
        self.p = p

    def forward(self, img):
        if _coin(self.p):
            return F.rgb_to_grayscale(img, F.get_image_num_channels(img))
        return img


def _degrees(degrees, name="degrees"):
    if isinstance(degrees, numbers.Number):
        if degrees < 0:
            raise _errors.single_number_positive(name)
        return [-float(degrees), float(degrees)]
    if len(degrees) != 2:
        raise _errors.sequence_len_2(name)
    return [float(d) for d in degrees]


class RandomRotation(Module):
    def __init__(self, degrees, interpolation=InterpolationMode.NEAREST, expand=False,
                 center=None, fill=0):
        super().__init__()
        self.degrees = _degrees(degrees)
        self.interpolation = _interp(interpolation)
        self.expand, self.center, self.fill = expand, center, fill

    @staticmethod
    def get_params(degrees):
        return _uniform(degrees[0], degrees[1])

    def forward(self, img):
        fill = self.fill
        if isinstance(img, ember.Tensor) and isinstance(fill, numbers.Number):
            fill = [float(fill)] * F.get_image_num_channels(img)
        return F.rotate(img, self.get_params(self.degrees), self.interpolation, self.expand,
                        self.center, fill)

    def __repr__(self):
        return (f"{type(self).__name__}(degrees={self.degrees}, interpolation="
                f"{self.interpolation.value}, expand={self.expand}, fill={self.fill})")


class RandomAffine(Module):
    def __init__(self, degrees, translate=None, scale=None, shear=None,
                 interpolation=InterpolationMode.NEAREST, fill=0, center=None):
        super().__init__()
        self.degrees = _degrees(degrees)
        self.translate, self.scale = translate, scale
        self.shear = None if shear is None else (
            _degrees(shear, "shear") if isinstance(shear, numbers.Number) or len(shear) == 2
            else [float(s) for s in shear])
        self.interpolation = _interp(interpolation)
        self.fill, self.center = fill, center

    @staticmethod
    def get_params(degrees, translate, scale_ranges, shears, img_size):
        angle = _uniform(degrees[0], degrees[1])
        tx = ty = 0
        if translate is not None:
            mx, my = translate[0] * img_size[0], translate[1] * img_size[1]
            tx, ty = int(round(_uniform(-mx, mx))), int(round(_uniform(-my, my)))
        scale = 1.0 if scale_ranges is None else _uniform(*scale_ranges)
        sx = sy = 0.0
        if shears is not None:
            sx = _uniform(shears[0], shears[1])
            if len(shears) == 4:
                sy = _uniform(shears[2], shears[3])
        return angle, (tx, ty), scale, (sx, sy)

    def forward(self, img):
        angle, tr, sc, sh = self.get_params(self.degrees, self.translate, self.scale,
                                            self.shear, F.get_image_size(img))
        return F.affine(img, angle, tr, sc, sh, self.interpolation, self.fill, self.center)


class GaussianBlur(Module):
    def __init__(self, kernel_size, sigma=(0.1, 2.0)):
        super().__init__()
        self.kernel_size = _pair(kernel_size)
        if any(k <= 0 or k % 2 == 0 for k in self.kernel_size):
            raise _errors.blur_kernel_odd()
        if isinstance(sigma, numbers.Number):
            if sigma <= 0:
                raise _errors.single_number_positive("sigma")
            sigma = (sigma, sigma)
        self.sigma = tuple(float(s) for s in sigma)

    @staticmethod
    def get_params(sigma_min, sigma_max):
        return _uniform(sigma_min, sigma_max)

    def forward(self, img):
        s = self.get_params(*self.sigma)
        return F.gaussian_blur(img, self.kernel_size, [s, s])


class RandomErasing(Module):
    def __init__(self, p=0.5, scale=(0.02, 0.33), ratio=(0.3, 3.3), value=0, inplace=False):
        super().__init__()
        if scale[0] > scale[1] or ratio[0] > ratio[1]:
            raise _errors.erasing_scale_ratio()
        if not 0 <= p <= 1:
            raise _errors.erasing_probability()
        self.p, self.scale, self.ratio, self.value, self.inplace = p, scale, ratio, value, inplace

    @staticmethod
    def get_params(img, scale, ratio, value=None):
        """Box (i, j, h, w) and fill ``v``: random normal noise when ``value`` is None."""
        c, h, w = img.shape[-3:]
        for eh, ew in _random_boxes(h * w, scale, ratio):
            if not (eh < h and ew < w):
                continue
            if value is None:
                v = ember.randn(c, eh, ew, dtype=img.dtype)
            else:
                v = ember.tensor(value, dtype=img.dtype).reshape(-1, 1, 1)
            return _randint(0, h - eh + 1), _randint(0, w - ew + 1), eh, ew, v
        return 0, 0, h, w, img

    def forward(self, img):
        if not _coin(self.p):
            return img
        value = self.value
        if value == "random":
            value = None
        elif isinstance(value, numbers.Number):
            value = [float(value)]
        i, j, h, w, v = self.get_params(img, self.scale, self.ratio, value)
        return F.erase(img, i, j, h, w, v, self.inplace)


class RandomApply(Module):
    def __init__(self, transforms, p=0.5):
        super().__init__()
        self.transforms, self.p = transforms, p

    def forward(self, img):
        if not _coin(self.p):
            return img
        for t in self.transforms:
            img = t(img)
        return img

    def __repr__(self):
        body = "".join(f"\n    {t}" for t in self.transforms)
        return f"{type(self).__name__}(\n    p={self.p}{body}\n)"



def _fill_for(img, fill):
    """A tensor image's fill as one float per channel (PIL images take ``fill`` as given)."""
    if not isinstance(img, ember.Tensor) or fill is None:
        return fill
    if isinstance(fill, (int, float)):
        return [float(fill)] * F.get_image_num_channels(img)
    return [float(f) for f in fill]


class _RandomTransforms:
    """A list of transforms applied in a random way (drawn with Python's ``random``)."""

    def __init__(self, transforms):
        if not isinstance(transforms, Sequence):
            raise _errors.transforms_sequence()
        self.transforms = transforms

    def __repr__(self):
        return Compose.__repr__(self)


class RandomOrder(_RandomTransforms):
    """Apply all the transforms, in a random order."""

    def __call__(self, img):
        order = list(range(len(self.transforms)))
        random.shuffle(order)
        for i in order:
            img = self.transforms[i](img)
        return img


class RandomChoice(_RandomTransforms):
    """Apply one transform, picked with weights ``p``."""

    def __init__(self, transforms, p=None):
        super().__init__(transforms)
        if p is not None and not isinstance(p, Sequence):
            raise _errors.choice_p_sequence()
        self.p = p

    def __call__(self, *args):
        return random.choices(self.transforms, weights=self.p)[0](*args)

    def __repr__(self):
        return f"{super().__repr__()}(p={self.p})"


class _RandomOp(Module):
    """Apply ``_op(img, *args)`` with probability ``p``; the repr lists ``_args`` then p."""
    _op, _args = None, ()

    def __init__(self, p=0.5):
        super().__init__()
        self.p = p

    def forward(self, img):
        if _coin(self.p):
            return type(self)._op(img, *(getattr(self, a) for a in self._args))
        return img

    def __repr__(self):
        fields = "".join(f"{a}={getattr(self, a)}," for a in self._args)
        return f"{type(self).__name__}({fields}p={self.p})"


class RandomInvert(_RandomOp):
    _op = staticmethod(F.invert)


class RandomPosterize(_RandomOp):
    _op, _args = staticmethod(F.posterize), ("bits",)

    def __init__(self, bits, p=0.5):
        super().__init__(p)
        self.bits = bits


class RandomSolarize(_RandomOp):
    _op, _args = staticmethod(F.solarize), ("threshold",)

    def __init__(self, threshold, p=0.5):
        super().__init__(p)
        self.threshold = threshold


class RandomAdjustSharpness(_RandomOp):
    _op, _args = staticmethod(F.adjust_sharpness), ("sharpness_factor",)

    def __init__(self, sharpness_factor, p=0.5):
        super().__init__(p)
        self.sharpness_factor = sharpness_factor


class RandomAutocontrast(_RandomOp):
    _op = staticmethod(F.autocontrast)


class RandomEqualize(_RandomOp):
    _op = staticmethod(F.equalize)


class RandomPerspective(Module):
    def __init__(self, distortion_scale=0.5, p=0.5, interpolation=InterpolationMode.BILINEAR,
                 fill=0):
        super().__init__()
        self.p, self.distortion_scale = p, distortion_scale
        self.interpolation = _interp(interpolation)
        if fill is None:
            fill = 0
        elif not isinstance(fill, (Sequence, numbers.Number)):
            raise _errors.perspective_fill_type()
        self.fill = fill

    def forward(self, img):
        fill = _fill_for(img, self.fill)
        _, height, width = F.get_dimensions(img)
        if _coin(self.p):
            start, end = self.get_params(width, height, self.distortion_scale)
            return F.perspective(img, start, end, self.interpolation, fill)
        return img

    @staticmethod
    def get_params(width, height, distortion_scale):
        """The image corners (clockwise from top-left) and each one moved inwards by up to
        ``distortion_scale`` of the half size."""
        dx, dy = int(distortion_scale * (width // 2)), int(distortion_scale * (height // 2))
        left, right = (0, dx + 1), (width - dx - 1, width)
        top, bottom = (0, dy + 1), (height - dy - 1, height)
        ends = [[_randint(*x), _randint(*y)] for x, y in
                ((left, top), (right, top), (right, bottom), (left, bottom))]
        starts = [[0, 0], [width - 1, 0], [width - 1, height - 1], [0, height - 1]]
        return starts, ends

    def __repr__(self):
        return f"{type(self).__name__}(p={self.p})"


def _crop_size(size):
    if isinstance(size, numbers.Number):
        return int(size), int(size)
    if isinstance(size, Sequence) and len(size) == 1:
        return size[0], size[0]
    if len(size) != 2:
        raise _errors.crop_size_dims()
    return size


class FiveCrop(Module):
    """The four corner crops and the centre crop."""

    def __init__(self, size):
        super().__init__()
        self.size = _crop_size(size)

    def forward(self, img):
        return F.five_crop(img, self.size)

    def __repr__(self):
        return f"{type(self).__name__}(size={self.size})"


class TenCrop(Module):
    """``FiveCrop`` of the image and of its mirror image."""

    def __init__(self, size, vertical_flip=False):
        super().__init__()
        self.size, self.vertical_flip = _crop_size(size), vertical_flip

    def forward(self, img):
        return F.ten_crop(img, self.size, self.vertical_flip)

    def __repr__(self):
        return f"{type(self).__name__}(size={self.size}, vertical_flip={self.vertical_flip})"


class LinearTransformation(Module):
    """``(flatten(x) - mean_vector) @ transformation_matrix`` (e.g. ZCA whitening)."""

    def __init__(self, transformation_matrix, mean_vector):
        super().__init__()
        m, v = transformation_matrix, mean_vector
        if m.size(0) != m.size(1):
            raise _errors.linear_matrix_square(tuple(m.size()))
        if v.size(0) != m.size(0):
            raise _errors.linear_mean_length(v.size(0), tuple(m.size()))
        if m.device != v.device:
            raise _errors.linear_devices(m.device, v.device)
        if m.dtype != v.dtype:
            raise _errors.linear_dtypes(m.dtype, v.dtype)
        self.transformation_matrix, self.mean_vector = m, v

    def forward(self, tensor):
        shape = tensor.shape
        n = shape[-3] * shape[-2] * shape[-1]
        if n != self.transformation_matrix.shape[0]:
            raise _errors.linear_input_shape(shape, self.transformation_matrix.shape[0])
        if tensor.device.type != self.mean_vector.device.type:
            raise _errors.linear_input_device(tensor.device, self.mean_vector.device)
        flat = tensor.view(-1, n) - self.mean_vector
        return ember.mm(flat, self.transformation_matrix.to(flat.dtype)).view(shape)

    def __repr__(self):
        return (f"{type(self).__name__}(transformation_matrix="
                f"{self.transformation_matrix.tolist()}, mean_vector={self.mean_vector.tolist()})")


def _float_pair(value, name):
    if not isinstance(value, (float, Sequence)):
        raise _errors.elastic_arg_type(name, value)
    if isinstance(value, float):
        return [value, value]
    if len(value) != 2:
        raise _errors.elastic_arg_len(name, len(value))
    for v in value:
        if not isinstance(v, float):
            raise _errors.elastic_arg_item(name, v)
    return value


class ElasticTransform(Module):
    """Move pixels by a random displacement field: uniform noise smoothed by a Gaussian of
    ``sigma`` and scaled by ``alpha``."""

    def __init__(self, alpha=50.0, sigma=5.0, interpolation=InterpolationMode.BILINEAR, fill=0):
        super().__init__()
        self.alpha = _float_pair(alpha, "alpha")
        self.sigma = _float_pair(sigma, "sigma")
        self.interpolation = _interp(interpolation)
        if isinstance(fill, (int, float)):
            fill = [float(fill)]
        elif isinstance(fill, (list, tuple)):
            fill = [float(f) for f in fill]
        else:
            raise _errors.elastic_fill_type(fill)
        self.fill = fill

    @staticmethod
    def get_params(alpha, sigma, size):
        """The ``(1, H, W, 2)`` displacement (normalised units)."""
        parts = []
        for axis in (0, 1):
            d = ember.rand([1, 1] + list(size)) * 2 - 1
            if sigma[axis] > 0.0:
                k = int(8 * sigma[axis] + 1)
                k += 1 - k % 2
                d = F.gaussian_blur(d, [k, k], sigma)
            parts.append(d * alpha[axis] / size[1 - axis])
        return ember.concat(parts, 1).permute([0, 2, 3, 1])

    def forward(self, tensor):
        _, height, width = F.get_dimensions(tensor)
        displacement = self.get_params(self.alpha, self.sigma, [height, width])
        return F.elastic_transform(tensor, displacement, self.interpolation, self.fill)

    def __repr__(self):
        return (f"{type(self).__name__}(alpha={self.alpha}, sigma={self.sigma}, "
                f"interpolation={self.interpolation}, fill={self.fill})")
