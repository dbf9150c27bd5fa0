"""Pooling (max, average, adaptive, unpooling) and padding ops.

The window arithmetic is in the backend (``dev._backend.nn``).  Inputs may be batched
``(N, C, *S)`` or unbatched ``(C, *S)``; kernels always see a batch dim.  Adaptive average
pooling is a separable linear map (``nn_resample.linear_map``).
"""
import numpy as np

from .. import _dtype as D
from .. import _errors
from .._tensor import _make
from ..autograd.graph import node_class
from ._core import register, record, _grad_on
from .nn_conv import ntuple
from .nn_resample import linear_map, map_node
from . import memory_format as M


def _batched(x, nsp):
    """``x``'s array with a batch dim, and whether one was added."""
    a = x._data
    if a.ndim == nsp + 1:
        return a[None], True
    return a, False


def _unbatch(a, added):
    return a[0] if added else a


def _needs(t):
    return _grad_on() and t._requires_grad


def _check_dims(x, nsp, msg=None):
    nd = x._data.ndim
    if nd not in (nsp + 1, nsp + 2) or any(s == 0 for s in x._data.shape[1:]):
        raise _errors.pool_input_dims(msg, nsp)


def _pool_args(name, nsp, kernel_size, stride, padding, dilation=1):
    def tup(v, what):
        if isinstance(v, int):
            return (v,) * nsp
        v = tuple(v)
        if len(v) == 1:
            return v * nsp
        if len(v) != nsp:
            nums = {2: "two", 3: "three"}[nsp]
            raise _errors.pool_param_length(name, what, nums)
        return v
    ks = tup(kernel_size, "kernel_size")
    s = ks if stride is None or (not isinstance(stride, int) and len(stride) == 0) \
        else tup(stride, "stride")
    p = tup(padding, "padding")
    d = tup(dilation, "dilation")
    for pi, k, di in zip(p, ks, d):
        if pi > (di * (k - 1) + 1) // 2:
            raise _errors.pool_pad_too_big(pi, k, di)
    return ks, s, p, d


def _check_output(x, o):
    if any(v <= 0 for v in o):
        raise _errors.pool_output_too_small(x.shape[1:], x.shape[1:2] + tuple(o))


# Backwards: while a graph is being built (``create_graph=True``) they are written in ember ops,
# so second derivatives exist; otherwise (the training hot path) the backend's fused kernels
# compute the same values from raw arrays.
def _plane_grad(g, flat, shape, added, fmt="contiguous_format"):
    """Gradient of picking the elements at flat per-plane indices ``flat`` (N, C, *O) of an
    input of (batched) ``shape``: ``g`` summed into zeros at those indices (laid out as
    ``fmt``)."""
    n, c = shape[:2]
    plane = int(np.prod(shape[2:]))
    if not _grad_on():
        ga = g._data[None] if added else g._data
        r = g._device._backend.nn.scatter_planes(ga, flat, plane).reshape(shape)
        r = M.into(g._device._backend.xp, r, fmt)
        return _make(_unbatch(r, added), g._dtype, g._device)
    gb = g.unsqueeze(0) if added else g
    idx = _make(flat.reshape(n, c, -1), D.int64, g._device)
    r = gb.new_zeros((n, c, plane)).scatter_add(2, idx, gb.reshape(n, c, -1)).reshape(shape)
    return r.squeeze(0) if added else r


def _pool_layout(input, nsp):
    """The layout of an average or adaptive pooling's output and input gradient: ``input``'s
    suggested format in 2-d; torch's 3-d CPU kernels for these write NCDHW."""
    return M.suggest(input._data) if nsp == 2 else "contiguous_format"


# ---- max pooling ---------------------------------------------------------------------------------
def _max_pool_backward(node, g):
    shape, geom, argk, added, fmt = node._args
    nn = g._device._backend.nn
    if _grad_on():
        ks, s, p, d, _ = geom
        return (_plane_grad(g, nn.max_pool_indices(argk, shape[2:], ks, s, p, d), shape, added),)
    ga = g._data[None] if added else g._data
    r = M.into(g._device._backend.xp, nn.max_pool_backward(ga, argk, shape, *geom), fmt)
    return (_make(_unbatch(r, added), g._dtype, g._device),)


MaxPool2DWithIndicesBackward0 = node_class("MaxPool2DWithIndicesBackward0", _max_pool_backward)
MaxPool3DWithIndicesBackward0 = node_class("MaxPool3DWithIndicesBackward0", _max_pool_backward)
_MAX_NODES = {2: MaxPool2DWithIndicesBackward0, 3: MaxPool3DWithIndicesBackward0}


def max_pool_nd(input, nsp, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,
                return_indices=False):
    """Max pooling over ``nsp`` (2 or 3) spatial dims; indices as PyTorch's flat offsets."""
    name = f"max_pool{nsp}d"
    ks, s, p, d = _pool_args(name, nsp, kernel_size, stride, padding, dilation)
    _check_dims(input, nsp)
    x, added = _batched(input, nsp)
    nn = input._device._backend.nn
    needs = _needs(input)
    vals, argk = nn.max_pool(x, ks, s, p, d, ceil_mode, needs or return_indices)
    _check_output(x, vals.shape[2:])
    fmt = M.suggest(input._data)
    out = _make(_unbatch(M.into(input._device._backend.xp, vals, fmt), added), input._dtype,
                input._device)
    if needs:
        record(out, _MAX_NODES[nsp], (input,), (),
               (x.shape, (ks, s, p, d, ceil_mode), argk, added, fmt))
    if not return_indices:
        return out
    idx = nn.max_pool_indices(argk, x.shape[2:], ks, s, p, d)
    return out, _make(_unbatch(idx, added), D.int64, input._device)


def _squeezed(fn, input, *args, **kwargs):
    """A 1-d pooling op as its 2-d op on an extra size-1 dim (PyTorch's own graph)."""
    r = fn(input.unsqueeze(-2), *args, **kwargs)
    if isinstance(r, tuple):
        return tuple(t.squeeze(-2) for t in r)
    return r.squeeze(-2)


def _one_d(v, fill):
    """A 1-d pooling argument as its 2-d form (size 1 on the added dim)."""
    if v is None:
        return None
    v = v if isinstance(v, int) else tuple(v)
    if isinstance(v, tuple):
        if len(v) != 1:
            raise _errors.max_pool1d_int_arg()
        v = v[0]
    return (fill, v)


@register("max_pool1d", method=False, nodes=("SqueezeBackward1",))
def max_pool1d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,
               return_indices=False):
    _check_dims(input, 1)
    return _squeezed(max_pool_nd, input, 2, _one_d(kernel_size, 1),
                     _one_d(stride, 1) if stride not in (None, ()) else None,
                     _one_d(padding, 0), _one_d(dilation, 1), ceil_mode, return_indices)


@register("max_pool2d", method=False, nodes=("MaxPool2DWithIndicesBackward0",))
def max_pool2d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,
               return_indices=False):
    return max_pool_nd(input, 2, kernel_size, stride, padding, dilation, ceil_mode,
                       return_indices)


@register("max_pool3d", autocast={"cpu": "fp32"},
          method=False, nodes=("MaxPool3DWithIndicesBackward0",))
def max_pool3d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,
               return_indices=False):
    return max_pool_nd(input, 3, kernel_size, stride, padding, dilation, ceil_mode,
                       return_indices)


# ---- average pooling -----------------------------------------------------------------------------
def _avg_pool_backward(node, g):
    """The transposed window sum; its own gradient is the average pooling again."""
    shape, args, added, fmt = node._args
    ga = g._data[None] if added else g._data
    r = M.into(g._device._backend.xp, g._device._backend.nn.avg_pool_backward(ga, shape, *args),
               fmt)
    out = _make(_unbatch(r, added), g._dtype, g._device)
    if _needs(g):
        record(out, _AVG_GRAD_NODES[len(shape) - 2], (g,), (), args)
    return (out,)


def _avg_pool_grad_backward(node, gg):
    return (avg_pool_nd(gg, len(node._args[0]), *node._args),)


AvgPool2DBackward0 = node_class("AvgPool2DBackward0", _avg_pool_backward)
AvgPool3DBackward0 = node_class("AvgPool3DBackward0", _avg_pool_backward)
_AVG_NODES = {2: AvgPool2DBackward0, 3: AvgPool3DBackward0}
_AVG_GRAD_NODES = {n: node_class(f"AvgPool{n}DBackwardBackward0", _avg_pool_grad_backward)
                   for n in (2, 3)}


def avg_pool_nd(input, nsp, kernel_size, stride=None, padding=0, ceil_mode=False,
                count_include_pad=True, divisor_override=None):
    ks, s, p, _ = _pool_args(f"avg_pool{nsp}d", nsp, kernel_size, stride, padding)
    _check_dims(input, nsp)
    if divisor_override is not None and divisor_override == 0:
        raise _errors.avg_pool_divisor_zero()
    x, added = _batched(input, nsp)
    args = (ks, s, p, ceil_mode, count_include_pad, divisor_override)
    r = input._device._backend.nn.avg_pool(x, *args)
    _check_output(x, r.shape[2:])
    fmt = _pool_layout(input, nsp)
    r = M.into(input._device._backend.xp, r.astype(x.dtype, copy=False), fmt)
    out = _make(_unbatch(r, added), input._dtype, input._device)
    if _needs(input):
        record(out, _AVG_NODES[nsp], (input,), (), (x.shape, args, added, fmt))
    return out


@register("avg_pool1d", method=False, nodes=("SqueezeBackward1",))
def avg_pool1d(input, kernel_size, stride=None, padding=0, ceil_mode=False,
               count_include_pad=True):
    _check_dims(input, 1)
    return _squeezed(avg_pool_nd, input, 2, _one_d(kernel_size, 1),
                     _one_d(stride, 1) if stride not in (None, ()) else None,
                     _one_d(padding, 0), ceil_mode, count_include_pad)


# ---- adaptive average pooling (a separable linear map, see nn_resample) ---------------
AdaptiveAvgPool2DBackward0 = map_node("AdaptiveAvgPool2DBackward0")
AdaptiveAvgPool3DBackward0 = map_node("AdaptiveAvgPool3DBackward0")
_ADAPTIVE_AVG = {2: AdaptiveAvgPool2DBackward0, 3: AdaptiveAvgPool3DBackward0}


def adaptive_output_size(input, nsp, output_size):
    o = (output_size,) * nsp if isinstance(output_size, int) or output_size is None \
        else tuple(output_size)
    if len(o) != nsp:
        raise _errors.adaptive_avg_pool_output_size(nsp)
    sp = input._data.shape[-nsp:]
    return tuple(s if v is None else int(v) for v, s in zip(o, sp))


def adaptive_avg_pool_nd(input, nsp, output_size):
    if input._data.ndim not in (nsp + 1, nsp + 2):
        raise _errors.adaptive_avg_pool_input_dims(input, nsp)
    o = adaptive_output_size(input, nsp, output_size)
    sp = input._data.shape[-nsp:]
    if all(v == 1 for v in o):
        return input.mean(tuple(range(-nsp, 0)), keepdim=True)
    nn = input._device._backend.nn
    mats = [nn.adaptive_avg_matrix(n, v, input._data.dtype) for n, v in zip(sp, o)]
    fmt = _pool_layout(input, nsp)
    return linear_map(input, mats, _ADAPTIVE_AVG[nsp], fmt=fmt, back=fmt)


@register("adaptive_avg_pool1d", method=False, nodes=("SqueezeBackward1",))
def adaptive_avg_pool1d(input, output_size):
    if input._data.ndim not in (2, 3):
        raise _errors.adaptive_avg_pool1d_input_dims(input)
    o = output_size if isinstance(output_size, int) else tuple(output_size)[0]
    return _squeezed(adaptive_avg_pool_nd, input, 2, (1, o))


# ---- adaptive max pooling ------------------------------------------------------------------------
def _index_backward(node, g):
    shape, flat, added, fmt = node._args
    return (_plane_grad(g, flat, shape, added, fmt),)


AdaptiveMaxPool2DBackward0 = node_class("AdaptiveMaxPool2DBackward0", _index_backward)
AdaptiveMaxPool3DBackward0 = node_class("AdaptiveMaxPool3DBackward0", _index_backward)
_ADAPTIVE_MAX = {2: AdaptiveMaxPool2DBackward0, 3: AdaptiveMaxPool3DBackward0}


def adaptive_max_pool_nd(input, nsp, output_size, return_indices=False):
    if input._data.ndim not in (nsp + 1, nsp + 2):
        raise _errors.adaptive_max_pool_input_dims(input, nsp)
    o = adaptive_output_size(input, nsp, output_size)
    x, added = _batched(input, nsp)
    vals, flat = input._device._backend.nn.adaptive_max_pool(x, o)
    fmt = _pool_layout(input, nsp)
    out = _make(_unbatch(M.into(input._device._backend.xp, vals, fmt), added), input._dtype,
                input._device)
    if _needs(input):
        record(out, _ADAPTIVE_MAX[nsp], (input,), (), (x.shape, flat, added, fmt))
    if not return_indices:
        return out
    return out, _make(_unbatch(flat, added), D.int64, input._device)


@register("adaptive_max_pool1d", method=False, function=False, nodes=("SqueezeBackward1",))
def adaptive_max_pool1d(input, output_size, return_indices=False):
    """nn.functional's; ``torch.adaptive_max_pool1d`` always returns the indices too."""
    if input._data.ndim not in (2, 3):
        raise _errors.adaptive_max_pool1d_input_dims(input)
    o = output_size if isinstance(output_size, int) else tuple(output_size)[0]
    return _squeezed(adaptive_max_pool_nd, input, 2, (1, o), return_indices)


# ---- max unpooling -------------------------------------------------------------------------------
def _max_unpool_backward(node, g):
    """Gather ``g`` at the indices (ember ops: its own gradient scatters back)."""
    flat, added = node._args
    gb = g.unsqueeze(0) if added else g
    n, c = flat.shape[:2]
    idx = _make(flat.reshape(n, c, -1), D.int64, g._device)
    r = gb.reshape(n, c, -1).gather(2, idx).reshape(flat.shape)
    return (r.squeeze(0) if added else r,)


MaxUnpool2DBackward0 = node_class("MaxUnpool2DBackward0", _max_unpool_backward)
MaxUnpool3DBackward0 = node_class("MaxUnpool3DBackward0", _max_unpool_backward)


def max_unpool_nd(input, indices, nsp, out_spatial):
    """Scatter ``input`` into zeros of spatial size ``out_spatial`` at flat ``indices``."""
    x, added = _batched(input, nsp)
    flat = indices._data[None] if added else indices._data
    n, c = x.shape[:2]
    plane = int(np.prod(out_spatial))
    if flat.size and (flat.min() < 0 or flat.max() >= plane):
        bad = int(flat.max() if flat.max() >= plane else flat.min())
        raise _errors.max_unpool_invalid_index(bad, out_spatial)
    xp = input._device._backend.xp
    r = xp.zeros((n, c, plane), x.dtype)
    xp.put_along_axis(r, flat.reshape(n, c, -1), x.reshape(n, c, -1), -1)
    r = r.reshape((n, c) + tuple(out_spatial))
    out = _make(_unbatch(r, added), input._dtype, input._device)
    if _needs(input):
        cls = MaxUnpool2DBackward0 if nsp <= 2 else MaxUnpool3DBackward0
        record(out, cls, (input,), (), (flat, added))
    return out


# ---- padding -------------------------------------------------------------------------------------
def _constant_pad_backward(node, g):
    return (constant_pad_nd(g, [-p for p in node._args], 0),)


ConstantPadNdBackward0 = node_class("ConstantPadNdBackward0", _constant_pad_backward)


def _pad_pairs(pad, nd):
    if len(pad) % 2:
        raise _errors.pad_length_odd()
    if len(pad) // 2 > nd:
        raise _errors.pad_length_too_long(nd, pad)
    pairs = [(int(pad[2 * i]), int(pad[2 * i + 1])) for i in range(len(pad) // 2)]
    return pairs[::-1]       # first pair pads the last dim


@register("constant_pad_nd", method=False, nodes=("ConstantPadNdBackward0",))
def constant_pad_nd(input, pad, value=0):
    """Pad (or crop, for negative amounts) the trailing dims; ``pad`` lists the last dim first."""
    a = input._data
    pairs = _pad_pairs(pad, a.ndim)
    lead = a.ndim - len(pairs)
    shape = a.shape[:lead] + tuple(n + lo + hi for n, (lo, hi) in zip(a.shape[lead:], pairs))
    if any(s < 0 for s in shape):
        raise _errors.pad_negative_output(lead, a, pairs)
    xp = input._device._backend.xp
    fmt = M.suggest(a)
    if fmt == "contiguous_format":
        out = xp.full(shape, value, a.dtype) if value else xp.zeros(shape, a.dtype)
    else:       # torch's output: laid out as the input suggests
        out = M.empty(xp, shape, a.dtype, fmt)
        out[...] = value
    src = [slice(None)] * lead
    dst = [slice(None)] * lead
    for n, (lo, hi) in zip(a.shape[lead:], pairs):
        src.append(slice(max(0, -lo), n - max(0, -hi)))
        dst.append(slice(max(0, lo), max(0, lo) + max(0, n - max(0, -lo) - max(0, -hi))))
    out[tuple(dst)] = a[tuple(src)]
    res = _make(out, input._dtype, input._device)
    if _needs(input):
        record(res, ConstantPadNdBackward0, (input,), (), list(pad))
    return res


def _pad_index(n, lo, hi, mode):
    """Source index (along one dim of size ``n``) of each position of the padded dim.  A
    negative amount crops that side; circular padding wraps within what is left after
    cropping (the other modes read the same indices either way)."""
    if mode == "circular":
        cut_lo, cut_hi = max(-lo, 0), max(-hi, 0)
        kept = n - cut_lo - cut_hi
        return np.arange(-max(lo, 0), kept + max(hi, 0)) % kept + cut_lo
    i = np.arange(-lo, n + hi)
    if mode == "reflect":
        period = 2 * (n - 1) if n > 1 else 1
        i = np.abs(i) % period
        return np.where(i >= n, period - i, i)
    if mode == "replicate":
        return np.clip(i, 0, n - 1)


def _index_pad_backward(node, g):
    """The padding gathered along each dim by an index, so its gradient sums back into the
    source positions with ``index_add``, last dim first (ember ops: double backward works)."""
    shape, pairs, idxs, fmt = node._args
    nd = len(idxs)
    for k in reversed(range(nd)):
        ax = g.ndim - nd + k
        size = tuple(g.shape[:ax]) + (shape[ax],) + tuple(g.shape[ax + 1:])
        index = _make(g._device._backend.xp.asarray(idxs[k], np.int64), D.int64, g._device)
        g = g.new_zeros(size).index_add(ax, index, g)
    return (M.tensor_into(g, fmt),)


def _pad_nodes(prefix):
    return {n: node_class(f"{prefix}{n}DBackward0", _index_pad_backward) for n in (1, 2, 3)}


# PyTorch pads circularly with slice copies, so its node is CopySlices.
_CIRCULAR = node_class("CopySlices", _index_pad_backward)
_PAD_NODES = {"reflect": _pad_nodes("ReflectionPad"), "replicate": _pad_nodes("ReplicationPad"),
              "circular": {n: _CIRCULAR for n in (1, 2, 3)}}


def index_pad(input, pad, mode):
    """reflect / replicate / circular padding of the last ``len(pad) // 2`` dims."""
    a = input._data
    pairs = _pad_pairs(pad, a.ndim)
    nd = len(pairs)
    idxs = []
    for k, (lo, hi) in enumerate(pairs):
        n = a.shape[a.ndim - nd + k]
        if mode == "reflect" and (lo >= n or hi >= n):
            raise _errors.reflection_pad_size(lo, hi, k, nd, a)
        idxs.append(_pad_index(n, lo, hi, mode))
    r, xp = a, input._device._backend.xp
    for k, idx in enumerate(idxs):
        r = xp.take(r, xp.asarray(idx), axis=a.ndim - nd + k)
    # torch's reflection and replication kernels keep the suggested layout, circular's slices not
    fmt = "contiguous_format" if mode == "circular" else M.suggest(a)
    out = _make(M.into(xp, r, fmt), input._dtype, input._device)
    if _needs(input):
        record(out, _PAD_NODES[mode][nd], (input,), (), (a.shape, pairs, idxs, fmt))
    return out
