"""``torch.nn.attention.flex_attention``: attention with a user ``score_mod`` (a function of
the score and its batch, head, query and key indices) and a ``BlockMask`` built from a
``mask_mod``.

Ember runs it as PyTorch runs it without ``torch.compile``: the whole score matrix is
materialised, ``score_mod`` and ``mask_mod`` are called once on broadcast index tensors
(so they must be elementwise, as torch's vmap requires), and softmax and the value product
are ordinary ops.  As in PyTorch, inputs that require grad are refused on the CPU.
"""
import math
from typing import NamedTuple, Optional

import ember

from ... import _errors

_DEFAULT_SPARSE_BLOCK_SIZE = 128


class AuxRequest(NamedTuple):
    """Which auxiliary outputs ``flex_attention(..., return_aux=)`` should compute."""
    lse: bool = False
    max_scores: bool = False


class AuxOutput(NamedTuple):
    """The auxiliary outputs asked for (None where not requested)."""
    lse: Optional[ember.Tensor] = None
    max_scores: Optional[ember.Tensor] = None


def _indices(B, H, Q, KV, device):
    ar = lambda n: ember.arange(n, device=device)  # noqa: E731
    return (ar(B).view(B, 1, 1, 1), ar(H).view(1, H, 1, 1), ar(Q).view(1, 1, Q, 1),
            ar(KV).view(1, 1, 1, KV))


def noop_mask(b, h, q_idx, kv_idx):
    """Attend everywhere."""
    return ember.ones_like(q_idx, dtype=ember.bool) if isinstance(q_idx, ember.Tensor) else True


def _ordered(selected):
    """Block indices with the selected ones first (each group ascending), and their count."""
    order = (~selected).to(ember.int32).argsort(dim=-1, stable=True).to(ember.int32)
    return selected.sum(-1).to(ember.int32), order


class BlockMask:
    """Which (query block, key block) tiles attention computes: ``partial`` tiles apply
    ``mask_mod`` element by element, ``full`` tiles need no mask, the rest are skipped."""

    def __init__(self, mask_mod, shape, block_size, partial, full):
        self.mask_mod = mask_mod
        self.shape = shape
        self.BLOCK_SIZE = block_size
        self.seq_lengths = shape[-2:]
        self.kv_num_blocks, self.kv_indices = _ordered(partial)
        self.full_kv_num_blocks, self.full_kv_indices = _ordered(full)
        self.q_num_blocks, self.q_indices = _ordered(partial.transpose(-1, -2))
        self.full_q_num_blocks, self.full_q_indices = _ordered(full.transpose(-1, -2))
        self._computed = partial | full

    def to_dense(self):
        """The tiles computed, as int32 ``[B, H, query blocks, key blocks]``."""
        return self._computed.to(ember.int32)

    def numel(self):
        return math.prod(self.shape)

    def sparsity(self):
        """Percentage of the score matrix that is skipped."""
        tiles = float(self._computed.sum()) / max(1, self._computed.shape[0] *
                                                  self._computed.shape[1])
        area = self.BLOCK_SIZE[0] * self.BLOCK_SIZE[1]
        return 100 * (1 - tiles * area / (self.shape[-2] * self.shape[-1]))

    def as_tuple(self, flatten=True):
        return (self.seq_lengths[0], self.seq_lengths[1], self.kv_num_blocks, self.kv_indices,
                self.full_kv_num_blocks, self.full_kv_indices, self.q_num_blocks,
                self.q_indices, self.full_q_num_blocks, self.full_q_indices, self.BLOCK_SIZE,
                self.mask_mod)

    def to(self, device):
        return self

    def __repr__(self):
        return f"BlockMask(shape={self.shape}, sparsity={self.sparsity():.2f}%)"


def _tiles(mask, bq, bk):
    """(any, all) of ``mask`` [B, H, Q, KV] over bq x bk tiles (ragged edges padded with
    False, so edge tiles are never full)."""
    B, H, Q, KV = mask.shape
    nq, nk = -(-Q // bq), -(-KV // bk)
    padded = ember.zeros(B, H, nq * bq, nk * bk, dtype=ember.bool, device=mask.device)
    padded[:, :, :Q, :KV] = mask
    tiles = padded.view(B, H, nq, bq, nk, bk)
    return tiles.any(5).any(3), tiles.all(5).all(3)


def create_block_mask(mask_mod, B, H, Q_LEN, KV_LEN, device=None, BLOCK_SIZE=128, _compile=False,
                      separate_full_blocks=True, **kwargs):
    """Evaluate ``mask_mod(b, h, q_idx, kv_idx)`` over the whole grid (``B``/``H`` None:
    the same mask for every batch / head) and record its tiles."""
    bq, bk = (BLOCK_SIZE, BLOCK_SIZE) if isinstance(BLOCK_SIZE, int) else tuple(BLOCK_SIZE)
    B, H = B or 1, H or 1
    b, h, q, kv = _indices(B, H, Q_LEN, KV_LEN, device or "cpu")
    mask = ember.as_tensor(mask_mod(b, h, q, kv)).to(ember.bool).expand(B, H, Q_LEN, KV_LEN)
    some, every = _tiles(mask, bq, bk)
    full = every if separate_full_blocks else ember.zeros_like(every)
    return BlockMask(mask_mod, (B, H, Q_LEN, KV_LEN), (bq, bk), some & ~full, full)


def flex_attention(query, key, value, score_mod=None, block_mask=None, scale=None,
                   enable_gqa=False, return_lse=False, kernel_options=None, *,
                   return_aux=None):
    """softmax(score_mod(Q K^T * scale) masked by ``block_mask``) V over ``[B, H, L, E]``;
    fully masked rows give 0 (and -inf log-sum-exp)."""
    if ember.is_grad_enabled() and query.device.type == "cpu" and \
            any(t.requires_grad for t in (query, key, value)):
        raise _errors.flex_attention_cpu_backward()
    B, Hq, L, E = query.shape
    Hkv, S = key.shape[1], key.shape[2]
    if Hq != Hkv:
        if not enable_gqa or Hq % Hkv:
            raise _errors.flex_attention_heads(Hq, Hkv, enable_gqa)
        key = key.repeat_interleave(Hq // Hkv, dim=1)
        value = value.repeat_interleave(Hq // Hkv, dim=1)
    scores = (query @ key.transpose(-2, -1)) * (1.0 / math.sqrt(E) if scale is None else scale)
    b, h, q, kv = _indices(B, Hq, L, S, query.device)
    if score_mod is not None:
        scores = score_mod(scores, b, h, q, kv)
    if block_mask is not None:
        allowed = ember.as_tensor(block_mask.mask_mod(b, h, q, kv)).to(ember.bool)
        scores = scores.masked_fill(~allowed, -math.inf)
    lse = ember.logsumexp(scores, dim=-1)
    weights = ember.exp(scores - lse.unsqueeze(-1)).nan_to_num(0.0)
    out = weights @ value
    if return_aux is not None:
        return out, AuxOutput(lse if return_aux.lse else None,
                              scores.amax(-1) if return_aux.max_scores else None)
    return (out, lse) if return_lse else out


__all__ = ["AuxOutput", "AuxRequest", "BlockMask", "create_block_mask", "flex_attention", "noop_mask"]
