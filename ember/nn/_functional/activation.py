"""nn.functional: activations.

The fused kernels (one autograd node each, named like PyTorch's) are ops in
``ember._ops.nn_basic``; ``softsign`` and ``tanhshrink`` are composites in PyTorch too, and the
softmax family reuses the reduction ops.
"""
import warnings

from ... import _errors
from ..._ops import nn_basic as B, pointwise as P, softmax as S

__all__ = ["threshold", "threshold_", "relu", "relu_", "relu6", "elu", "elu_", "selu", "selu_",
           "celu", "celu_", "leaky_relu", "leaky_relu_", "prelu", "rrelu", "rrelu_", "glu",
           "gelu", "logsigmoid", "hardshrink", "tanhshrink", "softsign", "softplus", "softmin",
           "softmax", "log_softmax", "softshrink", "gumbel_softmax", "tanh", "sigmoid",
           "hardsigmoid", "silu", "mish", "hardswish", "hardtanh", "hardtanh_"]

sigmoid = P.sigmoid
tanh = P.tanh
relu_ = P.relu_
elu_ = B.elu_
selu_ = B.selu_
celu_ = B.celu_
leaky_relu_ = B.leaky_relu_
hardtanh_ = B.hardtanh_
threshold_ = B.threshold_
rrelu_ = B.rrelu_
prelu = B.prelu
glu = B.glu
logsigmoid = B.log_sigmoid
softshrink = B.softshrink
hardshrink = B.hardshrink


def _pick(inplace, op, op_):
    return op_ if inplace else op


def threshold(input, threshold, value, inplace=False):
    return _pick(inplace, B.threshold, B.threshold_)(input, threshold, value)


def relu(input, inplace=False):
    return _pick(inplace, P.relu, P.relu_)(input)


def hardtanh(input, min_val=-1.0, max_val=1.0, inplace=False):
    return _pick(inplace, B.hardtanh, B.hardtanh_)(input, min_val, max_val)


def relu6(input, inplace=False):
    return hardtanh(input, 0.0, 6.0, inplace)


def elu(input, alpha=1.0, inplace=False):
    return B.elu_(input, alpha) if inplace else B.elu(input, alpha)


def selu(input, inplace=False):
    return _pick(inplace, B.selu, B.selu_)(input)


def celu(input, alpha=1.0, inplace=False):
    return _pick(inplace, B.celu, B.celu_)(input, alpha)


def leaky_relu(input, negative_slope=0.01, inplace=False):
    return _pick(inplace, B.leaky_relu, B.leaky_relu_)(input, negative_slope)


def rrelu(input, lower=1.0 / 8, upper=1.0 / 3, training=False, inplace=False):
    return _pick(inplace, B.rrelu, B.rrelu_)(input, lower, upper, training)


def gelu(input, approximate="none"):
    return B.gelu(input, approximate)


def silu(input, inplace=False):
    return B._silu_(input) if inplace else B.silu(input)


def mish(input, inplace=False):
    return B._mish_(input) if inplace else B.mish(input)


def hardsigmoid(input, inplace=False):
    return B._hardsigmoid_(input) if inplace else B.hardsigmoid(input)


def hardswish(input, inplace=False):
    return B._hardswish_(input) if inplace else B.hardswish(input)


def softplus(input, beta=1.0, threshold=20.0):
    return B.softplus(input, beta, threshold)


def softsign(input):
    return input / (input.abs() + 1)


def tanhshrink(input):
    return input - input.tanh()


def _get_softmax_dim(name, ndim, stacklevel):
    warnings.warn(_errors.softmax_implicit_dim(name), stacklevel=stacklevel)
    return 0 if ndim in (0, 1, 3) else 1


def softmax(input, dim=None, _stacklevel=3, dtype=None):
    if dim is None:
        dim = _get_softmax_dim("softmax", input.dim(), _stacklevel)
    return S.softmax(input, dim, dtype)


def log_softmax(input, dim=None, _stacklevel=3, dtype=None):
    if dim is None:
        dim = _get_softmax_dim("log_softmax", input.dim(), _stacklevel)
    return S.log_softmax(input, dim, dtype)


def softmin(input, dim=None, _stacklevel=3, dtype=None):
    if dim is None:
        dim = _get_softmax_dim("softmin", input.dim(), _stacklevel)
    return S.softmin(input, dim, dtype)


def gumbel_softmax(logits, tau=1.0, hard=False, eps=1e-10, dim=-1):
    """Softmax of (logits + Gumbel noise) / tau; ``hard`` gives one-hot samples with the soft
    sample's gradient (straight-through)."""
    from ..._ops import creation as C
    gumbels = -C.empty_like(logits).exponential_().log()
    y_soft = S.softmax((logits + gumbels) / tau, dim)
    if not hard:
        return y_soft
    index = y_soft.max(dim, keepdim=True)[1]
    y_hard = C.zeros_like(logits).scatter_(dim, index, 1.0)
    return y_hard - y_soft.detach() + y_soft
