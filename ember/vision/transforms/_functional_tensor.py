"""Transform kernels for image tensors shaped ``(..., C, H, W)``.

Images are data, not graph nodes: the kernels work on the tensor's backend array (taken from
its device, so CUDA tensors stay on the GPU) and wrap the result, without autograd history.
Integer images are computed in float32 and rounded back, as torchvision does.
"""
import numpy as np

from ..._ops._core import wrap
from ... import _dtype


def _xp(img):
    return img._device._backend.xp


def _out(arr, img, dtype=None):
    return wrap(arr, dtype or img._dtype, img._device)


def max_value(dtype):
    """The value of a fully saturated pixel: 1.0 for floats, the integer maximum otherwise."""
    return 1.0 if dtype.is_floating_point else int(np.iinfo(dtype.np).max)


def _as_float(img):
    """The image array in a float type (float32 for integer images)."""
    a = img._data
    return a if img._dtype.is_floating_point else a.astype(np.float32)


def _back(arr, img, *, clamp=True):
    """Cast a float result back to the image dtype (round + saturate for integer images)."""
    xp = _xp(img)
    if not img._dtype.is_floating_point:
        arr = xp.round(arr)
        if clamp:
            arr = xp.clip(arr, 0, max_value(img._dtype))
    return _out(arr, img)


def get_dimensions(img):
    c = 1 if img.ndim == 2 else img.shape[-3]
    return [c, img.shape[-2], img.shape[-1]]


def hflip(img):
    return _out(img._data[..., ::-1].copy(), img)


def vflip(img):
    return _out(img._data[..., ::-1, :].copy(), img)


def pad(img, left, top, right, bottom, fill, padding_mode):
    xp = _xp(img)
    a = img._data
    if min(left, top, right, bottom) < 0:
        a = a[..., max(-top, 0):a.shape[-2] - max(-bottom, 0),
              max(-left, 0):a.shape[-1] - max(-right, 0)]
        left, top, right, bottom = (max(v, 0) for v in (left, top, right, bottom))
    widths = [(0, 0)] * (a.ndim - 2) + [(top, bottom), (left, right)]
    if padding_mode == "constant":
        out = xp.pad(a, widths, mode="constant", constant_values=0 if fill is None else fill)
    else:
        out = xp.pad(a, widths, mode=padding_mode)
    return _out(out, img)


def crop(img, top, left, height, width):
    h, w = img.shape[-2:]
    right, bottom = left + width, top + height
    if left < 0 or top < 0 or right > w or bottom > h:
        # Outside the image: torchvision zero-pads the missing part.
        part = _out(img._data[..., max(top, 0):min(bottom, h), max(left, 0):min(right, w)], img)
        return pad(part, max(-left, 0), max(-top, 0), max(right - w, 0), max(bottom - h, 0),
                   0, "constant")
    return _out(img._data[..., top:bottom, left:right], img)


# ---- resizing -------------------------------------------------------------------------------
def _triangle(x):
    return np.clip(1.0 - np.abs(x), 0.0, None)


def _cubic(x, a=-0.5):
    x = np.abs(x)
    near = ((a + 2) * x - (a + 3)) * x * x + 1
    far = ((a * x - 5 * a) * x + 8 * a) * x - 4 * a
    return np.where(x < 1, near, np.where(x < 2, far, 0.0))


def _aa_weights(n_in, n_out, kernel, support):
    """(n_out, n_in) matrix of an antialiased resampling along one axis.

    The filter is stretched by the downscaling factor so every input pixel contributes
    (the separable scheme Pillow and torch's ``antialias=True`` use)."""
    scale = n_in / n_out
    stretch = max(scale, 1.0)
    centers = (np.arange(n_out) + 0.5) * scale
    lo = np.maximum(np.floor(centers - support * stretch + 0.5), 0).astype(np.int64)
    hi = np.minimum(np.floor(centers + support * stretch + 0.5), n_in).astype(np.int64)
    j = np.arange(n_in)
    w = kernel((j[None, :] - centers[:, None] + 0.5) / stretch)
    w = np.where((j[None, :] >= lo[:, None]) & (j[None, :] < hi[:, None]), w, 0.0)
    return w / w.sum(axis=1, keepdims=True)


_AA_KERNELS = {"bilinear": (_triangle, 1.0), "bicubic": (_cubic, 2.0)}


def resize(img, size, mode, antialias):
    """Resize the last two dims to ``size`` with ``mode`` (an interpolate mode string)."""
    h, w = img.shape[-2:]
    if (h, w) == tuple(size):
        return img
    a = _as_float(img)
    xp = _xp(img)
    if antialias and mode in _AA_KERNELS:
        kernel, support = _AA_KERNELS[mode]
        wy = xp.asarray(_aa_weights(h, size[0], kernel, support).astype(a.dtype))
        wx = xp.asarray(_aa_weights(w, size[1], kernel, support).astype(a.dtype))
        out = xp.matmul(xp.matmul(wy, a), wx.T)
    else:
        from ...nn import functional as F
        lead = a.shape[:-2]
        x = wrap(a.reshape((-1, 1) + a.shape[-2:]), _dtype.from_numpy_dtype(a.dtype),
                 img._device)
        corners = False if mode in ("bilinear", "bicubic") else None
        out = F.interpolate(x, size=tuple(size), mode=mode, align_corners=corners)._data
        out = out.reshape(lead + tuple(size))
    return _back(out, img)


# ---- geometric warps ------------------------------------------------------------------------
def _sample(a, xp, ix, iy, mode):
    """Sample ``a[..., iy, ix]`` at float pixel coordinates; outside points read as 0.

    Returns the samples and the in-bounds mask (1 inside, 0 outside, blended for bilinear)."""
    h, w = a.shape[-2:]
    if mode == "nearest":
        jx, jy = xp.rint(ix).astype(np.int64), xp.rint(iy).astype(np.int64)
        ok = (jx >= 0) & (jx < w) & (jy >= 0) & (jy < h)
        vals = a[..., xp.clip(jy, 0, h - 1), xp.clip(jx, 0, w - 1)] * ok
        return vals, ok.astype(a.dtype)
    x0, y0 = xp.floor(ix), xp.floor(iy)
    fx, fy = (ix - x0).astype(a.dtype), (iy - y0).astype(a.dtype)
    x0, y0 = x0.astype(np.int64), y0.astype(np.int64)
    vals, mask = 0, 0
    for dx, dy, wgt in ((0, 0, (1 - fx) * (1 - fy)), (1, 0, fx * (1 - fy)),
                        (0, 1, (1 - fx) * fy), (1, 1, fx * fy)):
        jx, jy = x0 + dx, y0 + dy
        ok = ((jx >= 0) & (jx < w) & (jy >= 0) & (jy < h)) * wgt
        vals = vals + a[..., xp.clip(jy, 0, h - 1), xp.clip(jx, 0, w - 1)] * ok
        mask = mask + ok
    return vals, mask


def warp(img, theta, mode, fill, out_size=None):
    """Apply the inverse affine map ``theta`` (2×3, pixel units relative to the image centre)
    to every output pixel centre and sample the input there."""
    h, w = img.shape[-2:]
    oh, ow = out_size or (h, w)
    # Same float32 arithmetic as an affine grid fed to grid_sample(align_corners=False), so
    # nearest-neighbour picks agree with torchvision at exact half-pixel ties.
    f32 = np.float32
    gx, gy = np.meshgrid(np.linspace(-ow * 0.5 + 0.5, ow * 0.5 - 0.5, ow, dtype=f32),
                         np.linspace(-oh * 0.5 + 0.5, oh * 0.5 - 0.5, oh, dtype=f32))
    th = np.asarray(theta, dtype=f32) / np.array([[0.5 * w], [0.5 * h]], dtype=f32)
    return remap(img, gx * th[0, 0] + gy * th[0, 1] + th[0, 2],
                 gx * th[1, 0] + gy * th[1, 1] + th[1, 2], mode, fill)


def remap(img, nx, ny, mode, fill):
    """Sample the image at the normalised float32 coordinates ``(nx, ny)`` (``-1``/``1``:
    the outer pixel edges, as ``grid_sample(align_corners=False)``); outside points take
    ``fill`` (or 0)."""
    xp = _xp(img)
    a = _as_float(img)
    h, w = a.shape[-2:]
    f32 = np.float32
    ix = ((nx + f32(1)) * f32(w) - f32(1)) / f32(2)
    iy = ((ny + f32(1)) * f32(h) - f32(1)) / f32(2)
    vals, mask = _sample(a, xp, xp.asarray(ix.astype(a.dtype)), xp.asarray(iy.astype(a.dtype)),
                         mode)
    if fill is not None:
        fill_arr = xp.asarray(np.asarray(fill, dtype=a.dtype).reshape(
            (-1, 1, 1) if np.ndim(fill) else ()))
        if mode == "nearest":
            vals = xp.where(mask < 0.5, fill_arr, vals)
        else:
            vals = vals * mask + (1 - mask) * fill_arr
    return _back(vals, img)


def perspective(img, coeffs, mode, fill):
    """Sample each output pixel at ``((a x + b y + c) / (g x + h y + 1), (d x + e y + f) /
    (g x + h y + 1))`` (``coeffs`` = a..h, pixel units)."""
    oh, ow = img.shape[-2:]
    f32 = np.float32
    x, y = np.meshgrid(np.linspace(0.5, ow - 0.5, ow, dtype=f32),
                       np.linspace(0.5, oh - 0.5, oh, dtype=f32))
    c = np.asarray(coeffs, dtype=f32)
    denom = x * c[6] + y * c[7] + f32(1)
    nx = (x * (c[0] / f32(0.5 * ow)) + y * (c[1] / f32(0.5 * ow)) + c[2] / f32(0.5 * ow))
    ny = (x * (c[3] / f32(0.5 * oh)) + y * (c[4] / f32(0.5 * oh)) + c[5] / f32(0.5 * oh))
    return remap(img, nx / denom - f32(1), ny / denom - f32(1), mode, fill)


# ---- colour ---------------------------------------------------------------------------------
def _blend(a, b, ratio, img):
    """``ratio * a + (1 - ratio) * b`` saturated; integer images truncate (torchvision's
    ``.to(dtype)``), they are not rounded."""
    bound = max_value(img._dtype)
    out = _xp(img).clip(ratio * a + (1.0 - ratio) * b, 0, bound)
    return _out(out.astype(img._dtype.np, copy=False), img)


def _gray(a, xp):
    r, g, b = a[..., 0, :, :], a[..., 1, :, :], a[..., 2, :, :]
    return (0.2989 * r + 0.587 * g + 0.114 * b)[..., None, :, :]


def rgb_to_grayscale(img, num_output_channels):
    xp = _xp(img)
    if img.shape[-3] == 1:
        g = img._data
    else:
        g = _gray(_as_float(img), xp)
        if not img._dtype.is_floating_point:
            g = g.astype(img._dtype.np)           # torchvision truncates here
    if num_output_channels == 3:
        g = xp.broadcast_to(g, g.shape[:-3] + (3,) + g.shape[-2:]).copy()
    return _out(g, img)


def adjust_brightness(img, factor):
    a = _as_float(img)
    return _blend(a, 0.0, factor, img)


def adjust_contrast(img, factor):
    xp = _xp(img)
    a = _as_float(img)
    g = _gray(a, xp) if a.shape[-3] == 3 else a
    if not img._dtype.is_floating_point:
        g = xp.floor(g)
    mean = xp.mean(g, axis=(-3, -2, -1), keepdims=True)
    return _blend(a, mean, factor, img)


def adjust_saturation(img, factor):
    if img.shape[-3] == 1:
        return img
    xp = _xp(img)
    a = _as_float(img)
    g = _gray(a, xp)
    if not img._dtype.is_floating_point:
        g = xp.floor(g)
    return _blend(a, g, factor, img)


def _rgb_to_hsv(a, xp):
    r, g, b = a[..., 0, :, :], a[..., 1, :, :], a[..., 2, :, :]
    maxc, minc = a.max(axis=-3), a.min(axis=-3)
    flat = maxc == minc
    span = maxc - minc
    s = span / xp.where(flat, 1.0, maxc)
    span = xp.where(flat, 1.0, span)
    rc, gc, bc = (maxc - r) / span, (maxc - g) / span, (maxc - b) / span
    h = xp.where(maxc == r, bc - gc,
                 xp.where(maxc == g, 2.0 + rc - bc, 4.0 + gc - rc))
    h = xp.fmod(h / 6.0 + 1.0, 1.0)
    return h, s, maxc


def _hsv_to_rgb(h, s, v, xp):
    i = xp.floor(h * 6.0)
    f = h * 6.0 - i
    i = i.astype(np.int64) % 6
    p = xp.clip(v * (1.0 - s), 0.0, 1.0)
    q = xp.clip(v * (1.0 - s * f), 0.0, 1.0)
    t = xp.clip(v * (1.0 - s * (1.0 - f)), 0.0, 1.0)
    picks = [(v, t, p), (q, v, p), (p, v, t), (p, q, v), (t, p, v), (v, p, q)]
    chans = [xp.choose(i, [pk[c] for pk in picks]) for c in range(3)]
    return xp.stack(chans, axis=-3)


def adjust_hue(img, factor):
    if img.shape[-3] == 1:
        return img
    xp = _xp(img)
    a = _as_float(img)
    if not img._dtype.is_floating_point:
        a = a / max_value(img._dtype)
    h, s, v = _rgb_to_hsv(a, xp)
    rgb = _hsv_to_rgb(xp.fmod(h + factor, 1.0) % 1.0, s, v, xp).astype(a.dtype)
    if img._dtype.is_floating_point:
        return _out(rgb, img)
    return _out(rgb * (max_value(img._dtype) + 1 - 1e-3), img)


def adjust_gamma(img, gamma, gain):
    a = _as_float(img)
    if not img._dtype.is_floating_point:
        a = a / max_value(img._dtype)
    out = _xp(img).clip(gain * a ** gamma, 0, 1)
    if img._dtype.is_floating_point:
        return _out(out, img)
    return _out(out * (max_value(img._dtype) + 1 - 1e-3), img)


# ---- filters --------------------------------------------------------------------------------
def _gaussian_kernel(size, sigma):
    x = np.linspace(-(size - 1) * 0.5, (size - 1) * 0.5, size)
    k = np.exp(-0.5 * (x / sigma) ** 2)
    return k / k.sum()


def gaussian_blur(img, kernel_size, sigma):
    """Separable Gaussian filter with reflect padding (torchvision's boundary handling)."""
    xp = _xp(img)
    a = _as_float(img)
    kx, ky = kernel_size
    wx = _gaussian_kernel(kx, sigma[0]).astype(a.dtype)
    wy = _gaussian_kernel(ky, sigma[1]).astype(a.dtype)
    h, w = a.shape[-2:]
    widths = [(0, 0)] * (a.ndim - 2) + [(ky // 2, ky // 2), (kx // 2, kx // 2)]
    p = xp.pad(a, widths, mode="reflect")
    rows = sum(float(wy[i]) * p[..., i:i + h, :] for i in range(ky))
    out = sum(float(wx[j]) * rows[..., :, j:j + w] for j in range(kx))
    return _back(out.astype(a.dtype), img)


def smoothed(img):
    """``(x, s)``: the image as a new float ``(N, C, H, W)`` tensor, and its inner pixels
    smoothed by PIL's 3×3 SMOOTH kernel (rounded for integer images)."""
    from ...nn.functional import conv2d
    c, h, w = img.shape[-3:]
    dtype = img._dtype if img._dtype.is_floating_point else _dtype.float32
    k = np.full((3, 3), 1.0 / 13.0)
    k[1, 1] = 5.0 / 13.0
    kernel = _out(_xp(img).asarray(np.broadcast_to(k.astype(dtype.np), (c, 1, 3, 3)).copy()),
                  img, dtype)
    x = img.to(dtype=dtype, copy=True).reshape(-1, c, h, w)
    s = conv2d(x, kernel, groups=c)
    return x, (s if img._dtype.is_floating_point else s.round_())


def adjust_sharpness(img, factor):
    """Blend with the image whose inner pixels are smoothed (torchvision v1's kernel)."""
    degenerate, s = smoothed(img)
    degenerate[..., 1:-1, 1:-1] = s
    return _blend(_as_float(img), degenerate._data.reshape(img.shape), factor, img)


def autocontrast(img):
    """Stretch each channel to ``[0, max]``: ``(x - lo) * (max / (hi - lo))``."""
    xp = _xp(img)
    bound = max_value(img._dtype)
    a = _as_float(img)
    lo = a.min(axis=(-2, -1), keepdims=True)
    hi = a.max(axis=(-2, -1), keepdims=True)
    with np.errstate(divide="ignore", invalid="ignore"):   # torch's number / tensor is
        scale = (1 / (hi - lo)).astype(a.dtype) * a.dtype.type(bound)   # reciprocal * number
    flat = ~xp.isfinite(scale)
    lo, scale = xp.where(flat, 0, lo).astype(a.dtype), xp.where(flat, 1, scale).astype(a.dtype)
    out = xp.clip((a - lo) * scale, 0, bound)
    return _out(out.astype(img._dtype.np), img)


def erase(img, i, j, h, w, v, inplace):
    if not inplace:
        img = img.clone()
    img._data[..., i:i + h, j:j + w] = v._data if hasattr(v, "_data") else v
    return img


def convert_image_dtype(img, dtype):
    """Rescale pixel values between dtypes: [0, 1] for floats, [0, max] for integers."""
    src = img._dtype
    if src is dtype:
        return img
    a = img._data
    if src.is_floating_point:
        if dtype.is_floating_point:
            return _out(a, img, dtype)
        return _out(a * (max_value(dtype) + 1.0 - 1e-3), img, dtype)
    if dtype.is_floating_point:
        return _out(a.astype(dtype.np) / max_value(src), img, dtype)
    hi_in, hi_out = max_value(src), max_value(dtype)
    if hi_in > hi_out:
        factor = (hi_in + 1) // (hi_out + 1)
        return _out(a // factor, img, dtype)
    factor = (hi_out + 1) // (hi_in + 1)
    return _out(a.astype(dtype.np) * factor, img, dtype)


def rotate_size(w, h, theta):
    """Output (h, w) that holds the whole rotated image (``expand=True``)."""
    pts = np.array([[-0.5 * w, -0.5 * h, 1.0], [-0.5 * w, 0.5 * h, 1.0],
                    [0.5 * w, 0.5 * h, 1.0], [0.5 * w, -0.5 * h, 1.0]])
    m = np.array(theta, dtype=np.float64).reshape(2, 3)
    # theta maps output to input; the corners of the input need the forward map.
    fwd = np.linalg.inv(np.vstack([m, [0.0, 0.0, 1.0]]))[:2]
    new = pts @ fwd.T
    span = np.ceil(new.max(axis=0) - new.min(axis=0) - 1e-4)
    return int(span[1]), int(span[0])

