"""nn.functional: batch/layer/group/instance/local-response/rms norm, normalize, distances.

Batch, layer and group norm are fused kernels (``ember/_ops/nn_norm.py``); the others are
compositions of ember ops arranged as PyTorch arranges them, so that autograd node names match.
"""
from ..._ops._core import autocast_rule
import numpy as np

from ... import _errors
from ..._type_info import finfo
from ..._ops import nn_norm as _K
from ..._ops import pointwise as _P
from ..._ops import shape as _S
from ...autograd import grad_mode
from ... import linalg as _linalg


def _verify_batch_size(size):
    n = size[0]
    for s in size[2:]:
        n *= s
    if n == 1:
        raise _errors.norm_batch_size(size)


def _verify_spatial_size(size):
    n = 1
    for s in size[2:]:
        n *= s
    if n == 1:
        raise _errors.norm_spatial_size(size)


def batch_norm(input, running_mean, running_var, weight=None, bias=None, training=False,
               momentum=0.1, eps=1e-5):
    """Batch normalization over dim 1; in training mode updates the running statistics."""
    if training:
        _verify_batch_size(input.size())
    if (training and eps <= 0.0) or eps < 0.0:
        raise _errors.norm_eps(eps, training)
    return _K.batch_norm(input, weight, bias, running_mean, running_var, training, momentum, eps)


def instance_norm(input, running_mean=None, running_var=None, weight=None, bias=None,
                  use_input_stats=True, momentum=0.1, eps=1e-5):
    """Batch norm of the input seen as one sample with N*C channels (as PyTorch computes it);
    the running statistics get the average over the batch of the per-instance updates."""
    if use_input_stats:
        _verify_spatial_size(input.size())
    shape = input.shape
    n, c = shape[0], shape[1]
    rm = None if running_mean is None else running_mean.repeat(n)
    rv = None if running_var is None else running_var.repeat(n)
    w = None if weight is None else weight.repeat(n)
    b = None if bias is None else bias.repeat(n)
    out = _K.batch_norm(input.reshape((1, n * c) + tuple(shape[2:])), w, b, rm, rv,
                        use_input_stats, momentum, eps)
    if use_input_stats:
        for buf, rep in ((running_mean, rm), (running_var, rv)):
            if buf is not None:
                with grad_mode.no_grad():
                    buf.copy_(rep.reshape(n, c).mean(0))
    return out.reshape(shape)


def layer_norm(input, normalized_shape, weight=None, bias=None, eps=1e-5):
    return _K.layer_norm(input, normalized_shape, weight, bias, eps)


def group_norm(input, num_groups, weight=None, bias=None, eps=1e-5):
    if input.dim() < 2:
        raise _errors.norm_min_dims(input.dim())
    size = input.size()
    _verify_batch_size([size[0] * size[1] // num_groups, num_groups] + list(size[2:]))
    return _K.group_norm(input, num_groups, weight, bias, eps)


def rms_norm(input, normalized_shape, weight=None, eps=None):
    """``x * rsqrt(mean(x**2) + eps) * weight`` over the trailing ``normalized_shape`` dims;
    ``eps=None`` is the machine epsilon of the input's dtype."""
    ns = (normalized_shape,) if isinstance(normalized_shape, int) else tuple(normalized_shape)
    shape = input.shape
    k = len(ns)
    if k == 0 or len(shape) < k or tuple(shape[len(shape) - k:]) != ns:
        raise _errors.layer_norm_shape(ns, shape, sep="")
    dt = input.dtype
    x = input.float() if dt.itemsize < 4 else input
    if eps is None:
        eps = float(finfo(x.dtype).eps)
    dims = tuple(range(-k, 0))
    r = x * x.pow(2).mean(dims, keepdim=True).add(eps).rsqrt()
    if r.dtype is not dt:
        r = r.to(dt)
    return r if weight is None else r * weight


def local_response_norm(input, size, alpha=1e-4, beta=0.75, k=1.0):
    """Divide by ``(k + alpha * mean of x**2 over a window of ``size`` channels) ** beta``; the
    window sum is a difference of cumulative sums over the zero-padded channel dim."""
    dim = input.dim()
    if dim < 3:
        raise _errors.local_response_norm_dims(dim)
    if input.numel() == 0:
        return input
    sq = input.mul(input)
    zshape = list(sq.shape)
    zshape[1] = 1
    parts = [_zeros(sq, zshape)]
    if size // 2:
        parts.append(_zeros(sq, [s if i != 1 else size // 2 for i, s in enumerate(zshape)]))
    parts.append(sq)
    if (size - 1) // 2:
        parts.append(_zeros(sq, [s if i != 1 else (size - 1) // 2
                                 for i, s in enumerate(zshape)]))
    cs = _S.cat(parts, 1).cumsum(1)
    c = input.shape[1]
    div = (cs.narrow(1, size, c) - cs.narrow(1, 0, c)).mul(alpha / size).add(k).pow(beta)
    return input / div


def _zeros(like, shape):
    return like.new_zeros(shape)


def normalize(input, p=2.0, dim=1, eps=1e-12, out=None):
    """``input / max(norm_p(input, dim), eps)``."""
    denom = input.norm(p, dim, keepdim=True).clamp_min(eps).expand_as(input)
    if out is None:
        return input / denom
    return _P.div(input, denom, out=out)


@autocast_rule({"cuda": "fp32"})
def cosine_similarity(x1, x2, dim=1, eps=1e-8):
    """Each input divided by its (eps-clamped) L2 norm along ``dim``, then the dot product.
    The clamp is invisible to autograd, as in PyTorch."""
    x1, x2 = _S.broadcast_tensors(x1, x2)
    n1 = _linalg.vector_norm(x1, 2, dim, keepdim=True).clone()
    n2 = _linalg.vector_norm(x2, 2, dim, keepdim=True).clone()
    with grad_mode.no_grad():
        n1.clamp_min_(eps)
        n2.clamp_min_(eps)
    return ((x1 / n1) * (x2 / n2)).sum(dim)


def pairwise_distance(x1, x2, p=2.0, eps=1e-6, keepdim=False):
    """``norm_p(x1 - x2 + eps)`` over the last dim (a 0-d/1-d pair is one vector)."""
    nd = max(x1.dim(), x2.dim())
    dim = -1 if nd > 0 else 0
    return (x1 - x2 + eps).norm(p, dim, keepdim=keepdim)


@autocast_rule({"cuda": "fp32"})
def pdist(input, p=2):
    """Distances between all pairs of rows ``i < j`` of a 2-D input, in row-major pair order."""
    if input.dim() != 2:
        raise _errors.pdist_dims(input)
    n = input.shape[0]
    i, j = np.triu_indices(n, 1)
    return (input[i] - input[j]).norm(p, 1)


__all__ = ["batch_norm", "instance_norm", "layer_norm", "group_norm", "rms_norm",
           "local_response_norm", "normalize", "cosine_similarity", "pairwise_distance", "pdist"]
