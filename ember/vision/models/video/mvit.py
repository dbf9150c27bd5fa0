"""Multiscale Vision Transformers: MViT (Fan et al., 2021) and MViTv2 (Li et al., 2022).

Attention blocks whose queries, keys and values are pooled (by depthwise 3-D convolutions)
over the ``T x H x W`` token grid, so resolution falls and width rises through the network;
v2 adds a pooled-query residual and decomposed relative position embeddings."""
import math
from dataclasses import dataclass
from functools import partial

import ember

from .... import _errors, nn
from ....nn import functional as F
from ...ops.misc import MLP
from ...ops.stochastic_depth import StochasticDepth
from .._api import builder, overwrite_param

__all__ = ["MViT", "MViT_V1_B_Weights", "mvit_v1_b", "MViT_V2_S_Weights", "mvit_v2_s"]


@dataclass
class MSBlockConfig:
    """One block: heads, widths, and the kernels/strides pooling queries and keys/values
    (empty lists: no pooling)."""
    num_heads: int
    input_channels: int
    output_channels: int
    kernel_q: list
    kernel_kv: list
    stride_q: list
    stride_kv: list


def _unsqueeze(x, target_dim, expand_dim):
    """Add the dimension ``expand_dim`` to a ``target_dim - 1``-d input (undone by
    :func:`_squeeze`)."""
    ndim = x.dim()
    if ndim == target_dim - 1:
        x = x.unsqueeze(expand_dim)
    elif ndim != target_dim:
        raise _errors.mvit_input_dimension(x.shape)
    return x, ndim


def _squeeze(x, target_dim, expand_dim, ndim):
    return x.squeeze(expand_dim) if ndim == target_dim - 1 else x


class Pool(nn.Module):
    """Pools a ``[B, heads, 1 + THW, C]`` token sequence over its ``T x H x W`` grid (the
    leading class token passes through), then norms; returns it with the new grid size."""

    def __init__(self, pool, norm, activation=None, norm_before_pool=False):
        super().__init__()
        self.pool = pool
        layers = [m for m in (norm, activation) if m is not None]
        self.norm_act = nn.Sequential(*layers) if layers else None
        self.norm_before_pool = norm_before_pool

    def forward(self, x, thw):
        x, ndim = _unsqueeze(x, 4, 1)
        class_token, x = x[:, :, :1], x[:, :, 1:].transpose(2, 3)
        b, n, c = x.shape[:3]
        x = x.reshape((b * n, c) + tuple(thw)).contiguous()
        if self.norm_before_pool and self.norm_act is not None:
            x = self.norm_act(x)
        x = self.pool(x)
        thw = tuple(x.shape[2:])
        x = ember.cat((class_token, x.reshape(b, n, c, -1).transpose(2, 3)), dim=2)
        if not self.norm_before_pool and self.norm_act is not None:
            x = self.norm_act(x)
        return _squeeze(x, 4, 1, ndim), thw


def _interpolate(embedding, length):
    """A ``[L, C]`` table linearly resampled to ``length`` rows."""
    if embedding.shape[0] == length:
        return embedding
    return F.interpolate(embedding.permute(1, 0).unsqueeze(0), size=length,
                         mode="linear").squeeze(0).permute(1, 0)


def _rel_pos(table, q_size, k_size):
    """The embeddings of every (query, key) offset along one axis, ``[q, k, C]``: the table
    resampled to the offsets' span, offsets scaled when one side was pooled more."""
    q_ratio, k_ratio = max(k_size / q_size, 1.0), max(q_size / k_size, 1.0)
    dist = (ember.arange(q_size)[:, None] * q_ratio
            - (ember.arange(k_size)[None, :] + (1.0 - k_size)) * k_ratio)
    return _interpolate(table, int(2 * max(q_size, k_size) - 1))[dist.long()]


def _add_rel_pos(attn, q, q_thw, k_thw, rel_pos_h, rel_pos_w, rel_pos_t):
    """MViTv2's decomposed relative position term, ``q . (R_t + R_h + R_w)``, added to the
    attention between grid tokens (not the class token)."""
    (q_t, q_h, q_w), (k_t, k_h, k_w) = q_thw, k_thw
    r_h, r_w = _rel_pos(rel_pos_h, q_h, k_h), _rel_pos(rel_pos_w, q_w, k_w)
    r_t = _rel_pos(rel_pos_t, q_t, k_t)
    b, heads, _, dim = q.shape
    grid_q = q[:, :, 1:].reshape(b, heads, q_t, q_h, q_w, dim)
    rel_h = ember.einsum("bythwc,hkc->bythwk", grid_q, r_h)
    rel_w = ember.einsum("bythwc,wkc->bythwk", grid_q, r_w)
    rel_t = ember.einsum("bythwc,tkc->bythwk", grid_q, r_t)
    rel = (rel_h[:, :, :, :, :, None, :, None] + rel_w[:, :, :, :, :, None, None, :]
           + rel_t[:, :, :, :, :, :, None, None])
    rel = rel.reshape(b, heads, q_t * q_h * q_w, k_t * k_h * k_w)
    return attn + F.pad(rel, (1, 0, 1, 0))


def _pool(head_dim, kernel, stride, norm_layer):
    """A depthwise 3-D convolution pool (padding half the kernel), then a norm."""
    return Pool(nn.Conv3d(head_dim, head_dim, kernel, stride=stride,
                          padding=[int(k // 2) for k in kernel], groups=head_dim, bias=False),
                norm_layer(head_dim))


class MultiscaleAttention(nn.Module):
    """Multi-head attention whose queries and keys/values are pooled over the token grid."""

    def __init__(self, input_size, embed_dim, output_dim, num_heads, kernel_q, kernel_kv,
                 stride_q, stride_kv, residual_pool, residual_with_cls_embed, rel_pos_embed,
                 dropout=0.0, norm_layer=nn.LayerNorm):
        super().__init__()
        self.embed_dim = embed_dim
        self.output_dim = output_dim
        self.num_heads = num_heads
        self.head_dim = output_dim // num_heads
        self.scaler = 1.0 / math.sqrt(self.head_dim)
        self.residual_pool = residual_pool
        self.residual_with_cls_embed = residual_with_cls_embed
        self.qkv = nn.Linear(embed_dim, 3 * output_dim)
        project = [nn.Linear(output_dim, output_dim)]
        if dropout > 0.0:
            project.append(nn.Dropout(dropout, inplace=True))
        self.project = nn.Sequential(*project)
        pools_q = math.prod(kernel_q) > 1 or math.prod(stride_q) > 1
        pools_kv = math.prod(kernel_kv) > 1 or math.prod(stride_kv) > 1
        self.pool_q = _pool(self.head_dim, kernel_q, stride_q, norm_layer) if pools_q else None
        self.pool_k = self.pool_v = None
        if pools_kv:
            self.pool_k = _pool(self.head_dim, kernel_kv, stride_kv, norm_layer)
            self.pool_v = _pool(self.head_dim, kernel_kv, stride_kv, norm_layer)
        self.rel_pos_h = self.rel_pos_w = self.rel_pos_t = None
        if rel_pos_embed:
            size = max(input_size[1:])
            q_size = size // stride_q[1] if len(stride_q) > 0 else size
            kv_size = size // stride_kv[1] if len(stride_kv) > 0 else size
            spatial = 2 * max(q_size, kv_size) - 1
            self.rel_pos_h = nn.Parameter(ember.zeros(spatial, self.head_dim))
            self.rel_pos_w = nn.Parameter(ember.zeros(spatial, self.head_dim))
            self.rel_pos_t = nn.Parameter(ember.zeros(2 * input_size[0] - 1, self.head_dim))
            for table in (self.rel_pos_h, self.rel_pos_w, self.rel_pos_t):
                nn.init.trunc_normal_(table, std=0.02)

    def forward(self, x, thw):
        b, n, _ = x.shape
        qkv = self.qkv(x).reshape(b, n, 3, self.num_heads, self.head_dim).transpose(1, 3)
        q, k, v = qkv.unbind(dim=2)
        k, k_thw = (k, thw) if self.pool_k is None else self.pool_k(k, thw)
        if self.pool_v is not None:
            v = self.pool_v(v, thw)[0]
        if self.pool_q is not None:
            q, thw = self.pool_q(q, thw)
        attn = (self.scaler * q).matmul(k.transpose(2, 3))
        if self.rel_pos_h is not None:
            attn = _add_rel_pos(attn, q, thw, k_thw, self.rel_pos_h, self.rel_pos_w,
                                self.rel_pos_t)
        x = attn.softmax(dim=-1).matmul(v)
        if self.residual_pool:          # v2: the pooled queries are a residual path
            x = x + (q if self.residual_with_cls_embed else F.pad(q[:, :, 1:], (0, 0, 1, 0)))
        return self.project(x.transpose(1, 2).reshape(b, -1, self.output_dim)), thw


class MultiscaleBlock(nn.Module):
    """Pre-norm pooling attention and MLP residual blocks; the skip path is max-pooled when
    the queries are strided, and projected when the width changes (before the attention's
    residual with ``proj_after_attn``, else before the MLP's)."""

    def __init__(self, input_size, cnf, residual_pool, residual_with_cls_embed, rel_pos_embed,
                 proj_after_attn, dropout=0.0, stochastic_depth_prob=0.0,
                 norm_layer=nn.LayerNorm):
        super().__init__()
        self.proj_after_attn = proj_after_attn
        self.pool_skip = None
        if math.prod(cnf.stride_q) > 1:
            kernel = [s + 1 if s > 1 else s for s in cnf.stride_q]
            self.pool_skip = Pool(nn.MaxPool3d(kernel, stride=cnf.stride_q,
                                               padding=[int(k // 2) for k in kernel]), None)
        attn_dim = cnf.output_channels if proj_after_attn else cnf.input_channels
        self.norm1 = norm_layer(cnf.input_channels)
        self.norm2 = norm_layer(attn_dim)
        self.needs_transposal = isinstance(self.norm1, nn.BatchNorm1d)
        self.attn = MultiscaleAttention(
            input_size, cnf.input_channels, attn_dim, cnf.num_heads, kernel_q=cnf.kernel_q,
            kernel_kv=cnf.kernel_kv, stride_q=cnf.stride_q, stride_kv=cnf.stride_kv,
            rel_pos_embed=rel_pos_embed, residual_pool=residual_pool,
            residual_with_cls_embed=residual_with_cls_embed, dropout=dropout,
            norm_layer=norm_layer)
        self.mlp = MLP(attn_dim, [4 * attn_dim, cnf.output_channels], activation_layer=nn.GELU,
                       dropout=dropout, inplace=None)
        self.stochastic_depth = StochasticDepth(stochastic_depth_prob, "row")
        self.project = None
        if cnf.input_channels != cnf.output_channels:
            self.project = nn.Linear(cnf.input_channels, cnf.output_channels)

    def _norm(self, norm, x):
        return norm(x.transpose(1, 2)).transpose(1, 2) if self.needs_transposal else norm(x)

    def forward(self, x, thw):
        x_norm1 = self._norm(self.norm1, x)
        x_attn, thw_new = self.attn(x_norm1, thw)
        if self.project is not None and self.proj_after_attn:
            x = self.project(x_norm1)
        x_skip = x if self.pool_skip is None else self.pool_skip(x, thw)[0]
        x = x_skip + self.stochastic_depth(x_attn)
        x_norm2 = self._norm(self.norm2, x)
        x_proj = x if self.project is None or self.proj_after_attn else self.project(x_norm2)
        return x_proj + self.stochastic_depth(self.mlp(x_norm2)), thw_new


class PositionalEncoding(nn.Module):
    """Prepends the class token; without relative embeddings (v1), adds learned positions:
    one per spatial location plus one per frame, and one for the class token."""

    def __init__(self, embed_size, spatial_size, temporal_size, rel_pos_embed):
        super().__init__()
        self.spatial_size = spatial_size
        self.temporal_size = temporal_size
        self.class_token = nn.Parameter(ember.zeros(embed_size))
        self.spatial_pos = self.temporal_pos = self.class_pos = None
        if not rel_pos_embed:
            self.spatial_pos = nn.Parameter(
                ember.zeros(spatial_size[0] * spatial_size[1], embed_size))
            self.temporal_pos = nn.Parameter(ember.zeros(temporal_size, embed_size))
            self.class_pos = nn.Parameter(ember.zeros(embed_size))

    def forward(self, x):
        x = ember.cat((self.class_token.expand(x.size(0), -1).unsqueeze(1), x), dim=1)
        if self.spatial_pos is None:
            return x
        hw, embed_size = self.spatial_pos.shape
        pos = (self.temporal_pos.repeat_interleave(hw, dim=0)
               + self.spatial_pos.unsqueeze(0).expand(self.temporal_size, -1, -1)
               .reshape(-1, embed_size))
        return x + ember.cat((self.class_pos.unsqueeze(0), pos), dim=0).unsqueeze(0)


class MViT(nn.Module):
    """A strided 3-D convolution patchifies the clip (``temporal_size x spatial_size``, fixed
    at construction) into tokens; multiscale blocks as ``block_setting`` describes; the class
    token, normed, feeds the head.  A 4-D input is taken as single-frame clips."""

    def __init__(self, spatial_size, temporal_size, block_setting, residual_pool,
                 residual_with_cls_embed, rel_pos_embed, proj_after_attn, dropout=0.5,
                 attention_dropout=0.0, stochastic_depth_prob=0.0, num_classes=400, block=None,
                 norm_layer=None, patch_embed_kernel=(3, 7, 7), patch_embed_stride=(2, 4, 4),
                 patch_embed_padding=(1, 3, 3)):
        super().__init__()
        if len(block_setting) == 0:
            raise _errors.mvit_empty_setting()
        block = block or MultiscaleBlock
        norm_layer = norm_layer or partial(nn.LayerNorm, eps=1e-6)
        self.conv_proj = nn.Conv3d(3, block_setting[0].input_channels,
                                   kernel_size=patch_embed_kernel, stride=patch_embed_stride,
                                   padding=patch_embed_padding)
        input_size = [size // stride for size, stride in
                      zip((temporal_size,) + tuple(spatial_size), self.conv_proj.stride)]
        self.pos_encoding = PositionalEncoding(
            block_setting[0].input_channels, (input_size[1], input_size[2]), input_size[0],
            rel_pos_embed)
        self.blocks = nn.ModuleList()
        for i, cnf in enumerate(block_setting):
            self.blocks.append(block(
                input_size=input_size, cnf=cnf, residual_pool=residual_pool,
                residual_with_cls_embed=residual_with_cls_embed, rel_pos_embed=rel_pos_embed,
                proj_after_attn=proj_after_attn, dropout=attention_dropout,
                stochastic_depth_prob=stochastic_depth_prob * i / (len(block_setting) - 1.0),
                norm_layer=norm_layer))
            if len(cnf.stride_q) > 0:
                input_size = [size // stride for size, stride in zip(input_size, cnf.stride_q)]
        self.norm = norm_layer(block_setting[-1].output_channels)
        self.head = nn.Sequential(nn.Dropout(dropout, inplace=True),
                                  nn.Linear(block_setting[-1].output_channels, num_classes))
        for m in self.modules():
            if isinstance(m, nn.Linear):
                nn.init.trunc_normal_(m.weight, std=0.02)
                if m.bias is not None:
                    nn.init.zeros_(m.bias)
            elif isinstance(m, nn.LayerNorm):
                if m.weight is not None:
                    nn.init.ones_(m.weight)
                if m.bias is not None:
                    nn.init.zeros_(m.bias)
            elif isinstance(m, PositionalEncoding):
                for p in m.parameters():
                    nn.init.trunc_normal_(p, std=0.02)

    def forward(self, x):
        x = self.conv_proj(_unsqueeze(x, 5, 2)[0]).flatten(2).transpose(1, 2)
        x = self.pos_encoding(x)
        thw = (self.pos_encoding.temporal_size,) + tuple(self.pos_encoding.spatial_size)
        for block in self.blocks:
            x, thw = block(x, thw)
        return self.head(self.norm(x)[:, 0])


def _block_setting(v2):
    """The 16 blocks of ``mvit_v1_b`` / ``mvit_v2_s``: queries pooled (H, W halved) in blocks
    1, 3 and 14, keys/values pooled to the same coarse grid throughout; v2 widens at the
    pooling blocks, v1 one block earlier, and v2 also convolves the unpooled queries."""
    heads = [1, 2, 2] + [4] * 11 + [8, 8]
    if v2:
        ins, outs = [96, 96, 192, 192] + [384] * 11 + [768], [96, 192, 192] + [384] * 11 + [768] * 2
    else:
        ins, outs = [96, 192, 192] + [384] * 11 + [768] * 2, [192, 192] + [384] * 11 + [768] * 3
    stride_kv = [[1, 8, 8]] + [[1, 4, 4]] * 2 + [[1, 2, 2]] * 11 + [[1, 1, 1]] * 2
    setting = []
    for i in range(16):
        if i in (1, 3, 14):
            kernel_q, stride_q = [3, 3, 3], [1, 2, 2]
        else:
            kernel_q, stride_q = ([3, 3, 3], [1, 1, 1]) if v2 else ([], [])
        setting.append(MSBlockConfig(heads[i], ins[i], outs[i], kernel_q, [3, 3, 3], stride_q,
                                     stride_kv[i]))
    return setting


def _mvit(v2, stochastic_depth_prob=0.2, spatial_size=(224, 224), temporal_size=16, **kwargs):
    options = {"residual_pool": v2, "residual_with_cls_embed": False, "rel_pos_embed": v2,
               "proj_after_attn": v2}
    options.update(kwargs)
    return MViT(spatial_size, temporal_size, _block_setting(v2),
                stochastic_depth_prob=stochastic_depth_prob, **options)


def _prepare(weights, kwargs):
    """The checkpoints' positional tables fix the clip size."""
    overwrite_param(kwargs, "spatial_size", weights.meta["min_size"])
    overwrite_param(kwargs, "temporal_size", weights.meta["min_temporal_size"])


MViT_V1_B_Weights, mvit_v1_b = builder("mvit_v1_b", partial(_mvit, False), prepare=_prepare)
MViT_V2_S_Weights, mvit_v2_s = builder("mvit_v2_s", partial(_mvit, True), prepare=_prepare)
