"""softmax, log_softmax and softmin along one dim.

Computed after subtracting the max along the dim (so a slice holding +inf is nan throughout,
like PyTorch's); float16/bfloat16 in float32.
"""
from .. import _dtype as D
from .. import _errors
from ..autograd.graph import node_class, save_output
from ._core import register, record, _grad_on, grad_for, wrap
from .reduction import _FLOAT, _along, _lowp, _quiet


def _softmax_bwd(node, g):
    (y,) = node.saved()
    d, dt = node._args
    return (grad_for(y * (g - (g * y).sum(d, keepdim=True)), y._data.shape, dt),)


def _log_softmax_bwd(node, g):
    (y,) = node.saved()
    d, dt = node._args
    return (grad_for(g - y.exp() * g.sum(d, keepdim=True), y._data.shape, dt),)


SoftmaxBackward0 = node_class("SoftmaxBackward0", _softmax_bwd)
LogSoftmaxBackward0 = node_class("LogSoftmaxBackward0", _log_softmax_bwd)


def _softmax_common(input, dim, dtype, log):
    dt = input._dtype if dtype is None else D.to_dtype(dtype)
    x = input._data
    xp = input._device._backend.xp
    x1, axis = _along(x, dim, xp)
    if dt.category < _FLOAT:
        last = "lastdim_" if axis == x1.ndim - 1 else ""
        raise _errors.kernel_not_implemented(
            f"{'log_' if log else ''}softmax_{last}kernel_impl", dt)
    x1 = _lowp(x1.astype(dt.np, copy=False), dt)
    with _quiet(xp):   # (the array methods: less per-call overhead than xp.max / xp.sum)
        m = x1.max(axis=axis, keepdims=True) if x1.size else 0
        z = x1 - m   # unguarded, as in PyTorch: a +inf (or all -inf) slice gives nan
        e = xp.exp(z) if log else xp.exp(z, out=z)
        s = e.sum(axis=axis, keepdims=True)
        if log:
            r = xp.subtract(z, xp.log(s), out=z)
        else:
            r = xp.divide(e, s, out=e)
    res = wrap(r.reshape(x.shape), dt, input._device)
    if _grad_on() and input._requires_grad:
        node = record(res, LogSoftmaxBackward0 if log else SoftmaxBackward0, (input,), (None,),
                      (axis if x.ndim else (), input._dtype))
        save_output(node, res, 0)
    return res


@register("softmax", autocast={"cuda": "fp32_set_opt_dtype"},
          nodes=("SoftmaxBackward0",))
def softmax(input, dim, dtype=None):
    return _softmax_common(input, dim, dtype, False)


@register("log_softmax", autocast={"cuda": "fp32_set_opt_dtype"},
          nodes=("LogSoftmaxBackward0",))
def log_softmax(input, dim, dtype=None):
    return _softmax_common(input, dim, dtype, True)


@register("softmin", method=False, nodes=("SoftmaxBackward0",), function=False)
def softmin(input, dim, dtype=None):
    """softmax(-input): what ``nn.functional.softmin`` computes (not a torch function)."""
    if dtype is not None:
        input = input.to(dtype)
    return _softmax_common(-input, dim, None, False)

