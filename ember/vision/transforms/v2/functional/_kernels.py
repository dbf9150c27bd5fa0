"""torchvision's per-type kernels under their public names (``resize_image``,
``resize_mask``, ``resize_bounding_boxes``, ``resize_keypoints``, ``resize_video``, ...).

Each one runs the dispatching functional on its input seen as that type, so there is one
implementation per op: image and video kernels take and return plain tensors, mask kernels
omit the interpolation arguments, and box / keypoint kernels take their metadata as arguments
and return ``(tensor, canvas_size)`` where torchvision's do.
"""
import warnings

from ....._tensor import Tensor
from .... import tv_tensors
from ... import functional as F1
from . import _augment, _color, _geometry, _meta, _misc
from ._utils import _dispatch, _register_kernel_internal

_OPS = {op: module for module, names in (
    (_color, ("adjust_brightness", "adjust_contrast", "adjust_gamma", "adjust_hue",
              "adjust_saturation", "adjust_sharpness", "autocontrast", "equalize", "invert",
              "permute_channels", "posterize", "solarize")),
    (_geometry, ("affine", "center_crop", "crop", "elastic", "five_crop", "horizontal_flip",
                 "pad", "perspective", "resize", "resized_crop", "rotate", "ten_crop",
                 "vertical_flip")),
    (_meta, ("get_dimensions", "get_num_channels", "get_size")),
    (_misc, ("erase", "gaussian_blur", "gaussian_noise", "normalize", "to_dtype",
             "uniform_temporal_subsample")),
    (_augment, ("jpeg",))) for op in names}
_VIDEO_ONLY = {"uniform_temporal_subsample"}
_IMAGE_ONLY = {"grayscale_to_rgb", "rgb_to_grayscale"}
_MASK_OPS = ("affine", "center_crop", "crop", "elastic", "horizontal_flip", "pad",
             "perspective", "resize", "resized_crop", "rotate", "vertical_flip")
# the parameters of the mask kernels whose order differs from their functional's
_MASK_PARAMS = {"affine": ("angle", "translate", "scale", "shear", "fill", "center"),
                "elastic": ("displacement", "fill"),
                "perspective": ("startpoints", "endpoints", "fill", "coefficients"),
                "resize": ("size", "interpolation", "max_size"),
                "resized_crop": ("top", "left", "height", "width", "size"),
                "rotate": ("angle", "expand", "center", "fill")}


def _plain(x):
    return x.as_subclass(Tensor) if isinstance(x, tv_tensors.TVTensor) else x


def _unwrap(out):
    if isinstance(out, (tuple, list)):
        return type(out)(_unwrap(o) for o in out)
    return _plain(out)


def _tensor_kernel(functional, name, wrap=None, params=None):
    """``name(inpt, *args, **kwargs)``: ``functional`` on ``inpt`` as a plain tensor (or
    wrapped by ``wrap``), the result unwrapped."""
    def kernel(inpt, *args, **kwargs):
        if params is not None:
            kwargs.update(zip(params, args))
            args = ()
        x = _plain(inpt)
        return _unwrap(functional(wrap(x) if wrap else x, *args, **kwargs))
    kernel.__name__ = kernel.__qualname__ = name
    return kernel


def _exports():
    out = {}
    for op, module in _OPS.items():
        functional = getattr(module, op)
        kinds = ("video",) if op in _VIDEO_ONLY else ("image", "video")
        for kind in kinds:
            name = f"{op}_{kind}"
            out[name] = getattr(module, name, None) or _tensor_kernel(functional, name)
        if op in _MASK_OPS:
            out[f"{op}_mask"] = _tensor_kernel(functional, f"{op}_mask", tv_tensors.Mask,
                                               _MASK_PARAMS.get(op))
    for op in _IMAGE_ONLY:
        out[f"{op}_image"] = _tensor_kernel(getattr(_color, op), f"{op}_image")
    return out


_GENERATED = _exports()
globals().update(_GENERATED)


# ---- sizes and frames -------------------------------------------------------------------------
def get_num_frames(inpt):
    """The number of frames (dimension ``-4``) of a video."""
    return _dispatch(get_num_frames, inpt)


def get_num_frames_video(video):
    return video.shape[-4]


for _t in (Tensor, tv_tensors.Video):
    _register_kernel_internal(get_num_frames, _t, wrap=False)(get_num_frames_video)

get_image_num_channels = _meta.get_num_channels


def get_size_bounding_boxes(bounding_box):
    return list(bounding_box.canvas_size)


def get_size_keypoints(keypoints):
    return list(keypoints.canvas_size)


def get_size_mask(mask):
    return list(mask.shape[-2:])


def get_image_size(inpt):
    """``[width, height]`` (deprecated: ``get_size`` gives ``[height, width]``)."""
    warnings.warn("The function `get_image_size(...)` is deprecated and will be removed in a "
                  "future release. Instead, please use `get_size(...)` which returns `[h, w]` "
                  "instead of `[w, h]`.")
    return F1.get_image_size(inpt)


def to_tensor(inpt):
    """PIL image or ndarray to a float tensor in ``[0, 1]`` (deprecated)."""
    warnings.warn("The function `to_tensor(...)` is deprecated and will be removed in a future "
                  "release. Instead, please use `to_image(...)` followed by `to_dtype(..., "
                  "dtype=torch.float32, scale=True)`.")
    return F1.to_tensor(inpt)


def convert_image_dtype(image, dtype=None):
    """``to_dtype(image, dtype, scale=True)`` for a tensor image (float32 by default)."""
    from ..... import float32
    return _misc.to_dtype_image(image, float32 if dtype is None else dtype, scale=True)


# ---- bounding boxes and keypoints --------------------------------------------------------------
def _boxes(functional, boxes, format, canvas_size, clamping_mode, *args, canvas=True, **kwargs):
    """``functional`` on plain ``boxes`` with this metadata: ``(boxes, canvas_size)``, or the
    boxes alone when ``canvas`` is false."""
    if isinstance(format, str):
        format = tv_tensors.BoundingBoxFormat[format.upper()]
    out = functional(tv_tensors.BoundingBoxes(_plain(boxes), format=format,
                                              canvas_size=tuple(canvas_size),
                                              clamping_mode=clamping_mode), *args, **kwargs)
    return (_plain(out), tuple(out.canvas_size)) if canvas else _plain(out)


def _points(functional, points, canvas_size, *args, canvas=True, **kwargs):
    out = functional(tv_tensors.KeyPoints(_plain(points), canvas_size=tuple(canvas_size)),
                     *args, **kwargs)
    return (_plain(out), tuple(out.canvas_size)) if canvas else _plain(out)


_G = _geometry


def affine_bounding_boxes(bounding_boxes, format, canvas_size, angle, translate, scale, shear,
                          center=None, clamping_mode="soft"):
    return _boxes(_G.affine, bounding_boxes, format, canvas_size, clamping_mode, angle=angle,
                  translate=translate, scale=scale, shear=shear, center=center, canvas=False)


def center_crop_bounding_boxes(bounding_boxes, format, canvas_size, output_size,
                               clamping_mode="soft"):
    return _boxes(_G.center_crop, bounding_boxes, format, canvas_size, clamping_mode,
                  output_size)


def crop_bounding_boxes(bounding_boxes, format, top, left, height, width, clamping_mode="soft"):
    return _boxes(_G.crop, bounding_boxes, format, (height, width), clamping_mode, top, left,
                  height, width)


def elastic_bounding_boxes(bounding_boxes, format, canvas_size, displacement,
                           clamping_mode="soft"):
    return _boxes(_G.elastic, bounding_boxes, format, canvas_size, clamping_mode, displacement,
                  canvas=False)


def pad_bounding_boxes(bounding_boxes, format, canvas_size, padding, padding_mode="constant",
                       clamping_mode="soft"):
    return _boxes(_G.pad, bounding_boxes, format, canvas_size, clamping_mode, padding,
                  padding_mode=padding_mode)


def perspective_bounding_boxes(bounding_boxes, format, canvas_size, startpoints, endpoints,
                               coefficients=None, clamping_mode="soft"):
    return _boxes(_G.perspective, bounding_boxes, format, canvas_size, clamping_mode,
                  startpoints, endpoints, coefficients=coefficients, canvas=False)


def resize_bounding_boxes(bounding_boxes, canvas_size, size, max_size=None,
                          format=tv_tensors.BoundingBoxFormat.XYXY, clamping_mode="soft"):
    return _boxes(_G.resize, bounding_boxes, format, canvas_size, clamping_mode, size,
                  max_size=max_size)


def resized_crop_bounding_boxes(bounding_boxes, format, top, left, height, width, size,
                                clamping_mode="soft"):
    return _boxes(_G.resized_crop, bounding_boxes, format, (height, width), clamping_mode, top,
                  left, height, width, size)


def rotate_bounding_boxes(bounding_boxes, format, canvas_size, angle, expand=False, center=None,
                          clamping_mode="soft"):
    return _boxes(_G.rotate, bounding_boxes, format, canvas_size, clamping_mode, angle,
                  expand=expand, center=center)


def affine_keypoints(keypoints, canvas_size, angle, translate, scale, shear, center=None):
    return _points(_G.affine, keypoints, canvas_size, angle=angle, translate=translate,
                   scale=scale, shear=shear, center=center)


def center_crop_keypoints(inpt, canvas_size, output_size):
    return _points(_G.center_crop, inpt, canvas_size, output_size)


def crop_keypoints(keypoints, top, left, height, width):
    return _points(_G.crop, keypoints, (height, width), top, left, height, width)


def elastic_keypoints(keypoints, canvas_size, displacement):
    return _points(_G.elastic, keypoints, canvas_size, displacement, canvas=False)


def horizontal_flip_keypoints(keypoints, canvas_size):
    return _points(_G.horizontal_flip, keypoints, canvas_size, canvas=False)


def vertical_flip_keypoints(keypoints, canvas_size):
    return _points(_G.vertical_flip, keypoints, canvas_size, canvas=False)


def pad_keypoints(keypoints, canvas_size, padding, padding_mode="constant"):
    return _points(_G.pad, keypoints, canvas_size, padding, padding_mode=padding_mode)


def perspective_keypoints(keypoints, canvas_size, startpoints, endpoints, coefficients=None):
    return _points(_G.perspective, keypoints, canvas_size, startpoints, endpoints,
                   coefficients=coefficients, canvas=False)


def resize_keypoints(keypoints, size, canvas_size, max_size=None):
    return _points(_G.resize, keypoints, canvas_size, size, max_size=max_size)


def resized_crop_keypoints(keypoints, top, left, height, width, size):
    return _points(_G.resized_crop, keypoints, (height, width), top, left, height, width, size)


def rotate_keypoints(keypoints, canvas_size, angle, expand=False, center=None):
    return _points(_G.rotate, keypoints, canvas_size, angle, expand=expand, center=center)


__all__ = sorted([*_GENERATED, "get_num_frames", "get_num_frames_video", "get_image_num_channels",
                  "get_size_bounding_boxes", "get_size_keypoints", "get_size_mask",
                  "get_image_size", "to_tensor", "convert_image_dtype"]
                 + [n for n in list(globals()) if n.endswith(("_bounding_boxes", "_keypoints"))
                    and not n.startswith("_")])
