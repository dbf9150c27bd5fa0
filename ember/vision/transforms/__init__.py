"""``torchvision.transforms`` (v1 API) for Ember."""
from . import functional
from .autoaugment import AutoAugmentPolicy
from .functional import InterpolationMode
from .transforms import (CenterCrop, ColorJitter, Compose, ConvertImageDtype, GaussianBlur,
                         Grayscale, Lambda, Normalize, Pad, PILToTensor, RandomAffine,
                         RandomApply, RandomCrop, RandomErasing, RandomGrayscale,
                         RandomHorizontalFlip, RandomResizedCrop, RandomRotation,
                         RandomVerticalFlip, Resize, ToPILImage, ToTensor)

__all__ = ["functional", "AutoAugmentPolicy", "InterpolationMode", "CenterCrop", "ColorJitter",
           "Compose", "ConvertImageDtype", "GaussianBlur", "Grayscale", "Lambda", "Normalize", "Pad",
           "PILToTensor", "RandomAffine", "RandomApply", "RandomCrop", "RandomErasing",
           "RandomGrayscale", "RandomHorizontalFlip", "RandomResizedCrop", "RandomRotation",
           "RandomVerticalFlip", "Resize", "ToPILImage", "ToTensor"]
