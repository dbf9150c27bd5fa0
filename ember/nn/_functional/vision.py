"""nn.functional: interpolate/upsample, pad, pixel_shuffle, channel_shuffle."""
import math
import warnings

from ..._ops import nn_pool as P
from ..._ops.nn_pool import pixel_shuffle, pixel_unshuffle, channel_shuffle

__all__ = ["interpolate", "upsample", "upsample_nearest", "upsample_bilinear", "pad",
           "pixel_shuffle", "pixel_unshuffle", "channel_shuffle", "native_channel_shuffle"]

native_channel_shuffle = channel_shuffle

_LINEAR_DIMS = {"linear": 1, "bilinear": 2, "bicubic": 2, "trilinear": 3}
_MODES = ("nearest", "nearest-exact", "linear", "bilinear", "bicubic", "trilinear", "area")


def _output_size(input, nsp, size, scale_factor, recompute_scale_factor):
    """(output spatial size, per-dim scale handed to the kernel or None)."""
    if size is not None and scale_factor is not None:
        raise ValueError("only one of size or scale_factor should be defined")
    sp = input.shape[2:]
    if size is not None:
        out = tuple(size) if isinstance(size, (tuple, list)) else (size,) * nsp
        if len(out) != nsp:
            raise ValueError(f"Input and output must have the same number of spatial "
                             f"dimensions, but got input with spatial dimensions of {list(sp)} "
                             f"and output size of {list(out)}. Please provide input tensor in "
                             "(N, C, d1, d2, ...,dK) format and output size in (o1, o2, ...,oK) "
                             "format.")
        return tuple(int(o) for o in out), (None,) * nsp
    if scale_factor is None:
        raise ValueError("either size or scale_factor should be defined")
    sc = tuple(scale_factor) if isinstance(scale_factor, (tuple, list)) \
        else (scale_factor,) * nsp
    if len(sc) != nsp:
        raise ValueError(f"Input and scale_factor must have the same number of spatial "
                         f"dimensions, but got input with spatial dimensions of {list(sp)} and "
                         f"scale_factor of shape {list(sc)}. Please provide input tensor in "
                         "(N, C, d1, d2, ...,dK) format and scale_factor in (s1, s2, ...,sK) "
                         "format.")
    out = tuple(int(math.floor(float(n) * float(s))) for n, s in zip(sp, sc))
    return out, ((None,) * nsp if recompute_scale_factor else tuple(float(s) for s in sc))


def interpolate(input, size=None, scale_factor=None, mode="nearest", align_corners=None,
                recompute_scale_factor=None, antialias=False):
    """Resample the spatial dims of a (N, C, *S) input (torch.nn.functional.interpolate)."""
    nsp = input.dim() - 2
    if mode in ("nearest", "area", "nearest-exact"):
        if align_corners is not None:
            raise ValueError("align_corners option can only be set with the interpolating "
                             "modes: linear | bilinear | bicubic | trilinear")
    elif mode in _LINEAR_DIMS:
        align_corners = bool(align_corners)
    else:
        raise NotImplementedError(f"Input Error: Only 3D, 4D and 5D input Tensors supported (got "
                                  f"{input.dim()}D) for the modes: nearest | linear | bilinear "
                                  f"| bicubic | trilinear | area | nearest-exact (got {mode})")
    if mode in _LINEAR_DIMS and _LINEAR_DIMS[mode] != nsp:
        raise NotImplementedError(f"Got {input.dim()}D input, but {mode} mode needs "
                                  f"{_LINEAR_DIMS[mode] + 2}D input")
    if nsp not in (1, 2, 3):
        raise NotImplementedError(f"Input Error: Only 3D, 4D and 5D input Tensors supported (got "
                                  f"{input.dim()}D) for the modes: nearest | linear | bilinear "
                                  f"| bicubic | trilinear | area | nearest-exact (got {mode})")
    if antialias:
        raise NotImplementedError("interpolate: antialias=True is not supported by ember")
    out, scales = _output_size(input, nsp, size, scale_factor, recompute_scale_factor)
    if mode == "area":
        if nsp == 1:
            return P.adaptive_avg_pool1d(input, out)
        return P.adaptive_avg_pool_nd(input, nsp, out)
    return P.resample(input, out, mode, align_corners, scales)


def upsample(input, size=None, scale_factor=None, mode="nearest", align_corners=None):
    warnings.warn("nn.functional.upsample is deprecated. Use nn.functional.interpolate "
                  "instead.", stacklevel=2)
    return interpolate(input, size, scale_factor, mode, align_corners)


def upsample_nearest(input, size=None, scale_factor=None):
    warnings.warn("nn.functional.upsample_nearest is deprecated. Use "
                  "nn.functional.interpolate instead.", stacklevel=2)
    return interpolate(input, size, scale_factor, mode="nearest")


def upsample_bilinear(input, size=None, scale_factor=None):
    warnings.warn("nn.functional.upsample_bilinear is deprecated. Use "
                  "nn.functional.interpolate instead.", stacklevel=2)
    return interpolate(input, size, scale_factor, mode="bilinear", align_corners=True)


def pad(input, pad, mode="constant", value=None):
    """Pad trailing dims; ``pad`` = (last_lo, last_hi, prev_lo, prev_hi, ...)."""
    if mode == "constant":
        return P.constant_pad_nd(input, pad, 0 if value is None else value)
    if value is not None and value != 0:
        raise RuntimeError(f"Padding mode \"{mode}\" doesn't take in value argument.")
    if mode not in ("reflect", "replicate", "circular"):
        raise NotImplementedError(f"Unrecognised padding mode {mode}")
    npad = len(pad) // 2
    if len(pad) % 2 or not 1 <= npad <= 3 or input.dim() not in (npad + 1, npad + 2):
        raise NotImplementedError(f"Padding size {len(pad)} is not supported for "
                                  f"{input.dim()}D input tensor.")
    return P.index_pad(input, pad, mode)
