"""nn.functional: interpolate/upsample, pad, pixel_shuffle, channel_shuffle."""
from ..._ops._core import autocast_rule
import math
import warnings

from ... import _errors
from ..._ops import nn_pool as P
from ..._ops.nn_resample import pixel_shuffle, pixel_unshuffle, channel_shuffle, resample

__all__ = ["interpolate", "upsample", "upsample_nearest", "upsample_bilinear", "pad",
           "pixel_shuffle", "pixel_unshuffle", "channel_shuffle", "native_channel_shuffle"]

native_channel_shuffle = channel_shuffle

_LINEAR_DIMS = {"linear": 1, "bilinear": 2, "bicubic": 2, "trilinear": 3}
_MODES = ("nearest", "nearest-exact", "linear", "bilinear", "bicubic", "trilinear", "area")


def _output_size(input, nsp, size, scale_factor, recompute_scale_factor):
    """(output spatial size, per-dim scale handed to the kernel or None)."""
    if size is not None and scale_factor is not None:
        raise _errors.interpolate_size_and_scale()
    sp = input.shape[2:]
    if size is not None:
        out = tuple(size) if isinstance(size, (tuple, list)) else (size,) * nsp
        if len(out) != nsp:
            raise _errors.interpolate_size_dims(sp, out)
        return tuple(int(o) for o in out), (None,) * nsp
    if scale_factor is None:
        raise _errors.interpolate_no_size_or_scale()
    sc = tuple(scale_factor) if isinstance(scale_factor, (tuple, list)) \
        else (scale_factor,) * nsp
    if len(sc) != nsp:
        raise _errors.interpolate_scale_dims(sp, sc)
    out = tuple(int(math.floor(float(n) * float(s))) for n, s in zip(sp, sc))
    return out, ((None,) * nsp if recompute_scale_factor else tuple(float(s) for s in sc))


@autocast_rule({"cuda": "fp32"})
def interpolate(input, size=None, scale_factor=None, mode="nearest", align_corners=None,
                recompute_scale_factor=None, antialias=False):
    """Resample the spatial dims of a (N, C, *S) input (torch.nn.functional.interpolate)."""
    nsp = input.dim() - 2
    if mode in ("nearest", "area", "nearest-exact"):
        if align_corners is not None:
            raise _errors.interpolate_align_corners()
    elif mode in _LINEAR_DIMS:
        align_corners = bool(align_corners)
    else:
        raise _errors.interpolate_input_dims(input, mode)
    if mode in _LINEAR_DIMS and _LINEAR_DIMS[mode] != nsp:
        raise _errors.interpolate_mode_dims(input, mode, _LINEAR_DIMS)
    if nsp not in (1, 2, 3):
        raise _errors.interpolate_input_dims(input, mode)
    if antialias:
        raise _errors.interpolate_antialias()
    out, scales = _output_size(input, nsp, size, scale_factor, recompute_scale_factor)
    if mode == "area":
        if nsp == 1:
            return P.adaptive_avg_pool1d(input, out)
        return P.adaptive_avg_pool_nd(input, nsp, out)
    return resample(input, out, mode, align_corners, scales)


def upsample(input, size=None, scale_factor=None, mode="nearest", align_corners=None):
    warnings.warn(_errors.upsample_deprecated("upsample"), stacklevel=2)
    return interpolate(input, size, scale_factor, mode, align_corners)


def upsample_nearest(input, size=None, scale_factor=None):
    warnings.warn(_errors.upsample_deprecated("upsample_nearest"), stacklevel=2)
    return interpolate(input, size, scale_factor, mode="nearest")


def upsample_bilinear(input, size=None, scale_factor=None):
    warnings.warn(_errors.upsample_deprecated("upsample_bilinear"), stacklevel=2)
    return interpolate(input, size, scale_factor, mode="bilinear", align_corners=True)


def pad(input, pad, mode="constant", value=None):
    """Pad trailing dims; ``pad`` = (last_lo, last_hi, prev_lo, prev_hi, ...)."""
    if mode == "constant":
        return P.constant_pad_nd(input, pad, 0 if value is None else value)
    if len(pad) % 2:
        raise _errors.pad_length_odd()
    if value is not None and value != 0:
        raise _errors.pad_mode_value(mode)
    if mode not in ("reflect", "replicate", "circular"):
        raise _errors.pad_mode_unknown(mode)
    npad = len(pad) // 2
    if len(pad) % 2 or not 1 <= npad <= 3 or input.dim() not in (npad + 1, npad + 2):
        raise _errors.pad_size_unsupported(input, pad)
    return P.index_pad(input, pad, mode)
