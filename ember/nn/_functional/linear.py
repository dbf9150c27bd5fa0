"""nn.functional: linear and bilinear.

``linear`` follows ATen's dispatch so that graphs and errors match PyTorch's: a 2-D input with
a bias is one ``addmm``; other contiguous inputs with a contiguous bias that is 1-D (once
squeezed) are flattened to 2-D, ``addmm``-ed and viewed back; everything else is ``matmul``
(+ bias, added in place).
"""
from ..._ops._core import autocast_rule
from ..._ops import linalg as L, pointwise as P
from ..._ops.nn_basic import bilinear

__all__ = ["linear", "bilinear"]


@autocast_rule("lower_precision_fp")
def linear(input, weight, bias=None):
    nd = input._data.ndim
    if bias is None:
        return L.matmul(input, weight.t())
    if nd == 2:
        return L.addmm(bias, input, weight.t())
    bias_shape = bias._data.shape
    if input.is_contiguous() and bias.is_contiguous() and \
            (len(bias_shape) == 1 or sum(s != 1 for s in bias_shape) == 1):
        shape = input._data.shape
        out = L.addmm(bias, input.view(-1, shape[-1] if nd else 1), weight.t())
        return out.view(shape[:-1] + (out._data.shape[-1],))
    return P.add_(L.matmul(input, weight.t()), bias)
