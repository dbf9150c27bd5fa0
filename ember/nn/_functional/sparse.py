"""nn.functional: embedding, embedding_bag, one_hot (ops in ``_ops.nn_basic``)."""
from ... import _errors
from ..._ops import nn_basic as B
from ...autograd import grad_mode

__all__ = ["embedding", "embedding_bag", "one_hot"]

one_hot = B.one_hot


def _padding_idx(padding_idx, num_embeddings):
    """PyTorch's normalisation: a negative index counts from the end (None stays None)."""
    if padding_idx is None:
        return None
    if padding_idx >= num_embeddings if padding_idx > 0 else padding_idx < -num_embeddings:
        raise _errors.padding_idx_range()
    return padding_idx + num_embeddings if padding_idx < 0 else padding_idx


def _renorm(weight, input, max_norm, norm_type):
    with grad_mode.no_grad():
        B.embedding_renorm_(weight, input, max_norm, norm_type)


def embedding(input, weight, padding_idx=None, max_norm=None, norm_type=2.0,
              scale_grad_by_freq=False, sparse=False):
    padding_idx = _padding_idx(padding_idx, weight.size(0))
    if max_norm is not None:
        _renorm(weight, input, max_norm, norm_type)
    return B.embedding(weight, input, -1 if padding_idx is None else padding_idx,
                       scale_grad_by_freq, sparse)


_MODES = {"sum": 0, "mean": 1, "max": 2}


def embedding_bag(input, weight, offsets=None, max_norm=None, norm_type=2, scale_grad_by_freq=False,
                  mode="mean", sparse=False, per_sample_weights=None, include_last_offset=False,
                  padding_idx=None):
    from ..._ops import creation as C
    if per_sample_weights is not None and input.size() != per_sample_weights.size():
        raise _errors.embedding_bag_weights_shape(input, per_sample_weights)
    if weight.dim() != 2:
        raise _errors.embedding_bag_weight_dims(weight)
    if input.dim() == 2:
        if offsets is not None:
            raise _errors.embedding_bag_2d_offsets(_type_name(offsets))
        offsets = C.arange(0, input.numel(), input.size(1), dtype=input.dtype,
                           device=input.device)
        input = input.reshape(-1)
        if per_sample_weights is not None:
            per_sample_weights = per_sample_weights.reshape(-1)
    elif input.dim() == 1:
        if offsets is None:
            raise _errors.embedding_bag_offsets_none()
        if offsets.dim() != 1:
            raise _errors.embedding_bag_offsets_dims()
    else:
        raise _errors.embedding_bag_input_dims(input)
    if mode not in _MODES:
        raise _errors.embedding_bag_mode()
    if mode == "max" and sparse:
        raise _errors.embedding_bag_max_sparse()
    if max_norm is not None:
        _renorm(weight, input, max_norm, norm_type)
    if per_sample_weights is not None and mode != "sum":
        raise _errors.embedding_bag_weights_mode(mode)
    padding_idx = _padding_idx(padding_idx, weight.size(0))
    return B.embedding_bag(weight, input, offsets, scale_grad_by_freq, _MODES[mode], sparse,
                           per_sample_weights, include_last_offset, padding_idx)[0]


def _type_name(obj):
    t = type(obj)
    return f"<class '{'torch' if t.__module__.startswith('ember') else t.__module__}.{t.__name__}'>"
