"""Kernels of the basic nn layers: fused activations, dropout masks, embedding, embedding_bag,
one_hot.

Each activation is ONE op with one autograd node named like PyTorch's: a forward array
expression and a backward formula.  Both are written against a small math namespace ``m``, so
the same text runs on backend arrays (forward, and backward when no graph is being built) and on
ember tensors (backward under ``create_graph=True``, so that double backward works).
"""
import math

import numpy as np   # host bookkeeping only (index lists, dtypes of host scalars)

from .. import _dtype as D
from .. import _errors
from .._tensor import _make
from ..autograd.graph import node_class
from ._core import register, record, inplace, wrap, _grad_on
from . import pointwise as P
from . import linalg as L
from . import shape as S
from .random import bernoulli_mask, _engine, _kernels

_FLOAT = 2
_SQRT1_2 = math.sqrt(0.5)
_INV_SQRT_2PI = 1.0 / math.sqrt(2.0 * math.pi)
_GELU_BETA = math.sqrt(2.0 / math.pi)
_GELU_KAPPA = 0.044715
_SELU_ALPHA = 1.6732632423543772848170429916717
_SELU_SCALE = 1.0507009873554804934193349852946
_F32_SIXTH = float(np.float32(1 / 6))   # PyTorch's hardsigmoid backward multiplies by 1.0f/6


# ---- the two math namespaces --------------------------------------------------------------------
class _ArrayMath:
    """The functions the formulas use, on one backend's arrays."""

    def __init__(self, be):
        xp = be.xp
        self.be = be
        self.where, self.exp, self.expm1, self.log1p = xp.where, xp.exp, xp.expm1, xp.log1p
        self.tanh, self.abs, self.clip = xp.tanh, xp.abs, xp.clip
        self.ndtr_fast = be.special.ndtr_fast

    def sigmoid(self, x):
        return P._sigmoid_kernel(x, self.be)

    def softplus(self, x):
        return self.clip(x, 0, None) + self.log1p(self.exp(-self.abs(x)))


class _TensorMath:
    """The same functions on ember tensors (differentiable)."""
    where, exp, expm1, log1p = (staticmethod(P.where), staticmethod(P.exp), staticmethod(P.expm1),
                                staticmethod(P.log1p))
    tanh, abs, sigmoid = staticmethod(P.tanh), staticmethod(P.abs), staticmethod(P.sigmoid)

    @staticmethod
    def clip(x, lo, hi):
        return P.clamp(x, lo, hi)

    @staticmethod
    def softplus(x):
        return P.clamp(x, 0, None) + P.log1p(P.exp(-P.abs(x)))

    @staticmethod
    def ndtr_fast(x):
        return 0.5 * (1 + P.erf(x * _SQRT1_2))


_TM = _TensorMath()
_MATHS = {}


def _math(be):
    m = _MATHS.get(be)
    if m is None:
        m = _MATHS[be] = _ArrayMath(be)
    return m


def _lowp(dt):
    return dt is D.float16 or dt is D.bfloat16


def _arr(t):
    """``t``'s array, in float32 for the 16-bit float types (computed in float32, cast back)."""
    return t._data.astype(np.float32) if _lowp(t._dtype) else t._data


# ---- fused pointwise activations ----------------------------------------------------------------
def _pointwise_backward(formula, cache):
    def backward(node, g):
        x, *kept = node.saved()
        args = node._args
        if _grad_on():
            if cache is not None:        # recomputed with ember ops, so it is differentiated
                args = (cache(_TM, x, *args),) + args
            return (formula(_TM, g, x, *args),)
        if cache is not None:
            args = (kept[0]._data,) + args
        return (wrap(formula(_math(x._device._backend), _arr(g), _arr(x), *args),
                     x._dtype, x._device),)
    return backward


def activation(name, node, forward, backward, *, kernel=None, node_inplace=None, ints=False,
               cache=None):
    """An activation op ``fn(input, *params)`` and its in-place form from array formulas:
    ``forward(m, x, *params)`` and ``backward(m, g, x, *params)``.  ``kernel`` names PyTorch's
    kernel in the error for integer inputs (``ints`` allows them); ``node_inplace`` is the node
    PyTorch records for the in-place form (``EluBackward1``).

    ``cache(m, x, *params)``, if given, is an array both directions need (gelu's normal CDF,
    silu's sigmoid): the formulas take it after ``x``, and the node saves it beside the input
    (one more activation-sized array than PyTorch keeps, seen by saved-tensor hooks like the
    input) so that the backward does not recompute it."""
    bwd = _pointwise_backward(backward, cache)
    cls = node_class(node, bwd)
    cls_inplace = node_class(node_inplace, bwd) if node_inplace else cls
    kname = kernel or f"{name}_cpu"

    def make(c):
        def op(input, *params):
            dt = input._dtype
            if dt.category < _FLOAT and not ints:
                raise _errors.kernel_not_implemented(kname, dt)
            m, x = _math(input._device._backend), _arr(input)
            kept = None if cache is None else cache(m, x, *params)
            res = wrap(forward(m, x, *params) if kept is None else forward(m, x, kept, *params),
                       dt, input._device)
            if _grad_on() and input._requires_grad:
                saved = (input,) if kept is None else \
                    (input, _make(kept, D.float32 if _lowp(dt) else dt, input._device))
                record(res, c, (input,), saved, params)
            return res
        op.__name__ = op.__qualname__ = name
        return op

    return make(cls), inplace(make(cls_inplace))


def _elu_fwd(m, x, alpha, scale, input_scale):
    return m.where(x > 0, x * scale, m.expm1(x * input_scale) * (alpha * scale))


def _elu_bwd(m, g, x, alpha, scale, input_scale):
    return m.where(x > 0, g * scale, g * m.exp(x * input_scale) * (alpha * scale * input_scale))


def _gelu_cdf(m, x, tanh):
    """gelu(x) / x: the normal CDF, or its tanh approximation."""
    if tanh:
        return 0.5 * (1 + m.tanh(_GELU_BETA * (x + _GELU_KAPPA * x * x * x)))
    return m.ndtr_fast(x)


def _gelu_bwd(m, g, x, c, tanh):
    if tanh:       # tanh' = 1 - tanh**2 = 4 c (1 - c) for c = (1 + tanh) / 2
        return g * (c + x * (c * (1 - c)) * (2 * _GELU_BETA) * (1 + 3 * _GELU_KAPPA * x * x))
    return g * (c + x * m.exp(-0.5 * x * x) * _INV_SQRT_2PI)


def _silu_bwd(m, g, x, s):
    return g * s * (1 + x * (1 - s))


def _mish_bwd(m, g, x, t):
    return g * (t + x * m.sigmoid(x) * (1 - t * t))


def _softplus_fwd(m, x, beta, threshold):
    z = x * beta
    return m.where(z > threshold, x, m.log1p(m.exp(z)) / beta)


def _hardswish_bwd(m, g, x):
    return m.where(x < -3, g * 0, m.where(x <= 3, g * (x / 3 + 0.5), g))


def _softshrink_fwd(m, x, lambd):
    return m.where(x > lambd, x - lambd, m.where(x < -lambd, x + lambd, x * 0))


def _shrink_bwd(m, g, x, lambd):
    return g * (m.abs(x) > lambd)


_elu, _elu_ = activation("elu", "EluBackward0", _elu_fwd, _elu_bwd, node_inplace="EluBackward1")
_celu, _celu_ = activation("celu", "CeluBackward0", _elu_fwd, _elu_bwd, kernel="elu_cpu",
                           node_inplace="CeluBackward1")
_leaky, _leaky_ = activation(
    "leaky_relu", "LeakyReluBackward0", lambda m, x, s: m.where(x > 0, x, x * s),
    lambda m, g, x, s: m.where(x > 0, g, g * s), node_inplace="LeakyReluBackward1")
_hardtanh, _hardtanh_ = activation(
    "hardtanh", "HardtanhBackward0", lambda m, x, lo, hi: m.clip(x, lo, hi),
    lambda m, g, x, lo, hi: g * ((x > lo) & (x < hi)), ints=True)
_gelu, _gelu_ = activation("gelu", "GeluBackward0", lambda m, x, c, tanh: x * c, _gelu_bwd,
                           kernel="GeluKernelImpl", cache=_gelu_cdf)
_silu, _silu_ = activation("silu", "SiluBackward0", lambda m, x, s: x * s, _silu_bwd,
                           cache=lambda m, x: m.sigmoid(x))
_mish, _mish_ = activation("mish", "MishBackward0", lambda m, x, t: x * t, _mish_bwd,
                           cache=lambda m, x: m.tanh(m.softplus(x)))
_softplus, _ = activation(
    "softplus", "SoftplusBackward0", _softplus_fwd,
    lambda m, g, x, beta, th: m.where(x * beta > th, g, g * m.sigmoid(x * beta)))
_hardsigmoid, _hardsigmoid_ = activation(
    "hardsigmoid", "HardsigmoidBackward0", lambda m, x: m.clip(x / 6 + 0.5, 0, 1),
    lambda m, g, x: g * ((x > -3) & (x < 3)) * _F32_SIXTH)
_hardswish, _hardswish_ = activation(
    "hardswish", "HardswishBackward0", lambda m, x: x * m.clip(x + 3, 0, 6) / 6, _hardswish_bwd)
_logsigmoid, _ = activation(
    "log_sigmoid", "LogSigmoidBackward0",
    lambda m, x: m.clip(x, None, 0) - m.log1p(m.exp(-m.abs(x))),
    lambda m, g, x: g * m.sigmoid(-x))
_threshold, _threshold_ = activation(
    "threshold", "ThresholdBackward0", lambda m, x, th, v: m.where(x > th, x, v),
    lambda m, g, x, th, v: g * (x > th), ints=True, node_inplace="ThresholdBackward1")
_softshrink, _ = activation("softshrink", "SoftshrinkBackward0", _softshrink_fwd, _shrink_bwd,
                            kernel="softshrink_check")
_hardshrink, _ = activation(
    "hardshrink", "HardshrinkBackward0", lambda m, x, lambd: m.where(m.abs(x) > lambd, x, x * 0),
    _shrink_bwd)
_rrelu_eval, _rrelu_eval_ = activation(
    "rrelu", "RreluWithNoiseBackward0", lambda m, x, s: m.where(x > 0, x, x * s),
    lambda m, g, x, s: m.where(x > 0, g, g * s), kernel="rrelu_with_noise_out_cpu")


@register("elu", method=False, nodes=("EluBackward0", "EluBackward1"), function=False)
def elu(input, alpha=1.0, scale=1.0, input_scale=1.0):
    return _elu(input, alpha, scale, input_scale)


@register("selu", method=False, nodes=("EluBackward0", "EluBackward1"))
def selu(input):
    return _elu(input, _SELU_ALPHA, _SELU_SCALE, 1.0)


@register("celu", method=False, nodes=("CeluBackward0", "CeluBackward1"))
def celu(input, alpha=1.0):
    if alpha == 0:
        raise _errors.celu_alpha_zero()
    return _celu(input, alpha, 1.0, 1.0 / alpha)


def elu_(input, alpha=1.0):
    return _elu_(input, alpha, 1.0, 1.0)


def selu_(input):
    return _elu_(input, _SELU_ALPHA, _SELU_SCALE, 1.0)


def celu_(input, alpha=1.0):
    if alpha == 0:
        raise _errors.celu_alpha_zero()
    return _celu_(input, alpha, 1.0, 1.0 / alpha)


@register("leaky_relu", method=False, nodes=("LeakyReluBackward0", "LeakyReluBackward1"),
          function=False)
def leaky_relu(input, negative_slope=0.01):
    return _leaky(input, negative_slope)


def leaky_relu_(input, negative_slope=0.01):
    return _leaky_(input, negative_slope)


@register("hardtanh", method=False, nodes=("HardtanhBackward0",), function=False)
def hardtanh(input, min_val=-1.0, max_val=1.0):
    return _hardtanh(input, min_val, max_val)


def hardtanh_(input, min_val=-1.0, max_val=1.0):
    return _hardtanh_(input, min_val, max_val)


def _check_approximate(approximate):
    if approximate not in ("none", "tanh"):
        raise _errors.gelu_approximate_invalid()
    return approximate == "tanh"


@register("gelu", method=False, nodes=("GeluBackward0",), function=False)
def gelu(input, approximate="none"):
    return _gelu(input, _check_approximate(approximate))


@register("silu", method=False, nodes=("SiluBackward0",), function=False)
def silu(input):
    return _silu(input)


@register("mish", method=False, nodes=("MishBackward0",), function=False)
def mish(input):
    return _mish(input)


@register("softplus", autocast={"cuda": "fp32"},
          method=False, nodes=("SoftplusBackward0",), function=False)
def softplus(input, beta=1.0, threshold=20.0):
    return _softplus(input, beta, threshold)


@register("hardsigmoid", method=False, nodes=("HardsigmoidBackward0",), function=False)
def hardsigmoid(input):
    return _hardsigmoid(input)


@register("hardswish", method=False, nodes=("HardswishBackward0",), function=False)
def hardswish(input):
    return _hardswish(input)


@register("log_sigmoid", method=False, nodes=("LogSigmoidBackward0",), function=False)
def log_sigmoid(input):
    return _logsigmoid(input)


@register("threshold", method=False, nodes=("ThresholdBackward0", "ThresholdBackward1"))
def threshold(input, threshold, value):
    return _threshold(input, threshold, value)


def threshold_(input, threshold, value):
    return _threshold_(input, threshold, value)


@register("softshrink", method=False, nodes=("SoftshrinkBackward0",), function=False)
def softshrink(input, lambd=0.5):
    return _softshrink(input, lambd)


@register("hardshrink", nodes=("HardshrinkBackward0",))
def hardshrink(input, lambd=0.5):
    return _hardshrink(input, lambd)


# ---- rrelu: random slopes in training -----------------------------------------------------------
def _rrelu_bwd(node, g):
    (noise,) = node.saved()
    return (g * noise,)


RreluWithNoiseBackward0 = node_class("RreluWithNoiseBackward0", _rrelu_bwd)


@register("rrelu", method=False, nodes=("RreluWithNoiseBackward0",))
def rrelu(input, lower=1.0 / 8, upper=1.0 / 3, training=False, generator=None):
    """Leaky ReLU with slope (lower + upper) / 2 in eval; in training each negative element gets
    a slope drawn from U(lower, upper) (the noise is what backward multiplies by)."""
    if not training:
        return _rrelu_eval(input, (lower + upper) / 2)
    dt = input._dtype
    if dt.category < _FLOAT:
        raise _errors.kernel_not_implemented("rrelu_with_noise_out_cpu", dt)
    x = input._data
    dev = input._device
    # PyTorch draws a float64 U(lower, upper) per such element, in order, with the bounds in the
    # compute dtype and no fused multiply-add (this kernel is not built per CPU capability)
    neg = x <= 0
    ft = np.float64 if dt is D.float64 else np.float32
    lo, hi = float(ft(lower)), float(ft(upper))
    slopes = _kernels(dev).unit_double(_engine(generator, dev), int(neg.sum())) * (hi - lo) + lo
    noise = dev._backend.xp.ones(x.shape, x.dtype)
    noise[neg] = slopes
    noise = _make(noise, dt, dev)
    res = _make(x * noise._data, dt, input._device)
    if _grad_on() and input._requires_grad:
        record(res, RreluWithNoiseBackward0, (input,), (noise,))
    return res


rrelu_ = inplace(rrelu)


# ---- prelu, glu ----------------------------------------------------------------------------------
def _prelu_bwd(node, g):
    x, w = node.saved()
    pos = x > 0
    gx = P.where(pos, g, g * w) if node.next_functions[0][0] is not None else None
    gw = None
    if node.next_functions[1][0] is not None:
        from ._core import sum_to
        gw = sum_to(P.where(pos, g * 0, g * x), w._data.shape)
    return gx, gw


PreluKernelBackward0 = node_class("PreluKernelBackward0", _prelu_bwd)


@register("prelu", autocast="lower_precision_fp", nodes=("PreluKernelBackward0",))
def prelu(input, weight):
    if weight._data.ndim > 1:
        raise _errors.prelu_weight_dim(weight)
    n, nd = weight._data.size, input._data.ndim
    if n != 1:
        c = input._data.shape[1] if nd > 1 else 1
        if c != n:
            raise _errors.prelu_channel_mismatch(n, c)
    if nd > 1:
        weight = weight.reshape((n,) + (1,) * (nd - 2))
    elif nd == 0:   # a one-element weight must not broadcast a 0-d input up to 1-d
        weight = weight.reshape(())
    x, w = input._data, weight._data
    res = wrap(input._device._backend.xp.where(x > 0, x, x * w), input._dtype, input._device)
    if _grad_on() and (input._requires_grad or weight._requires_grad):
        record(res, PreluKernelBackward0, (input, weight), (input, weight))
    return res


def _glu_bwd(node, g):
    (x,) = node.saved()
    (d,) = node._args
    a, b = S.chunk(x, 2, d)
    s = P.sigmoid(b)
    return (S.cat([g * s, g * a * s * (1 - s)], d),)


GluBackward0 = node_class("GluBackward0", _glu_bwd)


@register("glu", method=False, nodes=("GluBackward0",), function=False)
def glu(input, dim=-1):
    x = input._data
    if x.ndim == 0:
        raise _errors.glu_scalar()
    if not -x.ndim <= dim < x.ndim:
        raise _errors.dim_out_of_range(dim, -x.ndim, x.ndim - 1)
    d = dim % x.ndim
    if x.shape[d] % 2:
        raise _errors.glu_halving_odd(d, x)
    if input._dtype.category < _FLOAT:
        raise _errors.kernel_not_implemented("glu_cpu", input._dtype)
    be = input._device._backend
    a, b = be.xp.split(_arr(input), 2, axis=d)
    res = wrap(a * _math(be).sigmoid(b), input._dtype, input._device)
    if _grad_on() and input._requires_grad:
        record(res, GluBackward0, (input,), (input,), (d,))
    return res


# ---- dropout family -----------------------------------------------------------------------------
_ALPHA = 1.7580993408473766   # -SELU scale * alpha: where alpha dropout sends dropped units


def _check_p(p):
    if p < 0 or p > 1:
        raise _errors.dropout_probability(p)


def _dropout(input, p, train, feature, alpha, in_place):
    """PyTorch's ``_dropout_impl``: ``input * noise`` (``+ b`` for alpha dropout), where noise is
    a Bernoulli(1 - p) mask, per element or per (batch, channel) for feature dropout."""
    _check_p(p)
    x = input._data
    if p == 0 or not train or x.size == 0:
        return input
    dev, dt = input._device, input._dtype
    mul = P.mul_ if in_place else P.mul
    if p == 1:
        return mul(input, _make(dev._backend.xp.zeros((), dt.np), dt, dev))
    if feature:
        if x.ndim < 2:
            raise _errors.feature_dropout_dims()
        like = dev._backend.xp.empty(x.shape[:2] + (1,) * (x.ndim - 2), dt.np)
    else:
        like = x            # PyTorch's noise is empty_like(input): same memory order
    keep = bernoulli_mask(like, 1 - p, dev)
    ft = np.float64 if dt is D.float64 else np.float32   # scalars meet the noise in its dtype
    if not alpha:
        return mul(input, _make((keep * (ft(1) / ft(1 - p))).astype(dt.np, copy=False), dt, dev))
    a = 1.0 / math.sqrt((_ALPHA * _ALPHA * p + 1) * (1 - p))
    b = (keep.astype(ft) - ft(1)) * ft(_ALPHA * a) + ft(_ALPHA * a * p)
    b = _make(b.astype(dt.np), dt, dev)
    out = mul(input, _make((keep * ft(a)).astype(dt.np), dt, dev))
    return P.add_(out, b) if in_place else P.add(out, b)


@register("dropout", method=False, nodes=("MulBackward0",))
def dropout(input, p, train):
    return _dropout(input, p, train, False, False, False)


@register("feature_dropout", method=False, nodes=("MulBackward0",))
def feature_dropout(input, p, train):
    return _dropout(input, p, train, True, False, False)


@register("alpha_dropout", method=False, nodes=("AddBackward0",))
def alpha_dropout(input, p, train):
    return _dropout(input, p, train, False, True, False)


@register("feature_alpha_dropout", method=False, nodes=("AddBackward0",))
def feature_alpha_dropout(input, p, train):
    return _dropout(input, p, train, True, True, False)


def dropout_(input, p, train):
    return _dropout(input, p, train, False, False, True)


def feature_dropout_(input, p, train):
    return _dropout(input, p, train, True, False, True)


def alpha_dropout_(input, p, train):
    return _dropout(input, p, train, False, True, True)


def feature_alpha_dropout_(input, p, train):
    return _dropout(input, p, train, True, True, True)


# ---- embedding ----------------------------------------------------------------------------------
def _check_indices(indices, fn):
    if indices._dtype is not D.int64 and indices._dtype is not D.int32:
        raise _errors.embedding_indices_dtype(fn, indices)


def _sparse_rows_grad(g, rows, idx, n):
    """The sparse COO gradient of an ``(n, dim)`` weight: ``rows`` (ember, ``(k, dim)``) at the
    row indices ``idx`` (an array, repeats kept: uncoalesced, as torch's, unless one entry or none).  Built
    from ``rows`` with the constructor's node, so a double backward reaches ``g``."""
    from .sparse import sparse_with_grad
    indices = _make(idx.astype(np.int64).reshape(1, -1), D.int64, g._device)
    return sparse_with_grad(indices, rows, (n, rows._data.shape[-1]), idx.size <= 1)


def _embedding_bwd(node, g):
    (indices,) = node.saved()
    n, padding_idx, scale_grad_by_freq, sparse = node._args
    idx = indices._data.reshape(-1)
    dim = g._data.shape[-1]
    xp = g._device._backend.xp
    if sparse:
        if scale_grad_by_freq:
            raise _errors.embedding_sparse_freq()
        rows = g.reshape(-1, dim)
        if padding_idx >= 0:
            keep = idx != padding_idx
            rows = rows[_make(keep, D.bool_, g._device)]
            idx = idx[keep]
        return (_sparse_rows_grad(g, rows, idx, n),)
    scale = None
    if scale_grad_by_freq:
        counts = xp.bincount(idx, minlength=n)
        scale = 1.0 / counts[idx]
    if padding_idx >= 0:
        keep = (idx != padding_idx) if scale is None else scale * (idx != padding_idx)
        scale = keep
    if _grad_on():   # double backward: the same sum, in ember ops
        rows = g.reshape(-1, dim)
        if scale is not None:
            rows = rows * _make(scale.astype(g._dtype.np)[:, None], g._dtype, g._device)
        zeros = _make(xp.zeros((n, dim), g._dtype.np), g._dtype, g._device)
        return (zeros.index_add(0, _make(idx.astype(np.int64), D.int64, g._device), rows),)
    rows = g._data.reshape(-1, dim)
    if scale is not None:
        rows = rows * scale.astype(rows.dtype)[:, None]
    out = xp.zeros((n, dim), g._dtype.np)
    g._device._backend.scatter_add(out, idx, rows)
    return (_make(out, g._dtype, g._device),)


EmbeddingBackward0 = node_class("EmbeddingBackward0", _embedding_bwd)


def _check_range(idx, n):
    if idx.size and (int(idx.min()) < 0 or int(idx.max()) >= n):
        raise _errors.index_out_of_range_self()


@register("embedding", method=False, nodes=("EmbeddingBackward0",))
def embedding(weight, indices, padding_idx=-1, scale_grad_by_freq=False, sparse=False):
    """Rows of ``weight`` picked by ``indices``; the gradient scatter-adds rows (repeated indices
    accumulate), zero at ``padding_idx``; with ``sparse`` it is a sparse COO tensor of the picked
    rows' gradients (those at ``padding_idx`` left out)."""
    _check_indices(indices, "embedding")
    if weight._data.ndim != 2:
        raise _errors.embedding_weight_2d()
    idx = indices._data
    n = weight._data.shape[0]
    _check_range(idx, n)
    res = _make(weight._device._backend.xp.take(weight._data, idx, axis=0), weight._dtype,
                weight._device)
    if _grad_on() and weight._requires_grad:
        record(res, EmbeddingBackward0, (weight,), (indices,),
               (n, padding_idx, scale_grad_by_freq, bool(sparse)))
    return res


@register("embedding_renorm_", method=False, differentiable=False)
def embedding_renorm_(input, indices, max_norm, norm_type):
    """Rescale, in place, the rows of ``weight`` named in ``indices`` whose ``norm_type``-norm
    exceeds ``max_norm`` to norm ``max_norm`` (as PyTorch: scale max_norm / (norm + 1e-7))."""
    xp = input._device._backend.xp
    idx = xp.unique(indices._data.reshape(-1))
    _check_range(idx, input._data.shape[0])
    rows = input._data[idx]
    a = xp.abs(rows)
    if norm_type == 1:
        norms = a.sum(1)
    elif norm_type == math.inf:
        norms = a.max(1) if a.shape[1] else xp.zeros(len(idx), a.dtype)
    else:
        norms = (a ** norm_type).sum(1) ** (1.0 / norm_type)
    big = norms > max_norm
    if big.any():
        scale = (max_norm / (norms[big] + 1e-7)).astype(rows.dtype)
        input._data[idx[big]] = rows[big] * scale[:, None]
        input._vc[0] += 1
    return input


# ---- embedding_bag ------------------------------------------------------------------------------
def _embedding_bag_bwd(node, g):
    weight, psw = node.saved()
    idx, bag, nbags, mode, scale, argmax, keep, wshape, sparse = node._args
    if sparse:
        return _embedding_bag_sparse_bwd(node, g, weight, psw)
    if _grad_on():
        return _embedding_bag_graph_bwd(node, g, weight, psw)
    be = g._device._backend
    xp = be.xp
    ga = g._data
    gw = gpsw = None
    if node.next_functions[0][0] is not None:
        out = xp.zeros(wshape, ga.dtype)
        if mode == 2:
            used = argmax >= 0
            cols = xp.broadcast_to(xp.arange(ga.shape[1]), ga.shape)
            be.scatter_add(out, (argmax[used], cols[used]), ga[used])
        else:
            rows = ga[bag]
            if scale is not None:
                rows = rows * scale.astype(ga.dtype)[:, None]
            be.scatter_add(out, idx, rows)
        gw = _make(out, g._dtype, g._device)
    if node.next_functions[1][0] is not None:
        full = xp.zeros(psw._data.shape, ga.dtype)
        full[keep] = (ga[bag] * weight._data[idx]).sum(1)
        gpsw = _make(full, psw._dtype, psw._device)
    return gw, gpsw


def _bag_index(g, a):
    return _make(g._device._backend.xp.asarray(a, dtype="int64"), D.int64, g._device)


def _bag_rows(g, bag, scale):
    """Each looked-up row's gradient: its bag's, times its scale (mean's 1 / count, per-sample
    weights, frequency), in ember ops."""
    rows = g.index_select(0, _bag_index(g, bag))
    if scale is not None:
        rows = rows * _make(scale.astype(g._dtype.np)[:, None], g._dtype, g._device)
    return rows


def _bag_sample_weights_grad(g, weight, psw, idx, bag, keep):
    vals = (g.index_select(0, _bag_index(g, bag)) * weight.index_select(0, _bag_index(g, idx))).sum(1)
    where = _bag_index(g, g._device._backend.xp.arange(psw.numel())[keep])
    return psw.new_zeros((psw.numel(),)).index_put((where,), vals).reshape(psw.shape)


def _embedding_bag_sparse_bwd(node, g, weight, psw):
    """``sparse=True`` (sum and mean): the weight's gradient is the looked-up rows' gradients as
    a sparse COO tensor, one entry per looked-up index."""
    idx, bag, nbags, mode, scale, argmax, keep, wshape = node._args[:8]
    gw = gpsw = None
    if node.next_functions[0][0] is not None:
        gw = _sparse_rows_grad(g, _bag_rows(g, bag, scale), idx, wshape[0])
    if node.next_functions[1][0] is not None:
        gpsw = _bag_sample_weights_grad(g, weight, psw, idx, bag, keep)
    return gw, gpsw


def _embedding_bag_graph_bwd(node, g, weight, psw):
    """The same gradients in ember ops, for ``create_graph=True`` (the scale factors, per-sample
    weights included, enter as constants)."""
    idx, bag, nbags, mode, scale, argmax, keep, wshape = node._args[:8]
    xp = g._device._backend.xp

    def index(a):
        return _bag_index(g, a)
    gw = gpsw = None
    if node.next_functions[0][0] is not None:
        if mode == 2:
            used = argmax >= 0
            cols = xp.broadcast_to(xp.arange(g.shape[1]), argmax.shape)
            gw = g.new_zeros(wshape).index_put(
                (index(argmax[used]), index(cols[used])), g[_make(used, D.bool_, g._device)],
                accumulate=True)
        else:
            gw = g.new_zeros(wshape).index_add(0, index(idx), _bag_rows(g, bag, scale))
    if node.next_functions[1][0] is not None:
        gpsw = _bag_sample_weights_grad(g, weight, psw, idx, bag, keep)
    return gw, gpsw


EmbeddingBagBackward0 = node_class("EmbeddingBagBackward0", _embedding_bag_bwd)


def _bag_inputs(weight, indices, offsets, include_last_offset):
    """Flat indices, the bag of each index, and the number of bags."""
    xp = weight._device._backend.xp
    idx = indices._data.reshape(-1)
    offs = offsets._data.reshape(-1)
    if offs.size and int(offs[0]) != 0:
        raise _errors.embedding_bag_first_offset(offs)
    if include_last_offset:
        offs = offs[:-1]
    bag = xp.searchsorted(offs, xp.arange(idx.size), side="right") - 1
    return idx, bag, offs.size


@register("embedding_bag", method=False, nodes=("EmbeddingBagBackward0",))
def embedding_bag(weight, indices, offsets, scale_grad_by_freq=False, mode=0, sparse=False,
                  per_sample_weights=None, include_last_offset=False, padding_idx=None):
    """torch.embedding_bag: (output, offset2bag, bag_size, max_indices); mode 0 sum, 1 mean,
    2 max.  Bags are contiguous runs of ``indices`` starting at ``offsets``."""
    _check_indices(indices, "embedding_bag")
    be = weight._device._backend
    xp = be.xp
    w = weight._data
    n, dim = w.shape
    idx, bag, nbags = _bag_inputs(weight, indices, offsets, include_last_offset)
    bad = (idx < 0) | (idx >= n)
    if bad.any():
        k = int(xp.argmax(bad))
        raise _errors.embedding_bag_index_range(k, n, idx)
    keep = idx != padding_idx if padding_idx is not None and padding_idx >= 0 else None
    kidx, kbag = (idx, bag) if keep is None else (idx[keep], bag[keep])
    rows = w[kidx]
    psw = per_sample_weights
    scale = None
    if psw is not None:
        scale = psw._data.reshape(-1) if keep is None else psw._data.reshape(-1)[keep]
    counts = xp.bincount(kbag, minlength=nbags)[:nbags]
    argmax = None
    if mode == 2:
        out, argmax = be.segment_max(rows, kbag, nbags)
        argmax = xp.where(argmax >= 0, kidx[xp.maximum(argmax, 0)], -1)
    else:
        if scale_grad_by_freq:
            freq = 1.0 / xp.bincount(kidx, minlength=n)[kidx]
            scale = freq if scale is None else scale * freq
        if mode == 1:
            per = 1.0 / xp.maximum(counts, 1)[kbag]
            scale = per if scale is None else scale * per
        out = xp.zeros((nbags, dim), w.dtype)
        be.scatter_add(out, kbag, rows if scale is None else rows * scale.astype(w.dtype)[:, None])
    res = _make(out, weight._dtype, weight._device)
    if _grad_on() and (weight._requires_grad or psw is not None and psw._requires_grad):
        psw_grad = psw is not None and psw._requires_grad
        record(res, EmbeddingBagBackward0, (weight, psw), (weight if psw_grad else None, psw),
               (kidx, kbag, nbags, mode, scale, argmax, slice(None) if keep is None else keep,
                w.shape, bool(sparse)))
    i64 = lambda a: _make(a.astype(np.int64), D.int64, weight._device)  # noqa: E731
    return (res, i64(bag), i64(counts), i64(argmax if argmax is not None
                                             else xp.zeros(nbags if mode == 1 else 0)))


# ---- one_hot --------------------------------------------------------------------------------------
@register("one_hot", method=False, differentiable=False, function=False)
def one_hot(input, num_classes=-1):
    if input._dtype is not D.int64:
        raise _errors.one_hot_dtype()
    x = input._data
    xp = input._device._backend.xp
    if num_classes == -1:
        if x.size == 0:
            raise _errors.one_hot_empty()
        num_classes = int(x.max()) + 1
    if x.size:
        if int(x.min()) < 0:
            raise _errors.one_hot_negative()
        if int(x.max()) >= num_classes:
            raise _errors.one_hot_too_large()
    r = (x[..., None] == xp.arange(num_classes)).astype(np.int64)
    return _make(r, D.int64, input._device)


# ---- bilinear -------------------------------------------------------------------------------------
@register("bilinear", autocast={"cuda": "promote"},
          method=False, nodes=("AddBackward0", "ViewBackward0"))
def bilinear(input1, input2, weight, bias=None):
    """y[n, o] = x1[n] W[o] x2[n] + b[o]: one GEMM with the weight as (in1, out * in2), then a
    batched matrix-vector product with x2."""
    out_f, in1, in2 = weight._data.shape
    if input1._data.shape[-1] != in1:
        raise _errors.bilinear_input_size(1, in1, input1._data.shape[-1])
    if input2._data.shape[-1] != in2:
        raise _errors.bilinear_input_size(2, in2, input2._data.shape[-1])
    if input1._data.shape[:-1] != input2._data.shape[:-1]:
        raise _errors.bilinear_batch_dims(input1, input2)
    lead = input1._data.shape[:-1]
    x1 = input1.reshape(-1, in1)
    x2 = input2.reshape(-1, in2)
    t = L.mm(x1, weight.permute(1, 0, 2).reshape(in1, out_f * in2))
    y = L.bmm(t.view(-1, out_f, in2), x2.unsqueeze(-1)).view(lead + (out_f,))
    return y if bias is None else P.add(y, bias)
