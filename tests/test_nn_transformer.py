"""scaled_dot_product_attention, MultiheadAttention and the Transformer family vs PyTorch."""
import warnings

import numpy as np
import pytest

import ember
from tests.oracle.harness import compare

torch = pytest.importorskip("torch")
pytestmark = [pytest.mark.filterwarnings("ignore:Support for mismatched"),
              pytest.mark.filterwarnings("ignore:The PyTorch API of nested tensors")]
EF = ember.nn.functional
TF = torch.nn.functional


def _copy(em, tm):
    em.load_state_dict({k: ember.tensor(v.detach().cpu().numpy())
                        for k, v in tm.state_dict().items()})


def _close(a, b, tol=1e-10):
    compare(a, b, tol, tol)


def _both(x, grad=False):
    return ember.tensor(x, requires_grad=grad), torch.tensor(x, requires_grad=grad)


def _rand(*shape, seed=0):
    return np.random.default_rng(seed).standard_normal(shape)


def _backward_both(oe, ot, seed=99):
    w = _rand(*ot.shape, seed=seed)
    (oe * ember.tensor(w, dtype=oe.dtype)).sum().backward()
    (ot * torch.tensor(w, dtype=ot.dtype)).sum().backward()


# ---- scaled_dot_product_attention -----------------------------------------------------------
def _bool_mask(L, S, seed):
    m = np.random.default_rng(seed).random((L, S)) > 0.3
    m[:, 0] = True
    return m


@pytest.mark.parametrize("mask", [None, "bool", "float", "causal", "dead_row", "float_dead_row",
                                  "causal_more_queries", "batched_bool"])
def test_sdpa_matches_torch(mask):
    L = 7 if mask == "causal_more_queries" else 4
    q, k, v = _rand(2, 3, L, 8, seed=1), _rand(2, 3, 5, 8, seed=2), _rand(2, 3, 5, 6, seed=3)
    (qe, qt), (ke, kt), (ve, vt) = _both(q, True), _both(k, True), _both(v, True)
    kw = {}
    if mask == "bool":
        m = _bool_mask(4, 5, 4)
        kw_e, kw_t = dict(attn_mask=ember.tensor(m)), dict(attn_mask=torch.tensor(m))
    elif mask == "dead_row":
        m = _bool_mask(4, 5, 4)
        m[2] = False
        kw_e, kw_t = dict(attn_mask=ember.tensor(m)), dict(attn_mask=torch.tensor(m))
    elif mask == "float":
        m = _rand(4, 5, seed=5)
        kw_e, kw_t = dict(attn_mask=ember.tensor(m)), dict(attn_mask=torch.tensor(m))
    elif mask == "float_dead_row":
        m = _rand(4, 5, seed=5)
        m[1] = -np.inf
        kw_e, kw_t = dict(attn_mask=ember.tensor(m)), dict(attn_mask=torch.tensor(m))
    elif mask == "batched_bool":      # (N, 1, L, S), one sample's row 3 all masked
        m = np.stack([_bool_mask(4, 5, 6), _bool_mask(4, 5, 7)])[:, None]
        m[1, 0, 3] = False
        kw_e, kw_t = dict(attn_mask=ember.tensor(m)), dict(attn_mask=torch.tensor(m))
    elif mask in ("causal", "causal_more_queries"):
        kw_e = kw_t = dict(is_causal=True)
    else:
        kw_e = kw_t = kw
    oe = EF.scaled_dot_product_attention(qe, ke, ve, **kw_e)
    ot = TF.scaled_dot_product_attention(qt, kt, vt, **kw_t)
    _close(oe, ot)
    _backward_both(oe, ot)
    for a, b in [(qe, qt), (ke, kt), (ve, vt)]:
        _close(a.grad, b.grad)


def test_sdpa_scale_gqa_and_errors():
    q, k = _rand(1, 4, 3, 8, seed=1), _rand(1, 2, 5, 8, seed=2)
    (qe, qt), (ke, kt) = _both(q), _both(k)
    _close(EF.scaled_dot_product_attention(qe, ke, ke, scale=0.3, enable_gqa=True),
           TF.scaled_dot_product_attention(qt, kt, kt, scale=0.3, enable_gqa=True))
    m = np.ones((3, 5), bool)
    with pytest.raises(RuntimeError, match="Explicit attn_mask should not be set"):
        EF.scaled_dot_product_attention(qe, ke, ke, attn_mask=ember.tensor(m), is_causal=True)
    o = EF.scaled_dot_product_attention(qe[:, :2], ke, ke, dropout_p=0.5)
    assert tuple(o.shape) == (1, 2, 3, 8)


# ---- MultiheadAttention ---------------------------------------------------------------------
def _mha_pair(*args, **kw):
    torch.manual_seed(0)
    tm = torch.nn.MultiheadAttention(*args, **kw).double()
    em = ember.nn.MultiheadAttention(*args, **kw).double()
    _copy(em, tm)
    return em, tm


MHA_CONFIGS = [
    dict(),
    dict(batch_first=True),
    dict(bias=False),
    dict(add_bias_kv=True, add_zero_attn=True),
    dict(kdim=3, vdim=5),
]


@pytest.mark.parametrize("cfg", MHA_CONFIGS)
@pytest.mark.parametrize("need_weights,average", [(True, True), (True, False), (False, True)])
def test_mha_matches_torch(cfg, need_weights, average):
    em, tm = _mha_pair(8, 2, **cfg)
    assert repr(em) == repr(tm)
    assert list(em.state_dict()) == list(tm.state_dict())
    bf = cfg.get("batch_first", False)
    lead = (2, 4) if bf else (4, 2)
    src = (2, 5) if bf else (5, 2)
    q = _rand(*lead, 8, seed=1)
    k = _rand(*src, cfg.get("kdim", 8), seed=2)
    v = _rand(*src, cfg.get("vdim", 8), seed=3)
    (qe, qt), (ke, kt), (ve, vt) = _both(q, True), _both(k, True), _both(v, True)
    kpm = np.zeros((2, 5), bool)
    kpm[1, 3:] = True
    am = _rand(4, 5, seed=4)
    oe, we = em(qe, ke, ve, key_padding_mask=ember.tensor(kpm), attn_mask=ember.tensor(am),
                need_weights=need_weights, average_attn_weights=average)
    ot, wt = tm(qt, kt, vt, key_padding_mask=torch.tensor(kpm), attn_mask=torch.tensor(am),
                need_weights=need_weights, average_attn_weights=average)
    _close(oe, ot)
    if need_weights:
        _close(we, wt)
    else:
        assert we is None and wt is None
    _backward_both(oe, ot)
    for a, b in [(qe, qt), (ke, kt), (ve, vt)]:
        _close(a.grad, b.grad)
    for (n, pe), (_, pt) in zip(em.named_parameters(), tm.named_parameters()):
        _close(pe.grad, pt.grad)


@pytest.mark.parametrize("mask_kind", ["bool2d", "float3d", "causal"])
def test_mha_self_attention_masks(mask_kind):
    em, tm = _mha_pair(8, 2)
    x = _rand(4, 2, 8, seed=5)
    (xe, xt) = _both(x, True)
    if mask_kind == "bool2d":
        m = np.triu(np.ones((4, 4), bool), 1)
        me, mt = ember.tensor(m), torch.tensor(m)
        kw = {}
    elif mask_kind == "float3d":
        m = _rand(4, 4, 4, seed=6)
        me, mt = ember.tensor(m), torch.tensor(m)
        kw = {}
    else:
        me = ember.nn.Transformer.generate_square_subsequent_mask(4, dtype=ember.float64)
        mt = torch.nn.Transformer.generate_square_subsequent_mask(4, dtype=torch.float64)
        _close(me, mt)
        kw = dict(is_causal=True)
    for need in (True, False):
        oe, _ = em(xe, xe, xe, attn_mask=me, need_weights=need, **kw)
        ot, _ = tm(xt, xt, xt, attn_mask=mt, need_weights=need, **kw)
        _close(oe, ot)


def test_mha_unbatched_and_init():
    em, tm = _mha_pair(6, 3)
    x = _rand(4, 6, seed=7)
    (xe, xt) = _both(x)
    oe, we = em(xe, xe, xe)
    ot, wt = tm(xt, xt, xt)
    _close(oe, ot)
    _close(we, wt)
    fresh = ember.nn.MultiheadAttention(64, 4)
    w = fresh.in_proj_weight.detach().cpu().numpy()
    bound = np.sqrt(6 / (64 + 192))
    assert w.min() >= -bound and w.max() <= bound and abs(w.std() - bound / np.sqrt(3)) < 0.01
    assert not fresh.in_proj_bias.detach().cpu().numpy().any()
    assert not fresh.out_proj.bias.detach().cpu().numpy().any()
    assert type(fresh.out_proj).__name__ == "NonDynamicallyQuantizableLinear"


def test_mha_errors():
    with pytest.raises(AssertionError, match="embed_dim must be divisible by num_heads"):
        ember.nn.MultiheadAttention(7, 2)
    with pytest.raises(ValueError, match="embed_dim and num_heads must be greater than 0"):
        ember.nn.MultiheadAttention(0, 2)
    em, tm = _mha_pair(8, 2)
    x = _rand(4, 2, 8, seed=8)
    bad = np.zeros((3, 4))
    for e, t in [(lambda: em(*(ember.tensor(x),) * 3, attn_mask=ember.tensor(bad)),
                  lambda: tm(*(torch.tensor(x),) * 3, attn_mask=torch.tensor(bad))),
                 (lambda: em(*(ember.tensor(x),) * 3, key_padding_mask=ember.zeros(2, 4, 1)),
                  lambda: tm(*(torch.tensor(x),) * 3, key_padding_mask=torch.zeros(2, 4, 1))),
                 (lambda: em(ember.tensor(x), ember.tensor(x[0]), ember.tensor(x)),
                  lambda: tm(torch.tensor(x), torch.tensor(x[0]), torch.tensor(x)))]:
        with pytest.raises(Exception) as te:
            t()
        with pytest.raises(type(te.value)) as ee:
            e()
        assert str(ee.value) == str(te.value)


# ---- Transformer layers -----------------------------------------------------------------------
def _pair(cls, *args, **kw):
    torch.manual_seed(0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        tm = getattr(torch.nn, cls)(*args, **kw).double()
        em = getattr(ember.nn, cls)(*args, **kw).double()
    _copy(em, tm)
    return em, tm


LAYER_CFGS = [
    dict(),
    dict(norm_first=True, activation="gelu"),
    dict(batch_first=True),
    dict(activation=lambda x: x.tanh(), bias=False),
]


@pytest.mark.parametrize("cfg", LAYER_CFGS)
def test_encoder_layer(cfg):
    em, tm = _pair("TransformerEncoderLayer", 8, 2, 16, 0.0, **cfg)
    assert list(em.state_dict()) == list(tm.state_dict())
    bf = cfg.get("batch_first", False)
    x = _rand(*((2, 5) if bf else (5, 2)), 8, seed=1)
    kpm = np.zeros((2, 5), bool)
    kpm[0, 4:] = True
    mask = np.triu(np.ones((5, 5), bool), 1)
    (xe, xt) = _both(x, True)
    oe = em(xe, src_mask=ember.tensor(mask), src_key_padding_mask=ember.tensor(kpm))
    ot = tm(xt, src_mask=torch.tensor(mask), src_key_padding_mask=torch.tensor(kpm))
    _close(oe, ot)
    _backward_both(oe, ot)
    _close(xe.grad, xt.grad)
    for (n, pe), (_, pt) in zip(em.named_parameters(), tm.named_parameters()):
        _close(pe.grad, pt.grad)


@pytest.mark.parametrize("cfg", LAYER_CFGS[:3])
def test_decoder_layer(cfg):
    em, tm = _pair("TransformerDecoderLayer", 8, 2, 16, 0.0, **cfg)
    assert list(em.state_dict()) == list(tm.state_dict())
    bf = cfg.get("batch_first", False)
    tgt = _rand(*((2, 4) if bf else (4, 2)), 8, seed=1)
    mem = _rand(*((2, 5) if bf else (5, 2)), 8, seed=2)
    (te, tt), (me, mt) = _both(tgt, True), _both(mem, True)
    mask = np.triu(np.full((4, 4), -np.inf), 1)
    mkpm = np.zeros((2, 5), bool)
    mkpm[1, 3:] = True
    oe = em(te, me, tgt_mask=ember.tensor(mask), memory_key_padding_mask=ember.tensor(mkpm),
            tgt_is_causal=True)
    ot = tm(tt, mt, tgt_mask=torch.tensor(mask), memory_key_padding_mask=torch.tensor(mkpm),
            tgt_is_causal=True)
    _close(oe, ot)
    _backward_both(oe, ot)
    _close(te.grad, tt.grad)
    _close(me.grad, mt.grad)


def test_full_transformer():
    em, tm = _pair("Transformer", d_model=8, nhead=2, num_encoder_layers=2,
                   num_decoder_layers=2, dim_feedforward=16, dropout=0.0)
    assert repr(em) == repr(tm)
    assert list(em.state_dict()) == list(tm.state_dict())
    src, tgt = _rand(5, 2, 8, seed=1), _rand(4, 2, 8, seed=2)
    (se, st), (te, tt) = _both(src, True), _both(tgt, True)
    mask_e = em.generate_square_subsequent_mask(4, dtype=ember.float64)
    mask_t = tm.generate_square_subsequent_mask(4, dtype=torch.float64)
    skpm = np.zeros((2, 5), bool)
    skpm[1, 4] = True
    oe = em(se, te, tgt_mask=mask_e, src_key_padding_mask=ember.tensor(skpm),
            memory_key_padding_mask=ember.tensor(skpm))
    ot = tm(st, tt, tgt_mask=mask_t, src_key_padding_mask=torch.tensor(skpm),
            memory_key_padding_mask=torch.tensor(skpm))
    _close(oe, ot)
    _backward_both(oe, ot)
    _close(se.grad, st.grad)
    _close(te.grad, tt.grad)
    for (n, pe), (_, pt) in zip(em.named_parameters(), tm.named_parameters()):
        _close(pe.grad, pt.grad)
    with pytest.raises(RuntimeError, match="the batch number of src and tgt must be equal"):
        em(se, ember.zeros(4, 3, 8, dtype=ember.float64))


def test_encoder_eval_nested_padding_and_train_dropout():
    layer_e, layer_t = _pair("TransformerEncoderLayer", 8, 2, 16, 0.1, batch_first=True)
    em = ember.nn.TransformerEncoder(layer_e, 2, ember.nn.LayerNorm(8).double(),
                                     enable_nested_tensor=True)
    tm = torch.nn.TransformerEncoder(layer_t, 2, torch.nn.LayerNorm(8).double(),
                                     enable_nested_tensor=True)
    _copy(em, tm)
    assert em.use_nested_tensor == tm.use_nested_tensor
    em.eval()
    tm.eval()
    x = _rand(2, 5, 8, seed=3)
    kpm = np.zeros((2, 5), bool)
    kpm[0, 3:] = True
    with torch.no_grad(), ember.no_grad():
        oe = em(ember.tensor(x), src_key_padding_mask=ember.tensor(kpm))
        ot = tm(torch.tensor(x), src_key_padding_mask=torch.tensor(kpm))
    _close(oe, ot, 1e-8)
    em.train()
    a, b = em(ember.tensor(x)), em(ember.tensor(x))
    assert not np.allclose(a.detach().cpu().numpy(), b.detach().cpu().numpy())


def test_encoder_nested_warning_and_activation_error():
    layer = ember.nn.TransformerEncoderLayer(8, 2, 16, norm_first=True)
    with pytest.warns(UserWarning, match="enable_nested_tensor is True"):
        enc = ember.nn.TransformerEncoder(layer, 2)
    assert enc.use_nested_tensor is False
    assert enc.layers[0] is not enc.layers[1]
    with pytest.raises(RuntimeError, match="activation should be relu/gelu, not tanh"):
        ember.nn.TransformerEncoderLayer(8, 2, activation="tanh")
