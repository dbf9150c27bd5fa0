"""Convolution and pooling lowering on NumPy (reached as ``CPU.nn``).

Layout conventions (N = batch, C = channels, S = spatial dims, K = kernel dims, O = output dims,
G = groups):

* im2col is a strided *view* of the padded input, ordered ``(C, *K, N, *O)``, copied once into a
  ``(G, Cg*prod(K), N*prod(O))`` matrix so that a whole layer is ONE GEMM with the batch folded
  in (``W (G, Cout_g, Cg*K) @ cols``).  Copying in that order reads the input along its last
  spatial axis, the cheapest order for the copy.
* col2im loops over the ``prod(K)`` kernel offsets only, adding one strided slice each.
* Pooling reads windows as a strided view ``(N, C, *O, *K)``; non-overlapping windows are
  scattered back through the same (writeable) view.

All functions take and return plain arrays; nothing here knows about autograd.
"""
import itertools

import numpy as np

_as_strided = np.lib.stride_tricks.as_strided


# ---- geometry -------------------------------------------------------------------------------
def out_size(size, k, s, p, d, ceil_mode=False):
    """PyTorch's output length for one spatial dim (pooling rule when ``ceil_mode``)."""
    span = size + 2 * p - d * (k - 1) - 1
    if not ceil_mode:
        return span // s + 1
    o = -(-span // s) + 1
    if (o - 1) * s >= size + p:
        o -= 1
    return o


def pad_zeros(x, lo, hi, fill=0):
    """``x`` with its spatial dims padded by ``lo``/``hi`` (per dim) with ``fill``; no copy if
    nothing to pad."""
    if not any(lo) and not any(hi):
        return x
    nsp = len(lo)
    shape = x.shape[:-nsp] + tuple(n + a + b for n, a, b in zip(x.shape[-nsp:], lo, hi))
    buf = np.full(shape, fill, x.dtype) if fill else np.zeros(shape, x.dtype)
    buf[(Ellipsis,) + tuple(slice(a, a + n) for a, n in zip(lo, x.shape[-nsp:]))] = x
    return buf


def _crop(x, lo, size):
    if not any(lo) and x.shape[-len(size):] == tuple(size):
        return x
    return x[(Ellipsis,) + tuple(slice(a, a + n) for a, n in zip(lo, size))]


def _offset_slices(k_idx, o, s, d):
    """The slices of the padded input that kernel offset ``k_idx`` touches."""
    return tuple(slice(ki * di, ki * di + si * (oi - 1) + 1, si)
                 for ki, oi, si, di in zip(k_idx, o, s, d))


def windows(xp, ks, o, s, d, order="pool"):
    """Strided view of the padded input ``xp`` (N, C, *S) over all windows.

    ``order='pool'`` gives (N, C, *O, *K); ``'cols'`` gives (C, *K, N, *O) (im2col order);
    ``'unfold'`` gives (N, C, *K, *O) (F.unfold order)."""
    st = xp.strides
    sp = st[2:]
    ks_st = tuple(a * b for a, b in zip(sp, d))
    o_st = tuple(a * b for a, b in zip(sp, s))
    if order == "pool":
        return _as_strided(xp, xp.shape[:2] + tuple(o) + tuple(ks), st[:2] + o_st + ks_st,
                           writeable=False)
    if order == "cols":
        return _as_strided(xp, (xp.shape[1],) + tuple(ks) + (xp.shape[0],) + tuple(o),
                           (st[1],) + ks_st + (st[0],) + o_st, writeable=False)
    return _as_strided(xp, xp.shape[:2] + tuple(ks) + tuple(o), st[:2] + ks_st + o_st,
                       writeable=False)


# ---- convolution ----------------------------------------------------------------------------
def _cols(x, ks, s, p, d, groups, o=None):
    """im2col of ``x`` as a (G, Cg*K, N*L) matrix, and the output spatial shape.

    ``o`` keeps only the first output positions: when a transposed convolution's
    ``output_padding`` added rows past its last window, convolving its (larger) output
    gradient gives positions the transposed convolution's input does not have."""
    xp = pad_zeros(x, p, p)
    if o is None:
        o = tuple(out_size(n, k, si, 0, di) for n, k, si, di in zip(xp.shape[2:], ks, s, d))
    cols = np.ascontiguousarray(windows(xp, ks, o, s, d, "cols"))
    return cols.reshape(groups, -1, x.shape[0] * int(np.prod(o))), o


def conv_forward(x, w, b, s, p, d, groups, o=None):
    """Cross-correlation of ``x`` (N, C, *S) with ``w`` (Cout, C/G, *K), plus bias ``b``
    (output spatial shape ``o`` if given, see ``_cols``)."""
    n, cout = x.shape[0], w.shape[0]
    ks = w.shape[2:]
    cols, o = _cols(x, ks, s, p, d, groups, o)
    y = np.matmul(w.reshape(groups, cout // groups, -1), cols)       # (G, Cout_g, N*L)
    y = y.reshape((cout, n) + o)
    out = np.empty((n, cout) + o, y.dtype)
    yt = np.moveaxis(y, 1, 0)
    if b is None:
        np.copyto(out, yt)
    else:
        np.add(yt, b.reshape((cout,) + (1,) * len(o)), out=out)
    return out


def _grad_matrix(g, groups):
    """The output gradient (N, Cout, *O) as a (G, Cout_g, N*L) matrix."""
    gt = np.ascontiguousarray(np.moveaxis(g, 1, 0))
    return gt.reshape(groups, g.shape[1] // groups, -1)


def col2im(dcols, x_shape, ks, o, s, p, d):
    """Sum im2col-ordered columns (C, *K, N, *O) back into an image of ``x_shape``.

    Accumulates in the columns' own (C, N, ...) order (contiguous reads) and transposes once."""
    padded = (x_shape[1], x_shape[0]) + tuple(n + 2 * pi for n, pi in zip(x_shape[2:], p))
    gx = np.zeros(padded, dcols.dtype)
    for k_idx in itertools.product(*map(range, ks)):
        gx[(slice(None), slice(None)) + _offset_slices(k_idx, o, s, d)] += \
            dcols[(slice(None),) + k_idx]
    return np.ascontiguousarray(np.moveaxis(_crop(gx, p, x_shape[2:]), 0, 1))


def conv_backward(g, x, w, x_shape, s, p, d, groups, need_input, need_weight):
    """Gradients of ``conv_forward`` w.r.t. the input (shape ``x_shape``) and the weight.

    Both reuse one transposed copy of ``g``; the weight gradient recomputes im2col of ``x``
    (cheaper than keeping it alive from the forward for big layers)."""
    gm = _grad_matrix(g, groups)
    ks = w.shape[2:]
    o = g.shape[2:]
    gx = gw = None
    if need_input:
        wm = w.reshape(groups, w.shape[0] // groups, -1)
        dcols = np.matmul(wm.transpose(0, 2, 1), gm)                     # (G, Cg*K, N*L)
        dcols = dcols.reshape((x_shape[1],) + tuple(ks) + (x_shape[0],) + tuple(o))
        gx = col2im(dcols, tuple(x_shape), ks, o, s, p, d)
    if need_weight:
        cols, _ = _cols(x, ks, s, p, d, groups, o)
        gw = np.matmul(gm, cols.transpose(0, 2, 1)).reshape(w.shape)
    return gx, gw


def unfold(x, ks, s, p, d):
    """F.unfold: (N, C, *S) -> (N, C*prod(K), L)."""
    xp = pad_zeros(x, p, p)
    o = tuple(out_size(n, k, si, 0, di) for n, k, si, di in zip(xp.shape[2:], ks, s, d))
    v = windows(xp, ks, o, s, d, "unfold")
    return np.ascontiguousarray(v).reshape(x.shape[0], x.shape[1] * int(np.prod(ks)),
                                           int(np.prod(o)))


def fold(cols, out_shape, ks, s, p, d):
    """F.fold (col2im of F.unfold layout): (N, C*K, L) -> (N, C, *out_shape)."""
    n = cols.shape[0]
    c = cols.shape[1] // int(np.prod(ks))
    o = tuple(out_size(sz, k, si, pi, di) for sz, k, si, pi, di in zip(out_shape, ks, s, p, d))
    dcols = np.moveaxis(cols.reshape((n, c) + tuple(ks) + o), 0, 1 + len(ks))
    return col2im(dcols, (n, c) + tuple(out_shape), ks, o, s, p, d)


# ---- pooling --------------------------------------------------------------------------------
def _pool_geometry(shape, ks, s, p, d, ceil_mode):
    """Output sizes and the extra high-side padding that ceil_mode windows need."""
    o = tuple(out_size(n, k, si, pi, di, ceil_mode)
              for n, k, si, pi, di in zip(shape, ks, s, p, d))
    hi = tuple(max(pi, (oi - 1) * si + di * (k - 1) + 1 - n - pi)
               for n, k, si, pi, di, oi in zip(shape, ks, s, p, d, o))
    return o, hi


_QUADRANTS = ((0, 0), (0, 1), (1, 0), (1, 1))


def _is_2x2(x_shape, ks, s, p, d, ceil_mode):
    """The common CNN pooling: 2x2 windows, stride 2, no padding or dilation, none partial."""
    return (len(ks) == 2 and ks == (2, 2) and s == (2, 2) and p == (0, 0) and d == (1, 1)
            and not (ceil_mode and (x_shape[2] % 2 or x_shape[3] % 2)))


def _max_pool_2x2(x):
    """2x2/stride-2 max pooling on four strided views (no window copy), keeping PyTorch's
    tie rule: the first maximum in window order wins.  (NaN-free input: the caller checks.)

    Selections are bitwise on boolean masks and maxima use ``np.maximum``: ``np.where`` is
    several times slower than either."""
    h, w = x.shape[2] // 2 * 2, x.shape[3] // 2 * 2
    a, b, c, e = (x[..., i:h:2, j:w:2] for i, j in _QUADRANTS)
    right, right2 = b > a, e > c
    top, bottom = np.maximum(a, b), np.maximum(c, e)
    lower = bottom > top
    values = np.maximum(top, bottom, out=top)
    column = (right2 & lower) | (right & ~lower)
    argk = column.view(np.int8) | (lower.view(np.int8) << 1)
    return values, argk


_SAME_WIDTH_INT = {2: np.int16, 4: np.int32, 8: np.int64}


def _max_pool_2x2_backward(g, argk, x_shape):
    """Each quadrant of the input gradient is ``g`` where that quadrant held the maximum, else
    exactly 0 (bitwise masking: a non-finite gradient stays in its own position)."""
    h, w = x_shape[2] // 2 * 2, x_shape[3] // 2 * 2
    gx = np.empty(x_shape, g.dtype)
    if (h, w) != tuple(x_shape[2:]):
        gx[..., h:, :] = 0
        gx[..., :, w:] = 0
    ints = _SAME_WIDTH_INT[g.dtype.itemsize]
    gbits = np.ascontiguousarray(g).view(ints)
    for k, (i, j) in enumerate(_QUADRANTS):
        mask = (argk == k).astype(ints)
        np.negative(mask, out=mask)                 # 0 / all bits set
        np.bitwise_and(gbits, mask, out=gx[..., i:h:2, j:w:2].view(ints))
    return gx


def max_pool(x, ks, s, p, d, ceil_mode):
    """Max over windows: (values, argk) where argk is the flat in-window index of the max."""
    if _is_2x2(x.shape, tuple(ks), tuple(s), tuple(p), tuple(d), ceil_mode) and not (
            x.dtype.kind == "f" and np.isnan(x).any()):
        return _max_pool_2x2(x)
    o, hi = _pool_geometry(x.shape[2:], ks, s, p, d, ceil_mode)
    fill = -np.inf if x.dtype.kind == "f" else np.iinfo(x.dtype).min
    xp = pad_zeros(x, p, hi, fill)
    nk = int(np.prod(ks))
    v = np.ascontiguousarray(windows(xp, ks, o, s, d)).reshape(x.shape[:2] + o + (nk,))
    if x.dtype.kind == "f":
        # PyTorch propagates NaN: a NaN in a window is its max (argmax of isnan picks it).
        argk = v.argmax(-1)
        nan = np.isnan(v)
        if nan.any():
            has = nan.any(-1)
            argk[has] = nan.argmax(-1)[has]
    else:
        argk = v.argmax(-1)
    return v.max(-1), argk


def max_pool_indices(argk, x_spatial, ks, s, p, d):
    """PyTorch's flat per-plane input indices from in-window maxima ``argk``."""
    o = argk.shape[2:]
    ki = np.unravel_index(argk, ks)
    flat = 0
    for dim, (n, si, pi, di) in enumerate(zip(x_spatial, s, p, d)):
        shp = [1] * len(o)
        shp[dim] = o[dim]
        pos = np.arange(o[dim]).reshape(shp) * si - pi + ki[dim] * di
        flat = flat * n + pos
    return flat.astype(np.int64)


def _overlap(ks, s, d):
    return any(di * (k - 1) + 1 > si for k, si, di in zip(ks, s, d))


def max_pool_backward(g, argk, x_shape, ks, s, p, d, ceil_mode):
    """Route each output gradient to its window's maximum."""
    if _is_2x2(tuple(x_shape), tuple(ks), tuple(s), tuple(p), tuple(d), ceil_mode):
        return _max_pool_2x2_backward(g, argk, tuple(x_shape))
    o, hi = _pool_geometry(x_shape[2:], ks, s, p, d, ceil_mode)
    padded = tuple(x_shape[:2]) + tuple(n + a + b for n, a, b in zip(x_shape[2:], p, hi))
    gx = np.zeros(padded, g.dtype)
    nk = int(np.prod(ks))
    if not _overlap(ks, s, d):
        z = np.where(argk[..., None] == np.arange(nk), g[..., None], g.dtype.type(0))
        win = _as_strided(gx, gx.shape[:2] + tuple(o) + tuple(ks),
                          gx.strides[:2] + tuple(a * b for a, b in zip(gx.strides[2:], s))
                          + tuple(a * b for a, b in zip(gx.strides[2:], d)))
        win[...] = z.reshape(g.shape + tuple(ks))
    else:
        for k, k_idx in enumerate(itertools.product(*map(range, ks))):
            gx[(slice(None), slice(None)) + _offset_slices(k_idx, o, s, d)] += \
                np.where(argk == k, g, 0)
    return np.ascontiguousarray(_crop(gx, p, x_shape[2:]))


def _avg_divisor(shape, ks, s, p, o, count_include_pad, dtype):
    """Per-output-position divisor of avg pooling, as a broadcastable product of 1-d arrays."""
    div = np.ones((), dtype)
    for dim, (n, k, si, pi, oi) in enumerate(zip(shape, ks, s, p, o)):
        start = np.arange(oi) * si - pi
        end = np.minimum(start + k, n + pi)
        if count_include_pad:
            cnt = end - start
        else:
            cnt = np.minimum(end, n) - np.maximum(start, 0)
        shp = [1] * len(o)
        shp[dim] = oi
        div = div * cnt.astype(dtype).reshape(shp)
    return div


def avg_pool(x, ks, s, p, ceil_mode, count_include_pad, divisor_override):
    d = (1,) * len(ks)
    o, hi = _pool_geometry(x.shape[2:], ks, s, p, d, ceil_mode)
    xp = pad_zeros(x, p, hi)
    v = windows(xp, ks, o, s, d)
    tot = v.sum(axis=tuple(range(-len(ks), 0)))
    if divisor_override:
        return tot / np.asarray(divisor_override, x.dtype)
    return tot / _avg_divisor(x.shape[2:], ks, s, p, o, count_include_pad, x.dtype)


def avg_pool_backward(g, x_shape, ks, s, p, ceil_mode, count_include_pad, divisor_override):
    d = (1,) * len(ks)
    o, hi = _pool_geometry(x_shape[2:], ks, s, p, d, ceil_mode)
    if divisor_override:
        g = g / np.asarray(divisor_override, g.dtype)
    else:
        g = g / _avg_divisor(x_shape[2:], ks, s, p, o, count_include_pad, g.dtype)
    padded = tuple(x_shape[:2]) + tuple(n + a + b for n, a, b in zip(x_shape[2:], p, hi))
    gx = np.zeros(padded, g.dtype)
    for k_idx in itertools.product(*map(range, ks)):
        gx[(slice(None), slice(None)) + _offset_slices(k_idx, o, s, d)] += g
    return np.ascontiguousarray(_crop(gx, p, x_shape[2:]))


# ---- separable linear resampling (adaptive avg pool, interpolate) ---------------------------
def apply_matrices(x, mats):
    """Apply one (O_i, S_i) matrix along each trailing spatial dim of ``x`` (separable map).

    Each step is a GEMM over the last axis; the result of the last step is made contiguous."""
    nsp = len(mats)
    for i, m in enumerate(mats):
        ax = x.ndim - nsp + i
        x = np.moveaxis(np.matmul(np.moveaxis(x, ax, -1), m.T.astype(x.dtype, copy=False)),
                        -1, ax)
    return np.ascontiguousarray(x)


def adaptive_avg_matrix(n, o, dtype):
    """(o, n) averaging matrix of adaptive average pooling along one dim."""
    i = np.arange(o)
    start = (i * n) // o
    end = -((-(i + 1) * n) // o)
    j = np.arange(n)
    m = ((j >= start[:, None]) & (j < end[:, None])).astype(np.float64)
    return (m / (end - start)[:, None]).astype(dtype)


def adaptive_max_pool(x, o):
    """Adaptive max pooling: (values, flat per-plane indices)."""
    sp = x.shape[2:]
    idx = []
    for n, oi in zip(sp, o):
        i = np.arange(oi)
        start = (i * n) // oi
        end = -((-(i + 1) * n) // oi)
        kmax = int((end - start).max())
        ix = np.minimum(start[:, None] + np.arange(kmax), (end - 1)[:, None])   # (O, Kmax)
        idx.append(ix)
    nd = len(sp)
    # Gather windows as (N, C, O1, K1, O2, K2, ...) then move K axes last.
    index = []
    for dim, ix in enumerate(idx):
        shp = [1] * (2 * nd)
        shp[2 * dim], shp[2 * dim + 1] = ix.shape
        index.append(ix.reshape(shp))
    w = x[(slice(None), slice(None)) + tuple(index)]
    w = w.transpose((0, 1) + tuple(2 + 2 * i for i in range(nd))
                    + tuple(3 + 2 * i for i in range(nd)))
    kshape = tuple(ix.shape[1] for ix in idx)
    w = np.ascontiguousarray(w).reshape(x.shape[:2] + tuple(o) + (-1,))
    argk = w.argmax(-1)
    vals = np.take_along_axis(w, argk[..., None], -1)[..., 0]
    ki = np.unravel_index(argk, kshape)
    flat = 0
    for dim, (n, ix) in enumerate(zip(sp, idx)):
        shp = [1] * nd
        shp[dim] = len(ix)
        pos = ix[np.arange(len(ix)).reshape(shp), ki[dim]]
        flat = flat * n + pos
    return vals, flat.astype(np.int64)


def scatter_planes(g, flat, plane_size):
    """Sum ``g`` (N, C, *O) into (N, C, plane_size) at flat per-plane ``flat`` indices."""
    n, c = g.shape[:2]
    base = (np.arange(n * c) * plane_size).reshape(n, c, *([1] * (g.ndim - 2)))
    out = np.bincount((flat + base).ravel(), weights=g.ravel(), minlength=n * c * plane_size)
    return out.astype(g.dtype, copy=False).reshape(n, c, plane_size)


def _cubic_weights(t, a=-0.75):
    """Keys cubic convolution weights of the 4 taps around a fractional offset ``t``."""
    def near(x):
        return ((a + 2) * x - (a + 3)) * x * x + 1

    def far(x):
        return ((a * x - 5 * a) * x + 8 * a) * x - 4 * a
    return np.stack([far(t + 1), near(t), near(1 - t), far(2 - t)], -1)


def interp_matrix(n, o, mode, align_corners, scale, dtype):
    """(o, n) matrix of 1-d resampling from ``n`` to ``o`` points, as PyTorch computes it.

    ``scale`` is the user's scale factor (None when the output size was given)."""
    dst = np.arange(o, dtype=np.float64)
    if align_corners:
        ratio = (n - 1) / (o - 1) if o > 1 else 0.0
    else:
        ratio = 1.0 / scale if scale else n / o
    m = np.zeros((o, n), np.float64)
    if mode in ("nearest", "nearest-exact"):
        src = np.floor((dst + 0.5) * ratio) if mode == "nearest-exact" else np.floor(dst * ratio)
        m[np.arange(o), np.minimum(src.astype(np.int64), n - 1)] = 1
        return m.astype(dtype)
    src = dst * ratio if align_corners else (dst + 0.5) * ratio - 0.5
    if mode == "cubic":
        i0 = np.floor(src).astype(np.int64)
        w = _cubic_weights(src - i0)
        cols = np.clip(i0[:, None] + np.arange(-1, 3), 0, n - 1)
        np.add.at(m, (np.repeat(np.arange(o), 4), cols.ravel()), w.ravel())
        return m.astype(dtype)
    src = np.maximum(src, 0)
    i0 = np.minimum(np.floor(src).astype(np.int64), n - 1)
    i1 = np.minimum(i0 + 1, n - 1)
    lam = src - i0
    np.add.at(m, (np.arange(o), i0), 1 - lam)
    np.add.at(m, (np.arange(o), i1), lam)
    return m.astype(dtype)
