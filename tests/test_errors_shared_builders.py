"""The error builders that now serve several call sites (one builder per message template, the
differing word an argument) raise torch's type with torch's text at every one of them."""
import importlib
import warnings

import pytest

import ember
from tests._compare_ops import check_error

torch = pytest.importorskip("torch")


def _nn(T):
    return T.nn


def _F(T):
    return T.nn.functional


ERRORS = {
    "fliplr": lambda T: T.fliplr(T.ones(3)),
    "flipud": lambda T: T.flipud(T.tensor(1.)),
    "bilinear_input1": lambda T: _F(T).bilinear(T.ones(2, 3), T.ones(2, 4), T.ones(5, 4, 4)),
    "bilinear_input2": lambda T: _F(T).bilinear(T.ones(2, 4), T.ones(2, 3), T.ones(5, 4, 4)),
    "cosine_1d_target": lambda T: _F(T).cosine_embedding_loss(T.ones(3), T.ones(3),
                                                              T.ones(3)),
    "cosine_0d_target": lambda T: _F(T).cosine_embedding_loss(T.ones(2, 3), T.ones(2, 3),
                                                              T.tensor(1.)),
    "parameter_list_called": lambda T: _nn(T).ParameterList()(),
    "parameter_dict_called": lambda T: _nn(T).ParameterDict()(),
    "conv_in_channels": lambda T: _nn(T).Conv2d(3, 4, 3, groups=2),
    "conv_out_channels": lambda T: _nn(T).Conv2d(4, 3, 3, groups=2),
    "lazy_conv_groups": lambda T: _nn(T).LazyConv2d(4, 3, groups=3)(T.ones(1, 4, 5, 5)),
    "rnn_input_size": lambda T: _nn(T).RNN(0, 3),
    "rnn_hidden_size": lambda T: _nn(T).RNN(3, 0),
    "bce_input": lambda T: _F(T).binary_cross_entropy(T.full((3,), 2.), T.ones(3)),
    "bce_target": lambda T: _F(T).binary_cross_entropy(T.full((3,), .5), T.full((3,), 2.)),
    "unbind_0d": lambda T: T.unbind(T.tensor(1.)),
    "fft_0d": lambda T: T.fft.fft(T.tensor(1.)),
    "size_twice": lambda T: T.zeros(2, size=(2,)),
    "index_add_count": lambda T: T.zeros(3, 4).index_add(0, T.tensor([0, 1]), T.ones(3, 4)),
    "index_reduce_count": lambda T: T.zeros(3, 4).index_reduce(0, T.tensor([0, 1]),
                                                               T.ones(3, 4), "prod"),
    "rnn_cell_input": lambda T: _nn(T).GRUCell(3, 4)(T.ones(1, 2, 3)),
    "rnn_cell_hidden": lambda T: _nn(T).GRUCell(3, 4)(T.ones(2, 3), T.ones(1, 2, 4)),
    "rnn_cell_hx": lambda T: _nn(T).LSTMCell(3, 4)(T.ones(2, 3), (T.ones(2, 4),
                                                                  T.ones(1, 2, 4))),
    "triplet_margin": lambda T: _nn(T).TripletMarginLoss(margin=0.),
    "triplet_distance_margin": lambda T: _nn(T).TripletMarginWithDistanceLoss(margin=-1.),
    "module_dict_update": lambda T: _nn(T).ModuleDict().update(3),
    "parameter_dict_update": lambda T: _nn(T).ParameterDict().update(3),
    "module_list_extend": lambda T: _nn(T).ModuleList().extend(3),
    "parameter_list_extend": lambda T: _nn(T).ParameterList().extend(3),
    "nll_weight": lambda T: _F(T).nll_loss(T.ones(2, 3), T.tensor([0, 1]), weight=T.ones(2)),
    "cross_entropy_weight": lambda T: _F(T).cross_entropy(T.ones(2, 3), T.tensor([0, 1]),
                                                          weight=T.ones(2)),
    "adaptive_log_softmax_target": lambda T: _nn(T).AdaptiveLogSoftmaxWithLoss(
        4, 10, [5])(T.ones(2, 4), T.zeros(2, 2, dtype=T.long)),
}


def _scheduler_error(T, name, **kw):
    opt = T.optim.SGD([T.nn.Parameter(T.ones(1))], lr=0.1)
    getattr(T.optim.lr_scheduler, name)(opt, **kw)


def _hook_error(T, pre):
    m = T.nn.Linear(2, 2)
    if pre:
        m.register_full_backward_pre_hook(lambda mod, go: (go[0], go[0]))
    else:
        m.register_full_backward_hook(lambda mod, gi, go: (gi[0], gi[0]))
    m(T.ones(1, 2, requires_grad=True)).sum().backward()


def _prune_error(T, on_module):
    prune = importlib.import_module(T.__name__ + ".nn.utils.prune")
    if on_module:
        prune.l1_unstructured(T.nn.Linear(2, 3), "weight", amount=1, importance_scores=T.ones(2))
    else:
        prune.L1Unstructured(amount=1).prune(T.ones(3), importance_scores=T.ones(2))


def _mha(T, **kw):
    """``multi_head_attention_forward`` on (L=3, N=2, E=4) with two heads, ``kw`` replacing."""
    x = T.ones(3, 2, 4)
    args = dict(embed_dim_to_check=4, num_heads=2, in_proj_weight=T.ones(12, 4),
                in_proj_bias=T.zeros(12), bias_k=None, bias_v=None, add_zero_attn=False,
                dropout_p=0., out_proj_weight=T.ones(4, 4), out_proj_bias=T.zeros(4))
    _F(T).multi_head_attention_forward(x, x, x, **{**args, **kw})


ERRORS["mha_bias_v_missing"] = lambda T: _mha(T, bias_k=T.ones(1, 1, 4))
ERRORS["mha_bias_k_missing"] = lambda T: _mha(T, bias_v=T.ones(1, 1, 4))
ERRORS["mha_static_size0"] = lambda T: _mha(T, static_k=T.ones(5, 3, 2))
ERRORS["mha_static_size2"] = lambda T: _mha(T, static_v=T.ones(4, 3, 3))
ERRORS["mha_attn_mask_2d"] = lambda T: _mha(T, attn_mask=T.zeros(2, 2, dtype=T.bool))
ERRORS["mha_attn_mask_3d"] = lambda T: _mha(T, attn_mask=T.zeros(5, 3, 3, dtype=T.bool))
ERRORS["backward_hook_count"] = lambda T: _hook_error(T, False)
ERRORS["backward_pre_hook_count"] = lambda T: _hook_error(T, True)
ERRORS["prune_importance_parameter"] = lambda T: _prune_error(T, True)
ERRORS["prune_importance_tensor"] = lambda T: _prune_error(T, False)
ERRORS["constant_factor"] = lambda T: _scheduler_error(T, "ConstantLR", factor=2.)
ERRORS["linear_end_factor"] = lambda T: _scheduler_error(T, "LinearLR", end_factor=2.)


@pytest.mark.parametrize("name", list(ERRORS))
def test_shared_builder_raises_torchs_error(name):
    check_error(ERRORS[name])


WARNINGS = {
    "upsample": lambda T: _F(T).upsample(T.ones(1, 1, 2), scale_factor=2),
    "upsample_nearest": lambda T: _F(T).upsample_nearest(T.ones(1, 1, 2), scale_factor=2),
    "upsample_bilinear": lambda T: _F(T).upsample_bilinear(T.ones(1, 1, 2, 2), scale_factor=2),
    "dropout2d_dims": lambda T: _F(T).dropout2d(T.ones(2, 2)),
    "dropout3d_dims": lambda T: _F(T).dropout3d(T.ones(2, 2)),
    "hardtanh_min_value": lambda T: _nn(T).Hardtanh(min_value=-2.),
    "hardtanh_max_value": lambda T: _nn(T).Hardtanh(max_value=2.),
}


def _warned(fn, T):
    with warnings.catch_warnings(record=True) as got:
        warnings.simplefilter("always")
        fn(T)
    return [(w.category, str(w.message)) for w in got]


@pytest.mark.parametrize("name", list(WARNINGS))
def test_shared_builder_warns_as_torch(name):
    assert _warned(WARNINGS[name], ember) == _warned(WARNINGS[name], torch)
