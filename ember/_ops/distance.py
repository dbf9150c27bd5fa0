"""``cdist``: p-norm distances between two batches of row vectors.  Like torch, p = 2 takes the
matrix-product route (``|a|^2 - 2 a.b + |b|^2``, composed of ops) when ``compute_mode`` asks
for it or when either side has more than 25 rows; every other case is the registered op."""
import math

from .. import _errors
from ..autograd.graph import node_class
from ._core import register, record, _grad_on, wrap, grad_for, save_output

_MODES = ("use_mm_for_euclid_dist_if_necessary", "use_mm_for_euclid_dist",
          "donot_use_mm_for_euclid_dist")


def _check(x1, x2, p, compute_mode):
    for name, t in (("X1", x1), ("X2", x2)):
        if t._dtype.category < 2 or t._dtype.is_complex:
            raise _errors.cdist_dtype(name, t._dtype)
    if x1._data.ndim < 2 or x2._data.ndim < 2:
        raise _errors.cdist_dims("X1" if x1._data.ndim < 2 else "X2",
                                 min(x1._data.ndim, x2._data.ndim))
    if x1._data.shape[-1] != x2._data.shape[-1]:
        raise _errors.cdist_columns(x1._data.shape[-1], x2._data.shape[-1])
    if x1._dtype is not x2._dtype:
        raise _errors.scalar_type_mismatch(x1._dtype, x2._dtype)
    if p < 0:
        raise _errors.cdist_negative_p()
    if compute_mode not in _MODES:
        raise _errors.cdist_mode(compute_mode)


def pnorm_array(diff, p, xp):
    """The p-norm over the last axis of |x1_i - x2_j| (``diff`` holds the absolute values)."""
    if p == 0:
        return (diff != 0).sum(-1).astype(diff.dtype)
    if p == 1:
        return diff.sum(-1)
    if p == 2:
        return xp.sqrt((diff * diff).sum(-1))
    if math.isinf(p):
        return diff.max(-1, initial=0)
    return (diff ** p).sum(-1) ** (1.0 / p)


def norm_direction(diff, dist, p):
    """d dist_ij / d x1_i, in ember ops, zero where the distance is zero."""
    if p == 0:
        return diff * 0
    if p == 1:
        return diff.sign()
    if math.isinf(p):
        return diff.sign() * (diff.abs() == dist).to(diff.dtype)
    safe = dist.where(dist != 0, dist + 1)
    if p == 2:
        r = diff / safe
    elif p < 2:
        r = diff.sign() * diff.abs().pow(p - 1) / safe.pow(p - 1)
    else:
        r = diff * diff.abs().pow(p - 2) / safe.pow(p - 1)
    return r.where(dist != 0, 0.0)


def _cdist_bwd(node, g):
    x1, x2, dist = node.saved()
    p = node._args
    diff = x1.unsqueeze(-2) - x2.unsqueeze(-3)
    t = g.unsqueeze(-1) * norm_direction(diff, dist.unsqueeze(-1), p)
    return (grad_for(t.sum(-2), x1._data.shape, x1._dtype),
            grad_for(-t.sum(-3), x2._data.shape, x2._dtype))


CdistBackward0 = node_class("CdistBackward0", _cdist_bwd)


def _euclidean(x1, x2):
    """torch's matrix-product form of the euclidean distance (used for many rows)."""
    from . import shape as S
    n1 = x1.pow(2).sum(-1, keepdim=True)
    n2 = x2.pow(2).sum(-1, keepdim=True)
    a = S.cat([x1 * -2, n1, n1 * 0 + 1], -1)
    b = S.cat([x2, n2 * 0 + 1, n2], -1)
    r = a.matmul(b.mT).clamp_min(1e-30).sqrt()
    return r.view(r.shape)


@register("cdist", method=False, nodes=("CdistBackward0",))
def cdist(x1, x2, p=2.0, compute_mode="use_mm_for_euclid_dist_if_necessary"):
    _check(x1, x2, p, compute_mode)
    rows1, rows2 = x1._data.shape[-2], x2._data.shape[-2]
    if p == 2 and (compute_mode == "use_mm_for_euclid_dist" or compute_mode == _MODES[0] and
                   (rows1 > 25 or rows2 > 25)):
        return _euclidean(x1, x2)
    xp = x1._device._backend.xp
    diff = xp.abs(x1._data[..., :, None, :] - x2._data[..., None, :, :])
    res = wrap(pnorm_array(diff, p, xp), x1._dtype, x1._device)
    if _grad_on() and (x1._requires_grad or x2._requires_grad):
        node = record(res, CdistBackward0, (x1, x2), (x1, x2, None), float(p))
        save_output(node, res, 2)
    return res
