"""torch.nn.attention: flex_attention (score_mod, block masks, GQA, log-sum-exp, gradients)
and create_block_mask's tiles against torch 2.13's eager flex attention; sdpa_kernel."""
import warnings

import numpy as np
import pytest

import ember
from ember.nn.attention import SDPBackend, sdpa_kernel
from ember.nn.attention import flex_attention as efa
from tests.oracle.harness import compare

torch = pytest.importorskip("torch")
tfa = pytest.importorskip("torch.nn.attention.flex_attention")


def _pair(shape, seed):
    a = np.random.default_rng(seed).standard_normal(shape)
    return ember.tensor(a), torch.tensor(a)


def causal(b, h, q, kv):
    return q >= kv


def window(b, h, q, kv):
    return (q - kv).abs() <= 2


def bias(score, b, h, q, kv):
    return score + (q - kv) * 0.1 + h


@pytest.mark.parametrize("mask_mod,B,H,Q,KV,block", [(causal, 2, None, 5, 5, 2),
                                                     (window, None, 3, 7, 9, 4),
                                                     (causal, 1, 1, 4, 4, 2)])
def test_block_mask_tiles(mask_mod, B, H, Q, KV, block):
    e = efa.create_block_mask(mask_mod, B, H, Q, KV, device="cpu", BLOCK_SIZE=block)
    t = tfa.create_block_mask(mask_mod, B, H, Q, KV, device="cpu", BLOCK_SIZE=block)
    assert e.shape == t.shape and e.BLOCK_SIZE == t.BLOCK_SIZE
    for name in ("kv_num_blocks", "kv_indices", "full_kv_num_blocks", "full_kv_indices"):
        compare(getattr(e, name), getattr(t, name), 0, 0, name)
    compare(e.to_dense(), t.to_dense(), 0, 0)
    assert e.sparsity() == pytest.approx(t.sparsity())


@pytest.mark.parametrize("score_mod,mask_mod,gqa", [(None, None, False), (bias, None, False),
                                                     (None, causal, False), (bias, window, True)])
def test_flex_attention_matches_torch(score_mod, mask_mod, gqa):
    (eq, tq), (ek, tk), (ev, tv) = (_pair((2, 4, 6, 8), 0), _pair((2, 2 if gqa else 4, 6, 8), 1),
                                    _pair((2, 2 if gqa else 4, 6, 8), 2))
    masks = [None, None] if mask_mod is None else [
        efa.create_block_mask(mask_mod, None, None, 6, 6, BLOCK_SIZE=2),
        tfa.create_block_mask(mask_mod, None, None, 6, 6, device="cpu", BLOCK_SIZE=2)]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        to, tl = tfa.flex_attention(tq, tk, tv, score_mod, masks[1], enable_gqa=gqa,
                                    return_lse=True)
    eo, el = efa.flex_attention(eq, ek, ev, score_mod, masks[0], enable_gqa=gqa, return_lse=True)
    compare(eo, to, 1e-9, 1e-9)
    compare(el, tl, 1e-9, 1e-9)


@pytest.mark.cpu_only
def test_flex_attention_refuses_gradients_on_cpu_like_torch():
    for lib, fa in ((torch, tfa), (ember, efa)):
        q = lib.zeros(1, 1, 2, 4, requires_grad=True)
        with pytest.raises(NotImplementedError, match="does not support backward on CPU"):
            fa.flex_attention(q, q, q)


def test_gqa_needs_enable_gqa():
    q, k = ember.zeros(1, 4, 2, 8), ember.zeros(1, 2, 2, 8)
    with pytest.raises(ValueError, match="enable_gqa=True"):
        efa.flex_attention(q, k, k)


def test_sdpa_kernel_accepts_backends():
    assert int(SDPBackend.MATH) == int(torch.nn.attention.SDPBackend.MATH)
    q = ember.randn(1, 2, 3, 4)
    plain = ember.nn.functional.scaled_dot_product_attention(q, q, q)
    with sdpa_kernel([SDPBackend.FLASH_ATTENTION, SDPBackend.MATH]):
        inside = ember.nn.functional.scaled_dot_product_attention(q, q, q)
    assert ember.equal(plain, inside)
