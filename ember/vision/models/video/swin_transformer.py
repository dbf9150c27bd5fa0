"""Video Swin Transformer (Liu et al., 2022): the Swin Transformer with 3-D patches, 3-D
(shifted) attention windows and spatial-only patch merging."""
import itertools
from functools import partial

import ember

from .... import nn
from ....nn import functional as F
from .._api import builder
from .._layers import init_linears_trunc_normal
from ..swin_transformer import (PatchMerging, ShiftedWindowAttention, SwinTransformerBlock,
                                swin_stages)

__all__ = ["SwinTransformer3d", "Swin3D_T_Weights", "Swin3D_S_Weights", "Swin3D_B_Weights",
           "swin3d_t", "swin3d_s", "swin3d_b"]


def _pad_size(size, patch):
    """How much to pad each of ``size`` up to a multiple of ``patch``."""
    return tuple((p - s % p) % p for s, p in zip(size, patch))


def _fit_window(size, window_size, shift_size):
    """A window no larger than the input (a dimension it spans is not shifted)."""
    window = [min(s, w) for s, w in zip(size, window_size)]
    shift = [0 if s <= w else sh for s, w, sh in zip(size, window_size, shift_size)]
    return window, shift


def _partition(x, window):
    """``[B, T, H, W, C]`` (multiples of ``window``) -> ``[B * windows, window volume, C]``."""
    b, t, h, w, c = x.shape
    x = x.view(b, t // window[0], window[0], h // window[1], window[1], w // window[2],
               window[2], c)
    return x.permute(0, 1, 3, 5, 2, 4, 6, 7).reshape(-1, window[0] * window[1] * window[2], c)


def _unpartition(x, batch, size, window):
    """The inverse of :func:`_partition` for a ``[B, *size, C]`` tensor."""
    counts = [s // w for s, w in zip(size, window)]
    x = x.view(batch, *counts, *window, x.shape[-1])
    return x.permute(0, 1, 4, 2, 5, 3, 6, 7).reshape(batch, *size, x.shape[-1])


def _attention_mask(x, size, window, shift):
    """-100 between tokens of a shifted window that came from different regions of the clip."""
    regions = x.new_zeros(size)
    bands = [((0, -w), (-w, -s), (-s, None)) for w, s in zip(window, shift)]
    for label, (d, h, w) in enumerate(itertools.product(*bands)):
        regions[d[0]:d[1], h[0]:h[1], w[0]:w[1]] = label
    regions = _partition(regions[None, ..., None], window)[..., 0]
    mask = regions.unsqueeze(1) - regions.unsqueeze(2)
    return mask.masked_fill(mask != 0, -100.0).masked_fill(mask == 0, 0.0)


def shifted_window_attention_3d(input, qkv_weight, proj_weight, relative_position_bias,
                                window_size, num_heads, shift_size, attention_dropout=0.0,
                                dropout=0.0, qkv_bias=None, proj_bias=None, training=True):
    """Multi-head self-attention within (optionally cyclically shifted) 3-D windows of a
    ``[B, T, H, W, C]`` input, with a relative position bias."""
    b, t, h, w, c = input.shape
    pad = _pad_size((t, h, w), window_size)
    x = F.pad(input, (0, 0, 0, pad[2], 0, pad[1], 0, pad[0]))
    size = tuple(x.shape[1:4])
    shifted = sum(shift_size) > 0
    if shifted:
        x = ember.roll(x, shifts=tuple(-s for s in shift_size), dims=(1, 2, 3))
    x = _partition(x, window_size)
    n, volume = x.shape[:2]
    qkv = F.linear(x, qkv_weight, qkv_bias)
    qkv = qkv.reshape(n, volume, 3, num_heads, c // num_heads).permute(2, 0, 3, 1, 4)
    q, k, v = qkv[0], qkv[1], qkv[2]
    attn = (q * (c // num_heads) ** -0.5).matmul(k.transpose(-2, -1)) + relative_position_bias
    if shifted:
        mask = _attention_mask(x, size, window_size, shift_size)
        windows = mask.shape[0]
        attn = attn.view(n // windows, windows, num_heads, volume, volume)
        attn = (attn + mask.unsqueeze(1).unsqueeze(0)).view(-1, num_heads, volume, volume)
    attn = F.dropout(F.softmax(attn, dim=-1), p=attention_dropout, training=training)
    x = attn.matmul(v).transpose(1, 2).reshape(n, volume, c)
    x = F.dropout(F.linear(x, proj_weight, proj_bias), p=dropout, training=training)
    x = _unpartition(x, b, size, window_size)
    if shifted:
        x = ember.roll(x, shifts=tuple(shift_size), dims=(1, 2, 3))
    return x[:, :t, :h, :w, :].contiguous()


class ShiftedWindowAttention3d(ShiftedWindowAttention):
    """Module form of :func:`shifted_window_attention_3d` with a learned bias table indexed
    by the relative ``(t, h, w)`` offset of two tokens of a window."""
    window_dims = 3

    def define_relative_position_bias_table(self):
        spans = [2 * w - 1 for w in self.window_size]
        self.relative_position_bias_table = nn.Parameter(
            ember.zeros(spans[0] * spans[1] * spans[2], self.num_heads))
        nn.init.trunc_normal_(self.relative_position_bias_table, std=0.02)

    def define_relative_position_index(self):
        wd, wh, ww = self.window_size
        coords = ember.stack(ember.meshgrid(*(ember.arange(w) for w in self.window_size),
                                            indexing="ij")).flatten(1)
        rel = (coords[:, :, None] - coords[:, None, :]).permute(1, 2, 0)
        index = ((rel[..., 0] + wd - 1) * (2 * wh - 1) + rel[..., 1] + wh - 1) * (2 * ww - 1) \
            + rel[..., 2] + ww - 1
        self.register_buffer("relative_position_index", index.contiguous())

    def get_relative_position_bias(self, window_size):
        volume = window_size[0] * window_size[1] * window_size[2]
        index = self.relative_position_index[:volume, :volume].flatten()
        bias = self.relative_position_bias_table[index].view(volume, volume, -1)
        return bias.permute(2, 0, 1).contiguous().unsqueeze(0)

    def forward(self, x):
        window, shift = _fit_window(x.shape[1:4], self.window_size, self.shift_size)
        return shifted_window_attention_3d(
            x, self.qkv.weight, self.proj.weight, self.get_relative_position_bias(window),
            window, self.num_heads, shift_size=shift, attention_dropout=self.attention_dropout,
            dropout=self.dropout, qkv_bias=self.qkv.bias, proj_bias=self.proj.bias,
            training=self.training)


class PatchEmbed3d(nn.Module):
    """Non-overlapping 3-D patches (the clip zero-padded to whole patches) -> linear
    embedding, channels last, optionally normed."""

    def __init__(self, patch_size, in_channels=3, embed_dim=96, norm_layer=None):
        super().__init__()
        self.tuple_patch_size = tuple(patch_size[:3])
        self.proj = nn.Conv3d(in_channels, embed_dim, kernel_size=self.tuple_patch_size,
                              stride=self.tuple_patch_size)
        self.norm = norm_layer(embed_dim) if norm_layer is not None else nn.Identity()

    def forward(self, x):
        pad = _pad_size(x.shape[2:], self.tuple_patch_size)
        x = F.pad(x, (0, pad[2], 0, pad[1], 0, pad[0]))
        return self.norm(self.proj(x).permute(0, 2, 3, 4, 1))


class SwinTransformer3d(nn.Module):
    """Patch embedding, Swin stages over ``[B, T, H, W, C]`` tokens (merging halves H and W
    only), norm, global average pool, linear head."""

    def __init__(self, patch_size, embed_dim, depths, num_heads, window_size, mlp_ratio=4.0,
                 dropout=0.0, attention_dropout=0.0, stochastic_depth_prob=0.1, num_classes=400,
                 norm_layer=None, block=None, downsample_layer=PatchMerging, patch_embed=None):
        super().__init__()
        self.num_classes = num_classes
        block = block or partial(SwinTransformerBlock, attn_layer=ShiftedWindowAttention3d)
        norm_layer = norm_layer or partial(nn.LayerNorm, eps=1e-5)
        patch_embed = patch_embed or PatchEmbed3d
        self.patch_embed = patch_embed(patch_size=patch_size, embed_dim=embed_dim,
                                       norm_layer=norm_layer)
        self.pos_drop = nn.Dropout(p=dropout)
        self.features = nn.Sequential(*swin_stages(
            block, embed_dim, depths, num_heads, window_size, stochastic_depth_prob, norm_layer,
            downsample_layer, mlp_ratio=mlp_ratio, dropout=dropout,
            attention_dropout=attention_dropout, attn_layer=ShiftedWindowAttention3d))
        self.num_features = embed_dim * 2 ** (len(depths) - 1)
        self.norm = norm_layer(self.num_features)
        self.avgpool = nn.AdaptiveAvgPool3d(1)
        self.head = nn.Linear(self.num_features, num_classes)
        init_linears_trunc_normal(self)

    def forward(self, x):
        x = self.norm(self.features(self.pos_drop(self.patch_embed(x))))
        return self.head(self.avgpool(x.permute(0, 4, 1, 2, 3)).flatten(1))


def _swin3d(embed_dim, depths, num_heads):
    return partial(SwinTransformer3d, patch_size=[2, 4, 4], embed_dim=embed_dim, depths=depths,
                   num_heads=num_heads, window_size=[8, 7, 7], stochastic_depth_prob=0.1)


Swin3D_T_Weights, swin3d_t = builder("swin3d_t", _swin3d(96, [2, 2, 6, 2], [3, 6, 12, 24]))
Swin3D_S_Weights, swin3d_s = builder("swin3d_s", _swin3d(96, [2, 2, 18, 2], [3, 6, 12, 24]))
Swin3D_B_Weights, swin3d_b = builder("swin3d_b", _swin3d(128, [2, 2, 18, 2], [4, 8, 16, 32]))
