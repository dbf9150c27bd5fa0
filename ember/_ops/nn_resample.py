"""Resampling and channel rearrangement: ``F.interpolate`` (every mode but 'area'),
pixel_shuffle / pixel_unshuffle, channel_shuffle.

Linear resampling is a separable linear map (``linear_map``): one small matrix per spatial dim,
applied with GEMMs; its backward applies the transposed matrices, which is the same op again
(so double backward works).  Adaptive average pooling (``nn_pool``) is such a map too.
"""
from .. import _errors
from .._tensor import _make
from ..autograd.graph import node_class
from ._core import register, record, _grad_on
from . import memory_format as M


def _needs(t):
    return _grad_on() and t._requires_grad


# ---- separable linear maps -----------------------------------------------------------------------
def _linear_map_backward(node, g):
    mats, shape, cls_t, added, back = node._args
    return (linear_map(g, [m.T for m in mats], cls_t, node.__class__, added, back, back),)


def linear_map(input, mats, cls, cls_t=None, added=None, fmt=None, back=None):
    """Apply the (O_i, S_i) matrix ``mats[i]`` along trailing spatial dim ``i`` of ``input``.

    ``cls`` is the node of this map, ``cls_t`` the node of its transpose (its gradient).
    The result is laid out as ``fmt`` (None: as ``input`` suggests), the gradient as ``back``
    (None: as the incoming gradient suggests)."""
    a = input._data
    r = input._device._backend.nn.apply_matrices(a, mats)
    r = M.into(input._device._backend.xp, r, M.suggest(a) if fmt is None else fmt)
    out = _make(r, input._dtype, input._device)
    if _needs(input):
        record(out, cls, (input,), (), (mats, a.shape, cls_t or cls, added, back))
    return out


def map_node(name):
    return node_class(name, _linear_map_backward)



# ---- interpolation -------------------------------------------------------------------------------
_INTERP_NODES = {}


def _interp_node(mode, nsp):
    names = {"nearest": "UpsampleNearest{}DBackward0",
             "nearest-exact": "UpsampleNearestExact{}DBackward0",
             "linear": "UpsampleLinear1DBackward0", "bilinear": "UpsampleBilinear2DBackward0",
             "trilinear": "UpsampleTrilinear3DBackward0", "bicubic": "UpsampleBicubic2DBackward0"}
    name = names[mode].format(nsp)
    cls = _INTERP_NODES.get(name)
    if cls is None:
        cls = _INTERP_NODES[name] = map_node(name)
    return cls


def resample(input, out_spatial, mode, align_corners, scales):
    """``F.interpolate`` for every mode but 'area': a separable linear map."""
    nsp = len(out_spatial)
    kind = {"linear": "linear", "bilinear": "linear", "trilinear": "linear",
            "bicubic": "cubic"}.get(mode, mode)
    nn = input._device._backend.nn
    sp = input._data.shape[-nsp:]
    mats = [nn.interp_matrix(n, o, kind, align_corners, sc, input._data.dtype)
            for n, o, sc in zip(sp, out_spatial, scales)]
    # torch's bicubic and 3-d nearest backwards write NC*S; the others' follow the gradient
    nc = kind == "cubic" or (nsp == 3 and kind.startswith("nearest"))
    return linear_map(input, mats, _interp_node(mode, nsp),
                      back="contiguous_format" if nc else None)


# ---- channel rearrangement ---------------------------------------------------------------------
PixelShuffleBackward0 = node_class("PixelShuffleBackward0",
                                   lambda node, g: (pixel_unshuffle(g, node._args),))
PixelUnshuffleBackward0 = node_class("PixelUnshuffleBackward0",
                                     lambda node, g: (pixel_shuffle(g, node._args),))


def _images(input, op):
    """``input``'s array, its leading sizes and its (channels, height, width)."""
    a = input._data
    if a.ndim < 3:
        raise _errors.pixel_shuffle_dims(op, a)
    return a, a.shape[:-3], a.shape[-3:]


def _rearranged(input, r, cls, args):
    """The rearranged ``r`` as a new array laid out as ``input`` suggests."""
    out = _make(M.into(input._device._backend.xp, r, M.suggest(input._data)), input._dtype,
                input._device)
    if _needs(input):
        record(out, cls, (input,), (), args)
    return out


@register("pixel_shuffle", method=False, nodes=("PixelShuffleBackward0",))
def pixel_shuffle(input, upscale_factor):
    a, lead, (c, h, w) = _images(input, "pixel_shuffle")
    r = upscale_factor
    if c % (r * r):
        raise _errors.pixel_shuffle_channels(c, r)
    v = a.reshape(lead + (c // (r * r), r, r, h, w))
    k = len(lead)
    v = v.transpose(tuple(range(k)) + (k, k + 3, k + 1, k + 4, k + 2))
    return _rearranged(input, v.reshape(lead + (c // (r * r), h * r, w * r)),
                       PixelShuffleBackward0, r)


@register("pixel_unshuffle", method=False, nodes=("PixelUnshuffleBackward0",))
def pixel_unshuffle(input, downscale_factor):
    a, lead, (c, h, w) = _images(input, "pixel_unshuffle")
    r = downscale_factor
    if h % r or w % r:
        raise _errors.pixel_unshuffle_size(h, r, w)
    k = len(lead)
    v = a.reshape(lead + (c, h // r, r, w // r, r))
    v = v.transpose(tuple(range(k)) + (k, k + 2, k + 4, k + 1, k + 3))
    return _rearranged(input, v.reshape(lead + (c * r * r, h // r, w // r)),
                       PixelUnshuffleBackward0, r)


ChannelShuffleBackward0 = node_class(
    "ChannelShuffleBackward0",
    lambda node, g: (channel_shuffle(g, g._data.shape[1] // node._args),))


@register("channel_shuffle", method=False, aliases=("native_channel_shuffle",),
          nodes=("ChannelShuffleBackward0",))
def channel_shuffle(input, groups):
    a = input._data
    if groups <= 0:
        raise _errors.channel_shuffle_groups(groups)
    c = a.shape[1]
    if c % groups:
        raise _errors.channel_shuffle_channels(c, groups)
    v = a.reshape((a.shape[0], groups, c // groups) + a.shape[2:]).swapaxes(1, 2)
    return _rearranged(input, v.reshape(a.shape), ChannelShuffleBackward0, groups)
