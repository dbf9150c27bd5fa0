"""The inference preprocessing of the published weights (``weights.transforms()``): torchvision's
``ImageClassification``, ``SemanticSegmentation`` and ``ObjectDetection`` presets, as modules over PIL images or
image tensors."""
from ... import float as _float32, nn

_IMAGENET_MEAN = (0.485, 0.456, 0.406)
_IMAGENET_STD = (0.229, 0.224, 0.225)


def _to_float_tensor(img):
    from ..transforms import functional as F
    from ... import Tensor
    if not isinstance(img, Tensor):
        img = F.pil_to_tensor(img)
    return F.convert_image_dtype(img, _float32)


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

    def __repr__(self):
        return (f"{type(self).__name__}(\n    crop_size={self.crop_size}\n"
                f"    resize_size={self.resize_size}\n    mean={self.mean}\n    std={self.std}\n"
                f"    interpolation={self.interpolation}\n)")


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
