"""Histograms: ``histc`` (evenly spaced bins, linear interpolation of the bin index, as torch),
``histogram`` and ``histogramdd`` (int bins or explicit edges, ``range``, ``weight``,
``density``).  No gradients, as in torch."""
import math

import numpy as np

from .. import _dtype as D
from .. import _errors
from .. import return_types
from ._core import register, wrap, write_out
from .creation import linspace


def _check_float(input):
    if input._dtype not in (D.float32, D.float64):
        raise _errors.histogram_dtype(input._dtype)


def _auto_range(x, dim, lo, hi, pad):
    """Data min / max of column ``dim`` where no range was given; an empty range is widened."""
    if lo is None:
        col = x[:, dim]
        lo, hi = (float(col.min()), float(col.max())) if col.size else (0.0, 1.0)
    if lo > hi:
        raise _errors.histogram_range(lo, hi, dim)
    if not (math.isfinite(lo) and math.isfinite(hi)):
        raise _errors.histogram_not_finite(lo, hi, dim)
    if lo == hi:
        lo, hi = lo - pad, hi + pad
    return lo, hi


def _counts(idx_per_dim, keep, nbins, weight, dt, xp):
    """Bincount of the flattened multi-dim bin indices of the kept points."""
    flat = xp.zeros(keep.shape, dtype=np.int64)
    for idx, n in zip(idx_per_dim, nbins):
        flat = flat * n + idx
    w = None if weight is None else weight[keep]
    r = xp.bincount(flat[keep], weights=w, minlength=int(np.prod(nbins)))
    return r.astype(dt.np).reshape(nbins)


def _histogramdd(input, bins, range, weight, density):
    _check_float(input)
    dev = input._device
    xp = dev._backend.xp
    nd = input._data.shape[-1] if input._data.ndim else 1
    x = input._data.reshape(-1, nd)
    if isinstance(bins, int):
        bins = [bins] * nd
    if len(bins) != nd:
        raise _errors.histogramdd_bins_len()
    edges = []
    for d, b in enumerate(bins):
        if isinstance(b, int):
            if b <= 0:
                raise _errors.histogram_bins(b, d)
            lo, hi = _auto_range(x, d, *(range[2 * d:2 * d + 2] if range else (None, None)), 0.5)
            edges.append(linspace(lo, hi, b + 1, dtype=input._dtype, device=dev))
        else:
            edges.append(b)
    idx, keep = [], xp.ones(x.shape[0], dtype=bool)
    for d, e in enumerate(edges):
        ed, col = e._data, x[:, d]
        keep &= (col >= ed[0]) & (col <= ed[-1])
        i = xp.searchsorted(ed, col, side="right") - 1
        idx.append(xp.clip(i, 0, ed.shape[0] - 2))
    w = None if weight is None else weight._data.reshape(-1)
    hist = _counts(idx, keep, [e._data.shape[0] - 1 for e in edges], w, input._dtype, xp)
    if density:
        hist = hist / hist.sum()
        for d, e in enumerate(edges):
            shape = [1] * len(edges)
            shape[d] = -1
            hist = hist / xp.diff(e._data).reshape(shape)
    return wrap(hist, input._dtype, dev), edges


@register("histogram", out=True, differentiable=False)
def histogram(input, bins=100, *, range=None, weight=None, density=False, out=None):
    hist, edges = _histogramdd(input.reshape(-1, 1), [bins] if isinstance(bins, int) else
                               [bins], range, weight, density)
    res = return_types.histogram(hist, edges[0])
    if out is not None:
        write_out(out[0], hist)
        write_out(out[1], edges[0])
        return return_types.histogram_out(*out)
    return res


@register("histogramdd", method=False, differentiable=False)
def histogramdd(input, bins=10, *, range=None, weight=None, density=False):
    hist, edges = _histogramdd(input, bins, range, weight, density)
    return return_types.histogramdd(hist, tuple(edges))


@register("histc", out=True, differentiable=False)
def histc(input, bins=100, min=0, max=0, *, out=None):
    """Evenly spaced bins over [min, max] (the data's range when both are 0); values outside
    are ignored.  The bin of x is ``int((x - min) * bins / (max - min))``, computed in the
    input's dtype as torch does."""
    _check_float(input)
    if bins <= 0:
        raise _errors.histogram_bins(bins, 0)
    if min > max:
        raise _errors.histc_range()
    xp = input._device._backend.xp
    x = input._data.reshape(-1)
    np_dt = input._dtype.np
    lo, hi = np_dt.type(min), np_dt.type(max)
    if lo == hi and x.size:
        lo, hi = x.min(), x.max()
    if not (math.isfinite(lo) and math.isfinite(hi)):
        raise _errors.histc_not_finite(float(lo), float(hi))
    if lo == hi:
        lo, hi = lo - 1, hi + 1
    keep = (x >= lo) & (x <= hi)
    pos = ((x - lo) * np_dt.type(bins) / (hi - lo)).astype(np.int64)
    pos = xp.where(pos >= bins, bins - 1, pos)
    hist = _counts([pos], keep, [bins], None, input._dtype, xp)
    res = wrap(hist, input._dtype, input._device)
    return res if out is None else write_out(out, res)


@register("bincount", differentiable=False)
def bincount(input, weights=None, minlength=0):
    """How often each value 0..max occurs in a 1-d non-negative integer tensor (summing
    ``weights`` instead of counting when given); at least ``minlength`` bins."""
    if input._dtype.category != 1 or input._dtype is D.bool_:
        if input._dtype.category == 1:
            raise _errors.bincount_input()
        raise _errors.kernel_not_implemented("bincount_cpu", input._dtype)
    if input._data.ndim != 1:
        raise _errors.bincount_input()
    if minlength < 0:
        raise _errors.bincount_minlength()
    xp = input._device._backend.xp
    x = input._data
    if x.size and int(x.min()) < 0:
        raise _errors.bincount_input()
    if weights is None:
        return wrap(xp.bincount(x, minlength=minlength).astype(np.int64), D.int64, input._device)
    if weights._data.ndim != 1 or weights._data.shape[0] != x.shape[0]:
        raise _errors.bincount_weights()
    dt = weights._dtype if weights._dtype in (D.float32, D.float64) else D.float64
    counts = xp.bincount(x, weights=weights._data.astype(np.float64), minlength=minlength)
    return wrap(counts.astype(dt.np), dt, input._device)
