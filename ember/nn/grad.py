"""``torch.nn.grad``: the input and weight gradients of a convolution as functions
(``conv2d_input(input_size, weight, grad_output, ...)``), for code that writes its own
convolution backward.  Each is the convolution's own backward, taken through autograd, so the
result is differentiable again (with respect to the weight or input and ``grad_output``)."""
from .. import _errors
from .. import autograd
from ..autograd.grad_mode import enable_grad, is_grad_enabled
from . import functional as F

__all__ = ["conv1d_input", "conv1d_weight", "conv2d_input", "conv2d_weight", "conv3d_input",
           "conv3d_weight"]

_CONV = {1: F.conv1d, 2: F.conv2d, 3: F.conv3d}


def _backward(nd, x, w, grad_output, wrt, stride, padding, dilation, groups):
    """The gradient of ``conv{nd}d(x, w)`` with respect to ``wrt`` (x or w, a fresh zero leaf)
    for the output gradient ``grad_output``."""
    create = is_grad_enabled() and any(t.requires_grad for t in (x, w, grad_output)
                                       if t is not wrt)
    with enable_grad():     # (the caller's no_grad applies to the result, not to this backward)
        out = _CONV[nd](x, w, None, stride, padding, dilation, groups)
        if grad_output.shape != out.shape:
            dim = next((i for i, (a, b) in enumerate(zip(grad_output.shape, out.shape))
                        if a != b), min(grad_output.dim(), out.dim()) - 1)
            raise _errors.conv_grad_output_size(out.dim(), dim, out.shape[dim], grad_output)
        return autograd.grad(out, wrt, grad_output, create_graph=create)[0]


def _named(fn, nd, wrt):
    fn.__name__ = fn.__qualname__ = f"conv{nd}d_{wrt}"
    fn.__doc__ = f"The gradient of ``conv{nd}d`` with respect to its {wrt}, of the size given."
    return fn


def _input_grad(nd):
    def conv_input(input_size, weight, grad_output, stride=1, padding=0, dilation=1, groups=1):
        x = weight.new_zeros(tuple(input_size)).requires_grad_()
        return _backward(nd, x, weight, grad_output, x, stride, padding, dilation, groups)
    return _named(conv_input, nd, "input")


def _weight_grad(nd):
    def conv_weight(input, weight_size, grad_output, stride=1, padding=0, dilation=1, groups=1):
        w = input.new_zeros(tuple(weight_size)).requires_grad_()
        return _backward(nd, input, w, grad_output, w, stride, padding, dilation, groups)
    return _named(conv_weight, nd, "weight")


conv1d_input, conv2d_input, conv3d_input = (_input_grad(nd) for nd in (1, 2, 3))
conv1d_weight, conv2d_weight, conv3d_weight = (_weight_grad(nd) for nd in (1, 2, 3))
