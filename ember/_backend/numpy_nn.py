"""Convolution and pooling lowering on NumPy (reached as ``CPU.nn``).

Layout conventions (N = batch, C = channels, S = spatial dims, K = kernel dims, O = output dims,
G = groups):

* A convolution is im2col + GEMM over chunks of a few samples.  The columns are a strided
  *view* of the padded input, copied once per chunk in one of three layouts: channels-last
  ``(n, *O, *K, C)`` read from a transposed copy of the input, whose window rows are
  contiguous runs of ``kw*C`` elements (the faster copy unless C is tiny, the batch folded
  into the GEMM); per sample ``(n, C*K, L)`` for few channels over many positions (one GEMM
  a sample, written straight into the output); or planar ``(C, *K, n, *O)`` (any groups:
  ``W (G, Cout_g, Cg*K) @ cols``, the batch folded into the GEMM).
* Two shapes skip the columns: a 1x1 convolution over enough positions is one GEMM per sample
  written straight into the output; a 3x3 stride-1 convolution with many channels (the bulk
  of a ResNet) is Winograd F(2x2, 3x3), 2.25x fewer multiplications, and so is its weight
  gradient (the adjoint of the same transforms).
* At stride 1 the input gradient is itself a convolution (of the output gradient with the
  flipped weight); otherwise col2im loops over the ``prod(K)`` kernel offsets only, adding one
  strided slice each.
* Pooling reads windows as a strided view ``(N, C, *O, *K)``; non-overlapping windows are
  scattered back through the same (writeable) view.

* Convolutions, batch norm and row-independent recurrences split their samples / channels /
  sequences over threads (``parallel.run``, on the host only; ``_shares``, ``in_shares``).

All functions take and return plain arrays; nothing here knows about autograd.
"""
import itertools

import numpy as np

from . import grouped_conv, parallel, weight_cache

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


def _channels_to_last(x):
    """``x`` (n, C, *S) as a (n, *S, C) view (``np.moveaxis`` without its argument checks,
    which cost more than the move on a chunk's arrays)."""
    return x.transpose((0,) + tuple(range(2, x.ndim)) + (1,))


def _channels_last(x, lo, size):
    """``x`` (n, C, *S) zero-padded into a channels-last (n, *size, C) array at offset ``lo``,
    in one transposing copy; except where x's planes lie a multiple of 1 KiB apart: that read
    then falls on few cache sets, and padding first (planes ``size`` apart) then transposing
    is up to 5x faster."""
    hi = tuple(t - a - n for t, a, n in zip(size, lo, x.shape[2:]))
    padded = any(lo) or any(hi)
    if padded and abs(x.strides[1]) % 1024 == 0:
        return np.ascontiguousarray(_channels_to_last(pad_zeros(x, lo, hi)))
    xp = (np.zeros if padded else np.empty)((x.shape[0],) + tuple(size) + (x.shape[1],),
                                            x.dtype)
    xp[(slice(None),) + tuple(slice(a, a + n) for a, n in zip(lo, x.shape[2:]))] = \
        _channels_to_last(x)
    return xp


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


# ---- threads --------------------------------------------------------------------------------
# Kernels split their work over threads on the host only: a device (this module rebound to
# CuPy) orders its own work, and a capture (ember.compile) records one thread's calls.  They
# cut their work into the same shares everywhere, run one after another off the host, so
# that every sum is taken in the same order (a compiled step's GEMMs still run on the BLAS's
# threads, which OpenBLAS may round differently from the single-threaded GEMMs of a share).
_ON_HOST = parallel.is_host(np)
# NumPy itself, for choices made for its loops' speed (a capture's recording copy of this
# module runs "on the host", with its shares recorded, but its program is fused and replayed).
_NUMPY = parallel.is_host(np)
# Work of fewer bytes runs on one thread: handing shares to threads costs ~0.1 ms.
_MIN_SPLIT_BYTES = 256 << 10


def _shares(n, per, budget):
    """Sample ranges of about ``budget`` bytes each (``per`` bytes a sample), dealt into one
    contiguous share per thread of ``parallel.run``: a list of lists of ``(n0, n1)``, at
    least one range per share (one empty range for an empty batch)."""
    k = max(1, min(parallel.workers() if n * per >= _MIN_SPLIT_BYTES else 1, n))
    m = -(-n // max(1, budget // max(1, per)))      # the ranges the budget asks for,
    m = max(k, -(-m // k) * k)                      # rounded up to a multiple of the shares
    bounds = [i * n // m for i in range(m + 1)]
    ranges = [(a, b) for a, b in zip(bounds, bounds[1:]) if b > a] or [(0, 0)]
    return [ranges[j * len(ranges) // k:(j + 1) * len(ranges) // k] for j in range(k)]


def _run(fn, shares):
    return parallel.run(fn, shares, threads=_ON_HOST)


def in_shares(fn, n, nbytes):
    """``fn(i0, i1)`` for ``range(n)`` cut into one contiguous range per thread (all of it at
    once when the work, ``nbytes``, is under _MIN_SPLIT_BYTES): the results, in order.  For
    work on independent rows (samples, channels, the sequences of a recurrence)."""
    per = -(-nbytes // max(n, 1))
    return _run(lambda ranges: fn(ranges[0][0], ranges[-1][1]), _shares(n, per, per * n))


# Float arrays reinterpreted as integers of their width, for bitwise selections.
_SAME_WIDTH_INT = {2: np.int16, 4: np.int32, 8: np.int64}

# An elementwise pass costs little per byte (1-2 GB/s of NumPy ufunc a core): it is split from
# 4 MiB, a ResNet's 64- and 128-channel activations at batch 32, LeNet's first activation.
_MIN_SPLIT_POINTWISE = 4 << 20


def relu(x):
    """``max(x, 0)`` of a float array, split over the threads when large."""
    if x.nbytes < _MIN_SPLIT_POINTWISE:
        return np.maximum(x, 0)
    return _flat_shares(lambda o, a: np.maximum(a, 0, out=o), np.empty_like(x), x)


def relu_backward(g, y):
    """The gradient through a ReLU of output ``y``: 0 where ``y <= 0``, else ``g`` (selected,
    not multiplied: an infinite ``g`` gives 0 there, and a NaN output passes ``g``, as torch's
    ``threshold_backward`` does).  On the host the selection is bitwise; a device, or a
    capture (whose fusion compiles a select into its kernel), selects with ``where``."""
    bits = _NUMPY and g.dtype.itemsize in _SAME_WIDTH_INT
    if g.nbytes < _MIN_SPLIT_POINTWISE:
        if not bits:
            return np.where(y <= 0, g.dtype.type(0), g)
        return _relu_select_bits(np.empty_like(g), g, y)
    return _flat_shares(_relu_select_bits if bits else _relu_select, np.empty_like(g), g, y)


def _relu_select(out, g, y):
    np.copyto(out, g)
    np.copyto(out, g.dtype.type(0), where=y <= 0)


def _relu_select_bits(out, g, y):
    """The selection as bits: ``g`` AND a mask of all ones where ``y <= 0`` is false, made
    from the comparison's bytes (``1 - 1``, ``0 - 1``).  A masked copy or ``np.where``
    branches on the mask and, on a random one (half of a ReLU's outputs are 0), runs about
    ten times slower than these three passes."""
    ints = _SAME_WIDTH_INT[g.dtype.itemsize]
    mask = out.view(ints)
    np.subtract(np.less_equal(y, 0).view(np.uint8), ints(1), out=mask)
    np.bitwise_and(g.view(ints), mask, out=mask)
    return out


def _flat_shares(fn, out, *ins):
    """``fn(out, *ins)`` over flat ranges of the threads (same-shape C-contiguous arrays),
    at once otherwise; returns ``out``."""
    if not all(a.shape == out.shape and a.flags.c_contiguous for a in (out,) + ins):
        fn(out, *ins)
        return out
    flat = [a.reshape(-1) for a in (out,) + ins]
    in_shares(lambda i0, i1: fn(*(a[i0:i1] for a in flat)), out.size, out.nbytes)
    return out


def _total(parts):
    """The sum of the shares' partial sums (None where they computed none), added in the same
    order over flat ranges of the threads (a 512-channel weight gradient is 9-17 MB)."""
    if parts[0] is None or len(parts) == 1:
        return parts[0]

    def add(total, *rest):
        for part in rest:
            np.add(total, part, out=total)
    return _flat_shares(add, parts[0], *parts[1:])


# ---- convolution ----------------------------------------------------------------------------
# Columns are built and multiplied in chunks of samples of about _CHUNK_BYTES (one sample at
# least): a chunk comes back from the heap instead of fresh pages (glibc mmaps anything over
# 32 MiB, see malloc_tuning) and is still in cache when the GEMM reads it.  One sample of a
# 64-channel 32x32 convolution (2.3 MB of columns) per GEMM runs 1.15-1.2x faster than three
# (8 MiB chunks) on a loaded machine, and ResNet's 3-channel stem's forward 1.2x faster.
_CHUNK_BYTES = 2 << 20
# Channels-last columns copy runs of ``kw * C`` elements: too short below this many channels.
_MIN_CHANNELS_LAST = 16


class _Lowering:
    """The geometry of one convolution, shared by its two column layouts: input (N, C, *S)
    zero-padded by ``p``, weight (Cout, C/G, *K), output (N, Cout, *O)."""

    def __init__(self, x_shape, w_shape, s, p, d, groups, o):
        self.n, self.c, self.spatial = x_shape[0], x_shape[1], tuple(x_shape[2:])
        self.cout, self.ks = w_shape[0], tuple(w_shape[2:])
        self.s, self.p, self.d, self.groups = s, p, d, groups
        self.sp = tuple(n + 2 * pi for n, pi in zip(self.spatial, p))
        self.o, self.size = tuple(o), int(np.prod(o))                  # L = prod(O)
        self.rows = self.c // groups * int(np.prod(self.ks))           # Cg * K
        self.interior = tuple(slice(pi, pi + n) for pi, n in zip(p, self.spatial))

    def shares(self, itemsize):
        """Sample ranges whose columns take about _CHUNK_BYTES each, one list per thread."""
        return _shares(self.n, itemsize * self.groups * self.rows * self.size, _CHUNK_BYTES)

    def forward(self, wm, x, out, n0, n1, b):
        """The convolution of samples n0:n1 written into ``out`` (+ bias)."""
        self.put_output(self.product(wm, self.cols(x, n0, n1)), out, n0, n1, b)

    def weight_part(self, gm, cols):
        """The weight gradient of one chunk, from its output gradient and columns."""
        return np.matmul(gm, cols.swapaxes(1, 2))

    def put_output(self, y, out, n0, n1, b):
        """Write the GEMM result (G, Cout_g, n*L) of samples n0:n1 into ``out`` (+ bias)."""
        y = y.reshape((self.cout, n1 - n0) + self.o).swapaxes(0, 1)
        if b is None:
            np.copyto(out[n0:n1], y)
        else:
            np.add(y, b.reshape((self.cout,) + (1,) * len(self.o)), out=out[n0:n1])

    def grad_matrix(self, g, n0, n1):
        """``g[n0:n1]`` (n, Cout, *O) as a (G, Cout_g, n*L) matrix."""
        gm = np.ascontiguousarray(g[n0:n1].swapaxes(0, 1))
        return gm.reshape(self.groups, self.cout // self.groups, (n1 - n0) * self.size)

    def _col2im(self, dcols, acc, acc_lead, col_lead):
        """Add each kernel offset's columns into the padded accumulator ``acc``, one strided
        slice per offset (``acc_lead``/``col_lead`` index the axes before ``acc``'s spatial
        axes / before the columns' kernel axes)."""
        for k_idx in itertools.product(*map(range, self.ks)):
            view = acc[acc_lead + _offset_slices(k_idx, self.o, self.s, self.d)]
            np.add(view, dcols[col_lead + k_idx], out=view)


class _Planar(_Lowering):
    """Columns (C, *K, n, *O) read from the padded (N, C, *S) input, so that a chunk is ONE
    GEMM ``W (G, Cout_g, Cg*K) @ cols`` (grouped convolutions included)."""

    def weight_matrix(self, w):
        return w.reshape(self.groups, self.cout // self.groups, self.rows)

    def weight_result(self, gw):
        return gw.reshape((self.cout, self.c // self.groups) + self.ks)

    def cols(self, x, n0, n1):
        v = windows(pad_zeros(x[n0:n1], self.p, self.p), self.ks, self.o, self.s, self.d, "cols")
        return np.ascontiguousarray(v).reshape(self.groups, self.rows, (n1 - n0) * self.size)

    def product(self, wm, cols):
        return np.matmul(wm, cols)

    def input_cols(self, wm, gm):
        return np.matmul(wm.transpose(0, 2, 1), gm)

    def add_cols(self, dcols, gx, n0, n1):
        """col2im of samples n0:n1 into ``gx``, accumulated in the columns' own (C, n) order
        and copied once."""
        n = n1 - n0
        acc = np.zeros((self.c, n) + self.sp, dcols.dtype)
        self._col2im(dcols.reshape((self.c,) + self.ks + (n,) + self.o), acc,
                     (slice(None),) * 2, (slice(None),))
        np.copyto(gx[n0:n1], acc[(slice(None),) * 2 + self.interior].swapaxes(0, 1))


class _ChannelsLast(_Lowering):
    """Columns (n, *O, *K, C) read from a padded channels-last copy (n, *Sp, C) of the input:
    every window row is one contiguous run of ``kw * C`` elements whatever the stride.  Costs
    transposed copies of the input (and of its gradient) and of the weight, reordered to
    (Cout, *K, C).  groups == 1 only."""

    def weight_matrix(self, w):
        """``w`` as a (1, Cout, K*C) matrix, copied in the orientation that reads ``w`` along
        its smaller channel stride (an input gradient's flipped weight is a transposed view):
        a big strided gather costs more than the GEMM minds a transposed operand."""
        if abs(w.strides[1]) <= abs(w.strides[0]):
            return np.ascontiguousarray(np.moveaxis(w, 1, -1)).reshape(1, self.cout, self.rows)
        wt = np.ascontiguousarray(w.transpose(tuple(range(2, w.ndim)) + (1, 0)))
        return wt.reshape(1, self.rows, self.cout).transpose(0, 2, 1)

    def weight_result(self, gw):
        return np.ascontiguousarray(np.moveaxis(gw.reshape((self.cout,) + self.ks + (self.c,)),
                                                -1, 1))

    def cols(self, x, n0, n1):
        """The (1, K*C, n*L) column matrix, as the transpose of a contiguous (n*L, K*C)."""
        xp = _channels_last(x[n0:n1], self.p, self.sp)
        st = xp.strides
        v = _as_strided(xp, (n1 - n0,) + self.o + self.ks + (self.c,),
                        (st[0],) + tuple(a * si for a, si in zip(st[1:-1], self.s))
                        + tuple(a * di for a, di in zip(st[1:-1], self.d)) + (st[-1],),
                        writeable=False)
        m = (n1 - n0) * self.size
        return np.ascontiguousarray(v).reshape(1, m, self.rows).transpose(0, 2, 1)

    def product(self, wm, cols):
        """``wm @ cols`` as a transposed view of ``cols^T @ wm^T`` (n*L, Cout): with the long
        n*L side as the GEMM's rows OpenBLAS runs up to 1.4x faster when Cout is small."""
        return np.matmul(cols[0].T, wm[0].T).T[None]

    def input_cols(self, wm, gm):
        return np.matmul(gm[0].T, wm[0])                                 # (n*L, K*C)

    def add_cols(self, dcols, gx, n0, n1):
        """col2im of samples n0:n1 into ``gx``: adds of runs of C, then one transposed copy."""
        n = n1 - n0
        acc = np.zeros((n,) + self.sp + (self.c,), dcols.dtype)
        self._col2im(dcols.reshape((n,) + self.o + self.ks + (self.c,)), acc, (slice(None),),
                     (slice(None),) * (1 + len(self.o)))
        np.copyto(gx[n0:n1], np.moveaxis(acc[(slice(None),) + self.interior], -1, 1))


class _PerSample(_Lowering):
    """Columns (n, C*K, L), F.unfold's layout, read from the padded (N, C, *S) input: each
    sample's GEMM ``W (Cout, C*K) @ cols`` is already its NCHW output, and each sample's
    output gradient already its (Cout, L) matrix, so neither is copied or transposed (the
    weight gradient sums one product per sample).  groups == 1."""

    def weight_matrix(self, w):
        return w.reshape(self.cout, self.rows)

    def weight_result(self, gw):
        return gw.reshape((self.cout, self.c) + self.ks)

    def cols(self, x, n0, n1):
        v = windows(pad_zeros(x[n0:n1], self.p, self.p), self.ks, self.o, self.s, self.d,
                    "unfold")
        return np.ascontiguousarray(v).reshape(n1 - n0, self.rows, self.size)

    def forward(self, wm, x, out, n0, n1, b):
        y = out[n0:n1].reshape(n1 - n0, self.cout, self.size)
        np.matmul(wm, self.cols(x, n0, n1), out=y)
        if b is not None:
            y += b[:, None]

    def grad_matrix(self, g, n0, n1):
        return g[n0:n1].reshape(n1 - n0, self.cout, self.size)

    def weight_part(self, gm, cols):
        return np.matmul(gm, cols.swapaxes(1, 2)).sum(0)

    def input_cols(self, wm, gm):
        return np.matmul(wm.T, gm)

    def add_cols(self, dcols, gx, n0, n1):
        """col2im of samples n0:n1 into ``gx`` (F.fold of each sample's columns)."""
        n = n1 - n0
        acc = np.zeros((n, self.c) + self.sp, dcols.dtype)
        self._col2im(dcols.reshape((n, self.c) + self.ks + self.o), acc, (slice(None),) * 2,
                     (slice(None),) * 2)
        np.copyto(gx[n0:n1], acc[(slice(None),) * 2 + self.interior])


# Per-sample columns from this many output positions: LeNet's first convolution (1 channel,
# 26x26, batch 64) then runs its forward 1.7x and its weight gradient 3.5x faster than with
# planar columns (no output transpose, no transposed copy of the output gradient), ResNet's
# 3-channel stem (32x32) 1.4x and 1.25x.  Fewer positions make the per-sample GEMMs small.
_PER_SAMPLE_MIN_POSITIONS = 192


def _lowering(x_shape, w_shape, s, p, d, groups, o=None):
    """The column layout for this convolution (output spatial shape ``o``, or the natural one
    when None): channels-last where its runs are long enough and there are windows to copy
    (a 1x1 kernel's planar columns are just the input reordered), unless the output has fewer
    positions (n*L) than channels (a batch-1 forward of a deep layer: the weight's channels-last
    copy would then cost more than the columns); per sample over many positions; planar
    otherwise (groups, few positions)."""
    ks = tuple(w_shape[2:])
    if o is None:
        o = tuple(out_size(n, k, si, pi, di)
                  for n, k, si, pi, di in zip(x_shape[2:], ks, s, p, d))
    if groups == 1 and int(np.prod(ks)) > 1:
        if x_shape[1] >= _MIN_CHANNELS_LAST and x_shape[0] * int(np.prod(o)) >= w_shape[0]:
            return _ChannelsLast(x_shape, w_shape, s, p, d, groups, o)
        if int(np.prod(o)) >= _PER_SAMPLE_MIN_POSITIONS:
            return _PerSample(x_shape, w_shape, s, p, d, groups, o)
    return _Planar(x_shape, w_shape, s, p, d, groups, o)


# ---- Winograd F(2x2, 3x3) -------------------------------------------------------------------
# A 3x3 stride-1 convolution computes each 2x2 block of outputs from a 4x4 input tile with 16
# products instead of 36: tiles and filters are transformed (B^T d B, G w G^T), multiplied
# elementwise -- 16 GEMMs over channels, (tiles, C) @ (C, Cout) -- and transformed back
# (A^T m A).  The transforms are adds over whole arrays, so it pays where the GEMM dominates
# (many channels).  The transforms mix the values of one tile, so it is used only on finite
# data: an inf would turn neighbouring outputs into NaN.
# Channels (in and out) from which it is used.  At 64 channels (32x32, batch 32, one thread)
# the forward would take 27 ms instead of 36, but Winograd's larger rounding error then moves
# a deep network's outputs past the float32 tolerance the torchvision oracles allow
# (Mask R-CNN's mask logits, 2.5e-3), so it starts at 128, as the weight gradient does (which
# is slower at 64 anyway: 39 ms instead of 35).
_WINO_MIN_CHANNELS = 128
_WINO_MIN_CHANNELS_WEIGHT = 128
# Smaller chunks than im2col's: the transforms' passes then stay in cache.
_WINO_CHUNK_BYTES = 4 << 20


class _Winograd:
    """Tiles of one 3x3 stride-1 convolution: input (N, C, H, W) padded by ``p``, output
    (N, Cout, *o) covered by th x tw blocks of 2x2."""

    def __init__(self, x_shape, w_shape, p, o):
        self.n, self.c = x_shape[:2]
        self.cout = w_shape[0]
        self.spatial, self.p, self.o = tuple(x_shape[2:]), p, tuple(o)
        self.th, self.tw = (-(-o[0] // 2), -(-o[1] // 2))

    def shares(self, itemsize):
        return _shares(self.n, 16 * self.th * self.tw * max(self.c, self.cout) * itemsize,
                       _WINO_CHUNK_BYTES)

    def filters(self, w, flipped=False):
        """U = G w G^T of every filter as (16, C, Cout): GEMMs ``kron(G, G) @ taps`` over the
        9 taps of each (Cout, C) pair (split over w's rows), then a transposed view.  With
        ``flipped``, U of ``_flipped_weight(w)`` (an input gradient's convolution) from ``w``
        itself: flipping a filter reverses its taps, and the channel swap leaves U untransposed."""
        g2 = (_G2[:, ::-1] if flipped else _G2).astype(w.dtype)
        u = np.empty((16,) + w.shape[:2], w.dtype)

        def share(a0, a1):
            np.matmul(g2, w[a0:a1].reshape(-1, 9).T, out=u[:, a0:a1].reshape(16, -1))
        in_shares(share, w.shape[0], w.nbytes)
        return u if flipped else u.swapaxes(1, 2)

    def filters_adjoint(self, du):
        """The weight gradient G^T dU G (Cout, C, 3, 3) from dU (16, Cout, C): GEMMs split
        over the output channels."""
        gw = np.empty((self.cout, self.c, 3, 3), du.dtype)
        g2 = _G2.astype(du.dtype)

        def share(a0, a1):
            np.matmul(du[:, a0:a1].reshape(16, -1).T, g2, out=gw[a0:a1].reshape(-1, 9))
        in_shares(share, self.cout, du.nbytes)
        return gw

    def tiles(self, x, n0, n1):
        """V = B^T d B of every tile of samples n0:n1, as (16, n*th*tw, C): channels last, so
        each add runs over contiguous channel rows."""
        n, (h, w), (ph, pw) = n1 - n0, self.spatial, self.p
        hp, wp = max(2 * self.th + 2, h + 2 * ph), max(2 * self.tw + 2, w + 2 * pw)
        xp = _channels_last(x[n0:n1], self.p, (hp, wp))
        r = np.empty((4, n, self.th, wp, self.c), x.dtype)
        _b_transform([xp[:, i:i + 2 * self.th:2] for i in range(4)], r)
        v = np.empty((4, 4, n, self.th, self.tw, self.c), x.dtype)
        _b_transform([r[:, :, :, j:j + 2 * self.tw:2] for j in range(4)], v.swapaxes(0, 1))
        return v.reshape(16, n * self.th * self.tw, self.c)

    def untile(self, m, out, n0, n1, b):
        """Write A^T m A of the products m (16, n*th*tw, Cout) into ``out[n0:n1]`` (+ bias)."""
        n = n1 - n0
        m = m.reshape(4, 4, n, self.th, self.tw, self.cout)
        s = np.empty((2, 4, n, self.th, self.tw, self.cout), m.dtype)
        _a_transform(m, s)
        y = np.empty((n, self.th, 2, self.tw, 2, self.cout), m.dtype)
        _a_transform(s.swapaxes(0, 1), np.moveaxis(y, (2, 4), (1, 0)))
        y = y.reshape(n, 2 * self.th, 2 * self.tw, self.cout)[:, :self.o[0], :self.o[1]]
        y = y.transpose(0, 3, 1, 2)
        if b is None:
            np.copyto(out[n0:n1], y)
        else:
            np.add(y, b.reshape(-1, 1, 1), out=out[n0:n1])

    def output_grads(self, g, n0, n1):
        """A g A^T of each 2x2 block of ``g[n0:n1]`` (the adjoint of ``untile``), as
        (16, n*th*tw, Cout)."""
        n = n1 - n0
        gp = _channels_last(g[n0:n1], (0, 0), (2 * self.th, 2 * self.tw))
        r = np.empty((4, n, self.th, 2 * self.tw, self.cout), g.dtype)
        _a_adjoint(gp[:, 0::2], gp[:, 1::2], r)
        dm = np.empty((4, 4, n, self.th, self.tw, self.cout), g.dtype)
        _a_adjoint(r[:, :, :, 0::2], r[:, :, :, 1::2], dm.swapaxes(0, 1))
        return dm.reshape(16, n * self.th * self.tw, self.cout)


# G of F(2x2, 3x3); kron(G, G) maps a filter's 9 taps to its 16 transformed values.
_G2 = np.kron(*[np.array([[1, 0, 0], [.5, .5, .5], [.5, -.5, .5], [0, 0, 1]])] * 2)


def _b_transform(d, out):
    """``out[i] = (B^T d)[i]`` along one axis from its four shifted views ``d``."""
    np.subtract(d[0], d[2], out=out[0])
    np.add(d[1], d[2], out=out[1])
    np.subtract(d[2], d[1], out=out[2])
    np.subtract(d[1], d[3], out=out[3])


def _a_transform(m, out):
    """``out[0] = m0 + m1 + m2``, ``out[1] = m1 - m2 - m3`` (A^T along the first axis)."""
    np.add(m[0], m[1], out=out[0])
    out[0] += m[2]
    np.subtract(m[1], m[2], out=out[1])
    out[1] -= m[3]


def _a_adjoint(g0, g1, out):
    """``out`` = A (g0, g1): (g0, g0 + g1, g0 - g1, -g1) along the first axis."""
    np.copyto(out[0], g0)
    np.add(g0, g1, out=out[1])
    np.subtract(g0, g1, out=out[2])
    np.negative(g1, out=out[3])


# Tiles (N * ceil(Ho/2) * ceil(Wo/2)) from which it is used: the filter transforms cost as
# much as the products of a few dozen tiles (512 channels, one thread: batch 1 at 8x8, 16
# tiles, forward 9.0 ms by Winograd against 6.0 by im2col; 64 tiles 14.3 against 19.6), and
# the weight gradient's adjoint transform pays from fewer (32 tiles: 7.7 against 9.8 ms).
# So batch-1 forwards of small images (a ResNet's last stages) take im2col.
_WINO_MIN_TILES = 64
_WINO_MIN_TILES_WEIGHT = 32


def _winograd(x_shape, w_shape, s, d, groups, o, min_channels, min_tiles):
    """Whether this convolution takes the Winograd path (its data are checked separately)."""
    return (len(w_shape) == 4 and w_shape[2:] == (3, 3) and s == (1, 1) and d == (1, 1)
            and groups == 1 and min(x_shape[1], w_shape[0]) >= min_channels
            and min(o) >= 2 and x_shape[0] * -(-o[0] // 2) * -(-o[1] // 2) >= min_tiles)


# Filter transforms of weights that did not change since the last call (``weight_token``).
_FILTERS = weight_cache.WeightCache()


def _winograd_forward(x, w, b, p, o, flipped=False, weight_token=None):
    """The convolution of ``x`` with ``w``, or with ``_flipped_weight(w)`` if ``flipped``;
    with a ``weight_token``, ``w``'s filter transforms come from _FILTERS when unchanged."""
    wg = _Winograd(x.shape, w.shape[1::-1] if flipped else w.shape, p, o)
    if weight_token is None or not _NUMPY:
        u = wg.filters(w, flipped)
    else:
        u = _FILTERS.get(w, weight_token, flipped, lambda: wg.filters(w, flipped))
    out = np.empty((wg.n, wg.cout) + wg.o, np.result_type(x, w))

    def share(ranges):
        for n0, n1 in ranges:
            wg.untile(np.matmul(wg.tiles(x, n0, n1), u), out, n0, n1, b)
    _run(share, wg.shares(x.itemsize))
    return out


def _winograd_weight_grad(g, x, w_shape, p):
    wg = _Winograd(x.shape, w_shape, p, g.shape[2:])

    def share(ranges):
        du = None
        for n0, n1 in ranges:
            part = np.matmul(wg.output_grads(g, n0, n1).swapaxes(1, 2), wg.tiles(x, n0, n1))
            du = part if du is None else np.add(du, part, out=du)
        return du
    return wg.filters_adjoint(_total(_run(share, wg.shares(x.itemsize))))


# ---- 1x1 convolutions -----------------------------------------------------------------------
# A 1x1 convolution is per sample the GEMM ``W (Cout, C) @ x (C, L)``, whose result is already
# in the output's layout: no column or output copies.  Below this many output positions the
# per-sample GEMMs are too small, and one GEMM over the batch's columns is faster.
_POINTWISE_MIN_POSITIONS = 192


def _pointwise(w_shape, p, groups, lw):
    return (int(np.prod(w_shape[2:])) == 1 and groups == 1 and not any(p)
            and lw.size >= _POINTWISE_MIN_POSITIONS
            and lw.o == tuple(-(-n // si) for n, si in zip(lw.spatial, lw.s)))


def _pointwise_forward(x, w, b, s):
    x = x[(Ellipsis,) + tuple(slice(None, None, si) for si in s)]
    (n, c), o = x.shape[:2], x.shape[2:]
    wm = w.reshape(w.shape[0], c)
    out = np.empty((n, w.shape[0], int(np.prod(o))), np.result_type(x, w))

    def share(n0, n1):
        xs = np.ascontiguousarray(x[n0:n1]).reshape(n1 - n0, c, out.shape[2])
        np.matmul(wm, xs, out=out[n0:n1])
        if b is not None:
            out[n0:n1] += b.reshape(-1, 1)
    in_shares(share, n, x.nbytes)
    return out.reshape((n, w.shape[0]) + o)


def conv_forward(x, w, b, s, p, d, groups, o=None, flipped=False, finite=None,
                 weight_token=None, channels_last=False):
    """Cross-correlation of ``x`` (N, C, *S) with ``w`` (Cout, C/G, *K), plus bias ``b``;
    with ``_flipped_weight(w, groups)`` instead if ``flipped`` (Winograd needs no copy of it).
    ``finite``: the test of the data for Winograd (a backward's ``_finite_once``).
    ``weight_token``: the weight's version when it is likely to be used again unchanged (no
    gradient is taken for it): Winograd's filter transforms are then kept (``_FILTERS``).

    ``o`` keeps only the first output positions: when a transposed convolution's
    ``output_padding`` added rows past its last window, convolving its (larger) output
    gradient gives positions the transposed convolution's input does not have.

    ``channels_last``: the caller wants the output channels-last; the im2col paths that write
    their GEMM result with a copy then write it NHWC (for the channels-last columns a straight
    copy, their GEMM's rows being output positions)."""
    if not flipped and o is None and grouped_conv.applies(x.shape, w.shape, s, p, d, groups):
        return grouped_conv.forward(np, x, w, b, s, p, d, in_shares)
    finite = finite or _finite
    wf = _flipped_weight(w, groups) if flipped else w
    lw = _lowering(x.shape, wf.shape, s, p, d, groups, o)
    if _pointwise(wf.shape, p, groups, lw):
        return _pointwise_forward(x, wf, b, s)
    if (_winograd(x.shape, wf.shape, s, d, groups, lw.o, _WINO_MIN_CHANNELS, _WINO_MIN_TILES)
            and finite(x) and finite(w)):
        return _winograd_forward(x, w, b, p, lw.o, flipped, weight_token)
    wm = lw.weight_matrix(wf)
    dt = np.result_type(x, wf)
    if channels_last and not isinstance(lw, _PerSample):    # _PerSample's GEMM writes in place
        out = np.moveaxis(np.empty((lw.n,) + lw.o + (lw.cout,), dt), -1, 1)
    else:
        out = np.empty((lw.n, lw.cout) + lw.o, dt)

    def share(ranges):
        for n0, n1 in ranges:
            lw.forward(wm, x, out, n0, n1, b)
    _run(share, lw.shares(x.itemsize))
    return out


def _finite(a):
    """Whether every element of ``a`` is finite: one reduction, no temporary (a sum that
    overflows reads as non-finite, which only costs the slower exact path), over the rows
    of the threads."""
    if a.ndim == 0:
        return bool(np.isfinite(a.sum()))
    return all(np.isfinite(in_shares(lambda i0, i1: a[i0:i1].sum(), a.shape[0], a.nbytes)))


def _finite_once():
    """``_finite`` answering once per array: one backward asks it about ``g``, ``x`` and
    ``w`` up to five times."""
    seen = {}

    def finite(a):
        if id(a) not in seen:
            seen[id(a)] = _finite(a)
        return seen[id(a)]
    return finite


def _flipped_weight(w, groups):
    """The weight of the stride-1 convolution that maps an output gradient to the input
    gradient: kernel flipped, input/output channels swapped within each group."""
    cout, cg, ks = w.shape[0], w.shape[1], w.shape[2:]
    v = w.reshape((groups, cout // groups, cg) + ks).swapaxes(1, 2)
    return v[(Ellipsis,) + (slice(None, None, -1),) * len(ks)].reshape(
        (groups * cg, cout // groups) + ks)


def _input_grad_by_conv(g, w, x_shape, s, p, d, groups, finite):
    """At stride 1 the input gradient is the convolution of ``g`` (padded by ``d*(k-1) - p``)
    with the flipped weight: the GEMM of a forward, no scatter-adds.  Used where that is no
    more GEMM work than col2im's (the input is no larger than the output), and while ``w`` is
    finite: unlike col2im, that convolution multiplies the padding by ``w``.  None otherwise."""
    ks = w.shape[2:]
    pad = tuple((k - 1) * di - pi for k, di, pi in zip(ks, d, p))
    size = tuple(n + 2 * pi - (k - 1) * di for n, pi, k, di in zip(g.shape[2:], pad, ks, d))
    if (any(si != 1 for si in s) or min(pad) < 0 or size != tuple(x_shape[2:])
            or np.prod(size) > np.prod(g.shape[2:]) or not finite(w)):
        return None
    return conv_forward(g, w, None, s, pad, d, groups, flipped=True, finite=finite)


def conv_backward(g, x, w, x_shape, s, p, d, groups, need_input, need_weight):
    """Gradients of ``conv_forward`` w.r.t. the input (shape ``x_shape``) and the weight.

    Chunk by chunk, one copy of ``g`` serves the weight gradient ``g @ cols(x)^T`` (columns
    recomputed: cheap per chunk, and nothing big stays alive from the forward) and col2im of
    ``W^T g`` for the input gradient (unless ``_input_grad_by_conv`` applies; the weight
    gradient of a Winograd-sized convolution is the adjoint of its Winograd forward)."""
    finite = _finite_once()
    if (grouped_conv.applies(x_shape, w.shape, s, p, d, groups, g.shape[2:])
            and finite(w) and (not need_weight or finite(x))):    # see grouped_conv
        return grouped_conv.backward(np, g, x, w, x_shape, s, p, d, need_input, need_weight,
                                      in_shares)
    gx = _input_grad_by_conv(g, w, x_shape, s, p, d, groups, finite) if need_input else None
    col2im = need_input and gx is None
    gw = None
    if (need_weight
            and _winograd(x_shape, w.shape, s, d, groups, g.shape[2:], _WINO_MIN_CHANNELS_WEIGHT,
                          _WINO_MIN_TILES_WEIGHT)
            and finite(g) and finite(x)):
        gw, need_weight = _winograd_weight_grad(g, x, w.shape, p), False
    if col2im or need_weight:
        lw = _lowering(x_shape, w.shape, s, p, d, groups, g.shape[2:])
        if col2im:
            wm = lw.weight_matrix(w)
            gx = np.empty(x_shape, np.result_type(g, w))

        def share(ranges):
            gw = None
            for n0, n1 in ranges:
                gm = lw.grad_matrix(g, n0, n1)
                if need_weight:
                    part = lw.weight_part(gm, lw.cols(x, n0, n1))
                    gw = part if gw is None else np.add(gw, part, out=gw)
                if col2im:
                    lw.add_cols(lw.input_cols(wm, gm), gx, n0, n1)
            return gw
        parts = _run(share, lw.shares(g.itemsize))
        if need_weight:
            gw = lw.weight_result(_total(parts))
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
    # col2im needs no weight, only the kernel shape of one
    lw = _Planar((n, c) + tuple(out_shape), (c, c) + tuple(ks), s, p, d, 1, o)
    gx = np.empty((n, c) + tuple(out_shape), cols.dtype)
    lw.add_cols(np.moveaxis(cols.reshape((n, c) + tuple(ks) + o), 0, 1 + len(ks)), gx, 0, n)
    return gx


# ---- batch norm -----------------------------------------------------------------------------
def _sum_nl(a, b=None):
    """Per-channel sums of ``a`` (N, C, L), or of ``a * b``: per sample first (contiguous
    runs), then over the batch."""
    return (np.einsum("ncl->nc", a) if b is None else np.einsum("ncl,ncl->nc", a, b)).sum(0)


def channel_sums(g):
    """Sums of ``g`` (N, C, *S) over all but its channel dim (a convolution's bias gradient):
    per sample first, as batch norm's, three times faster than NumPy's sum over axes
    (0, 2, 3)."""
    return _sum_nl(g.reshape(g.shape[0], g.shape[1], int(np.prod(g.shape[2:]))))


def batch_norm_train(x, w, b, eps):
    """Batch norm of ``x`` (N, C, L) over its own statistics: ``(out, mean, invstd, var)``,
    the statistics (C,) (biased variance, from ``x - mean``: two passes, as PyTorch's)."""
    count = x.shape[0] * x.shape[2]
    out = np.empty_like(x)
    stats = np.empty((3, x.shape[1]), x.dtype)

    def share(c0, c1):
        stats[0, c0:c1] = mean = _sum_nl(x[:, c0:c1]) / count
        d = np.subtract(x[:, c0:c1], mean[:, None], out=out[:, c0:c1])
        var = _sum_nl(d, d) / count
        invstd = 1 / np.sqrt(var + eps)
        d *= (invstd if w is None else invstd * w[c0:c1])[:, None]
        if b is not None:
            d += b[c0:c1, None]
        stats[1, c0:c1], stats[2, c0:c1] = invstd, var
    in_shares(share, x.shape[1], x.nbytes)
    return out, stats[0], stats[1], stats[2]


def batch_norm_eval(x, mean, invstd, w, b):
    """Batch norm of ``x`` (N, C, L) with given statistics (C,) in two passes,
    ``x * scale + shift`` with per-channel ``scale = invstd * w`` and
    ``shift = b - mean * scale`` (as PyTorch's CPU kernel computes it)."""
    scale = invstd if w is None else invstd * w
    shift = -mean * scale if b is None else b - mean * scale
    out = np.empty(x.shape, np.result_type(x, scale))

    def share(n0, n1):
        y = np.multiply(x[n0:n1], scale[:, None], out=out[n0:n1])
        y += shift[:, None]
    in_shares(share, x.shape[0], x.nbytes)
    return out


def batch_norm_backward(g, x, mean, invstd, w, training, need_x, need_w):
    """Gradients ``(input or None, weight, bias)`` of batch norm of ``x`` (N, C, L) with the
    statistics ``mean``/``invstd`` (C,), from the output gradient ``g``.  The weight and bias
    gradients (per-channel sums) are also the means the input gradient needs in training:
    ``k * (g - sum(g)/M - xhat * sum(g * xhat)/M)`` with ``k = invstd * w``."""
    count = x.shape[0] * x.shape[2]
    gx = np.empty(x.shape, np.result_type(g, x)) if need_x else None
    sums = np.zeros((2, x.shape[1]), x.dtype)              # weight, bias gradients
    with_d = need_w or (need_x and training)

    def share(c0, c1):
        gs, ist = g[:, c0:c1], invstd[c0:c1]
        sums[1, c0:c1] = gb = _sum_nl(gs)
        if with_d:
            d = np.subtract(x[:, c0:c1], mean[c0:c1, None])
            sums[0, c0:c1] = gw = _sum_nl(gs, d) * ist
        if not need_x:
            return
        k = ist if w is None else ist * w[c0:c1]
        out = np.multiply(gs, k[:, None], out=gx[:, c0:c1])
        if training:
            d *= (gw * ist * k / -count)[:, None]           # xhat * sum(g * xhat) * k / -M
            out += d
            out -= (gb * k / count)[:, None]
    in_shares(share, x.shape[1], x.nbytes)
    return gx, sums[0], sums[1]


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
    tie rule: the first maximum in window order wins; the samples are split over threads.
    None if the input has a NaN (read from the maxima, which ``np.maximum`` makes NaN
    exactly where a window holds one): the tie rule does not cover it.

    Selections are bitwise on boolean masks and maxima use ``np.maximum``: ``np.where`` is
    several times slower than either."""
    h, w = x.shape[2] // 2 * 2, x.shape[3] // 2 * 2
    values = np.empty(x.shape[:2] + (h // 2, w // 2), x.dtype)
    argk = np.empty(values.shape, np.int8)

    def share(n0, n1):
        a, b, c, e = (x[n0:n1, :, i:h:2, j:w:2] for i, j in _QUADRANTS)
        right, right2 = b > a, e > c
        top, bottom = np.maximum(a, b), np.maximum(c, e)
        lower = bottom > top
        np.maximum(top, bottom, out=values[n0:n1])
        # the column: right2 in the lower row, else right (= right ^ ((right ^ right2) & lower))
        np.bitwise_xor(right, right2, out=right2)
        right2 &= lower
        right ^= right2
        np.left_shift(lower.view(np.int8), 1, out=argk[n0:n1])
        argk[n0:n1] |= right.view(np.int8)
        return x.dtype.kind == "f" and bool(np.isnan(values[n0:n1]).any())
    if any(in_shares(share, x.shape[0], x.nbytes)):
        return None
    return values, argk


def _max_pool_2x2_backward(g, argk, x_shape):
    """Each quadrant of the input gradient is ``g`` where that quadrant held the maximum, else
    exactly 0 (bitwise masking: a non-finite gradient stays in its own position); the samples
    are split over threads."""
    h, w = x_shape[2] // 2 * 2, x_shape[3] // 2 * 2
    gx = np.empty(x_shape, g.dtype)
    if (h, w) != tuple(x_shape[2:]):
        gx[..., h:, :] = 0
        gx[..., :, w:] = 0
    ints = _SAME_WIDTH_INT[g.dtype.itemsize]
    gbits = np.ascontiguousarray(g).view(ints)

    def share(n0, n1):
        for k, (i, j) in enumerate(_QUADRANTS):             # g's bits times 1 or 0
            np.multiply(gbits[n0:n1], argk[n0:n1] == k, out=gx[n0:n1, :, i:h:2, j:w:2].view(ints))
    in_shares(share, x_shape[0], gx.nbytes)
    return gx


def max_pool(x, ks, s, p, d, ceil_mode, need_index=True):
    """Max over windows: (values, argk) where argk is the flat in-window index of the max
    (None unless ``need_index``)."""
    if _is_2x2(x.shape, tuple(ks), tuple(s), tuple(p), tuple(d), ceil_mode):
        pooled = _max_pool_2x2(x)
        if pooled is not None:
            return pooled
    o, hi = _pool_geometry(x.shape[2:], ks, s, p, d, ceil_mode)
    fill = -np.inf if x.dtype.kind == "f" else np.iinfo(x.dtype).min
    xp = pad_zeros(x, p, hi, fill)
    if not need_index:
        return _max_over_offsets(xp, ks, o, s, d), None
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


def _max_over_offsets(xp, ks, o, s, d):
    """The windows' maxima as a running ``np.maximum`` over one strided slice per kernel
    offset (no window copy; NaN propagates as in PyTorch)."""
    lead = (slice(None), slice(None))
    offsets = itertools.product(*map(range, ks))
    out = xp[lead + _offset_slices(next(offsets), o, s, d)].copy()
    for k_idx in offsets:
        np.maximum(out, xp[lead + _offset_slices(k_idx, o, s, d)], out=out)
    return out


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
