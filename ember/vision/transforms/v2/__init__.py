"""``torchvision.transforms.v2``: transforms that take whole samples (an image with its
boxes, masks, keypoints and labels, in any nesting) and keep their parts consistent."""
from ..functional import InterpolationMode  # noqa: F401
from . import functional  # noqa: F401
from ._augment import JPEG, CutMix, MixUp, RandomErasing  # noqa: F401
from ._auto_augment import (AugMix, AutoAugment, AutoAugmentPolicy, RandAugment,  # noqa: F401
                            TrivialAugmentWide)
from ._color import (ColorJitter, Grayscale, RandomAdjustSharpness,  # noqa: F401
                     RandomAutocontrast, RandomChannelPermutation, RandomEqualize,
                     RandomGrayscale, RandomInvert, RandomPhotometricDistort, RandomPosterize,
                     RandomSolarize, RGB)
from ._deprecated import ToTensor  # noqa: F401
from ._container import Compose, RandomApply, RandomChoice, RandomOrder  # noqa: F401
from ._geometry import (CenterCrop, ElasticTransform, FiveCrop, Pad,  # noqa: F401
                        RandomAffine, RandomCrop,
                        RandomHorizontalFlip, RandomIoUCrop, RandomPerspective, RandomResize,
                        RandomResizedCrop, RandomRotation, RandomShortestSize,
                        RandomVerticalFlip, RandomZoomOut, Resize, ScaleJitter, TenCrop)
from ._meta import (ClampBoundingBoxes, ClampKeyPoints, ConvertBoundingBoxFormat,  # noqa: F401
                    SetClampingMode)
from ._misc import (ConvertImageDtype, GaussianBlur, GaussianNoise, Identity,  # noqa: F401
                    Lambda, LinearTransformation, Normalize, SanitizeBoundingBoxes,
                    SanitizeKeyPoints, ToDtype, UniformTemporalSubsample)
from ._transform import Transform  # noqa: F401
from ._type_conversion import PILToTensor, ToImage, ToPILImage, ToPureTensor  # noqa: F401
from ._utils import (check_type, get_bounding_boxes, get_keypoints, has_all,  # noqa: F401
                     has_any, query_chw, query_size)
