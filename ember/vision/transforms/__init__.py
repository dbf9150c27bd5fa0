"""``torchvision.transforms`` (v1 API) for Ember."""
from . import functional
from .autoaugment import AugMix, AutoAugment, AutoAugmentPolicy, RandAugment, TrivialAugmentWide
from .functional import InterpolationMode
from .transforms import (CenterCrop, ColorJitter, Compose, ConvertImageDtype, ElasticTransform,
                         FiveCrop, GaussianBlur, Grayscale, Lambda, LinearTransformation,
                         Normalize, Pad, PILToTensor, RandomAdjustSharpness, RandomAffine,
                         RandomApply, RandomAutocontrast, RandomChoice, RandomCrop,
                         RandomEqualize, RandomErasing, RandomGrayscale, RandomHorizontalFlip,
                         RandomInvert, RandomOrder, RandomPerspective, RandomPosterize,
                         RandomResizedCrop, RandomRotation, RandomSolarize, RandomVerticalFlip,
                         Resize, TenCrop, ToPILImage, ToTensor)

__all__ = ["functional", "AugMix", "AutoAugment", "AutoAugmentPolicy", "RandAugment",
           "TrivialAugmentWide", "InterpolationMode", "CenterCrop", "ColorJitter", "Compose",
           "ConvertImageDtype", "ElasticTransform", "FiveCrop", "GaussianBlur", "Grayscale",
           "Lambda", "LinearTransformation", "Normalize", "Pad", "PILToTensor",
           "RandomAdjustSharpness", "RandomAffine", "RandomApply", "RandomAutocontrast",
           "RandomChoice", "RandomCrop", "RandomEqualize", "RandomErasing", "RandomGrayscale",
           "RandomHorizontalFlip", "RandomInvert", "RandomOrder", "RandomPerspective",
           "RandomPosterize", "RandomResizedCrop", "RandomRotation", "RandomSolarize",
           "RandomVerticalFlip", "Resize", "TenCrop", "ToPILImage", "ToTensor"]
