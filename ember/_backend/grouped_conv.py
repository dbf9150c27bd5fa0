"""Depthwise convolution (one input and one output channel per group: MobileNet, EfficientNet,
ConvNeXt) without im2col columns.

im2col copies every input element once per kernel tap into a (C, K, N*O) matrix and then
multiplies C tiny (1, K) rows by it: for a 5x5 depthwise layer the copy is 25 times the input
and the products are too small for BLAS.  Here each tap is one slice of the padded input:

* The padded input is split into its ``prod(stride)`` phases (``xp[..., a::s]``), so every
  tap reads one phase at stride 1.  A phase is stored flat per (sample, channel) row, and the
  output is computed on the grid ``(O_0, P_1, ..., P_n)`` (each output row as wide as a phase
  row): tap ``(i, j)`` is then one slice at a fixed flat offset.  The extra grid columns
  are dropped at the end (the backward passes zeros through them, so the caller keeps
  non-finite weights, and inputs for a weight gradient, on the im2col path).
* The forward and the weight gradient are one matrix-vector product per channel over the taps'
  slices (each copied once, the copy im2col makes at ``1 / prod(K)`` of its size with the
  flat rows); at stride 1 the input gradient is the forward of the output gradient with the
  flipped kernel, otherwise each tap adds ``w * g`` into its slice of the phases' gradients.
* Where the flat grid is shorter than the channel count (late, small feature maps), rows are
  (sample, position, channel) and each tap one multiply-add, NumPy's inner loops then running
  along the channels.
* Channels are independent: the work is split over threads by channel ranges (``split``).

Functions take the array module ``xp`` first and ``numpy_nn``'s ``in_shares`` as ``split``,
so they run on CuPy through ``rebind`` too.
"""
import functools
import itertools
import math


def applies(x_shape, w_shape, s, p, d, groups, o=None):
    """Whether these kernels take a convolution: depthwise with one output per channel, and
    an output (gradient) ``o`` of the convolution's own size, not the larger one that a
    transposed convolution with ``output_padding`` hands over."""
    return (groups > 1 and w_shape[1] == 1 and w_shape[0] == groups == x_shape[1]
            and (o is None or tuple(o) == _out_size(x_shape[2:], w_shape[2:], s, p, d)))


def _out_size(size, ks, s, p, d):
    return tuple((n + 2 * pi - di * (k - 1) - 1) // si + 1
                 for n, k, si, pi, di in zip(size, ks, s, p, d))


@functools.lru_cache(maxsize=512)
def _geometry(x_shape, w_shape, s, p, d, live_only=False):
    """The (immutable) ``_Geometry`` of a convolution: a network asks for the same few."""
    return _Geometry(x_shape, w_shape, s, p, d, live_only)


class _Geometry:
    """The phases, the flat output grid and the taps of one depthwise convolution."""

    def __init__(self, x_shape, w_shape, s, p, d, live_only=False):
        """``live_only``: leave out the taps that read padding only (at every output
        position; small feature maps under large kernels), for a finite weight."""
        self.n, self.c = x_shape[0], x_shape[1]
        self.size = tuple(x_shape[2:])
        self.s, self.p, self.d = tuple(s), tuple(p), tuple(d)
        ks = tuple(w_shape[2:])
        self.o = _out_size(self.size, ks, s, p, d)
        reach = [(k - 1) * di // si for k, di, si in zip(ks, d, s)]
        self.phase = tuple(oi + r for oi, r in zip(self.o, reach))        # P: a phase's extent
        self.extent = tuple(si * pi for si, pi in zip(s, self.phase))     # E = s * P
        step = [math.prod(self.phase[i + 1:]) for i in range(len(ks))]
        self.grid = self.o[0] * step[0] if ks else 1                      # L
        self.flat = self.grid + sum(r * st for r, st in zip(reach, step))  # F
        # the input rows the convolution reads (those past the last window are not)
        self.kept = tuple(max(0, min(n, e - pi)) for n, e, pi in zip(self.size, self.extent, p))
        phases, self.taps, self.tap_ids = {}, [], []
        for i, tap in enumerate(itertools.product(*(range(k) for k in ks))):
            if live_only and not all(self._live(t, k) for k, t in enumerate(tap)):
                continue
            a = tuple(t * di % si for t, di, si in zip(tap, d, s))
            off = sum(t * di // si * st for t, di, si, st in zip(tap, d, s, step))
            self.taps.append((phases.setdefault(a, len(phases)), off))
            self.tap_ids.append(i)
        self.phases = list(phases)
        self.strided = any(si != 1 for si in s)
        self.last = self.grid < self.c

    def _live(self, t, dim):
        """Whether kernel offset ``t`` along ``dim`` meets an input row at some output row."""
        start, s = t * self.d[dim], self.s[dim]
        first = max(0, -(-(self.p[dim] - start) // s))    # the first output row past the padding
        return first < self.o[dim] and start + s * first < self.p[dim] + self.kept[dim]

    # layout: rows (N, C, F), or (N, F, C) when ``last``
    def rows(self, xp, count, length, dtype):
        shape = (count, self.n, length, self.c) if self.last else (count, self.n, self.c, length)
        return xp.zeros(shape, dtype)

    def at(self, rows, off, length):
        """The slice ``[off, off + length)`` of ``rows`` along the flat axis."""
        return rows[..., off:off + length, :] if self.last else rows[..., off:off + length]

    def spatial(self, rows, dims):
        """A flat-axis prefix of ``rows`` (N, C, F) / (N, F, C) as (N, C, *dims), a view."""
        count = math.prod(dims)
        if self.last:
            return self.at(rows, 0, count).reshape((self.n,) + dims + (self.c,)) \
                .transpose((0, len(dims) + 1) + tuple(range(1, len(dims) + 1)))
        return self.at(rows, 0, count).reshape((self.n, self.c) + dims)

    def tap_weights(self, w):
        """(T, C) or (T, C, 1): tap t's weight per channel, broadcasting over the flat axis."""
        wt = self.tap_matrix(w).T
        return wt if self.last else wt[:, :, None]

    def tap_matrix(self, w):
        """(C, T): the weights of the taps taken, a new array."""
        return w.reshape(self.c, -1)[:, self.tap_ids]

    def grid_view(self, rows):
        """The output grid (N, C, O_0, P_1, ...) of flat rows (length ``grid``), cropped to O."""
        v = self.spatial(rows, (self.o[0],) + self.phase[1:])
        return v[(Ellipsis,) + tuple(slice(0, oi) for oi in self.o[1:])]

    def padded(self, xp, x):
        """The phases of the zero-padded input, as flat rows (nphases, N, C, F)."""
        ph = self.rows(xp, len(self.phases), self.flat, x.dtype)
        inner = tuple(slice(pi, pi + k) for pi, k in zip(self.p, self.kept))
        src = x[(Ellipsis,) + tuple(slice(0, k) for k in self.kept)]
        if not self.strided:
            self.spatial(ph[0], self.phase)[(Ellipsis,) + inner] = src
            return ph
        xb = xp.zeros((self.n, self.c) + self.extent, x.dtype)
        xb[(Ellipsis,) + inner] = src
        for k, a in enumerate(self.phases):
            self.spatial(ph[k], self.phase)[...] = xb[self.phase_slices(a)]
        return ph

    def phase_slices(self, a):
        return (Ellipsis,) + tuple(slice(ai, None, si) for ai, si in zip(a, self.s))


def forward(xp, x, w, b, s, p, d, split):
    """Depthwise cross-correlation of ``x`` (N, C, *S) with ``w`` (C, 1, *K), plus ``b``."""
    s, p, d = tuple(s), tuple(p), tuple(d)
    o = _out_size(x.shape[2:], w.shape[2:], s, p, d)
    out = xp.empty(x.shape[:2] + o, xp.result_type(x, w))
    live = bool(xp.isfinite(w).all())      # 0 * inf: torch's float64 convolution is NaN there
    split(lambda c0, c1: _forward(xp, x[:, c0:c1], w[c0:c1], s, p, d, out[:, c0:c1], live),
          x.shape[1], x.nbytes + out.nbytes)
    if b is not None:
        out += b.reshape((x.shape[1],) + (1,) * len(o))
    return out


def _forward(xp, x, w, s, p, d, out, live_only):
    geo = _geometry(x.shape, w.shape, s, p, d, live_only)
    ph = geo.padded(xp, x.astype(out.dtype, copy=False))
    w = w.astype(out.dtype, copy=False)
    if geo.last:
        wt = geo.tap_weights(w)
        acc = geo.rows(xp, 1, geo.grid, out.dtype)[0]
        tmp = xp.empty_like(acc)
        for t, (k, off) in enumerate(geo.taps):
            xp.multiply(geo.at(ph[k], off, geo.grid), wt[t], out=tmp)
            acc += tmp
    else:   # (C, 1, T) @ (C, T, N*L)
        acc = xp.matmul(geo.tap_matrix(w)[:, None, :], _columns(xp, geo, ph))
        acc = acc.reshape(geo.c, geo.n, geo.grid).transpose(1, 0, 2)
    out[...] = geo.grid_view(acc)


def _columns(xp, geo, ph):
    """The taps' slices of the (N, C, F) phase rows as one (C, T, N*L) array."""
    cols = xp.empty((geo.c, len(geo.taps), geo.n, geo.grid), ph.dtype)
    for t, (k, off) in enumerate(geo.taps):
        cols[:, t] = geo.at(ph[k], off, geo.grid).transpose(1, 0, 2)
    return cols.reshape(geo.c, len(geo.taps), geo.n * geo.grid)


def backward(xp, g, x, w, x_shape, s, p, d, need_input, need_weight, split):
    """Gradients of ``forward`` w.r.t. the input (shape ``x_shape``) and the weight."""
    s, p, d = tuple(s), tuple(p), tuple(d)
    dtype = xp.result_type(g, w) if x is None else xp.result_type(g, x, w)
    w = w.astype(dtype, copy=False)
    gx = xp.empty(x_shape, dtype) if need_input else None
    gw = xp.empty(w.shape, dtype) if need_weight else None

    def part(c0, c1):
        shape, w_shape = (x_shape[0], c1 - c0) + tuple(x_shape[2:]), w[c0:c1].shape
        if need_input:      # (the caller's weight is finite)
            _input_grad(xp, _geometry(shape, w_shape, s, p, d, True), g[:, c0:c1], w[c0:c1],
                        gx[:, c0:c1])
        if need_weight:
            gw[c0:c1] = _weight_grad(xp, _geometry(shape, w_shape, s, p, d), g[:, c0:c1],
                                     x[:, c0:c1], dtype).reshape(w_shape)
    split(part, x_shape[1], 2 * g.nbytes + (g.nbytes if x is None else x.nbytes))
    return gx, gw


def _on_grid(xp, geo, g, dtype):
    """``g`` as flat rows on the output grid, zero in the extra columns."""
    gz = geo.rows(xp, 1, geo.grid, dtype)[0]
    geo.grid_view(gz)[...] = g
    return gz


def _weight_grad(xp, geo, g, x, dtype):
    """(C, T): the sum over samples and positions of g times each tap's input slice."""
    gz = _on_grid(xp, geo, g, dtype)
    ph = geo.padded(xp, x.astype(dtype, copy=False))
    if geo.last:
        return xp.stack([xp.einsum("nlc,nlc->c", gz, geo.at(ph[k], off, geo.grid))
                         for k, off in geo.taps], axis=1)
    gc = xp.ascontiguousarray(gz.transpose(1, 0, 2)).reshape(geo.c, -1, 1)
    return xp.matmul(_columns(xp, geo, ph), gc)


def _input_grad(xp, geo, g, w, out):
    """Into ``out``: at stride 1, the convolution of ``g`` with the flipped kernel (a
    forward); otherwise each tap's ``w * g`` added into its slice of the phases' gradients,
    the phases then interleaved and the padding cut."""
    pad = tuple(di * (k - 1) - pi for di, k, pi in zip(geo.d, w.shape[2:], geo.p))
    if not geo.strided and min(pad, default=0) >= 0:
        _forward(xp, g, w[(Ellipsis,) + (slice(None, None, -1),) * len(pad)], geo.s, pad,
                 geo.d, out, True)
        return
    gz = _on_grid(xp, geo, g, out.dtype)
    gph = geo.rows(xp, len(geo.phases), geo.flat, out.dtype)
    wt = geo.tap_weights(w)
    tmp = xp.empty_like(gz)
    for t, (k, off) in enumerate(geo.taps):
        xp.multiply(gz, wt[t], out=tmp)
        v = geo.at(gph[k], off, geo.grid)
        xp.add(v, tmp, out=v)
    if not geo.strided:
        full = geo.spatial(gph[0], geo.phase)
    else:
        full = xp.zeros((geo.n, geo.c) + geo.extent, out.dtype)
        for k, a in enumerate(geo.phases):
            full[geo.phase_slices(a)] = geo.spatial(gph[k], geo.phase)
    if geo.kept != geo.size:        # input rows past the last window: no gradient
        out[...] = 0
    out[(Ellipsis,) + tuple(slice(0, k) for k in geo.kept)] = \
        full[(Ellipsis,) + tuple(slice(pi, pi + k) for pi, k in zip(geo.p, geo.kept))]
