"""Swin Transformer (Liu et al., 2021) ``swin_t``/``s``/``b`` and Swin Transformer V2 (Liu et
al., 2022) ``swin_v2_t``/``s``/``b``."""
import math
from functools import partial

import ember

from ... import _errors, nn
from ...nn import functional as F
from ..ops.misc import MLP, Permute
from ..ops.stochastic_depth import StochasticDepth
from ._api import builder
from ._layers import init_linears_trunc_normal

__all__ = ["SwinTransformer", "PatchMerging", "PatchMergingV2", "ShiftedWindowAttention",
           "ShiftedWindowAttentionV2", "SwinTransformerBlock", "SwinTransformerBlockV2",
           "shifted_window_attention", "Swin_T_Weights", "Swin_S_Weights", "Swin_B_Weights",
           "Swin_V2_T_Weights", "Swin_V2_S_Weights", "Swin_V2_B_Weights", "swin_t", "swin_s",
           "swin_b", "swin_v2_t", "swin_v2_s", "swin_v2_b"]


def _patch_merging_pad(x):
    """[..., H, W, C] -> [..., H/2, W/2, 4C]: the four pixels of each 2x2 patch, side by side."""
    h, w = x.shape[-3], x.shape[-2]
    x = F.pad(x, (0, 0, 0, w % 2, 0, h % 2))
    return ember.cat([x[..., 0::2, 0::2, :], x[..., 1::2, 0::2, :], x[..., 0::2, 1::2, :],
                      x[..., 1::2, 1::2, :]], -1)


def _get_relative_position_bias(table, index, window_size):
    n = window_size[0] * window_size[1]
    bias = table[index].view(n, n, -1)
    return bias.permute(2, 0, 1).contiguous().unsqueeze(0)


class PatchMerging(nn.Module):
    """Halve the resolution, double the channels: merge 2x2 patches, norm, linear."""

    def __init__(self, dim, norm_layer=nn.LayerNorm):
        super().__init__()
        self.dim = dim
        self.reduction = nn.Linear(4 * dim, 2 * dim, bias=False)
        self.norm = norm_layer(4 * dim)

    def forward(self, x):
        return self.reduction(self.norm(_patch_merging_pad(x)))


class PatchMergingV2(nn.Module):
    """V2 patch merging: the norm comes after the linear reduction."""

    def __init__(self, dim, norm_layer=nn.LayerNorm):
        super().__init__()
        self.dim = dim
        self.reduction = nn.Linear(4 * dim, 2 * dim, bias=False)
        self.norm = norm_layer(2 * dim)

    def forward(self, x):
        return self.norm(self.reduction(_patch_merging_pad(x)))


def _shift_mask(x, pad_h, pad_w, window_size, shift_size, num_windows):
    """-100 between tokens of a shifted window that came from different image regions."""
    mask = x.new_zeros((pad_h, pad_w))
    h_slices = ((0, -window_size[0]), (-window_size[0], -shift_size[0]), (-shift_size[0], None))
    w_slices = ((0, -window_size[1]), (-window_size[1], -shift_size[1]), (-shift_size[1], None))
    region = 0
    for h in h_slices:
        for w in w_slices:
            mask[h[0]:h[1], w[0]:w[1]] = region
            region += 1
    mask = mask.view(pad_h // window_size[0], window_size[0], pad_w // window_size[1],
                     window_size[1])
    mask = mask.permute(0, 2, 1, 3).reshape(num_windows, window_size[0] * window_size[1])
    mask = mask.unsqueeze(1) - mask.unsqueeze(2)
    return mask.masked_fill(mask != 0, -100.0).masked_fill(mask == 0, 0.0)


def shifted_window_attention(input, qkv_weight, proj_weight, relative_position_bias,
                             window_size, num_heads, shift_size, attention_dropout=0.0,
                             dropout=0.0, qkv_bias=None, proj_bias=None, logit_scale=None,
                             training=True):
    """Multi-head self-attention within (optionally cyclically shifted) windows of an
    [N, H, W, C] input, with a relative position bias; ``logit_scale`` selects V2's scaled
    cosine attention."""
    b, h, w, c = input.shape
    pad_r = (window_size[1] - w % window_size[1]) % window_size[1]
    pad_b = (window_size[0] - h % window_size[0]) % window_size[0]
    x = F.pad(input, (0, 0, 0, pad_r, 0, pad_b))
    _, pad_h, pad_w, _ = x.shape
    shift_size = [0 if window_size[i] >= (pad_h, pad_w)[i] else shift_size[i] for i in range(2)]
    shifted = sum(shift_size) > 0
    if shifted:
        x = ember.roll(x, shifts=(-shift_size[0], -shift_size[1]), dims=(1, 2))
    num_windows = (pad_h // window_size[0]) * (pad_w // window_size[1])
    x = x.view(b, pad_h // window_size[0], window_size[0], pad_w // window_size[1],
               window_size[1], c)
    x = x.permute(0, 1, 3, 2, 4, 5).reshape(b * num_windows, window_size[0] * window_size[1], c)
    if logit_scale is not None and qkv_bias is not None:
        qkv_bias = qkv_bias.clone()          # V2 has no key bias
        length = qkv_bias.numel() // 3
        qkv_bias[length:2 * length].zero_()
    qkv = F.linear(x, qkv_weight, qkv_bias)
    qkv = qkv.reshape(x.size(0), x.size(1), 3, num_heads, c // num_heads).permute(2, 0, 3, 1, 4)
    q, k, v = qkv[0], qkv[1], qkv[2]
    if logit_scale is not None:
        attn = F.normalize(q, dim=-1) @ F.normalize(k, dim=-1).transpose(-2, -1)
        attn = attn * ember.clamp(logit_scale, max=math.log(100.0)).exp()
    else:
        attn = (q * (c // num_heads) ** -0.5).matmul(k.transpose(-2, -1))
    attn = attn + relative_position_bias
    if shifted:
        mask = _shift_mask(x, pad_h, pad_w, window_size, shift_size, num_windows)
        attn = attn.view(x.size(0) // num_windows, num_windows, num_heads, x.size(1), x.size(1))
        attn = (attn + mask.unsqueeze(1).unsqueeze(0)).view(-1, num_heads, x.size(1), x.size(1))
    attn = F.dropout(F.softmax(attn, dim=-1), p=attention_dropout, training=training)
    x = attn.matmul(v).transpose(1, 2).reshape(x.size(0), x.size(1), c)
    x = F.dropout(F.linear(x, proj_weight, proj_bias), p=dropout, training=training)
    x = x.view(b, pad_h // window_size[0], pad_w // window_size[1], window_size[0],
               window_size[1], c)
    x = x.permute(0, 1, 3, 2, 4, 5).reshape(b, pad_h, pad_w, c)
    if shifted:
        x = ember.roll(x, shifts=(shift_size[0], shift_size[1]), dims=(1, 2))
    return x[:, :h, :w, :].contiguous()


class ShiftedWindowAttention(nn.Module):
    """Module form of :func:`shifted_window_attention` with a learned bias table."""
    window_dims = 2         # (the video Swin's subclass has 3-D windows)

    def __init__(self, dim, window_size, shift_size, num_heads, qkv_bias=True, proj_bias=True,
                 attention_dropout=0.0, dropout=0.0):
        super().__init__()
        if len(window_size) != self.window_dims or len(shift_size) != self.window_dims:
            raise _errors.swin_window_shift_length()
        self.window_size = window_size
        self.shift_size = shift_size
        self.num_heads = num_heads
        self.attention_dropout = attention_dropout
        self.dropout = dropout
        self.qkv = nn.Linear(dim, dim * 3, bias=qkv_bias)
        self.proj = nn.Linear(dim, dim, bias=proj_bias)
        self.define_relative_position_bias_table()
        self.define_relative_position_index()

    def define_relative_position_bias_table(self):
        wh, ww = self.window_size
        self.relative_position_bias_table = nn.Parameter(
            ember.zeros((2 * wh - 1) * (2 * ww - 1), self.num_heads))
        nn.init.trunc_normal_(self.relative_position_bias_table, std=0.02)

    def define_relative_position_index(self):
        wh, ww = self.window_size
        coords = ember.stack(ember.meshgrid(ember.arange(wh), ember.arange(ww), indexing="ij"))
        flat = coords.flatten(1)
        rel = (flat[:, :, None] - flat[:, None, :]).permute(1, 2, 0).contiguous()
        index = (rel[:, :, 0] + (wh - 1)) * (2 * ww - 1) + (rel[:, :, 1] + (ww - 1))
        self.register_buffer("relative_position_index", index.flatten())

    def get_relative_position_bias(self):
        return _get_relative_position_bias(self.relative_position_bias_table,
                                           self.relative_position_index, self.window_size)

    def _attend(self, x, logit_scale=None):
        return shifted_window_attention(
            x, self.qkv.weight, self.proj.weight, self.get_relative_position_bias(),
            self.window_size, self.num_heads, shift_size=self.shift_size,
            attention_dropout=self.attention_dropout, dropout=self.dropout,
            qkv_bias=self.qkv.bias, proj_bias=self.proj.bias, logit_scale=logit_scale,
            training=self.training)

    def forward(self, x):
        return self._attend(x)


class ShiftedWindowAttentionV2(ShiftedWindowAttention):
    """V2: scaled cosine attention, and a bias from an MLP over log-spaced coordinates."""

    def __init__(self, dim, window_size, shift_size, num_heads, qkv_bias=True, proj_bias=True,
                 attention_dropout=0.0, dropout=0.0):
        super().__init__(dim, window_size, shift_size, num_heads, qkv_bias=qkv_bias,
                         proj_bias=proj_bias, attention_dropout=attention_dropout,
                         dropout=dropout)
        self.logit_scale = nn.Parameter(ember.log(10 * ember.ones((num_heads, 1, 1))))
        self.cpb_mlp = nn.Sequential(nn.Linear(2, 512, bias=True), nn.ReLU(inplace=True),
                                     nn.Linear(512, num_heads, bias=False))
        if qkv_bias:
            length = self.qkv.bias.numel() // 3
            with ember.no_grad():
                self.qkv.bias[length:2 * length].zero_()

    def define_relative_position_bias_table(self):
        wh, ww = self.window_size
        table = ember.stack(ember.meshgrid(
            ember.arange(-(wh - 1), wh, dtype=ember.float32),
            ember.arange(-(ww - 1), ww, dtype=ember.float32), indexing="ij"))
        table = table.permute(1, 2, 0).contiguous().unsqueeze(0)
        table = table / ember.tensor([wh - 1, ww - 1], dtype=ember.float32) * 8
        table = ember.sign(table) * ember.log2(ember.abs(table) + 1.0) / 3.0
        self.register_buffer("relative_coords_table", table)

    def get_relative_position_bias(self):
        bias = _get_relative_position_bias(
            self.cpb_mlp(self.relative_coords_table).view(-1, self.num_heads),
            self.relative_position_index, self.window_size)
        return 16 * ember.sigmoid(bias)

    def forward(self, x):
        return self._attend(x, self.logit_scale)


class SwinTransformerBlock(nn.Module):
    """Pre-norm windowed attention and MLP, each a stochastic-depth residual."""

    def __init__(self, dim, num_heads, window_size, shift_size, mlp_ratio=4.0, dropout=0.0,
                 attention_dropout=0.0, stochastic_depth_prob=0.0, norm_layer=nn.LayerNorm,
                 attn_layer=ShiftedWindowAttention):
        super().__init__()
        self.norm1 = norm_layer(dim)
        self.attn = attn_layer(dim, window_size, shift_size, num_heads,
                               attention_dropout=attention_dropout, dropout=dropout)
        self.stochastic_depth = StochasticDepth(stochastic_depth_prob, "row")
        self.norm2 = norm_layer(dim)
        self.mlp = MLP(dim, [int(dim * mlp_ratio), dim], activation_layer=nn.GELU, inplace=None,
                       dropout=dropout)
        for m in self.mlp.modules():
            if isinstance(m, nn.Linear):
                nn.init.xavier_uniform_(m.weight)
                if m.bias is not None:
                    nn.init.normal_(m.bias, std=1e-6)

    def forward(self, x):
        x = x + self.stochastic_depth(self.attn(self.norm1(x)))
        return x + self.stochastic_depth(self.mlp(self.norm2(x)))


class SwinTransformerBlockV2(SwinTransformerBlock):
    """V2 block: post-norm residual branches."""

    def __init__(self, dim, num_heads, window_size, shift_size, mlp_ratio=4.0, dropout=0.0,
                 attention_dropout=0.0, stochastic_depth_prob=0.0, norm_layer=nn.LayerNorm,
                 attn_layer=ShiftedWindowAttentionV2):
        super().__init__(dim, num_heads, window_size, shift_size, mlp_ratio=mlp_ratio,
                         dropout=dropout, attention_dropout=attention_dropout,
                         stochastic_depth_prob=stochastic_depth_prob, norm_layer=norm_layer,
                         attn_layer=attn_layer)

    def forward(self, x):
        x = x + self.stochastic_depth(self.norm1(self.attn(x)))
        return x + self.stochastic_depth(self.norm2(self.mlp(x)))


def swin_stages(block, embed_dim, depths, num_heads, window_size, stochastic_depth_prob,
                norm_layer, downsample_layer, **block_kwargs):
    """The stages of a Swin Transformer (also the video one): ``depths[i]`` blocks of width
    ``embed_dim * 2**i``, every other one with windows shifted by half, stochastic depth rising
    linearly over all blocks, and a patch merging between stages."""
    total = sum(depths)
    block_id = 0
    layers = []
    for i_stage, depth in enumerate(depths):
        dim = embed_dim * 2 ** i_stage
        stage = []
        for i_layer in range(depth):
            stage.append(block(
                dim, num_heads[i_stage], window_size=window_size,
                shift_size=[0 if i_layer % 2 == 0 else w // 2 for w in window_size],
                stochastic_depth_prob=stochastic_depth_prob * float(block_id) / (total - 1),
                norm_layer=norm_layer, **block_kwargs))
            block_id += 1
        layers.append(nn.Sequential(*stage))
        if i_stage < len(depths) - 1:
            layers.append(downsample_layer(dim, norm_layer))
    return layers


class SwinTransformer(nn.Module):
    def __init__(self, patch_size, embed_dim, depths, num_heads, window_size, mlp_ratio=4.0,
                 dropout=0.0, attention_dropout=0.0, stochastic_depth_prob=0.1,
                 num_classes=1000, norm_layer=None, block=None, downsample_layer=PatchMerging):
        super().__init__()
        self.num_classes = num_classes
        block = block or SwinTransformerBlock
        norm_layer = norm_layer or partial(nn.LayerNorm, eps=1e-5)
        layers = [nn.Sequential(
            nn.Conv2d(3, embed_dim, kernel_size=(patch_size[0], patch_size[1]),
                      stride=(patch_size[0], patch_size[1])),
            Permute([0, 2, 3, 1]), norm_layer(embed_dim))]
        layers += swin_stages(block, embed_dim, depths, num_heads, window_size,
                              stochastic_depth_prob, norm_layer, downsample_layer,
                              mlp_ratio=mlp_ratio, dropout=dropout,
                              attention_dropout=attention_dropout)
        self.features = nn.Sequential(*layers)
        num_features = embed_dim * 2 ** (len(depths) - 1)
        self.norm = norm_layer(num_features)
        self.permute = Permute([0, 3, 1, 2])
        self.avgpool = nn.AdaptiveAvgPool2d(1)
        self.flatten = nn.Flatten(1)
        self.head = nn.Linear(num_features, num_classes)
        init_linears_trunc_normal(self)

    def forward(self, x):
        x = self.permute(self.norm(self.features(x)))
        return self.head(self.flatten(self.avgpool(x)))


def _swin(embed_dim, depths, num_heads, window, stochastic_depth_prob, v2=False):
    extra = {"block": SwinTransformerBlockV2, "downsample_layer": PatchMergingV2} if v2 else {}

    def make(**kwargs):
        return SwinTransformer([4, 4], embed_dim, depths, num_heads, [window, window],
                               stochastic_depth_prob=stochastic_depth_prob, **extra, **kwargs)
    return make


Swin_T_Weights, swin_t = builder("swin_t", _swin(96, [2, 2, 6, 2], [3, 6, 12, 24], 7, 0.2))
Swin_S_Weights, swin_s = builder("swin_s", _swin(96, [2, 2, 18, 2], [3, 6, 12, 24], 7, 0.3))
Swin_B_Weights, swin_b = builder("swin_b", _swin(128, [2, 2, 18, 2], [4, 8, 16, 32], 7, 0.5))
Swin_V2_T_Weights, swin_v2_t = builder(
    "swin_v2_t", _swin(96, [2, 2, 6, 2], [3, 6, 12, 24], 8, 0.2, v2=True))
Swin_V2_S_Weights, swin_v2_s = builder(
    "swin_v2_s", _swin(96, [2, 2, 18, 2], [3, 6, 12, 24], 8, 0.3, v2=True))
Swin_V2_B_Weights, swin_v2_b = builder(
    "swin_v2_b", _swin(128, [2, 2, 18, 2], [4, 8, 16, 32], 8, 0.5, v2=True))
