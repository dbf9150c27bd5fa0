"""RAFT (Teed & Deng, 2020, "Recurrent All-Pairs Field Transforms for Optical Flow"): features
of both images, a pyramid of their all-pairs correlations, and a convolutional GRU that
refines the flow from correlations looked up around the current estimate."""
from functools import partial

import ember

from .... import _errors, nn
from ....nn import functional as F
from ...ops.misc import Conv2dNormActivation
from .._api import builder
from ._utils import grid_sample, make_coords_grid, upsample_flow

__all__ = ("RAFT", "raft_large", "raft_small", "Raft_Large_Weights", "Raft_Small_Weights")


def _projection(in_channels, out_channels, norm_layer, stride):
    return Conv2dNormActivation(in_channels, out_channels, norm_layer=norm_layer, kernel_size=1,
                                stride=stride, bias=True, activation_layer=None)


class ResidualBlock(nn.Module):
    """Two 3x3 convolution units (with biases, the first carrying the stride) and a ReLU
    after the sum with the (projected, when strided) input."""

    def __init__(self, in_channels, out_channels, *, norm_layer, stride=1, always_project=False):
        super().__init__()
        unit = partial(Conv2dNormActivation, norm_layer=norm_layer, kernel_size=3, bias=True)
        self.convnormrelu1 = unit(in_channels, out_channels, stride=stride)
        self.convnormrelu2 = unit(out_channels, out_channels)
        self.downsample = (nn.Identity() if stride == 1 and not always_project
                           else _projection(in_channels, out_channels, norm_layer, stride))
        self.relu = nn.ReLU(inplace=True)

    def forward(self, x):
        y = self.convnormrelu2(self.convnormrelu1(x))
        return self.relu(self.downsample(x) + y)


class BottleneckBlock(nn.Module):
    """1x1 reduce by 4, 3x3 (carrying the stride), 1x1 expand, each with bias, norm and ReLU,
    then a ReLU after the sum with the (projected, when strided) input."""

    def __init__(self, in_channels, out_channels, *, norm_layer, stride=1):
        super().__init__()
        mid = out_channels // 4
        unit = partial(Conv2dNormActivation, norm_layer=norm_layer, bias=True)
        self.convnormrelu1 = unit(in_channels, mid, kernel_size=1)
        self.convnormrelu2 = unit(mid, mid, kernel_size=3, stride=stride)
        self.convnormrelu3 = unit(mid, out_channels, kernel_size=1)
        self.relu = nn.ReLU(inplace=True)
        self.downsample = (nn.Identity() if stride == 1
                           else _projection(in_channels, out_channels, norm_layer, stride))

    def forward(self, x):
        y = self.convnormrelu3(self.convnormrelu2(self.convnormrelu1(x)))
        return self.relu(self.downsample(x) + y)


class FeatureEncoder(nn.Module):
    """A 7x7 stem and three stages of two blocks, then a 1x1 projection: ``layers`` are the
    five widths, ``strides`` those of the stem and each stage (default: downsample by 8).
    Both RAFT's feature and context encoders."""

    def __init__(self, *, block=ResidualBlock, layers=(64, 64, 96, 128, 256),
                 strides=(2, 1, 2, 2), norm_layer=nn.BatchNorm2d):
        super().__init__()
        if len(layers) != 5:
            raise _errors.raft_layers("layers", 5, len(layers))
        self.convnormrelu = Conv2dNormActivation(3, layers[0], norm_layer=norm_layer,
                                                 kernel_size=7, stride=strides[0], bias=True)
        for i in range(1, 4):
            setattr(self, f"layer{i}", nn.Sequential(
                block(layers[i - 1], layers[i], norm_layer=norm_layer, stride=strides[i]),
                block(layers[i], layers[i], norm_layer=norm_layer, stride=1)))
        self.conv = nn.Conv2d(layers[3], layers[4], kernel_size=1)
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")
            elif isinstance(m, (nn.BatchNorm2d, nn.InstanceNorm2d)):
                if m.weight is not None:
                    nn.init.ones_(m.weight)
                if m.bias is not None:
                    nn.init.zeros_(m.bias)
        self.output_dim = layers[-1]
        self.downsample_factor = 2 ** sum(s == 2 for s in strides)

    def forward(self, x):
        x = self.layer3(self.layer2(self.layer1(self.convnormrelu(x))))
        return self.conv(x)


def _relu_conv(in_channels, out_channels, kernel_size):
    return Conv2dNormActivation(in_channels, out_channels, norm_layer=None,
                                kernel_size=kernel_size)


class MotionEncoder(nn.Module):
    """Encodes the current flow and its correlation features together; the flow itself is
    appended to the output (``out_channels`` in all)."""

    def __init__(self, *, in_channels_corr, corr_layers=(256, 192), flow_layers=(128, 64),
                 out_channels=128):
        super().__init__()
        if len(flow_layers) != 2:
            raise _errors.raft_layers("flow_layers", 2, len(flow_layers))
        if len(corr_layers) not in (1, 2):
            raise _errors.raft_corr_layers(len(corr_layers))
        self.convcorr1 = _relu_conv(in_channels_corr, corr_layers[0], 1)
        self.convcorr2 = (_relu_conv(corr_layers[0], corr_layers[1], 3)
                          if len(corr_layers) == 2 else nn.Identity())
        self.convflow1 = _relu_conv(2, flow_layers[0], 7)
        self.convflow2 = _relu_conv(flow_layers[0], flow_layers[1], 3)
        self.conv = _relu_conv(corr_layers[-1] + flow_layers[-1], out_channels - 2, 3)
        self.out_channels = out_channels

    def forward(self, flow, corr_features):
        corr = self.convcorr2(self.convcorr1(corr_features))
        motion = self.convflow2(self.convflow1(flow))
        return ember.cat([self.conv(ember.cat([corr, motion], dim=1)), flow], dim=1)


class ConvGRU(nn.Module):
    """A GRU cell whose gates are convolutions over ``[h, x]``."""

    def __init__(self, *, input_size, hidden_size, kernel_size, padding):
        super().__init__()
        conv = partial(nn.Conv2d, hidden_size + input_size, hidden_size, kernel_size=kernel_size,
                       padding=padding)
        self.convz, self.convr, self.convq = conv(), conv(), conv()

    def forward(self, h, x):
        hx = ember.cat([h, x], dim=1)
        z = self.convz(hx).sigmoid()
        r = self.convr(hx).sigmoid()
        q = self.convq(ember.cat([r * h, x], dim=1)).tanh()
        return (1 - z) * h + z * q


class RecurrentBlock(nn.Module):
    """One or two ConvGRU cells applied in turn (RAFT-large: a 1x5 one then a 5x1 one)."""

    def __init__(self, *, input_size, hidden_size, kernel_size=((1, 5), (5, 1)),
                 padding=((0, 2), (2, 0))):
        super().__init__()
        if len(kernel_size) != len(padding):
            raise _errors.raft_kernel_padding_lengths(len(kernel_size), len(padding))
        if len(kernel_size) not in (1, 2):
            raise _errors.raft_kernel_count(len(kernel_size))
        cells = [ConvGRU(input_size=input_size, hidden_size=hidden_size, kernel_size=k,
                         padding=p) for k, p in zip(kernel_size, padding)]
        self.convgru1 = cells[0]
        self.convgru2 = cells[1] if len(cells) == 2 else None
        self.hidden_size = hidden_size

    def forward(self, h, x):
        h = self.convgru1(h, x)
        return h if self.convgru2 is None else self.convgru2(h, x)


class FlowHead(nn.Module):
    """Two 3x3 convolutions: hidden state -> flow update."""

    def __init__(self, *, in_channels, hidden_size):
        super().__init__()
        self.conv1 = nn.Conv2d(in_channels, hidden_size, 3, padding=1)
        self.conv2 = nn.Conv2d(hidden_size, 2, 3, padding=1)
        self.relu = nn.ReLU(inplace=True)

    def forward(self, x):
        return self.conv2(self.relu(self.conv1(x)))


class UpdateBlock(nn.Module):
    """Motion encoder -> recurrent block (with the context) -> flow head."""

    def __init__(self, *, motion_encoder, recurrent_block, flow_head):
        super().__init__()
        self.motion_encoder = motion_encoder
        self.recurrent_block = recurrent_block
        self.flow_head = flow_head
        self.hidden_state_size = recurrent_block.hidden_size

    def forward(self, hidden_state, context, corr_features, flow):
        motion = self.motion_encoder(flow, corr_features)
        hidden_state = self.recurrent_block(hidden_state, ember.cat([context, motion], dim=1))
        return hidden_state, self.flow_head(hidden_state)


class MaskPredictor(nn.Module):
    """The 8x8x9 convex-upsampling weights from the hidden state (scaled by ``multiplier``,
    which the original implementation applies to balance gradients)."""

    def __init__(self, *, in_channels, hidden_size, multiplier=0.25):
        super().__init__()
        self.convrelu = _relu_conv(in_channels, hidden_size, 3)
        self.conv = nn.Conv2d(hidden_size, 8 * 8 * 9, 1, padding=0)
        self.multiplier = multiplier

    def forward(self, x):
        return self.multiplier * self.conv(self.convrelu(x))


class CorrBlock(nn.Module):
    """All-pairs correlations of two feature maps, average-pooled into ``num_levels`` levels;
    ``index_pyramid`` samples each level in a ``(2 radius + 1)^2`` window around given
    coordinates."""

    def __init__(self, *, num_levels=4, radius=4):
        super().__init__()
        self.num_levels = num_levels
        self.radius = radius
        self.corr_pyramid = []
        self.out_channels = num_levels * (2 * radius + 1) ** 2

    def build_pyramid(self, fmap1, fmap2):
        if fmap1.shape != fmap2.shape:
            raise _errors.raft_fmap_shapes(fmap1.shape, fmap2.shape)
        min_size = 2 ** self.num_levels
        if any(size < min_size for size in fmap1.shape[-2:]):
            raise _errors.raft_fmap_too_small(min_size, fmap1.shape[-2:])
        n, c, h, w = fmap1.shape
        corr = fmap1.view(n, c, h * w).transpose(1, 2).matmul(fmap2.view(n, c, h * w))
        corr = (corr / ember.sqrt(ember.tensor(c))).reshape(n * h * w, 1, h, w)
        self.corr_pyramid = [corr]
        for _ in range(self.num_levels - 1):
            corr = F.avg_pool2d(corr, kernel_size=2, stride=2)
            self.corr_pyramid.append(corr)

    def index_pyramid(self, centroids_coords):
        side = 2 * self.radius + 1
        offsets = ember.linspace(-self.radius, self.radius, side)
        delta = ember.stack(ember.meshgrid(offsets, offsets, indexing="ij"), dim=-1)
        delta = delta.to(centroids_coords.device).view(1, side, side, 2)
        n, _, h, w = centroids_coords.shape
        coords = centroids_coords.permute(0, 2, 3, 1).reshape(n * h * w, 1, 1, 2)
        features = []
        for corr in self.corr_pyramid:
            features.append(grid_sample(corr, coords + delta, align_corners=True,
                                        mode="bilinear").view(n, h, w, -1))
            coords = coords / 2
        return ember.cat(features, dim=-1).permute(0, 3, 1, 2).contiguous()


class RAFT(nn.Module):
    """``forward(image1, image2, num_flow_updates=12)`` returns the list of the upsampled flow
    estimates, one per update (the last is the final one); H and W must be multiples of 8."""

    def __init__(self, *, feature_encoder, context_encoder, corr_block, update_block,
                 mask_predictor=None):
        super().__init__()
        self.feature_encoder = feature_encoder
        self.context_encoder = context_encoder
        self.corr_block = corr_block
        self.update_block = update_block
        self.mask_predictor = mask_predictor
        if not hasattr(update_block, "hidden_state_size"):
            raise _errors.raft_update_block_hidden_size()

    def forward(self, image1, image2, num_flow_updates=12):
        n, _, h, w = image1.shape
        if (h, w) != image2.shape[-2:]:
            raise _errors.raft_image_shapes(h, w, image2.shape[-2:])
        if h % 8 or w % 8:
            raise _errors.raft_image_size(h, w)
        fmap1, fmap2 = self.feature_encoder(ember.cat([image1, image2], dim=0)).chunk(2, dim=0)
        if fmap1.shape[-2:] != (h // 8, w // 8):
            raise _errors.raft_encoder_downsample("feature")
        self.corr_block.build_pyramid(fmap1, fmap2)
        context_out = self.context_encoder(image1)
        if context_out.shape[-2:] != (h // 8, w // 8):
            raise _errors.raft_encoder_downsample("context")
        hidden_size = self.update_block.hidden_state_size
        context_size = context_out.shape[1] - hidden_size
        if context_size <= 0:
            raise _errors.raft_context_channels(context_out.shape[1], hidden_size)
        hidden_state, context = context_out.split([hidden_size, context_size], dim=1)
        hidden_state, context = hidden_state.tanh(), F.relu(context)
        coords0 = make_coords_grid(n, h // 8, w // 8).to(fmap1.device)
        coords1 = coords0.clone()
        predictions = []
        for _ in range(num_flow_updates):
            coords1 = coords1.detach()      # the lookups are not differentiated (see the paper)
            corr_features = self.corr_block.index_pyramid(centroids_coords=coords1)
            hidden_state, delta_flow = self.update_block(hidden_state, context, corr_features,
                                                         coords1 - coords0)
            coords1 = coords1 + delta_flow
            up_mask = None if self.mask_predictor is None else self.mask_predictor(hidden_state)
            predictions.append(upsample_flow(coords1 - coords0, up_mask=up_mask))
        return predictions


def _raft(*, feature_encoder_layers, feature_encoder_block, feature_encoder_norm_layer,
          context_encoder_layers, context_encoder_block, context_encoder_norm_layer,
          corr_block_num_levels, corr_block_radius, motion_encoder_corr_layers,
          motion_encoder_flow_layers, motion_encoder_out_channels,
          recurrent_block_hidden_state_size, recurrent_block_kernel_size,
          recurrent_block_padding, flow_head_hidden_size, use_mask_predictor, **parts):
    """A RAFT from its configuration; ``parts`` may supply any of its modules ready-made."""
    feature_encoder = parts.pop("feature_encoder", None) or FeatureEncoder(
        block=feature_encoder_block, layers=feature_encoder_layers,
        norm_layer=feature_encoder_norm_layer)
    context_encoder = parts.pop("context_encoder", None) or FeatureEncoder(
        block=context_encoder_block, layers=context_encoder_layers,
        norm_layer=context_encoder_norm_layer)
    corr_block = parts.pop("corr_block", None) or CorrBlock(num_levels=corr_block_num_levels,
                                                            radius=corr_block_radius)
    update_block = parts.pop("update_block", None)
    if update_block is None:
        hidden = recurrent_block_hidden_state_size
        motion_encoder = MotionEncoder(
            in_channels_corr=corr_block.out_channels, corr_layers=motion_encoder_corr_layers,
            flow_layers=motion_encoder_flow_layers, out_channels=motion_encoder_out_channels)
        recurrent_block = RecurrentBlock(
            input_size=motion_encoder.out_channels + context_encoder_layers[-1] - hidden,
            hidden_size=hidden, kernel_size=recurrent_block_kernel_size,
            padding=recurrent_block_padding)
        update_block = UpdateBlock(
            motion_encoder=motion_encoder, recurrent_block=recurrent_block,
            flow_head=FlowHead(in_channels=hidden, hidden_size=flow_head_hidden_size))
    mask_predictor = parts.pop("mask_predictor", None)
    if mask_predictor is None and use_mask_predictor:
        mask_predictor = MaskPredictor(in_channels=recurrent_block_hidden_state_size,
                                       hidden_size=256, multiplier=0.25)
    return RAFT(feature_encoder=feature_encoder, context_encoder=context_encoder,
                corr_block=corr_block, update_block=update_block, mask_predictor=mask_predictor,
                **parts)


Raft_Large_Weights, raft_large = builder("raft_large", partial(
    _raft, feature_encoder_layers=(64, 64, 96, 128, 256), feature_encoder_block=ResidualBlock,
    feature_encoder_norm_layer=nn.InstanceNorm2d, context_encoder_layers=(64, 64, 96, 128, 256),
    context_encoder_block=ResidualBlock, context_encoder_norm_layer=nn.BatchNorm2d,
    corr_block_num_levels=4, corr_block_radius=4, motion_encoder_corr_layers=(256, 192),
    motion_encoder_flow_layers=(128, 64), motion_encoder_out_channels=128,
    recurrent_block_hidden_state_size=128, recurrent_block_kernel_size=((1, 5), (5, 1)),
    recurrent_block_padding=((0, 2), (2, 0)), flow_head_hidden_size=256,
    use_mask_predictor=True), legacy="C_T_SKHT_V2")
Raft_Small_Weights, raft_small = builder("raft_small", partial(
    _raft, feature_encoder_layers=(32, 32, 64, 96, 128), feature_encoder_block=BottleneckBlock,
    feature_encoder_norm_layer=nn.InstanceNorm2d, context_encoder_layers=(32, 32, 64, 96, 160),
    context_encoder_block=BottleneckBlock, context_encoder_norm_layer=None,
    corr_block_num_levels=4, corr_block_radius=3, motion_encoder_corr_layers=(96,),
    motion_encoder_flow_layers=(64, 32), motion_encoder_out_channels=82,
    recurrent_block_hidden_state_size=96, recurrent_block_kernel_size=(3,),
    recurrent_block_padding=(1,), flow_head_hidden_size=128, use_mask_predictor=False),
    legacy="C_T_V2")
