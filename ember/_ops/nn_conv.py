"""Convolutions (1d/2d/3d, transposed, grouped, dilated) and unfold/fold (im2col/col2im).

The array work is in the backend (``dev._backend.nn``: im2col + GEMM, the batch folded in).
A convolution and its two gradients form a family closed under differentiation:

* ``F(x, w)``  the convolution itself,
* ``I(g, w)``  its input gradient (= a transposed convolution),
* ``Wg(x, g)`` its weight gradient.

``dF = I(., w), Wg(x, .)``; ``dI = F(., w), Wg(., g)``; ``dWg = I(g, .), F(x, .)``.  Backward
runs the raw backend kernels (fast path) unless a graph is being built (``create_graph``); then
it calls the same ops with autograd, so double backward works.
"""
import numpy as np

from .. import _dtype as D
from .. import _errors
from .._global_state import get_num_threads
from .._tensor import _make
from ..autograd.graph import node_class
from ._core import register, record, _grad_on
from . import memory_format as M

_LOWP = (D.float16, D.bfloat16)


# ---- argument normalisation -------------------------------------------------------------------
def ntuple(v, n, name="stride"):
    """An int or a sequence of ``n`` ints as a tuple of ``n`` ints (PyTorch's error otherwise)."""
    if isinstance(v, int):
        return (v,) * n
    v = tuple(int(e) for e in v)
    if len(v) == 1:
        return v * n
    if len(v) != n:
        raise _errors.conv_param_length(name, n, v)
    return v


# ---- the three primitives ---------------------------------------------------------------------
class _Geom:
    """Stride, padding, dilation and groups of one convolution."""
    __slots__ = ("s", "p", "d", "groups")

    def __init__(self, s, p, d, groups):
        self.s, self.p, self.d, self.groups = s, p, d, groups



def _bias_grad(g):
    """The bias gradient: ``g`` summed over all but its channel dim (a backend kernel unless
    a graph is being built or the dtype is a low-precision one)."""
    if _grad_on() or g._dtype in _LOWP:
        return g.sum((0,) + tuple(range(2, g.ndim)))
    return _make(g._device._backend.nn.channel_sums(g._data), g._dtype, g._device)


def _conv_backward(node, g):
    """ConvolutionBackward0 for both the direct and the transposed convolution."""
    x, w = node.saved()
    geom, transposed, has_bias = node._args
    need_x = node.next_functions[0][0] is not None
    need_w = node.next_functions[1][0] is not None
    need_b = has_bias and node.next_functions[2][0] is not None
    gb = _bias_grad(g) if need_b else None
    if _grad_on():                     # building a graph: differentiable ops
        if transposed:
            gx = _conv(g, w, None, geom, False, x._data.shape[2:]) if need_x else None
            gw = weight_grad(g, x, geom, w) if need_w else None
        else:
            gx = _conv(g, w, None, geom, True, x._data.shape[2:]) if need_x else None
            gw = weight_grad(x, g, geom, w) if need_w else None
        return gx, gw, gb
    nn = g._device._backend.nn
    up = _up(x._dtype)
    ga, xa, wa = up(g._data), up(x._data), up(w._data)
    if transposed:
        rx = nn.conv_forward(ga, wa, None, geom.s, geom.p, geom.d, geom.groups,
                             xa.shape[2:]) if need_x else None
        rw = nn.conv_backward(xa, ga, wa, ga.shape, geom.s, geom.p, geom.d, geom.groups,
                              False, True)[1] if need_w else None
    else:
        rx, rw = nn.conv_backward(ga, xa, wa, xa.shape, geom.s, geom.p, geom.d, geom.groups,
                                  need_x, need_w)
    fmt = _layout(x, w, geom)
    xp = g._device._backend.xp
    return (_wrap_like(None if rx is None else M.into(xp, rx, fmt), x),
            _wrap_like(None if rw is None else M.into(xp, rw, fmt), w), gb)


def _layout(x, w, geom):
    """The memory format of a convolution's output and of both its gradients, as torch's CPU
    backends choose it: channels-last when the input or the weight suggests it, but in 3-d
    only where torch picks its oneDNN kernel (``_onednn_3d``): its slow 3-d kernels write
    NCDHW."""
    fmt = M.suggest(x._data)
    if fmt == "contiguous_format":
        fmt = M.suggest(w._data)
    if fmt == "channels_last_3d" and not _onednn_3d(x, w, geom):
        return "contiguous_format"
    return fmt


def _onednn_3d(x, w, geom):
    """torch's ``use_mkldnn`` test for a float32 3-d convolution (its heuristics on when oneDNN
    beats the native kernel)."""
    n, c, d, h = x._data.shape[:4]
    kh, kw = w._data.shape[-2:]
    return x._dtype is D.float32 and \
        (geom.groups > 1 or (kw > 3 and kh > 3) or n > 1 or n * c * d * h > 20480) and \
        (any(v != 1 for v in geom.s) or any(v != 1 for v in geom.d) or n >= 16 or kw != 1 or
         kh != 1 or get_num_threads() > 1)


def _up(dt):
    """Array converter to the compute dtype (float16/bfloat16 are computed in float32)."""
    return (lambda a: a.astype(np.float32)) if dt in _LOWP else (lambda a: a)


def _weight_token(w):
    """``w``'s version when a forward is likely to be repeated with ``w`` unchanged (no
    gradient is being recorded for it; its array is the one computed with), else None.  An
    inference tensor's counter does not count: -1, its bits alone then decide."""
    if w._dtype in _LOWP or (w._requires_grad and _grad_on()):
        return None
    return w._vc[0] if w._vc.__class__ is list else -1


def _wrap_like(r, t):
    if r is None:
        return None
    if r.dtype != t._dtype.np:
        r = r.astype(t._dtype.np)
    return _make(r, t._dtype, t._device)


ConvolutionBackward0 = node_class("ConvolutionBackward0", _conv_backward)


def _conv(x, w, b, geom, transposed, out_spatial=None):
    """F(x, w) + b, or the transposed convolution I(x, w) + b, with spatial size
    ``out_spatial`` (required when transposed; for F it crops the positions a transposed
    convolution's output_padding added); records ConvolutionBackward0."""
    nn = x._device._backend.nn
    up = _up(x._dtype)
    xa, wa = up(x._data), up(w._data)
    if transposed:
        cout = w._data.shape[1] * geom.groups
        shape = (x._data.shape[0], cout) + tuple(out_spatial)
        r = nn.conv_backward(xa, None, wa, shape, geom.s, geom.p, geom.d, geom.groups,
                             True, False)[0]
        if b is not None:
            r += up(b._data).reshape((cout,) + (1,) * len(out_spatial))
        fmt = _layout(x, w, geom)
    else:
        fmt = _layout(x, w, geom)
        r = nn.conv_forward(xa, wa, None if b is None else up(b._data), geom.s, geom.p,
                            geom.d, geom.groups, out_spatial, weight_token=_weight_token(w),
                            channels_last=fmt != "contiguous_format")
    out = _wrap_like(M.into(x._device._backend.xp, r, fmt), x)
    if _grad_on() and (x._requires_grad or w._requires_grad
                     or (b is not None and b._requires_grad)):
        record(out, ConvolutionBackward0, (x, w, b), (x, w), (geom, transposed, b is not None))
    return out


def _weight_grad_backward(node, h):
    x, g = node.saved()
    geom, w_shape = node._args
    dx = _conv(g, h, None, geom, True, x._data.shape[2:]) \
        if node.next_functions[0][0] is not None else None
    dg = _conv(x, h, None, geom, False, g._data.shape[2:]) \
        if node.next_functions[1][0] is not None else None
    return dx, dg


ConvolutionBackwardBackward0 = node_class("ConvolutionBackwardBackward0", _weight_grad_backward)


def weight_grad(x, g, geom, w):
    """Wg(x, g): the weight gradient of F(x, w) for output gradient ``g`` (differentiable)."""
    up = _up(x._dtype)
    xa = up(x._data)
    r = x._device._backend.nn.conv_backward(up(g._data), xa, up(w._data), xa.shape, geom.s,
                                            geom.p, geom.d, geom.groups, False, True)[1]
    out = _wrap_like(M.into(x._device._backend.xp, r, _layout(x, w, geom)), w)
    if _grad_on() and (x._requires_grad or g._requires_grad):
        record(out, ConvolutionBackwardBackward0, (x, g), (x, g), (geom, w._data.shape))
    return out


# ---- the public op ------------------------------------------------------------------------------
def _check(input, weight, bias, transposed, groups):
    x, w = input._data, weight._data
    if x.ndim != w.ndim:
        raise _errors.conv_weight_dim(w.shape, x.shape)
    if input._dtype is not weight._dtype:
        raise _errors.conv_dtype(input._dtype, weight._dtype)
    if groups <= 0:
        raise _errors.conv_nonpositive_groups()
    if transposed:
        if x.shape[1] != w.shape[0]:
            raise _errors.conv_channels(groups, w.shape, x.shape, w.shape[0], True)
        cout = w.shape[1] * groups
    else:
        if w.shape[0] % groups:
            raise _errors.conv_groups_divisible(groups, w.shape)
        if x.shape[1] != w.shape[1] * groups:
            raise _errors.conv_channels(groups, w.shape, x.shape, w.shape[1] * groups, False)
        cout = w.shape[0]
    if bias is not None and (bias._data.ndim != 1 or bias._data.shape[0] != cout):
        raise _errors.conv_bias(w.shape, cout, bias._data.shape)


@register("convolution", autocast={"cuda": "lower_precision_fp"},
          method=False, nodes=("ConvolutionBackward0",))
def convolution(input, weight, bias, stride, padding, dilation, transposed, output_padding,
                groups):
    """``torch.convolution``: the one entry point behind every conv function and module."""
    nsp = weight._data.ndim - 2
    _check(input, weight, bias, transposed, groups)
    s = ntuple(stride, nsp, "stride")
    p = ntuple(padding, nsp, "padding")
    d = ntuple(dilation, nsp, "dilation")
    if any(v <= 0 for v in s):
        raise _errors.conv_nonpositive_stride()
    if any(v < 0 for v in p):
        raise _errors.conv_negative_padding()
    if any(v <= 0 for v in d):
        raise _errors.conv_nonpositive_dilation(d)
    geom = _Geom(s, p, d, groups)
    ks = weight._data.shape[2:]
    sp = input._data.shape[2:]
    if transposed:
        op = ntuple(output_padding, nsp, "output_padding")
        if any(o >= si and o >= di for o, si, di in zip(op, s, d)):
            raise _errors.conv_output_padding(op, s, d)
        out = tuple((i - 1) * si - 2 * pi + di * (k - 1) + 1 + o
                    for i, si, pi, di, k, o in zip(sp, s, p, d, ks, op))
        return _conv(input, weight, bias, geom, True, out)
    padded = tuple(n + 2 * pi for n, pi in zip(sp, p))
    eff = tuple(di * (k - 1) + 1 for k, di in zip(ks, d))
    if any(e > n for e, n in zip(eff, padded)):
        raise _errors.conv_kernel_too_big(padded, eff)
    return _conv(input, weight, bias, geom, False)


def _same_padding(input, weight, stride, dilation, nsp):
    """padding='same': symmetric padding, plus a one-sided zero pad where the total is odd."""
    if any(v != 1 for v in ntuple(stride, nsp, "stride")):
        raise _errors.conv_same_padding_strided()
    d = ntuple(dilation, nsp, "dilation")
    total = [di * (k - 1) for di, k in zip(d, weight._data.shape[2:])]
    sym = tuple(t // 2 for t in total)
    extra = [t - 2 * h for t, h in zip(total, sym)]
    if any(extra):
        from .nn_pool import constant_pad_nd
        pads = []
        for e in reversed(extra):
            pads += [0, e]
        input = constant_pad_nd(input, pads, 0.0)
    return input, sym


def _conv_nd(nsp, transposed):
    """The ``torch.convNd`` / ``conv_transposeNd`` function (unbatched input allowed)."""
    name = f"conv_transpose{nsp}d" if transposed else f"conv{nsp}d"

    if transposed:
        def fn(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1,
               dilation=1):
            return _batched(nsp, name, input, lambda x: convolution(
                x, weight, bias, stride, padding, dilation, True, output_padding, groups))
    else:
        def fn(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
            def run(x):
                pad = padding
                if isinstance(pad, str):
                    if pad == "valid":
                        pad = 0
                    elif pad == "same":
                        x, pad = _same_padding(x, weight, stride, dilation, nsp)
                    else:
                        raise _errors.conv_padding_string(pad)
                return convolution(x, weight, bias, stride, pad, dilation, False, 0, groups)
            return _batched(nsp, name, input, run)
    fn.__name__ = fn.__qualname__ = name
    return register(name, autocast="lower_precision_fp", method=False,
                    nodes=("ConvolutionBackward0",))(fn)


def _batched(nsp, name, input, run):
    nd = input._data.ndim
    if nd == nsp + 1:
        return run(input.unsqueeze(0)).squeeze(0)
    if nd != nsp + 2:
        raise _errors.conv_input_dim(nsp, name, input._data.shape)
    return run(input)


conv1d = _conv_nd(1, False)
conv2d = _conv_nd(2, False)
conv3d = _conv_nd(3, False)
conv_transpose1d = _conv_nd(1, True)
conv_transpose2d = _conv_nd(2, True)
conv_transpose3d = _conv_nd(3, True)


# ---- unfold / fold (im2col / col2im) ----------------------------------------------------------------
Im2ColBackward0 = node_class("Im2ColBackward0", lambda node, g: (
    fold(g, node._args[0], *node._args[1:]),))
Col2ImBackward0 = node_class("Col2ImBackward0", lambda node, g: (unfold(g, *node._args[1:]),))


def _fold_args(kernel_size, dilation, padding, stride):
    return (ntuple(kernel_size, 2, "kernel_size"), ntuple(dilation, 2, "dilation"),
            ntuple(padding, 2, "padding"), ntuple(stride, 2, "stride"))


def unfold(input, kernel_size, dilation=1, padding=0, stride=1):
    """F.unfold: sliding local blocks of a (N, C, H, W) input as (N, C*kh*kw, L) columns."""
    a = input._data
    if a.ndim not in (3, 4):
        raise _errors.im2col_input_dims(a)
    ks, d, p, s = _fold_args(kernel_size, dilation, padding, stride)
    x = a if a.ndim == 4 else a[None]
    r = input._device._backend.nn.unfold(x, ks, s, p, d)
    out = _make(r if a.ndim == 4 else r[0], input._dtype, input._device)
    if _grad_on() and input._requires_grad:
        record(out, Im2ColBackward0, (input,), (), (a.shape[-2:], ks, d, p, s))
    return out


def fold(input, output_size, kernel_size, dilation=1, padding=0, stride=1):
    """F.fold: sum (N, C*kh*kw, L) columns back into a (N, C, H, W) image."""
    a = input._data
    if a.ndim not in (2, 3):
        raise _errors.col2im_input_dims(a)
    ks, d, p, s = _fold_args(kernel_size, dilation, padding, stride)
    osz = ntuple(output_size, 2, "output_size")
    x = a if a.ndim == 3 else a[None]
    nk = ks[0] * ks[1]
    if x.shape[1] % nk:
        raise _errors.col2im_kernel_divisible(ks, x)
    r = input._device._backend.nn.fold(x, osz, ks, s, p, d)
    out = _make(r if a.ndim == 3 else r[0], input._dtype, input._device)
    if _grad_on() and input._requires_grad:
        record(out, Col2ImBackward0, (input,), (), (osz, ks, d, p, s))
    return out
