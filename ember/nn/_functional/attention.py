"""nn.functional: scaled_dot_product_attention, multi_head_attention_forward.

Attention is composed from ember ops (matmul / baddbmm, softmax, masked_fill), so autograd and
double backward come for free; the per-call work is a handful of batched GEMMs.
"""
from ..._ops._core import autocast_rule, wrap
import math
import warnings

from ... import _errors
from ... import _dtype as D
from ..._ops import creation, shape as _shape
from . import dropout as _dropout_mod, linear as _linear_mod

__all__ = ["scaled_dot_product_attention", "multi_head_attention_forward"]

_NEG_INF = float("-inf")


def _linear(x, w, b):
    return _linear_mod.linear(x, w, b)


def _attn_bias(attn_mask, is_causal, L, S, query):
    """(the additive float bias of a bool or float mask or of the causal mask, or None; the
    array of the rows whose keys it all masks (keeping dims), or None when it masks none)."""
    xp = query._device._backend.xp
    if is_causal:       # key j is masked for query i when j > i: key 0 never is
        causal = xp.arange(S) > xp.arange(L)[:, None]
        return wrap(xp.where(causal, _NEG_INF, 0.0), query._dtype, query._device), None
    if attn_mask is None:
        return None, None
    if attn_mask.dtype is D.bool_:
        bias = wrap(xp.where(attn_mask._data, 0.0, _NEG_INF), query._dtype, query._device)
        return bias, ~attn_mask._data.any(-1, keepdims=True)
    return attn_mask, xp.isneginf(attn_mask._data).all(-1, keepdims=True)


@autocast_rule("lower_precision_fp")
def scaled_dot_product_attention(query, key, value, attn_mask=None, dropout_p=0.0,
                                 is_causal=False, scale=None, enable_gqa=False):
    """softmax(q kᵀ · scale + mask) v.  Rows whose keys are all masked give zeros (as PyTorch's
    math kernel does), with zero gradient instead of NaN."""
    if is_causal and attn_mask is not None:
        raise _errors.sdpa_causal_with_mask()
    if enable_gqa and key.dim() >= 3 and key.shape[-3] != query.shape[-3]:
        rep = query.shape[-3] // key.shape[-3]
        key = key.repeat_interleave(rep, -3)
        value = value.repeat_interleave(rep, -3)
    L, S = query.shape[-2], key.shape[-2]
    scale = 1.0 / math.sqrt(query.shape[-1]) if scale is None else scale
    scores = (query * scale).matmul(key.transpose(-2, -1))
    bias, dead_rows = _attn_bias(attn_mask, is_causal, L, S, query)
    dead = None
    if bias is not None:
        if dead_rows is not None and dead_rows.any():
            dead = wrap(dead_rows, D.bool_, query._device)
            bias = bias.masked_fill(dead, 0.0)
        scores = scores + bias
    attn = scores.softmax(-1)
    if dead is not None:
        attn = attn.masked_fill(dead, 0.0)
    if dropout_p > 0.0:
        attn = _dropout_mod.dropout(attn, dropout_p)
    return attn.matmul(value)


# ---- multi-head attention --------------------------------------------------------------------
def _mha_shape_check(query, key, value, key_padding_mask, attn_mask, num_heads):
    """PyTorch's input checks; returns whether the input is batched."""
    qd = query.dim()
    if qd not in (2, 3):
        raise _errors.mha_query_dims(qd)
    kind = "batched (3-D)" if qd == 3 else "unbatched (2-D)"
    if key.dim() != qd or value.dim() != qd:
        raise _errors.mha_key_value_dims(kind, qd, key, value)
    if key_padding_mask is not None and key_padding_mask.dim() != qd - 1:
        raise _errors.mha_key_padding_mask_dims(kind, qd, key_padding_mask)
    if attn_mask is not None:
        if attn_mask.dim() not in (2, 3):
            raise _errors.mha_attn_mask_dims(kind, attn_mask)
        if qd == 2 and attn_mask.dim() == 3:
            expected = (num_heads, query.shape[0], key.shape[0])
            if attn_mask.shape != expected:
                raise _errors.mha_attn_mask_shape(expected, attn_mask)
    return qd == 3


def _canonical_mask(mask, mask_name, other_type, other_name, target_type, check_other=True):
    """Bool masks become float masks with -inf where True; float masks pass through."""
    if mask is None:
        return None
    is_float = mask.dtype.is_floating_point
    if mask.dtype is not D.bool_ and not is_float:
        raise _errors.mha_mask_dtype(mask_name)
    if check_other and other_type is not None and mask.dtype is not other_type:
        warnings.warn(_errors.mha_mask_type_mismatch(mask_name, other_name), stacklevel=3)
    if not is_float:
        mask = creation.zeros(mask.shape, dtype=target_type, device=mask.device) \
            .masked_fill(mask, _NEG_INF)
    return mask


def _pad_key(mask):
    """Append one unmasked key column (for bias_k / add_zero_attn)."""
    if mask is None:
        return None
    zeros = creation.zeros(tuple(mask.shape[:-1]) + (1,), dtype=mask.dtype, device=mask.device)
    return _shape.cat([mask, zeros], -1)


def _in_projection_packed(q, k, v, w, b):
    E = q.size(-1)
    if k is v:
        if q is k:
            proj = _linear(q, w, b)
            proj = proj.unflatten(-1, (3, E)).unsqueeze(0).transpose(0, -2).squeeze(-2) \
                .contiguous()
            return proj[0], proj[1], proj[2]
        w_q, w_kv = w.split([E, E * 2])
        b_q, b_kv = (None, None) if b is None else b.split([E, E * 2])
        kv = _linear(k, w_kv, b_kv).unflatten(-1, (2, E)).unsqueeze(0).transpose(0, -2) \
            .squeeze(-2).contiguous()
        return _linear(q, w_q, b_q), kv[0], kv[1]
    w_q, w_k, w_v = w.chunk(3)
    b_q, b_k, b_v = (None, None, None) if b is None else b.chunk(3)
    return _linear(q, w_q, b_q), _linear(k, w_k, b_k), _linear(v, w_v, b_v)


def _check_3d_mask(attn_mask, tgt_len, src_len, bsz, num_heads):
    if attn_mask.dim() == 2:
        if tuple(attn_mask.shape) != (tgt_len, src_len):
            raise _errors.mha_attn_mask_nd_shape(attn_mask, (tgt_len, src_len))
        return attn_mask.unsqueeze(0)
    if tuple(attn_mask.shape) != (bsz * num_heads, tgt_len, src_len):
        raise _errors.mha_attn_mask_nd_shape(attn_mask, (bsz * num_heads, tgt_len, src_len))
    return attn_mask


def _static_kv(static, proj, bsz, num_heads, head_dim, name):
    if static is None:
        return proj.view(proj.shape[0], bsz * num_heads, head_dim).transpose(0, 1)
    if static.size(0) != bsz * num_heads:
        raise _errors.mha_static_size(name, static, 0, bsz * num_heads)
    if static.size(2) != head_dim:
        raise _errors.mha_static_size(name, static, 2, head_dim)
    return static


def multi_head_attention_forward(query, key, value, embed_dim_to_check, num_heads,
                                 in_proj_weight, in_proj_bias, bias_k, bias_v, add_zero_attn,
                                 dropout_p, out_proj_weight, out_proj_bias, training=True,
                                 key_padding_mask=None, need_weights=True, attn_mask=None,
                                 use_separate_proj_weight=False, q_proj_weight=None,
                                 k_proj_weight=None, v_proj_weight=None, static_k=None,
                                 static_v=None, average_attn_weights=True, is_causal=False):
    """Multi-head attention on ``(L, N, E)`` (or unbatched ``(L, E)``) inputs, as in PyTorch."""
    is_batched = _mha_shape_check(query, key, value, key_padding_mask, attn_mask, num_heads)
    if not is_batched:
        query, key, value = query.unsqueeze(1), key.unsqueeze(1), value.unsqueeze(1)
        if key_padding_mask is not None:
            key_padding_mask = key_padding_mask.unsqueeze(0)
    tgt_len, bsz, embed_dim = query.shape
    src_len = key.shape[0]
    key_padding_mask = _canonical_mask(key_padding_mask, "key_padding_mask",
                                       None if attn_mask is None else attn_mask.dtype,
                                       "attn_mask", query.dtype)
    if is_causal and attn_mask is None:
        raise _errors.mha_causal_needs_mask()
    if is_causal and key_padding_mask is None and not need_weights:
        attn_mask = None
    else:
        attn_mask = _canonical_mask(attn_mask, "attn_mask", None, "", query.dtype,
                                    check_other=False)
        if key_padding_mask is not None:
            is_causal = False
    if embed_dim != embed_dim_to_check:
        raise _errors.mha_embed_dim(embed_dim_to_check, embed_dim)
    head_dim = embed_dim // num_heads
    if head_dim * num_heads != embed_dim:
        raise _errors.mha_heads_divisible(embed_dim, num_heads)
    if use_separate_proj_weight:
        if key.shape[:2] != value.shape[:2]:
            raise _errors.mha_key_value_batch(key, value)
        b_q, b_k, b_v = (None,) * 3 if in_proj_bias is None else in_proj_bias.chunk(3)
        q, k, v = (_linear(query, q_proj_weight, b_q), _linear(key, k_proj_weight, b_k),
                   _linear(value, v_proj_weight, b_v))
    else:
        if key.shape != value.shape:
            raise _errors.mha_key_value_shape(key, value)
        q, k, v = _in_projection_packed(query, key, value, in_proj_weight, in_proj_bias)
    if attn_mask is not None:
        if attn_mask.dim() not in (2, 3):
            raise _errors.mha_attn_mask_dim(attn_mask)
        attn_mask = _check_3d_mask(attn_mask, tgt_len, src_len, bsz, num_heads)
    if bias_k is not None and bias_v is not None:
        if static_k is not None:
            raise _errors.mha_bias_static("key")
        if static_v is not None:
            raise _errors.mha_bias_static("value")
        k = _shape.cat([k, bias_k.repeat(1, bsz, 1)])
        v = _shape.cat([v, bias_v.repeat(1, bsz, 1)])
        attn_mask, key_padding_mask = _pad_key(attn_mask), _pad_key(key_padding_mask)
    elif bias_k is not None:
        raise _errors.mha_bias_missing("bias_k", "bias_v")
    elif bias_v is not None:
        raise _errors.mha_bias_missing("bias_v", "bias_k")
    q = q.view(tgt_len, bsz * num_heads, head_dim).transpose(0, 1)
    k = _static_kv(static_k, k, bsz, num_heads, head_dim, "static_k")
    v = _static_kv(static_v, v, bsz, num_heads, head_dim, "static_v")
    if add_zero_attn:
        zeros = creation.zeros((bsz * num_heads, 1, head_dim), dtype=k.dtype, device=k.device)
        k, v = _shape.cat([k, zeros], 1), _shape.cat([v, zeros], 1)
        attn_mask, key_padding_mask = _pad_key(attn_mask), _pad_key(key_padding_mask)
    src_len = k.size(1)
    if key_padding_mask is not None:
        if key_padding_mask.shape[0] != bsz:
            raise _errors.mha_key_padding_size(0, bsz, key_padding_mask)
        if key_padding_mask.shape[1] != src_len:
            raise _errors.mha_key_padding_size(1, src_len, key_padding_mask)
        key_padding_mask = key_padding_mask.view(bsz, 1, 1, src_len) \
            .expand(-1, num_heads, -1, -1).reshape(bsz * num_heads, 1, src_len)
        attn_mask = key_padding_mask if attn_mask is None else attn_mask + key_padding_mask
    if not training:
        dropout_p = 0.0
    if need_weights:
        q_scaled = q * math.sqrt(1.0 / float(head_dim))
        kt = k.transpose(-2, -1)
        weights = (q_scaled.bmm(kt) if attn_mask is None else
                   attn_mask.baddbmm(q_scaled, kt)).softmax(-1)
        if dropout_p > 0.0:
            weights = _dropout_mod.dropout(weights, p=dropout_p)
        out = weights.bmm(v).transpose(0, 1).reshape(tgt_len * bsz, embed_dim)
        weights = weights.view(bsz, num_heads, tgt_len, src_len)
        if average_attn_weights:
            weights = weights.mean(1)
    else:
        if attn_mask is not None:
            attn_mask = attn_mask.unsqueeze(0) if attn_mask.size(0) == 1 else \
                attn_mask.view(bsz, num_heads, -1, src_len)
        out = scaled_dot_product_attention(
            q.view(bsz, num_heads, tgt_len, head_dim), k.view(bsz, num_heads, src_len, head_dim),
            v.view(bsz, num_heads, src_len, head_dim), attn_mask, dropout_p, is_causal)
        out = out.permute(2, 0, 1, 3).reshape(bsz * tgt_len, embed_dim)
        weights = None
    out = _linear(out, out_proj_weight, out_proj_bias).view(tgt_len, bsz, -1)
    if not is_batched:
        out = out.squeeze(1)
        if weights is not None:
            weights = weights.squeeze(0)
    return out, weights
