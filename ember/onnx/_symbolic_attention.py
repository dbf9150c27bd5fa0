"""ONNX for ``nn.functional.multi_head_attention_forward`` (what ``nn.MultiheadAttention`` and
the Transformer layers record as one traced op).

Opset 18 has no attention op, so it is decomposed: projections, heads split with
Reshape ``[0, 0, heads, head_dim]`` (0 copies the runtime sequence and batch sizes, so the
batch axis stays dynamic), scaled scores, masks added, Softmax, weighted sum, output
projection.  Batched inputs in eval mode, without ``bias_k``/``bias_v``/``add_zero_attn``/
``static_k``/``static_v``.
"""
import math

import numpy as np

from .. import _errors
from ._symbolic import symbolic


def _project(b, x, w, bias):
    y = b.op("MatMul", [x, b.op("Transpose", [w], perm=[1, 0])])
    return y if bias is None else b.op("Add", [y, bias])


def _additive(b, mask, dt):
    """A float mask to add to the scores: boolean masks are -inf where True."""
    if mask.np_dtype == np.bool_:
        return b.op("Where", [mask, b.scalar(-np.inf, dt), b.scalar(0, dt)])
    return mask


@symbolic("nn.functional.multi_head_attention_forward")
def _multi_head_attention(b, a, out):
    q_in, k_in, v_in = a["query"], a["key"], a["value"]
    heads, dim = a["num_heads"], a["embed_dim_to_check"]
    unsupported = [n for n in ("bias_k", "bias_v", "static_k", "static_v") if a.get(n) is not None]
    unsupported += ["add_zero_attn"] if a.get("add_zero_attn") else []
    unsupported += ["unbatched inputs"] if q_in.rank != 3 else []
    unsupported += ["dropout in training mode"] if a.get("training") and a["dropout_p"] else []
    if unsupported:
        raise _errors.onnx_unsupported("multi_head_attention_forward",
                                       ", ".join(unsupported))
    dt, head_dim = q_in.np_dtype, dim // heads
    if a.get("use_separate_proj_weight"):
        weights = [a["q_proj_weight"], a["k_proj_weight"], a["v_proj_weight"]]
    else:
        weights = b.op("Split", [a["in_proj_weight"]], n_out=3, axis=0, num_outputs=3)
    biases = [None] * 3 if a.get("in_proj_bias") is None else \
        b.op("Split", [a["in_proj_bias"]], n_out=3, axis=0, num_outputs=3)
    split_heads = b.ints([0, 0, heads, head_dim])
    q, k, v = (b.op("Reshape", [_project(b, x, w, bias), split_heads])
               for x, w, bias in zip((q_in, k_in, v_in), weights, biases))
    q = b.op("Transpose", [q], perm=[1, 2, 0, 3])           # (N, H, L, hd)
    k = b.op("Transpose", [k], perm=[1, 2, 3, 0])           # (N, H, hd, S)
    v = b.op("Transpose", [v], perm=[1, 2, 0, 3])           # (N, H, S, hd)
    q = b.op("Mul", [q, b.scalar(1 / math.sqrt(head_dim), dt)])
    scores = b.op("MatMul", [q, k])                         # (N, H, L, S)
    mask = a.get("attn_mask")
    if mask is not None:
        add = _additive(b, mask, dt)
        if mask.rank == 3:                                  # (N*H, L, S)
            add = b.op("Reshape", [add, b.ints([-1, heads] + list(mask.shape[1:]))])
        scores = b.op("Add", [scores, add])
    padding = a.get("key_padding_mask")
    if padding is not None:                                 # (N, S) -> (N, 1, 1, S)
        add = b.op("Unsqueeze", [_additive(b, padding, dt), b.ints([1, 2])])
        scores = b.op("Add", [scores, add])
    probs = b.op("Softmax", [scores], axis=-1)
    heads_out = b.op("Transpose", [b.op("MatMul", [probs, v])], perm=[2, 0, 1, 3])
    merged = b.op("Reshape", [heads_out, b.ints([0, 0, dim])])   # (L, N, E)
    result = _project(b, merged, a["out_proj_weight"], a.get("out_proj_bias"))
    if not a.get("need_weights", True):
        return result, None
    if a.get("average_attn_weights", True):
        probs = b.op("ReduceMean", [probs, b.ints([1])], keepdims=0)
    return result, probs
