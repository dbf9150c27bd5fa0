"""The inference preprocessing of the published weights (``weights.transforms()``): torchvision's
``ImageClassification``, ``SemanticSegmentation``, ``ObjectDetection``, ``VideoClassification``
and ``OpticalFlow`` presets, as modules over PIL images or image tensors."""
from ... import float as _float32, nn

_IMAGENET_MEAN = (0.485, 0.456, 0.406)
_IMAGENET_STD = (0.229, 0.224, 0.225)


def _to_float_tensor(img):
    from ..transforms import functional as F
    from ... import Tensor
    if not isinstance(img, Tensor):
        img = F.pil_to_tensor(img)
    return F.convert_image_dtype(img, _float32)


def _crop_repr(self):
    """The repr of the presets that resize and then center-crop."""
    return (f"{type(self).__name__}(\n    crop_size={self.crop_size}\n"
            f"    resize_size={self.resize_size}\n    mean={self.mean}\n    std={self.std}\n"
            f"    interpolation={self.interpolation}\n)")


class ImageClassification(nn.Module):
    """Resize the short side to ``resize_size``, centre-crop ``crop_size``, scale to [0, 1]
    and normalise."""

    def __init__(self, *, crop_size, resize_size=256, mean=_IMAGENET_MEAN, std=_IMAGENET_STD,
                 interpolation="bilinear", antialias=True):
        super().__init__()
        from ..transforms import InterpolationMode
        self.crop_size = [crop_size]
        self.resize_size = [resize_size]
        self.mean = list(mean)
        self.std = list(std)
        self.interpolation = InterpolationMode(interpolation)
        self.antialias = antialias

    def forward(self, img):
        from ..transforms import functional as F
        img = F.resize(img, self.resize_size, interpolation=self.interpolation,
                       antialias=self.antialias)
        img = _to_float_tensor(F.center_crop(img, self.crop_size))
        return F.normalize(img, mean=self.mean, std=self.std)

    __repr__ = _crop_repr


class SemanticSegmentation(nn.Module):
    """Resize the short side to ``resize_size`` (when given), scale to [0, 1], normalise."""

    def __init__(self, *, resize_size, mean=_IMAGENET_MEAN, std=_IMAGENET_STD,
                 interpolation="bilinear", antialias=True):
        super().__init__()
        from ..transforms import InterpolationMode
        self.resize_size = [resize_size] if resize_size is not None else None
        self.mean = list(mean)
        self.std = list(std)
        self.interpolation = InterpolationMode(interpolation)
        self.antialias = antialias

    def forward(self, img):
        from ..transforms import functional as F
        if isinstance(self.resize_size, list):
            img = F.resize(img, self.resize_size, interpolation=self.interpolation,
                           antialias=self.antialias)
        return F.normalize(_to_float_tensor(img), mean=self.mean, std=self.std)


class ObjectDetection(nn.Module):
    """Only scale to [0, 1] floats: the detection models normalise and resize themselves."""

    def forward(self, img):
        return _to_float_tensor(img)

    def __repr__(self):
        return f"{type(self).__name__}()"


class VideoClassification(nn.Module):
    """Resize each frame of a ``(..., T, C, H, W)`` clip (no antialiasing, as the Kinetics
    weights were trained), centre-crop, scale to [0, 1], normalise, and return it as
    ``(..., C, T, H, W)``."""

    def __init__(self, *, crop_size, resize_size, mean=(0.43216, 0.394666, 0.37645),
                 std=(0.22803, 0.22145, 0.216989), interpolation="bilinear"):
        super().__init__()
        from ..transforms import InterpolationMode
        self.crop_size = list(crop_size)
        self.resize_size = list(resize_size)
        self.mean = list(mean)
        self.std = list(std)
        self.interpolation = InterpolationMode(interpolation)

    def forward(self, vid):
        from ..transforms import functional as F
        batched = vid.ndim >= 5
        if not batched:
            vid = vid.unsqueeze(0)
        n, t, c = vid.shape[:3]
        vid = vid.reshape(-1, c, *vid.shape[-2:])
        vid = F.resize(vid, self.resize_size, interpolation=self.interpolation, antialias=False)
        vid = F.normalize(_to_float_tensor(F.center_crop(vid, self.crop_size)), mean=self.mean,
                          std=self.std)
        vid = vid.view(n, t, c, *self.crop_size).permute(0, 2, 1, 3, 4)
        return vid if batched else vid.squeeze(0)

    __repr__ = _crop_repr


class OpticalFlow(nn.Module):
    """Scale both images of a pair (PIL or tensor) to [-1, 1] floats."""

    def forward(self, img1, img2):
        from ..transforms import functional as F
        half = [0.5, 0.5, 0.5]
        return tuple(F.normalize(_to_float_tensor(img), mean=half, std=half).contiguous()
                     for img in (img1, img2))

    def __repr__(self):
        return f"{type(self).__name__}()"
