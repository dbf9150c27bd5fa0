"""``torchvision.transforms.v2.functional``: every function takes an image (tensor, PIL or
``tv_tensors.Image``), a video, a mask, bounding boxes or keypoints and dispatches to the
kernel for its type."""
from ...functional import InterpolationMode  # noqa: F401
from ._augment import jpeg  # noqa: F401
from ._color import (adjust_brightness, adjust_contrast, adjust_gamma, adjust_hue,  # noqa: F401
                     adjust_saturation, adjust_sharpness, autocontrast, equalize, grayscale,
                     grayscale_to_rgb, invert, permute_channels, posterize, rgb_to_grayscale,
                     solarize, to_grayscale)
from ._geometry import (affine, center_crop, crop, elastic, elastic_transform,  # noqa: F401
                        five_crop, hflip,
                        horizontal_flip, horizontal_flip_bounding_boxes, pad, perspective,
                        resize, resized_crop, rotate, ten_crop, vertical_flip,
                        vertical_flip_bounding_boxes, vflip)
from ._meta import (clamp_bounding_boxes, clamp_keypoints,  # noqa: F401
                    convert_bounding_box_format,
                    get_dimensions, get_num_channels, get_size)
from ._misc import (erase, gaussian_blur, gaussian_noise, normalize,  # noqa: F401
                    sanitize_bounding_boxes, sanitize_keypoints, to_dtype,
                    uniform_temporal_subsample)
from ._kernels import *  # noqa: F401,F403  (the per-type kernels)
from ._type_conversion import pil_to_tensor, to_image, to_pil_image  # noqa: F401
from ._utils import is_pure_tensor, register_kernel  # noqa: F401
