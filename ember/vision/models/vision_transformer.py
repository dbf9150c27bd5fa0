"""Vision Transformer (Dosovitskiy et al., 2020): ``vit_b_16``, ``b_32``, ``l_16``, ``l_32``,
``h_14``."""
import math
from collections import OrderedDict
from functools import partial
from typing import Callable, NamedTuple

import ember

from ... import _errors, nn
from ...nn import functional as F
from ..ops._legacy_keys import RenamedInVersion2
from ..ops.misc import MLP, Conv2dNormActivation
from ._api import builder, overwrite_param

__all__ = ["VisionTransformer", "ConvStemConfig", "MLPBlock", "EncoderBlock", "Encoder",
           "ViT_B_16_Weights", "ViT_B_32_Weights", "ViT_L_16_Weights", "ViT_L_32_Weights",
           "ViT_H_14_Weights", "vit_b_16", "vit_b_32", "vit_l_16", "vit_l_32", "vit_h_14",
           "interpolate_embeddings"]


class ConvStemConfig(NamedTuple):
    out_channels: int
    kernel_size: int
    stride: int
    norm_layer: Callable = nn.BatchNorm2d
    activation_layer: Callable = nn.ReLU


class MLPBlock(RenamedInVersion2, MLP):
    """The encoder's two-layer GELU MLP (children ``0`` and ``3``)."""

    def __init__(self, in_dim, mlp_dim, dropout):
        super().__init__(in_dim, [mlp_dim, in_dim], activation_layer=nn.GELU, inplace=None,
                         dropout=dropout)
        for m in self.modules():
            if isinstance(m, nn.Linear):
                nn.init.xavier_uniform_(m.weight)
                if m.bias is not None:
                    nn.init.normal_(m.bias, std=1e-6)

    def _version_1_names(self):
        return [("linear_1", "0"), ("linear_2", "3")]


_LN = partial(nn.LayerNorm, eps=1e-6)


class EncoderBlock(nn.Module):
    """Pre-norm self-attention and MLP, each with a residual connection."""

    def __init__(self, num_heads, hidden_dim, mlp_dim, dropout, attention_dropout,
                 norm_layer=_LN):
        super().__init__()
        self.num_heads = num_heads
        self.ln_1 = norm_layer(hidden_dim)
        self.self_attention = nn.MultiheadAttention(hidden_dim, num_heads,
                                                    dropout=attention_dropout, batch_first=True)
        self.dropout = nn.Dropout(dropout)
        self.ln_2 = norm_layer(hidden_dim)
        self.mlp = MLPBlock(hidden_dim, mlp_dim, dropout)

    def forward(self, input):
        ember._assert(input.dim() == 3,
                      f"Expected (batch_size, seq_length, hidden_dim) got {input.shape}")
        x = self.ln_1(input)
        x, _ = self.self_attention(x, x, x, need_weights=False)
        x = self.dropout(x) + input
        return x + self.mlp(self.ln_2(x))


class Encoder(nn.Module):
    """Learned position embedding, ``encoder_layer_{i}`` blocks, final layer norm."""

    def __init__(self, seq_length, num_layers, num_heads, hidden_dim, mlp_dim, dropout,
                 attention_dropout, norm_layer=_LN):
        super().__init__()
        self.pos_embedding = nn.Parameter(ember.empty(1, seq_length, hidden_dim).normal_(std=0.02))
        self.dropout = nn.Dropout(dropout)
        self.layers = nn.Sequential(OrderedDict(
            (f"encoder_layer_{i}", EncoderBlock(num_heads, hidden_dim, mlp_dim, dropout,
                                                attention_dropout, norm_layer))
            for i in range(num_layers)))
        self.ln = norm_layer(hidden_dim)

    def forward(self, input):
        ember._assert(input.dim() == 3,
                      f"Expected (batch_size, seq_length, hidden_dim) got {input.shape}")
        return self.ln(self.layers(self.dropout(input + self.pos_embedding)))


class VisionTransformer(nn.Module):
    def __init__(self, image_size, patch_size, num_layers, num_heads, hidden_dim, mlp_dim,
                 dropout=0.0, attention_dropout=0.0, num_classes=1000, representation_size=None,
                 norm_layer=_LN, conv_stem_configs=None):
        super().__init__()
        ember._assert(image_size % patch_size == 0, "Input shape indivisible by patch size!")
        self.image_size = image_size
        self.patch_size = patch_size
        self.hidden_dim = hidden_dim
        self.mlp_dim = mlp_dim
        self.attention_dropout = attention_dropout
        self.dropout = dropout
        self.num_classes = num_classes
        self.representation_size = representation_size
        self.norm_layer = norm_layer
        if conv_stem_configs is not None:
            self.conv_proj = nn.Sequential()
            channels = 3
            for i, cfg in enumerate(conv_stem_configs):
                self.conv_proj.add_module(f"conv_bn_relu_{i}", Conv2dNormActivation(
                    in_channels=channels, out_channels=cfg.out_channels,
                    kernel_size=cfg.kernel_size, stride=cfg.stride, norm_layer=cfg.norm_layer,
                    activation_layer=cfg.activation_layer))
                channels = cfg.out_channels
            self.conv_proj.add_module("conv_last", nn.Conv2d(channels, hidden_dim, kernel_size=1))
        else:
            self.conv_proj = nn.Conv2d(3, hidden_dim, kernel_size=patch_size, stride=patch_size)
        self.class_token = nn.Parameter(ember.zeros(1, 1, hidden_dim))
        self.seq_length = (image_size // patch_size) ** 2 + 1
        self.encoder = Encoder(self.seq_length, num_layers, num_heads, hidden_dim, mlp_dim,
                               dropout, attention_dropout, norm_layer)
        heads = OrderedDict()
        if representation_size is None:
            heads["head"] = nn.Linear(hidden_dim, num_classes)
        else:
            heads["pre_logits"] = nn.Linear(hidden_dim, representation_size)
            heads["act"] = nn.Tanh()
            heads["head"] = nn.Linear(representation_size, num_classes)
        self.heads = nn.Sequential(heads)
        self._init_weights()

    def _init_weights(self):
        proj = self.conv_proj
        if isinstance(proj, nn.Conv2d):
            fan_in = proj.in_channels * proj.kernel_size[0] * proj.kernel_size[1]
            nn.init.trunc_normal_(proj.weight, std=math.sqrt(1 / fan_in))
            if proj.bias is not None:
                nn.init.zeros_(proj.bias)
        elif isinstance(getattr(proj, "conv_last", None), nn.Conv2d):
            nn.init.normal_(proj.conv_last.weight, mean=0.0,
                            std=math.sqrt(2.0 / proj.conv_last.out_channels))
            if proj.conv_last.bias is not None:
                nn.init.zeros_(proj.conv_last.bias)
        if isinstance(getattr(self.heads, "pre_logits", None), nn.Linear):
            nn.init.trunc_normal_(self.heads.pre_logits.weight,
                                  std=math.sqrt(1 / self.heads.pre_logits.in_features))
            nn.init.zeros_(self.heads.pre_logits.bias)
        if isinstance(self.heads.head, nn.Linear):
            nn.init.zeros_(self.heads.head.weight)
            nn.init.zeros_(self.heads.head.bias)

    def _process_input(self, x):
        n, c, h, w = x.shape
        p = self.patch_size
        ember._assert(h == self.image_size,
                      f"Wrong image height! Expected {self.image_size} but got {h}!")
        ember._assert(w == self.image_size,
                      f"Wrong image width! Expected {self.image_size} but got {w}!")
        x = self.conv_proj(x)
        return x.reshape(n, self.hidden_dim, (h // p) * (w // p)).permute(0, 2, 1)

    def forward(self, x):
        x = self._process_input(x)
        x = ember.cat([self.class_token.expand(x.shape[0], -1, -1), x], dim=1)
        return self.heads(self.encoder(x)[:, 0])


def interpolate_embeddings(image_size, patch_size, model_state, interpolation_mode="bicubic",
                           reset_heads=False):
    """Resize a checkpoint's position embedding to another image size (interpolating the grid
    of patch embeddings, keeping the class token's); ``reset_heads`` drops the ``heads.*``
    entries."""
    pos = model_state["encoder.pos_embedding"]
    n, seq_length, hidden_dim = pos.shape
    if n != 1:
        raise _errors.pos_embedding_shape(pos.shape)
    new_side = image_size // patch_size
    if new_side ** 2 + 1 != seq_length:
        side = int(math.sqrt(seq_length - 1))
        if side * side != seq_length - 1:
            raise _errors.seq_length_not_square(side * side, seq_length - 1)
        grid = pos[:, 1:, :].permute(0, 2, 1).reshape(1, hidden_dim, side, side)
        grid = F.interpolate(grid, size=new_side, mode=interpolation_mode, align_corners=True)
        grid = grid.reshape(1, hidden_dim, new_side ** 2).permute(0, 2, 1)
        model_state["encoder.pos_embedding"] = ember.cat([pos[:, :1, :], grid], dim=1)
    if reset_heads:
        model_state = OrderedDict((k, v) for k, v in model_state.items()
                                  if not k.startswith("heads"))
    return model_state


def _prepare(weights, kwargs):
    # the SWAG checkpoints were trained at a larger image size
    overwrite_param(kwargs, "image_size", weights.meta["min_size"][0])


def _vit(patch_size, num_layers, num_heads, hidden_dim, mlp_dim):
    def make(image_size=224, **kwargs):
        return VisionTransformer(image_size, patch_size, num_layers, num_heads, hidden_dim,
                                 mlp_dim, **kwargs)
    return make


ViT_B_16_Weights, vit_b_16 = builder("vit_b_16", _vit(16, 12, 12, 768, 3072), prepare=_prepare)
ViT_B_32_Weights, vit_b_32 = builder("vit_b_32", _vit(32, 12, 12, 768, 3072), prepare=_prepare)
ViT_L_16_Weights, vit_l_16 = builder("vit_l_16", _vit(16, 24, 16, 1024, 4096), prepare=_prepare)
ViT_L_32_Weights, vit_l_32 = builder("vit_l_32", _vit(32, 24, 16, 1024, 4096), prepare=_prepare)
ViT_H_14_Weights, vit_h_14 = builder("vit_h_14", _vit(14, 32, 16, 1280, 5120), prepare=_prepare)
