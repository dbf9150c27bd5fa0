"""``NLLLoss2d`` (torch's deprecated alias of ``NLLLoss``) and ``LinearCrossEntropyLoss``
(a bias-optional linear layer fused with cross entropy); both re-exported by ``loss``."""
import math
import warnings

from ... import _errors
from .. import functional as F
from .linear import Linear
from .loss import NLLLoss, _WeightedLoss

__all__ = ["NLLLoss2d", "LinearCrossEntropyLoss"]


class NLLLoss2d(NLLLoss):
    def __init__(self, weight=None, size_average=None, ignore_index=-100, reduce=None,
                 reduction="mean"):
        warnings.warn(_errors.nllloss2d_deprecated(), stacklevel=2)
        super().__init__(weight, size_average, ignore_index, reduce, reduction)


class LinearCrossEntropyLoss(_WeightedLoss):
    """``cross_entropy(linear(input), target)`` with the linear layer as a submodule: its
    ``num_classes * prod(out_features)`` outputs are viewed as ``(num_classes,
    *out_features)`` class scores."""
    __constants__ = ["num_classes", "out_features", "reduction", "ignore_index",
                     "label_smoothing"]

    def __init__(self, in_features, num_classes, *, out_features=(), bias=False, device=None,
                 dtype=None, reduction="mean", weight=None, ignore_index=None,
                 label_smoothing=0.0, options=None):
        if weight is not None and weight.shape != (num_classes,):
            raise _errors.lce_weight_shape(num_classes, tuple(weight.shape))
        if label_smoothing < 0 or label_smoothing > 1.0:
            raise _errors.lce_label_smoothing(label_smoothing)
        super().__init__(weight=weight, reduction=reduction)
        self.num_classes = num_classes
        self.out_features = out_features
        self.ignore_index = ignore_index
        self.label_smoothing = label_smoothing
        self.linear = Linear(in_features, math.prod(out_features, start=num_classes), bias=bias,
                             device=device, dtype=dtype)
        self.options = options

    def forward(self, input, target):
        shape = (self.num_classes, *self.out_features)
        bias = self.linear.bias
        return F.linear_cross_entropy(
            input, self.linear.weight.reshape((*shape, self.linear.in_features)), target,
            linear_bias=bias.reshape(shape) if bias is not None else None, weight=self.weight,
            reduction=self.reduction, ignore_index=self.ignore_index,
            label_smoothing=self.label_smoothing, options=self.options)

    def extra_repr(self):
        return (f"in_features={self.linear.in_features}, num_classes={self.num_classes}, "
                f"out_features={self.out_features}, bias={self.linear.bias is not None}, "
                f"reduction={self.reduction}, ignore_index={self.ignore_index}, "
                f"label_smoothing={self.label_smoothing}, options={self.options}")
