"""Spatial sampling: ``grid_sampler`` (``F.grid_sample``'s op: bilinear / nearest / bicubic
sampling of a 4-D or 5-D input at normalised grid points, with zeros / border / reflection
padding) and ``affine_grid_generator`` (``F.affine_grid``'s grids).

The sampler is written in ember ops (index arithmetic, ``gather``, weighted sums) so that its
gradients for the input and for the grid, and their second derivatives, come from those ops;
the result's node carries torch's name (``GridSampler2DBackward0`` / ``3D``)."""
import itertools

from .. import _dtype as D
from .. import _errors
from ._core import register
from .copies import _renamed
from .pointwise import _reject, where

BILINEAR, NEAREST, BICUBIC = 0, 1, 2
ZEROS, BORDER, REFLECTION = 0, 1, 2
_CUBIC_A = -0.75


# ---- source coordinates -------------------------------------------------------------------------
def _unnormalize(c, size, align_corners):
    """Grid coordinates in [-1, 1] -> pixel coordinates of a dim of ``size``."""
    return (c + 1) * ((size - 1) / 2) if align_corners else ((c + 1) * size - 1) / 2


def _reflect(x, twice_low, twice_high):
    """Reflect ``x`` into [twice_low / 2, twice_high / 2] (bounces off both ends)."""
    if twice_low == twice_high:
        return x * 0
    low, span = twice_low / 2, (twice_high - twice_low) / 2
    x = (x - low).abs()
    extra = x.fmod(span)
    even = (x.detach() / span).floor().remainder(2) == 0
    return where(even, extra + low, (span - extra) + low)


def _pad(x, size, padding_mode, align_corners):
    """Apply the padding mode to pixel coordinates (zeros leaves them as they are)."""
    if padding_mode == BORDER:
        return x.clamp(0, size - 1)
    if padding_mode == REFLECTION:
        x = _reflect(x, 0, 2 * (size - 1)) if align_corners else \
            _reflect(x, -1, 2 * size - 1)
        return x.clamp(0, size - 1)
    return x


# ---- gathering --------------------------------------------------------------------------------
def _gather(flat, sizes, coords):
    """Values of ``flat`` (N, C, prod(sizes)) at integer pixel coordinates ``coords`` (one
    (N, *out) tensor per spatial dim, input order), 0 outside the input: (N, C, *out)."""
    n, c = flat.shape[0], flat.shape[1]
    out = coords[0].shape[1:]
    inside = None
    linear = None
    for x, size in zip(coords, sizes):
        ok = (x >= 0) & (x <= size - 1)
        inside = ok if inside is None else inside & ok
        xi = x.clamp(0, size - 1).to(D.int64)
        linear = xi if linear is None else linear * size + xi
    idx = linear.reshape(n, 1, -1).expand(n, c, linear[0].numel())
    vals = flat.gather(2, idx).reshape(n, c, *out)
    return vals * inside.unsqueeze(1).to(flat.dtype)


def _linear_sample(flat, sizes, coords, nearest):
    if nearest:
        return _gather(flat, sizes, [x.detach().round() for x in coords])
    floors = [x.detach().floor() for x in coords]
    total = None
    for corner in itertools.product((0, 1), repeat=len(coords)):
        weight = None
        for x, x0, k in zip(coords, floors, corner):
            w = x - x0 if k else (x0 + 1) - x
            weight = w if weight is None else weight * w
        term = _gather(flat, sizes, [x0 + k for x0, k in zip(floors, corner)]) * \
            weight.unsqueeze(1)
        total = term if total is None else total + term
    return total


def _cubic_weights(t):
    """The four cubic-convolution weights (taps -1, 0, 1, 2) for fractions ``t``."""
    a = _CUBIC_A

    def near(s):        # |s| <= 1
        return ((a + 2) * s - (a + 3)) * s * s + 1

    def far(s):         # 1 < |s| < 2
        return ((a * s - 5 * a) * s + 8 * a) * s - 4 * a
    return far(t + 1), near(t), near(1 - t), far(2 - t)


def _bicubic_sample(flat, sizes, coords, padding_mode, align_corners):
    (y, x), (h, w) = coords, sizes
    y0, x0 = y.detach().floor(), x.detach().floor()
    wy, wx = _cubic_weights(y - y0), _cubic_weights(x - x0)
    total = None
    for i in range(4):
        for j in range(4):
            ty = _pad(y0 + (i - 1), h, padding_mode, align_corners)
            tx = _pad(x0 + (j - 1), w, padding_mode, align_corners)
            term = _gather(flat, sizes, [ty, tx]) * (wy[i] * wx[j]).unsqueeze(1)
            total = term if total is None else total + term
    return total


# ---- the op -------------------------------------------------------------------------------------
def _check(input, grid, mode):
    nd = input.dim()
    if grid.shape[0] != input.shape[0] and nd >= 1:
        raise _errors.grid_batch(input.shape, grid.shape)
    if grid.dim() != nd or grid.shape[-1] != nd - 2:
        raise _errors.grid_last_dim(nd - 2, grid.shape)
    for d in range(2, nd):
        if input.shape[d] == 0:
            raise _errors.grid_empty_input(input.shape, d)
    if mode == BICUBIC and nd == 5:
        raise _errors.grid_bicubic_3d()
    if grid.dtype is not input.dtype:
        raise _errors.scalar_type_mismatch(input.dtype, grid.dtype)


def _sample(input, grid, mode, padding_mode, align_corners):
    spatial = input.shape[2:]
    flat = input.reshape(input.shape[0], input.shape[1], -1)
    # grid's last dim lists x (the last input dim) first
    raw = [_unnormalize(grid[..., k], s, align_corners)
           for k, s in zip(range(len(spatial) - 1, -1, -1), spatial)]
    if mode == BICUBIC:
        return _bicubic_sample(flat, spatial, raw, padding_mode, align_corners)
    coords = [_pad(x, s, padding_mode, align_corners) for x, s in zip(raw, spatial)]
    return _linear_sample(flat, spatial, coords, mode == NEAREST)


def _sampler(name, node):
    check = _reject(f"{name}_cpu_kernel_impl", lambda dt: not dt.is_floating_point)

    def op(input, grid, interpolation_mode, padding_mode, align_corners):
        _check(input, grid, interpolation_mode)
        check(input.dtype)
        res = _sample(input, grid, interpolation_mode, padding_mode, align_corners)
        if res._grad_fn is not None:
            res._grad_fn = _renamed(res._grad_fn, node)
        return res.contiguous() if res._grad_fn is None else res
    op.__name__ = op.__qualname__ = name
    return register(name, method=False, nodes=(node,))(op)


grid_sampler_2d = _sampler("grid_sampler_2d", "GridSampler2DBackward0")
grid_sampler_3d = _sampler("grid_sampler_3d", "GridSampler3DBackward0")


@register("grid_sampler", method=False,
          nodes=("GridSampler2DBackward0", "GridSampler3DBackward0"))
def grid_sampler(input, grid, interpolation_mode, padding_mode, align_corners):
    fn = grid_sampler_3d if input.dim() == 5 else grid_sampler_2d
    return fn(input, grid, interpolation_mode, padding_mode, align_corners)


# ---- affine grids -------------------------------------------------------------------------------
def _steps(n, align_corners, like):
    """n points spanning [-1, 1] (pixel centres unless ``align_corners``); [0] for n <= 1."""
    if n <= 1:
        return like.new_zeros(max(n, 0))
    r = _linspace(-1, 1, n, like)
    return r * ((n - 1) / n) if not align_corners else r


def _linspace(a, b, n, like):
    from .creation import linspace
    return linspace(a, b, n, dtype=like.dtype, device=like.device)


@register("affine_grid_generator", method=False, nodes=("AffineGridGeneratorBackward0",))
def affine_grid_generator(theta, size, align_corners):
    """Points ``theta @ [x, y, (z,) 1]`` over an output of ``size`` (N, C, [D,] H, W):
    (N, [D,] H, W, 2 or 3).  Its gradient for theta is the matching product."""
    spatial = tuple(int(s) for s in size[2:])
    n = int(size[0])
    axes = [_steps(s, align_corners, theta) for s in reversed(spatial)]    # x, y(, z)
    k = len(spatial)
    base = theta.new_ones((*spatial, k + 1))
    for i, a in enumerate(axes):
        shape = [1] * k
        shape[k - 1 - i] = spatial[k - 1 - i]
        base[..., i] = a.reshape(shape).expand(spatial)
    flat = base.reshape(1, -1, k + 1).expand(n, -1, -1)
    res = flat.bmm(theta.transpose(1, 2)).reshape(n, *spatial, k)
    if res._grad_fn is not None:
        res._grad_fn = _renamed(res._grad_fn, "AffineGridGeneratorBackward0")
    return res
