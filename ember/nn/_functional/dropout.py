"""nn.functional: dropout, channel-wise dropout and alpha dropout (ops in ``_ops.nn_basic``)."""
import warnings

from ... import _errors
from ..._ops import nn_basic as B

__all__ = ["dropout", "alpha_dropout", "dropout1d", "dropout2d", "dropout3d",
           "feature_alpha_dropout"]


def _check_p(p):
    if p < 0.0 or p > 1.0:
        raise _errors.dropout_probability(p, ValueError)


def _run(op, op_, input, p, training, inplace):
    _check_p(p)
    return (op_ if inplace else op)(input, p, training)


def dropout(input, p=0.5, training=True, inplace=False):
    return _run(B.dropout, B.dropout_, input, p, training, inplace)


def alpha_dropout(input, p=0.5, training=False, inplace=False):
    return _run(B.alpha_dropout, B.alpha_dropout_, input, p, training, inplace)


def feature_alpha_dropout(input, p=0.5, training=False, inplace=False):
    return _run(B.feature_alpha_dropout, B.feature_alpha_dropout_, input, p, training, inplace)


def _batched_feature_dropout(input, p, training, inplace, unbatched):
    """Channel-wise dropout; an unbatched input gets a batch dim of 1 for the mask."""
    if unbatched:
        input = input.unsqueeze(0)
    out = _run(B.feature_dropout, B.feature_dropout_, input, p, training, inplace)
    return out.squeeze(0) if unbatched else out


def dropout1d(input, p=0.5, training=True, inplace=False):
    _check_p(p)
    nd = input.dim()
    if nd not in (2, 3):
        raise _errors.dropout1d_dims(nd)
    return _batched_feature_dropout(input, p, training, inplace, nd == 2)


def dropout2d(input, p=0.5, training=True, inplace=False):
    _check_p(p)
    nd = input.dim()
    if nd not in (3, 4):
        warnings.warn(_errors.dropout_nd_dims(2, nd), stacklevel=2)
    if nd == 3:
        warnings.warn(_errors.dropout2d_3d_input(), stacklevel=2)
    return _batched_feature_dropout(input, p, training, inplace, False)


def dropout3d(input, p=0.5, training=True, inplace=False):
    _check_p(p)
    nd = input.dim()
    if nd not in (4, 5):
        warnings.warn(_errors.dropout_nd_dims(3, nd), stacklevel=2)
    return _batched_feature_dropout(input, p, training, inplace, nd == 4)
