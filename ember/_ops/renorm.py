"""``renorm``: rescale each slice along ``dim`` whose p-norm exceeds ``maxnorm`` down to
``maxnorm`` (torch's factor ``maxnorm / (norm + 1e-7)``)."""
from .. import _errors
from .._tensor import _wrap_dim
from ..autograd.graph import node_class
from ._core import register, record, _grad_on, wrap, write_out, inplace
from .distance import norm_direction, pnorm_array

_EPS = 1e-7


def _slice_norms(x, dim, p, xp):
    """The p-norm of every slice ``x.select(dim, i)``, shaped to broadcast against ``x``."""
    rows = xp.moveaxis(x, dim, 0).reshape(x.shape[dim], -1)
    shape = [1] * x.ndim
    shape[dim] = -1
    return pnorm_array(xp.abs(rows), p, xp).reshape(shape)


def _renorm_bwd(node, g):
    x, = node.saved()
    p, dim, maxnorm = node._args
    others = tuple(d for d in range(x._data.ndim) if d != dim)
    norm = x.norm(p, others, keepdim=True) if p != float("inf") else \
        x.abs().amax(others, keepdim=True)
    inv = (norm + _EPS).reciprocal()
    factor = inv * maxnorm
    along = (x * g).sum(others, keepdim=True) * norm_direction(x, norm, p)
    return ((factor * g - factor * inv * along).where(norm > maxnorm, g),)


RenormBackward0 = node_class("RenormBackward0", _renorm_bwd)


def renorm(input, p, dim, maxnorm, *, out=None):
    if input._dtype.category < 2:
        raise _errors.vector_norm_dtype(input._dtype)
    if p <= 0:
        raise _errors.renorm_p()
    if maxnorm < 0:
        raise _errors.renorm_maxnorm(maxnorm)
    x = input._data
    if x.ndim < 2:
        raise _errors.renorm_dims(x.ndim)
    dim = _wrap_dim(dim, x.ndim)
    xp = input._device._backend.xp
    norms = _slice_norms(x, dim, p, xp)
    factor = xp.where(norms > maxnorm, maxnorm / (norms + _EPS), 1.0).astype(x.dtype)
    res = wrap(x * factor, input._dtype, input._device)
    if _grad_on() and input._requires_grad:
        record(res, RenormBackward0, (input,), (input,), (float(p), dim, maxnorm))
    return res if out is None else write_out(out, res)


renorm_ = inplace(renorm)
renorm = register("renorm", nodes=("RenormBackward0",), out=True, inplace=renorm_)(renorm)
