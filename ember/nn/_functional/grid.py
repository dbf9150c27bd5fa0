"""``F.grid_sample`` and ``F.affine_grid``."""
import warnings

from ... import _errors
from ..._ops import nn_grid as _G

__all__ = ["grid_sample", "affine_grid", "GRID_SAMPLE_INTERPOLATION_MODES",
           "GRID_SAMPLE_PADDING_MODES"]

# the mode names and the numbers ``grid_sampler`` takes for them
GRID_SAMPLE_INTERPOLATION_MODES = {"bilinear": _G.BILINEAR, "nearest": _G.NEAREST,
                                   "bicubic": _G.BICUBIC}
GRID_SAMPLE_PADDING_MODES = {"zeros": _G.ZEROS, "border": _G.BORDER,
                             "reflection": _G.REFLECTION}
_MODES, _PADDING = GRID_SAMPLE_INTERPOLATION_MODES, GRID_SAMPLE_PADDING_MODES
_ALIGN_WARNING = ("Default grid_sample and affine_grid behavior has changed to "
                  "align_corners=False since 1.3.0. Please specify align_corners=True if the old "
                  "behavior is desired. See the documentation of grid_sample for details.")


def _align(align_corners):
    if align_corners is None:
        warnings.warn(_ALIGN_WARNING, stacklevel=3)
        return False
    return align_corners


def grid_sample(input, grid, mode="bilinear", padding_mode="zeros", align_corners=None):
    """Sample ``input`` (N, C, [D,] H, W) at the normalised points ``grid`` (N, [D,] H', W',
    2 or 3; x first, -1 and 1 the extreme pixels or their outer edges)."""
    if mode not in _MODES:
        raise _errors.grid_mode(mode)
    if padding_mode not in _PADDING:
        raise _errors.grid_padding_mode(padding_mode)
    return _G.grid_sampler(input, grid, _MODES[mode], _PADDING[padding_mode],
                           _align(align_corners))


def affine_grid(theta, size, align_corners=None):
    """The sampling grid of the affine maps ``theta`` (N, 2, 3) or (N, 3, 4) over an output of
    ``size`` (N, C, H, W) or (N, C, D, H, W), for ``grid_sample``."""
    align_corners = _align(align_corners)
    if not theta.is_floating_point():
        raise _errors.affine_theta_dtype(theta.dtype)
    if len(size) in (4, 5):
        k = len(size) - 2
        if theta.dim() != 3 or tuple(theta.shape[-2:]) != (k, k + 1):
            raise _errors.affine_theta_shape(k, size, theta.shape)
        spatial = size[-k:]
    else:
        raise _errors.affine_size_len(size)
    if align_corners and min(spatial) == 1:
        warnings.warn("Since version 1.3.0, affine_grid behavior has changed for unit-size grids "
                      "when align_corners=True. This is not an intended use case of "
                      "affine_grid. See the documentation of affine_grid for details.",
                      stacklevel=2)
    elif min(size) <= 0:
        raise _errors.affine_size_positive(size)
    return _G.affine_grid_generator(theta, size, align_corners)
