"""Helpers shared by the distributions (torch.distributions.utils)."""
from functools import update_wrapper
from numbers import Number

import ember as torch

__all__ = ["broadcast_all", "clamp_probs", "euler_constant", "lazy_property", "logits_to_probs",
           "probs_to_logits", "tril_matrix_to_vec", "vec_to_tril_matrix", "is_tensor_like"]

euler_constant = 0.57721566490153286060  # Euler-Mascheroni


def is_tensor_like(x):
    return isinstance(x, torch.Tensor) or hasattr(x, "__torch_function__")


def broadcast_all(*values):
    """Tensors broadcast to one shape; Python numbers become tensors of the tensors' dtype and
    device (the default dtype when every value is a number)."""
    if not all(is_tensor_like(v) or isinstance(v, Number) for v in values):
        raise ValueError("Input arguments must all be instances of numbers.Number, "
                         "torch.Tensor or objects implementing __torch_function__.")
    if all(isinstance(v, Number) for v in values):
        return tuple(torch.tensor(float(v), dtype=torch.get_default_dtype()) for v in values)
    ref = next(v for v in values if is_tensor_like(v))
    values = [v if is_tensor_like(v) else torch.tensor(v, dtype=ref.dtype, device=ref.device)
              for v in values]
    return torch.broadcast_tensors(*values)


def _given_param(probs, logits):
    """``("probs", probs)`` or ``("logits", logits)``: exactly one of the two must be given."""
    from .. import _errors
    if (probs is None) == (logits is None):
        raise _errors.dist_probs_or_logits()
    return ("probs", probs) if probs is not None else ("logits", logits)


def _set_param(dist, probs, logits):
    """Set the given one of ``probs`` and ``logits`` on ``dist`` as a tensor; returns it."""
    name, value = _given_param(probs, logits)
    (param,) = broadcast_all(value)
    setattr(dist, name, param)
    return param


def _count_and_param(dist, total_count, probs, logits):
    """Set ``total_count`` with ``probs`` or ``logits`` (exactly one), broadcast together and in
    the parameter's dtype, as Binomial and NegativeBinomial take them; returns the batch shape."""
    name, value = _given_param(probs, logits)
    count, param = broadcast_all(total_count, value)
    dist.total_count = count.to(param.dtype)
    setattr(dist, name, param)
    dist._param = param
    return param.size()


def _expand_param(cls, dist, batch_shape, _instance, names=("probs", "logits")):
    """``expand`` of a distribution whose ``_param`` is its given ``probs`` or ``logits``."""
    new = dist._expand_params(cls, batch_shape, _instance, names)
    new._param = new.probs if "probs" in new.__dict__ else new.logits
    return new


def _expand_count(cls, dist, batch_shape, _instance):
    """``expand`` of a ``_count_and_param`` distribution."""
    return _expand_param(cls, dist, batch_shape, _instance, ("total_count", "probs", "logits"))


def _standard_normal(shape, dtype, device):
    return torch.randn(shape, dtype=dtype, device=device)


def _sum_rightmost(value, dim):
    """Sum out the ``dim`` rightmost dimensions."""
    return value.reshape(value.shape[:value.dim() - dim] + (-1,)).sum(-1) if dim else value


def logits_to_probs(logits, is_binary=False):
    """Probabilities from logits: sigmoid when binary, else softmax over the last dimension."""
    return torch.sigmoid(logits) if is_binary else torch.softmax(logits, dim=-1)


def clamp_probs(probs):
    """Probabilities clamped into [eps, 1 - eps] so that logs stay finite."""
    eps = torch.finfo(probs.dtype).eps
    return probs.clamp(min=eps, max=1 - eps)


def probs_to_logits(probs, is_binary=False):
    """Logits from probabilities: log-odds when binary, else the log."""
    ps = clamp_probs(probs)
    return torch.log(ps) - torch.log1p(-ps) if is_binary else torch.log(ps)


class lazy_property:
    """A method computed once per instance on first access and then stored as an attribute;
    read on the class, it gives the underlying function's property (for introspection)."""

    def __init__(self, wrapped):
        self.wrapped = wrapped
        update_wrapper(self, wrapped)

    def __get__(self, instance, obj_type=None):
        if instance is None:
            return _lazy_property_and_property(self.wrapped)
        with torch.enable_grad():
            value = self.wrapped(instance)
        setattr(instance, self.wrapped.__name__, value)
        return value


class _lazy_property_and_property(lazy_property, property):
    def __init__(self, wrapped):
        property.__init__(self, wrapped)


def tril_matrix_to_vec(mat, diag=0):
    """The lower triangle (below diagonal ``diag``) of the last two dims, row by row."""
    n = mat.shape[-1]
    if diag < -n or diag >= n:
        raise ValueError(f"diag ({diag}) provided is outside [{-n}, {n - 1}].")
    arange = torch.arange(n, device=mat.device)
    mask = arange < arange.view(-1, 1) + (diag + 1)
    return mat[..., mask]


def vec_to_tril_matrix(vec, diag=0):
    """The inverse of ``tril_matrix_to_vec``: a square matrix with zeros above diagonal
    ``diag``."""
    m = vec.shape[-1]
    n = (-(1 + 2 * diag) + ((1 + 2 * diag) ** 2 + 8 * m + 4 * abs(diag) * (diag + 1)) ** 0.5) / 2
    if round(n) - n > torch.finfo(vec.dtype).eps:
        raise ValueError(f"The size of last dimension is {m} which cannot be expressed as "
                         "the lower triangular part of a square D x D matrix.")
    n = round(n)
    mat = vec.new_zeros(vec.shape[:-1] + (n, n))
    arange = torch.arange(n, device=vec.device)
    mask = arange < arange.view(-1, 1) + (diag + 1)
    mat[..., mask] = vec
    return mat


class _BinaryProbs:
    """``probs`` and ``logits`` of a two-outcome parameter, each computed lazily from the
    other (the constructor sets the one it is given)."""

    @lazy_property
    def logits(self):
        return probs_to_logits(self.probs, is_binary=True)

    @lazy_property
    def probs(self):
        return logits_to_probs(self.logits, is_binary=True)


class _BinaryParam(_BinaryProbs):
    """``_BinaryProbs`` whose batch shape is that of ``_param``, the given one."""

    @property
    def param_shape(self):
        return self._param.size()


class _LocScale:
    """The constructor of a distribution given by ``loc`` and ``scale``, broadcast together."""

    def __init__(self, loc, scale, validate_args=None):
        self.loc, self.scale = broadcast_all(loc, scale)
        super().__init__(self.loc.size(), validate_args=validate_args)


class _CenteredAtLoc:
    """``mean`` and ``mode`` both equal to ``loc``."""

    @property
    def mean(self):
        return self.loc

    @property
    def mode(self):
        return self.loc
