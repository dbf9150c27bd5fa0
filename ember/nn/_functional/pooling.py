"""nn.functional: max/avg/adaptive/lp pooling, max_unpool (ops in ``ember._ops.nn_pool``)."""
from ..._ops._core import autocast_rule
from ... import _errors
from ..._ops import nn_pool as P
from ..._ops.nn_pool import (max_pool1d, max_pool2d, max_pool3d, avg_pool1d,
                             adaptive_avg_pool1d, adaptive_max_pool1d)

__all__ = ["max_pool1d", "max_pool2d", "max_pool3d", "max_pool1d_with_indices",
           "max_pool2d_with_indices", "max_pool3d_with_indices", "avg_pool1d", "avg_pool2d",
           "avg_pool3d", "adaptive_avg_pool1d", "adaptive_avg_pool2d", "adaptive_avg_pool3d",
           "adaptive_max_pool1d", "adaptive_max_pool2d", "adaptive_max_pool3d",
           "adaptive_max_pool1d_with_indices", "adaptive_max_pool2d_with_indices",
           "adaptive_max_pool3d_with_indices", "max_unpool1d", "max_unpool2d", "max_unpool3d",
           "lp_pool1d", "lp_pool2d", "lp_pool3d"]


def max_pool1d_with_indices(input, kernel_size, stride=None, padding=0, dilation=1,
                            ceil_mode=False, return_indices=False):
    return max_pool1d(input, kernel_size, stride, padding, dilation, ceil_mode, True)


def max_pool2d_with_indices(input, kernel_size, stride=None, padding=0, dilation=1,
                            ceil_mode=False, return_indices=False):
    return max_pool2d(input, kernel_size, stride, padding, dilation, ceil_mode, True)


def max_pool3d_with_indices(input, kernel_size, stride=None, padding=0, dilation=1,
                            ceil_mode=False, return_indices=False):
    return max_pool3d(input, kernel_size, stride, padding, dilation, ceil_mode, True)


def avg_pool2d(input, kernel_size, stride=None, padding=0, ceil_mode=False,
               count_include_pad=True, divisor_override=None):
    return P.avg_pool_nd(input, 2, kernel_size, stride, padding, ceil_mode, count_include_pad,
                         divisor_override)


@autocast_rule({"cpu": "fp32"})
def avg_pool3d(input, kernel_size, stride=None, padding=0, ceil_mode=False,
               count_include_pad=True, divisor_override=None):
    return P.avg_pool_nd(input, 3, kernel_size, stride, padding, ceil_mode, count_include_pad,
                         divisor_override)


def adaptive_avg_pool2d(input, output_size):
    return P.adaptive_avg_pool_nd(input, 2, output_size)


@autocast_rule({"cpu": "fp32"})
def adaptive_avg_pool3d(input, output_size):
    return P.adaptive_avg_pool_nd(input, 3, output_size)


def adaptive_max_pool2d(input, output_size, return_indices=False):
    return P.adaptive_max_pool_nd(input, 2, output_size, return_indices)


@autocast_rule({"cpu": "fp32"})
def adaptive_max_pool3d(input, output_size, return_indices=False):
    return P.adaptive_max_pool_nd(input, 3, output_size, return_indices)


def adaptive_max_pool1d_with_indices(input, output_size, return_indices=False):
    return adaptive_max_pool1d(input, output_size, True)


def adaptive_max_pool2d_with_indices(input, output_size, return_indices=False):
    return adaptive_max_pool2d(input, output_size, True)


def adaptive_max_pool3d_with_indices(input, output_size, return_indices=False):
    return adaptive_max_pool3d(input, output_size, True)


def _unpool_size(input, nsp, kernel_size, stride, padding, output_size):
    """Default unpooled size (inverse of the pooling size formula), or ``output_size``."""
    ks = P.ntuple(kernel_size, nsp, "kernel_size")
    s = ks if stride is None else P.ntuple(stride, nsp, "stride")
    p = P.ntuple(padding, nsp, "padding")
    sp = input.shape[-nsp:]
    default = tuple((i - 1) * si - 2 * pi + k for i, si, pi, k in zip(sp, s, p, ks))
    if output_size is None:
        return default
    out = tuple(output_size)[-nsp:]
    for o, dflt, si in zip(out, default, s):
        if not dflt - si < o < dflt + si:
            raise _errors.adaptive_output_size_range(output_size, out, dflt, si)
    return out


def _max_unpool(nsp):
    def fn(input, indices, kernel_size, stride=None, padding=0, output_size=None):
        out = _unpool_size(input, nsp, kernel_size, stride, padding, output_size)
        if nsp == 1:
            return P.max_unpool_nd(input.unsqueeze(-1), indices.unsqueeze(-1), 2,
                                   out + (1,)).squeeze(-1)
        return P.max_unpool_nd(input, indices, nsp, out)
    fn.__name__ = fn.__qualname__ = f"max_unpool{nsp}d"
    return fn


max_unpool1d = _max_unpool(1)
max_unpool2d = _max_unpool(2)
max_unpool3d = _max_unpool(3)


def _lp_pool(nsp, avg):
    def fn(input, norm_type, kernel_size, stride=None, ceil_mode=False):
        if norm_type == float("inf"):
            return _MAX[nsp](input.abs(), kernel_size, stride, 0, 1, ceil_mode)
        ks = P.ntuple(kernel_size, nsp, "kernel_size")
        out = avg(input.pow(norm_type), ks, stride, 0, ceil_mode)
        area = 1
        for k in ks:
            area *= k
        return (out.sign() * out.abs().clamp_min(0)).mul(area).pow(1.0 / norm_type)
    fn.__name__ = fn.__qualname__ = f"lp_pool{nsp}d"
    return fn


_MAX = {1: max_pool1d, 2: max_pool2d, 3: max_pool3d}
lp_pool1d = _lp_pool(1, lambda x, ks, s, p, c: avg_pool1d(x, ks, s, p, c))
lp_pool2d = _lp_pool(2, avg_pool2d)
lp_pool3d = _lp_pool(3, avg_pool3d)
