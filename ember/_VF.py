"""``torch._VF``: torch's native functions by name, as older and lower-level code calls them
(``_VF.lstm(...)`` in weight-dropped LSTMs, ``_VF.einsum``, ``torch.lstm_cell``).

Most are Ember's top-level functions, found by name.  Defined here are the native forms
torch's Python layers wrap: the whole recurrent networks and single cells taking flat
weights, the losses taking ``reduction`` as an int (0 none, 1 mean, 2 sum), ``instance_norm``
and ``native_dropout`` with torch's argument order, and a few norms.  Ember exposes them at the
top level too, as torch does.
"""
import importlib
import warnings

from . import _errors
from . import linalg as _linalg
from .nn import functional as _F
from .nn._functional.loss import kl_div_reduced
from .nn.modules.rnn import STEPS as _STEPS, _input_projection, _rnn_impl

__all__ = ["lstm", "gru", "rnn_tanh", "rnn_relu", "lstm_cell", "gru_cell", "rnn_tanh_cell",
           "rnn_relu_cell", "kl_div", "cosine_embedding_loss", "hinge_embedding_loss",
           "margin_ranking_loss", "poisson_nll_loss", "triplet_margin_loss", "instance_norm",
           "native_dropout", "max_pool1d_with_indices", "frobenius_norm", "nuclear_norm",
           "norm_except_dim"]


# ---- recurrent networks and cells ---------------------------------------------------------------
def _network(mode):
    """The native ``lstm`` / ``gru`` / ``rnn_*``: ``(input, hx, params, has_biases, num_layers,
    dropout, train, bidirectional, batch_first)``, or for packed rows ``(data, batch_sizes, hx,
    params, has_biases, num_layers, dropout, train, bidirectional)``.  ``hx`` is ``[h0, c0]``
    for an LSTM; returns the output and the final states."""
    def network(input, *args):
        if isinstance(args[2], (list, tuple)):      # packed rows: (batch_sizes, hx, params...)
            batch_sizes, hx, params, has_biases, num_layers, dropout, train, bidir = args
            rows, bsizes, padded, batch_first = input, batch_sizes.tolist(), False, False
        else:
            hx, params, has_biases, num_layers, dropout, train, bidir, batch_first = args
            seq = input.transpose(0, 1) if batch_first else input
            rows, bsizes, padded = seq.reshape(-1, seq.size(2)), [seq.size(1)] * seq.size(0), True
        state = tuple(hx) if mode == "LSTM" else (hx,)
        out, state = _rnn_impl(mode, rows, bsizes, state, list(params), has_biases, num_layers,
                               dropout, train, bidir, padded=padded)
        if padded:
            out = out.view(seq.size(0), seq.size(1), -1)
            out = out.transpose(0, 1) if batch_first else out
        return (out, *state)
    network.__name__ = network.__qualname__ = mode.lower()
    return network


lstm, gru = _network("LSTM"), _network("GRU")
rnn_tanh, rnn_relu = _network("RNN_TANH"), _network("RNN_RELU")


def _cell(mode):
    """One step of a cell from its weights: ``(input, hx, w_ih, w_hh, b_ih=None,
    b_hh=None)``; an LSTM's ``hx`` is ``[h, c]`` and it returns ``(h, c)``."""
    def cell(input, hx, w_ih, w_hh, b_ih=None, b_hh=None):
        gi = _input_projection(mode, input, w_ih, b_ih, b_hh)
        state = _STEPS[mode](gi, tuple(hx) if mode == "LSTM" else (hx,),
                             (w_hh.t(), b_hh if mode == "GRU" else None, None))
        return state if mode == "LSTM" else state[0]
    cell.__name__ = cell.__qualname__ = mode.lower() + "_cell"
    return cell


lstm_cell, gru_cell = _cell("LSTM"), _cell("GRU")
rnn_tanh_cell, rnn_relu_cell = _cell("RNN_TANH"), _cell("RNN_RELU")


# ---- losses with an int reduction, normalization, dropout, pooling ------------------------------
_REDUCTIONS = ("none", "mean", "sum")


def kl_div(input, target, reduction=1, *, log_target=False):
    return kl_div_reduced(input, target, _REDUCTIONS[reduction], log_target)


def cosine_embedding_loss(input1, input2, target, margin=0.0, reduction=1):
    return _F.cosine_embedding_loss(input1, input2, target, margin,
                                    reduction=_REDUCTIONS[reduction])


def hinge_embedding_loss(input, target, margin=1.0, reduction=1):
    return _F.hinge_embedding_loss(input, target, margin, reduction=_REDUCTIONS[reduction])


def margin_ranking_loss(input1, input2, target, margin=0.0, reduction=1):
    return _F.margin_ranking_loss(input1, input2, target, margin,
                                  reduction=_REDUCTIONS[reduction])


def poisson_nll_loss(input, target, log_input, full, eps, reduction):
    return _F.poisson_nll_loss(input, target, log_input, full, eps=eps,
                               reduction=_REDUCTIONS[reduction])


def triplet_margin_loss(anchor, positive, negative, margin=1.0, p=2.0, eps=1e-6, swap=False,
                        reduction=1):
    return _F.triplet_margin_loss(anchor, positive, negative, margin, p, eps, swap,
                                  reduction=_REDUCTIONS[reduction])


def instance_norm(input, weight, bias, running_mean, running_var, use_input_stats, momentum,
                  eps, cudnn_enabled):
    return _F.instance_norm(input, running_mean, running_var, weight, bias, use_input_stats,
                            momentum, eps)


def native_dropout(input, p, train):
    """``(output, mask)``: the kept elements scaled by 1 / (1 - p), and the bool mask of the
    kept ones (drawn as ``F.dropout`` draws them); ``train=False`` keeps everything."""
    if train is not None and not train:
        return input.clone(), input.new_ones(input.shape, dtype=bool)
    keep = input.new_empty(input.shape).bernoulli_(1 - p)
    return input.mul(keep).mul_(0.0 if p == 1 else 1.0 / (1 - p)), keep.bool()


def max_pool1d_with_indices(input, kernel_size, stride=(), padding=0, dilation=1,
                            ceil_mode=False):
    return _F.max_pool1d(input, kernel_size, stride or None, padding, dilation, ceil_mode,
                         return_indices=True)


# ---- norms --------------------------------------------------------------------------------------
def frobenius_norm(input, dim, keepdim=False):
    warnings.warn(_errors.DEPRECATED_NATIVE_NORM.format(
        "frobenius_norm", "linalg.vector_norm(A, 2., dim, keepdim)"), UserWarning, stacklevel=2)
    return _linalg.vector_norm(input, 2, dim, keepdim)


def nuclear_norm(input, dim=None, keepdim=False):
    """``nuclear_norm(input, keepdim=False)`` of a matrix, or over the two dims ``dim``."""
    warnings.warn(_errors.DEPRECATED_NATIVE_NORM.format(
        "nuclear_norm", "linalg.matrix_norm(A, 'nuc', dim, keepdim)"), UserWarning, stacklevel=2)
    if dim is None or isinstance(dim, bool):
        keepdim, dim = keepdim if dim is None else dim, (-2, -1)
    return _linalg.matrix_norm(input, "nuc", dim, keepdim)


def norm_except_dim(v, pow=2, dim=0):
    """The ``pow``-norm of ``v`` over every dim but ``dim`` (kept as size 1), as weight
    normalization takes it; ``dim=-1``: the norm of all of ``v``."""
    if dim == -1:
        return _linalg.vector_norm(v, pow)
    dims = tuple(d for d in range(v.dim()) if d != dim % v.dim())
    return _linalg.vector_norm(v, pow, dims, keepdim=True)


def __getattr__(name):
    """Every other native function is Ember's top-level one of that name."""
    ember = importlib.import_module(__package__)
    try:
        return getattr(ember, name)
    except AttributeError:
        raise _errors.module_attribute(__name__, name) from None
