"""Fold an eval-mode BatchNorm into the preceding Conv / Linear layer."""
import copy

from ... import _errors, _ops
from ..parameter import Parameter

__all__ = ["fuse_conv_bn_eval", "fuse_conv_bn_weights", "fuse_linear_bn_eval",
           "fuse_linear_bn_weights"]

_F = _ops.functions


def fuse_conv_bn_eval(conv, bn, transpose=False):
    """A copy of ``conv`` computing ``bn(conv(x))`` (both modules in eval mode)."""
    if conv.training or bn.training:
        raise _errors.fusion_eval_only()
    fused = copy.deepcopy(conv)
    if bn.running_mean is None or bn.running_var is None:
        raise _errors.fusion_running_stats()
    fused.weight, fused.bias = fuse_conv_bn_weights(
        fused.weight, fused.bias, bn.running_mean, bn.running_var, bn.eps, bn.weight, bn.bias,
        transpose)
    return fused


def fuse_conv_bn_weights(conv_w, conv_b, bn_rm, bn_rv, bn_eps, bn_w, bn_b, transpose=False):
    """The weight and bias of a convolution followed by batch norm, as Parameters."""
    w_dtype = conv_w.dtype
    b_dtype = conv_b.dtype if conv_b is not None else w_dtype
    conv_b = _F["zeros_like"](bn_rm) if conv_b is None else conv_b
    bn_w = _F["ones_like"](bn_rm) if bn_w is None else bn_w
    bn_b = _F["zeros_like"](bn_rm) if bn_b is None else bn_b
    rsqrt = (bn_rv + bn_eps).rsqrt()
    lead = [1, -1] if transpose else [-1, 1]
    shape = lead + [1] * (len(conv_w.shape) - 2)
    fused_w = (conv_w * (bn_w * rsqrt).reshape(shape)).to(dtype=w_dtype)
    fused_b = ((conv_b - bn_rm) * rsqrt * bn_w + bn_b).to(dtype=b_dtype)
    return Parameter(fused_w, conv_w.requires_grad), Parameter(fused_b, conv_b.requires_grad)


def fuse_linear_bn_eval(linear, bn):
    """A copy of ``linear`` computing ``bn(linear(x))`` (both modules in eval mode)."""
    if linear.training or bn.training:
        raise _errors.fusion_eval_only()
    if linear.out_features != bn.num_features and bn.num_features != 1:
        raise _errors.fusion_linear_features(linear.out_features, bn.num_features)
    if bn.running_mean is None or bn.running_var is None:
        raise _errors.fusion_running_stats()
    fused = copy.deepcopy(linear)
    fused.weight, fused.bias = fuse_linear_bn_weights(
        fused.weight, fused.bias, bn.running_mean, bn.running_var, bn.eps, bn.weight, bn.bias)
    return fused


def fuse_linear_bn_weights(linear_w, linear_b, bn_rm, bn_rv, bn_eps, bn_w, bn_b):
    """The weight and bias of a linear layer followed by batch norm, as Parameters."""
    linear_b = _F["zeros_like"](bn_rm) if linear_b is None else linear_b
    scale = bn_w * (bn_rv + bn_eps).rsqrt()
    fused_w = linear_w * scale.unsqueeze(-1)
    fused_b = (linear_b - bn_rm) * scale + bn_b
    return Parameter(fused_w, linear_w.requires_grad), Parameter(fused_b, linear_b.requires_grad)
