"""Order and moment statistics composed of ops (gradients come from sort / gather / lerp / mm):
``quantile`` / ``nanquantile`` and ``cov`` / ``corrcoef``."""
import warnings

from .. import _dtype as D
from .. import _errors
from .._tensor import Tensor, _wrap_dim
from ._core import register, write_out
from .creation import tensor as _tensor

_INTERPOLATIONS = ("linear", "lower", "higher", "midpoint", "nearest")


def _check_q(input, q):
    """``q`` as a 1-D tensor of the input's dtype, and whether it was a scalar."""
    if isinstance(q, Tensor):
        if q._data.ndim > 1:
            raise _errors.quantile_q_dims()
        if q._dtype is not input._dtype:
            raise _errors.quantile_q_dtype()
        if q._data.size and not ((q._data >= 0) & (q._data <= 1)).all():
            raise _errors.quantile_q_values()
        return q.reshape(-1), q._data.ndim == 0
    if not 0 <= q <= 1:
        raise _errors.quantile_q_range(q)
    return _tensor([q], dtype=input._dtype, device=input._device), True


def _quantile(input, q, dim, keepdim, interpolation, ignore_nan):
    if input._dtype not in (D.float32, D.float64):
        raise _errors.quantile_dtype()
    if input._data.size == 0:
        raise _errors.quantile_empty()
    q, scalar_q = _check_q(input, q)
    if interpolation not in _INTERPOLATIONS:
        raise _errors.quantile_interpolation(interpolation)
    nd = input._data.ndim
    if dim is None:
        x = input.reshape(-1)
    else:
        dim = _wrap_dim(dim, nd)
        x = input.movedim(dim, -1) if nd else input.reshape(1)
    s = x.sort(-1).values.unsqueeze(-2)                      # [..., 1, n], NaNs last
    last = s.shape[-1] - 1
    nans = s.isnan()
    if ignore_nan:
        ranks = (q * ((~nans).sum(-1, keepdim=True) - 1)).clamp_min(0)   # [..., 1, Q]
    else:
        ranks = (q * last).where(~nans.any(-1, keepdim=True), q * 0 + last)
    ranks = ranks.movedim(-1, -2)                             # [..., Q, 1]
    if interpolation in ("lower", "higher", "nearest"):
        pick = {"lower": ranks.floor, "higher": ranks.ceil, "nearest": ranks.round}[interpolation]
        r = s.expand(*ranks.shape[:-1], s.shape[-1]).gather(-1, pick().long())
    else:
        below = ranks.floor()
        sx = s.expand(*ranks.shape[:-1], s.shape[-1])
        lo, hi = sx.gather(-1, below.long()), sx.gather(-1, ranks.ceil().long())
        w = ranks - below if interpolation == "linear" else ranks * 0 + 0.5
        r = lo.lerp(hi, w)
    r = r.squeeze(-1)                                          # [..., Q]
    if keepdim and dim is None:
        r = r.reshape((1,) * nd + (r.shape[-1],))
    elif keepdim and nd:
        r = r.unsqueeze(dim)
    return r.squeeze(-1) if scalar_q else r.movedim(-1, 0)


@register("quantile", out=True)
def quantile(input, q, dim=None, keepdim=False, *, interpolation="linear", out=None):
    r = _quantile(input, q, dim, keepdim, interpolation, False)
    return r if out is None else write_out(out, r)


@register("nanquantile", out=True)
def nanquantile(input, q, dim=None, keepdim=False, *, interpolation="linear", out=None):
    r = _quantile(input, q, dim, keepdim, interpolation, True)
    return r if out is None else write_out(out, r)


def _check_weights(w, name, n, integral):
    if w._data.ndim > 1:
        raise _errors.cov_weights_dims(name, w._data.ndim)
    if integral and w._dtype.category != 1:
        raise _errors.cov_weights_dtype(name, "integral", w._dtype)
    if not integral and w._dtype.category < 2:
        raise _errors.cov_weights_dtype(name, "floating point", w._dtype)
    if w._data.size != n:
        raise _errors.cov_weights_numel(name, n, w._data.size)
    if w._data.size and w._data.min() < 0:
        raise _errors.cov_weights_negative(name)


@register("cov")
def cov(input, *, correction=1, fweights=None, aweights=None):
    """Covariance of the variables in the rows of ``input`` (observations in columns)."""
    if input._data.ndim > 2:
        raise _errors.cov_dims(input._data.ndim)
    x = input if input._data.ndim == 2 else input.reshape(1, -1)
    n = x.shape[1]
    w = None
    if fweights is not None:
        _check_weights(fweights, "fweights", n, True)
        w = fweights
    if aweights is not None:
        _check_weights(aweights, "aweights", n, False)
        w = aweights if w is None else w * aweights
    w_sum = _tensor(n, device=input._device) if w is None else w.sum()
    if w is not None and not w_sum._data.any():
        raise _errors.cov_weights_zero()
    avg = (x if w is None else x * w).sum(1) / w_sum
    if w is not None and aweights is not None and correction != 0:
        norm = w_sum - correction * (w * aweights).sum() / w_sum
    else:
        norm = w_sum - correction
    if norm._data <= 0:
        warnings.warn("cov(): degrees of freedom is <= 0. Correction should be strictly less "
                      "than the number of observations.", UserWarning, stacklevel=2)
        norm = norm * 0
    x = x - avg.unsqueeze(1)
    c = x.mm((x if w is None else x * w).t().conj())
    return (c / norm).squeeze()


@register("corrcoef")
def corrcoef(input):
    """Pearson correlation coefficients of the rows of ``input``."""
    c = cov(input)
    if c._data.ndim == 0:
        return c / c
    d = c.diagonal()
    std = (d.real if d._dtype.is_complex else d).sqrt()
    c = c / std.reshape(-1, 1) / std.reshape(1, -1)
    return c if c._dtype.is_complex else c.clamp(-1, 1)
