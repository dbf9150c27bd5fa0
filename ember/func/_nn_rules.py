"""Batching rules of the nn ops (convolution, losses, normalisation, embedding, the pooling
and resampling kernels composites call) and of the random ops (``randomness=``)."""
import inspect

from .. import _dtype as D, _errors
from .._tensor import Tensor, _wrap_dim
from ._batched import wrap, is_batched, levels
from ._batching import (_lift, _size, _batched_value, _only_self, _sizes, _fold, _fold_first,
                        _folded, _leading, pointwise)


# ---- nn -----------------------------------------------------------------------------------
def _convolution(call, level, args, kwargs):
    """convolution(input, weight, bias, stride, padding, dilation, transposed, output_padding,
    groups): a batched input alone folds the batch into N; a batched weight (per-sample
    weights, as grad inside vmap makes them) makes one grouped convolution, the batch folded
    into the channels (a transposed weight's first dim is its input channels: the same
    folding)."""
    names = ("input", "weight", "bias", "stride", "padding", "dilation", "transposed",
             "output_padding", "groups")
    a = dict(zip(names, args), **kwargs)
    x, w, bias, groups = a["input"], a["weight"], a["bias"], a["groups"]
    rest = [a[k] for k in names[3:8]]
    b = _size(level)
    if not is_batched(w, level) and not is_batched(bias, level):
        v = x._value
        n = v.shape[1]
        out = call(v.reshape((b * n,) + tuple(v.shape[2:])), w, bias, *rest, groups)
        return wrap(out.reshape((b, n) + tuple(out.shape[1:])), level)
    xv = _batched_value(x, level)
    n = xv.shape[1]
    xv = xv.movedim(0, 1).reshape((n, -1) + tuple(xv.shape[3:]))
    wv = _batched_value(w, level)
    wv = wv.reshape((-1,) + tuple(wv.shape[2:]))
    bv = None if bias is None else _batched_value(bias, level).reshape(-1)
    out = call(xv, wv, bv, *rest, groups * b)
    return wrap(out.reshape((n, b, -1) + tuple(out.shape[2:])).movedim(1, 0), level)


def _loss(fn):
    """Losses with ``reduction``: elementwise with reduction='none', then each sample reduced."""
    elementwise = pointwise(fn.__name__)
    params = list(inspect.signature(fn).parameters)

    def rule(call, level, args, kwargs):
        bound = dict(zip(params, args), **kwargs)
        reduction = bound.pop("reduction", "mean")
        out = elementwise(call, level, (), dict(bound, reduction="none"))
        if reduction == "none":
            return out
        v = _batched_value(out, level)
        dims = tuple(range(1, v.dim()))
        r = (v.mean(dims) if reduction == "mean" else v.sum(dims)) if dims else v
        return wrap(r, level)
    return rule


def _margin_loss(fn):
    """multi_margin_loss / multilabel_margin_loss over (C,) or (N, C) inputs: the batch folded
    into N with reduction='none', then each sample reduced."""
    params = list(inspect.signature(fn).parameters)

    def rule(call, level, args, kwargs):
        a = dict(zip(params, args), **kwargs)
        reduction = a.pop("reduction", "mean")
        x, target = a.pop("input"), a.pop("target")
        if is_batched(a.get("weight"), level):
            raise _errors.vmap_no_rule(fn.__name__)
        b = _size(level)
        xv, tv = _batched_value(x, level), _batched_value(target, level)
        lead = x.dim() == 2
        if lead:    # (batch, N, C): N folded into the batch
            xv, tv = xv.reshape((-1,) + tuple(xv.shape[2:])), tv.reshape(
                (-1,) + tuple(tv.shape[2:]))
        else:       # (C,) or 0-d samples: the batch is the op's N
            xv = xv.reshape(b, -1)
            tv = tv.reshape(b) if fn.__name__ == "multi_margin_loss" else tv.reshape(b, -1)
        losses = call(xv, tv, **a, reduction="none").reshape(b, -1)
        if reduction == "none":
            return wrap(losses if lead else losses.reshape(b), level)
        return wrap(losses.mean(1) if reduction == "mean" else losses.sum(1), level)
    return rule


def _signal(min_dims):
    """stft / istft: a logical input of ``min_dims`` dims runs with the batch as the op's own
    batch dim; one more dim (the op's batch) is folded into it. The window is not batched."""
    def rule(call, level, args, kwargs):
        x = args[0]
        if any(is_batched(v, level) for v in (*args[1:], *kwargs.values())):
            raise _errors.vmap_no_rule(call.__name__)
        v = x._value
        if x.dim() == min_dims:
            return _lift(call(v, *args[1:], **kwargs), level)
        return wrap(_folded(call, v, args, kwargs), level)
    return rule


def _nll_loss(call, level, args, kwargs):
    params = ("input", "target", "weight", "reduction", "ignore_index")
    a = dict(zip(params, args), **kwargs)
    x, target, weight = a["input"], a["target"], a.get("weight")
    reduction, ignore = a.get("reduction", "mean"), a.get("ignore_index", -100)
    if is_batched(weight, level):
        raise _errors.vmap_no_rule("nll_loss_forward")
    b = _size(level)
    xv, tv = _batched_value(x, level), _batched_value(target, level)
    if x.dim() == 1:
        xv, tv = xv.unsqueeze(1), tv.unsqueeze(1)
    n = xv.shape[1]
    flat_x = xv.reshape((b * n,) + tuple(xv.shape[2:]))
    flat_t = tv.reshape((b * n,) + tuple(tv.shape[2:]))
    losses = call(flat_x, flat_t, weight, "none", ignore).reshape((b, -1))
    if reduction == "none":
        out = losses.reshape((b,) + tuple(tv.shape[1:]))
        return wrap(out.squeeze(1) if x.dim() == 1 else out, level)
    total = losses.sum(1)
    if reduction == "sum":
        return wrap(total, level)
    valid = (flat_t != ignore).reshape((b, -1))
    if weight is not None:
        w = weight[flat_t.clamp(0, weight.shape[0] - 1).reshape(-1)].reshape((b, -1))
        denom = (w * valid).sum(1)
    else:
        denom = valid.sum(1).to(total.dtype)
    return wrap(total / denom, level)


def _layer_norm(call, level, args, kwargs):
    names = ("input", "normalized_shape", "weight", "bias", "eps")
    a = dict(zip(names, args), **kwargs)
    x, w, bias = a["input"], a.get("weight"), a.get("bias")
    eps = a.get("eps", 1e-5)
    if not is_batched(w, level) and not is_batched(bias, level):
        return _lift(call(_batched_value(x, level), a["normalized_shape"], w, bias, eps), level)
    out = wrap(call(_batched_value(x, level), a["normalized_shape"], None, None, eps), level)
    if w is not None:
        out = out * w
    return out if bias is None else out + bias


def _native_layer_norm(call, level, args, kwargs):
    """(out, mean, rstd); a batched weight or bias applies to the normalised output."""
    x, shape, w, bias, eps = args
    if not is_batched(w, level) and not is_batched(bias, level):
        return _lift(call(_batched_value(x, level), shape, w, bias, eps), level)
    out, mean, rstd = _lift(call(_batched_value(x, level), shape, None, None, eps), level)
    if w is not None:
        out = out * w
    return out if bias is None else out + bias, mean, rstd


def _batch_norm(call, level, args, kwargs):
    """batch_norm(input, weight, bias, running_mean, running_var, training, momentum, eps):
    in eval mode the batch folds into N; in training mode (no running statistics to update)
    into the channels, so each sample's batch gets its own statistics."""
    names = ("input", "weight", "bias", "running_mean", "running_var", "training",
             "momentum", "eps", "cudnn_enabled")
    a = dict(zip(names, args), **kwargs)
    x = a["input"]
    tensors = [a[k] for k in names[1:5]]
    if any(is_batched(t, level) for t in tensors) or not is_batched(x, level):
        raise _errors.vmap_no_rule("native_batch_norm")
    v, b = x._value, _size(level)
    n = v.shape[1]
    rest = (a["training"], a["momentum"], a["eps"])
    if not a["training"]:
        out = call(v.reshape((b * n,) + tuple(v.shape[2:])), *tensors, *rest)
        return wrap(out.reshape(tuple(v.shape)), level)
    if a["running_mean"] is not None or a["running_var"] is not None:
        raise _errors.vmap_no_rule("native_batch_norm")
    c = v.shape[2]
    folded = v.movedim(0, 1).reshape((n, b * c) + tuple(v.shape[3:]))
    w, bias = (None if t is None else t.repeat(b) for t in tensors[:2])
    out = call(folded, w, bias, None, None, *rest)
    return wrap(out.reshape((n, b, c) + tuple(v.shape[3:])).movedim(1, 0), level)


def _embedding(call, level, args, kwargs):
    weight, indices = args[0], args[1]
    if not is_batched(weight, level):
        return _lift(call(weight, indices._value, *args[2:], **kwargs), level)
    wv, iv = weight._value, _batched_value(indices, level)
    b = wv.shape[0]
    from .._ops import creation
    rows = creation.arange(b, device=wv.device).reshape((b,) + (1,) * (iv.dim() - 1))
    return wrap(wv[rows, iv], level)


def _prelu(call, level, args, kwargs):
    """prelu as ``max(x, 0) + weight * min(x, 0)``, weight along the channel dim (dim 1)."""
    x, w = args[0], args[1] if len(args) > 1 else kwargs["weight"]
    if w.numel() != 1 and x.dim() >= 2:
        w = w.reshape((-1,) + (1,) * (x.dim() - 2))
    return x.clamp_min(0) + w * x.clamp_max(0)


def _one_hot(call, level, args, kwargs):
    num_classes = args[1] if len(args) > 1 else kwargs.get("num_classes", -1)
    if num_classes == -1:
        raise _errors.vmap_dynamic_shape("one_hot")
    return wrap(call(_only_self("one_hot", level, args[:1], {}), num_classes), level)


def _take(call, level, args, kwargs):
    x, index = args[0], args[1]
    b, n = _size(level), max(x.numel(), 1)
    xv = _batched_value(x, level).reshape(b, -1)
    iv = _batched_value(index, level)
    return wrap(xv.gather(1, (iv.reshape(b, -1) + n) % n).reshape(tuple(iv.shape)), level)


def _renorm(x, p, dim, maxnorm):
    """Each slice along ``dim`` scaled down to norm ``maxnorm`` (norms over the other dims)."""
    from .._ops import pointwise as P
    n = max(x.dim(), 1)
    others = tuple(i for i in range(n) if i != _wrap_dim(dim, n))
    norms = x.norm(p, others, keepdim=True)
    return x * P.where(norms > maxnorm, maxnorm / (norms + 1e-7), 1.0).to(x.dtype)


def _searchsorted(call, level, args, kwargs):
    seq, values = args[0], args[1]
    if not is_batched(seq, level):
        return wrap(call(seq, values._value, *args[2:], **kwargs), level)
    v = _batched_value(values, level)
    if seq.dim() == 1:    # one sorted row per sample: the values as (batch, -1)
        return wrap(call(seq._value, v.reshape(v.shape[0], -1), *args[2:], **kwargs)
                    .reshape(tuple(v.shape)), level)
    return wrap(call(seq._value, v, *args[2:], **kwargs), level)


def _diag(x, diagonal=0):
    return x.diag_embed(diagonal) if x.dim() == 1 else x.diagonal(diagonal)


def _unbatched_result(call, level, args, kwargs):
    """new_tensor, is_conj...: the result does not depend on the batch."""
    return call(args[0]._value, *args[1:], **kwargs)


def _new_batched(call, level, args, kwargs):
    """new_zeros / new_ones / new_empty / new_full: batched, as torch's (so that backward
    formulas filling a fresh ``g.new_zeros(...)`` with a batched gradient stay batched)."""
    return wrap(call(args[0]._value, (_size(level),) + _sizes(args[1:]), **kwargs), level)


def _new_full(call, level, args, kwargs):
    x, size, rest = args[0], args[1], args[2:]
    return wrap(call(x._value, (_size(level),) + tuple(size), *rest, **kwargs), level)


# ---- kernels outside the op table ---------------------------------------------------------
def _fold_nd(call, level, args, kwargs):
    """The pooling kernels ``*_pool_nd(input, nsp, ...)``: ``_fold`` with ``nsp`` spatial dims."""
    return _fold(args[1], call.__name__)(call, level, args, kwargs)


def _max_unpool_nd(call, level, args, kwargs):
    """``max_unpool_nd(input, indices, nsp, out_spatial)``: input and indices batched (expanded
    if need be), a batched N folded into the batch."""
    x, nsp = args[0], args[2]
    v, iv = _batched_value(x, level), _batched_value(args[1], level)
    if x.dim() != nsp + 2:
        return wrap(call(v, iv, *args[2:]), level)
    b, n = v.shape[0], v.shape[1]
    out = call(v.reshape((b * n,) + tuple(v.shape[2:])),
               iv.reshape((b * n,) + tuple(iv.shape[2:])), *args[2:])
    return wrap(out.reshape((b, n) + tuple(out.shape[1:])), level)


def kernel_rules():
    """(function, rule) for functions outside the op table that compute on tensor data: the
    kernels composites such as ``F.avg_pool2d`` / ``F.interpolate`` / ``F.unfold`` call."""
    from .._ops import nn_conv, nn_pool, nn_resample
    return [(nn_pool.max_pool_nd, _fold_nd), (nn_pool.avg_pool_nd, _fold_nd),
            (nn_pool.adaptive_avg_pool_nd, _fold_nd), (nn_pool.adaptive_max_pool_nd, _fold_nd),
            (nn_pool.index_pad, _leading(0)), (nn_pool.max_unpool_nd, _max_unpool_nd),
            (nn_resample.resample, _fold_first("upsample")),
            (nn_conv.unfold, _fold(2, "im2col")), (nn_conv.fold, _fold(1, "col2im"))]


# ---- random ops ---------------------------------------------------------------------------
RANDOM = frozenset((
    "rand", "randn", "randint", "randperm", "rand_like", "randn_like", "randint_like",
    "normal", "bernoulli", "multinomial", "poisson", "binomial", "dropout", "alpha_dropout",
    "feature_alpha_dropout", "feature_dropout", "rrelu", "uniform_", "random_",
    "exponential_", "geometric_", "log_normal_", "cauchy_", "_sample_dirichlet",
    "_standard_gamma", "fractional_max_pool2d", "fractional_max_pool3d"))


_DROPOUTS = frozenset(("dropout", "alpha_dropout", "feature_alpha_dropout", "feature_dropout"))


_drawing = [0]


def _same_draw(name, call, level, args, kwargs):
    """One draw shared by every sample of a batched input (randomness='same')."""
    from .._ops import creation, pointwise as P
    x = args[0]
    sample = x._value[0]
    if name in ("rand_like", "randn_like", "randint_like"):
        return call(sample, *args[1:], **kwargs)
    if name in ("dropout", "feature_dropout"):    # multiplicative: x * dropout(ones)
        return P.mul(x, call(creation.ones_like(sample), *args[1:], **kwargs))
    if name.endswith("_"):      # in place: one sample drawn, written into every sample
        if any(is_batched(a, level) for a in (*args[1:], *kwargs.values())):
            raise _errors.vmap_no_rule(name)
        draw = sample.clone()
        call(draw, *args[1:], **kwargs)
        x._value.copy_(draw)
        return x
    raise _errors.vmap_same_randomness_batched()


def _different_unbatched(name, op, call, args, kwargs, different):
    """randomness='different' with no batched argument: the draw gets the batch dims."""
    sizes = tuple(lv.size for lv in different)
    if name.endswith("_"):
        raise _errors.vmap_different_inplace_unbatched()
    if name in ("rand", "randn"):
        out = op(*(sizes + _sizes(args)), **kwargs)
    elif name == "randint":
        i = next((i for i, a in enumerate(args) if isinstance(a, (tuple, list))), None)
        if i is None:
            kwargs = dict(kwargs, size=sizes + tuple(kwargs["size"]))
        else:
            args = args[:i] + (sizes + tuple(args[i]),) + args[i + 1:]
        out = op(*args, **kwargs)
    elif name == "randperm":     # rand draws per sample here: its argsort is a permutation
        from .._ops import random as R
        return R.rand(int(args[0]), device=kwargs.get("device")).argsort(-1).to(
            kwargs.get("dtype") or D.int64)
    elif isinstance(args[0], Tensor):   # rand_like, bernoulli(p)...: the input expanded
        x = args[0]
        for lv in different:
            x = wrap(x.expand((lv.size,) + tuple(x.shape)), lv.level)
        return call(x, *args[1:], **kwargs)
    else:
        raise _errors.vmap_no_rule(name)
    for lv in different:
        out = wrap(out, lv.level)
    return out


def _rrelu_training(input, lower=1.0 / 8, upper=1.0 / 3, training=False, generator=None):
    return training


def _dropout_is_identity(input, p, train):
    """Dropout out of training or with p=0 draws nothing (no randomness check, as torch)."""
    return not train or p == 0


def _random(name, batched_rule):
    """Random ops run whenever a vmap is active: 'error' raises; 'different' draws per sample
    (a batched input gives that naturally; ``rand``/``randn`` get the batch prepended to their
    size); 'same' draws once, unbatched (``*_like`` and dropout of a batched input draw for one
    sample's shape)."""
    def rule(call, level, args, kwargs):
        if name == "rrelu" and level:     # torch has no rule, in training or not
            raise _errors.vmap_not_supported(name)
        if name in _DROPOUTS and _dropout_is_identity(*args, **kwargs) or \
                name == "rrelu" and not _rrelu_training(*args, **kwargs):
            return batched_rule(call, level, args, kwargs) if level else \
                call.__wrapped__(*args, **kwargs)
        modes = [lv.randomness for lv in levels]
        if "error" in modes:
            raise _errors.vmap_random()
        if level:
            if levels[level - 1].randomness == "same":
                return _same_draw(name, call, level, args, kwargs)
            _drawing[0] += 1    # the values below are the batch: draw for them as they are
            try:
                return batched_rule(call, level, args, kwargs)
            finally:
                _drawing[0] -= 1
        op = call.__wrapped__
        different = [lv for lv in levels if lv.randomness == "different"]
        if not different or _drawing[0]:
            return op(*args, **kwargs)
        return _different_unbatched(name, op, call, args, kwargs, different)
    return rule
