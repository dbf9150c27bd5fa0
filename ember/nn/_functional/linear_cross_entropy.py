"""``F.linear_cross_entropy``: the cross entropy of a linear projection's logits."""
import math

from ... import _errors
from .linear import linear
from .loss import cross_entropy

__all__ = ["linear_cross_entropy"]


def linear_cross_entropy(input, linear_weight, target, *, linear_bias=None, weight=None,
                         reduction="mean", ignore_index=None, label_smoothing=0.0,
                         options=None):
    """``cross_entropy(linear(input, linear_weight, linear_bias), target, ...)``.  A weight of
    shape (C, d_1, ..., d_K, in_features) gives K-dimensional logits (N, C, d_1, ..., d_K).
    ``options`` (a ``LinearCrossEntropyOptions``: torch's chunking strategy, which does not
    change the result) is accepted and ignored."""
    if not 1 <= input.dim() <= 2:
        raise _errors.lce_input_dim(input.dim())
    if linear_weight.dim() < 2:
        raise _errors.lce_weight_dim(linear_weight.dim())
    batches, in_features = tuple(input.shape[:-1]), input.shape[-1]
    if in_features != linear_weight.shape[-1]:
        raise _errors.lce_in_features(in_features, linear_weight.shape[-1])
    classes, out_features = linear_weight.shape[0], tuple(linear_weight.shape[1:-1])
    if linear_bias is not None and tuple(linear_bias.shape) != (classes, *out_features):
        raise _errors.lce_bias_shape((classes, *out_features), tuple(linear_bias.shape))
    if out_features and not batches:
        raise _errors.lce_unbatched(tuple(linear_weight.shape), in_features,
                                    tuple(input.shape))
    logits_shape = (*batches, classes, *out_features)
    if tuple(target.shape) == logits_shape and ignore_index is not None:
        raise _errors.lce_ignore_index_probabilities()
    if out_features:
        rows = math.prod(out_features, start=classes)
        linear_weight = linear_weight.reshape((rows, in_features))
        if linear_bias is not None:
            linear_bias = linear_bias.reshape(rows)
    logits = linear(input, linear_weight, linear_bias).reshape(logits_shape)
    return cross_entropy(logits, target, weight=weight, reduction=reduction,
                         ignore_index=-100 if ignore_index is None else ignore_index,
                         label_smoothing=label_smoothing)
