"""Batching rules: how each op runs once on a whole batch.

A rule is ``rule(call, level, args, kwargs)``: it unwraps the arguments batched at ``level``
(their values carry the batch as dim 0), calls ``call`` — the op's vmap wrapper, so lower
levels are unwrapped the same way — once with dims shifted past the batch dim, and wraps the
results. Most rules are a few families (pointwise with broadcasting, ops with a ``dim``
argument, ops that take any number of leading batch dims, ops whose first dim is folded with
the batch); shape ops, products, convolution, losses, indexing and random ops have their own.
Some rules are decompositions into other ops on the logical (BatchedTensor) tensors, which
dispatch again. ``rule_for(name, fn)`` gives every op of the table its rule, or one raising
torch's "Batching rule not implemented" error.
"""
import inspect

import numpy as np   # host bookkeeping only (the shapes of index lists)

from .. import _errors
from .._tensor import Tensor, _wrap_dim
from ._batched import wrap, is_batched, levels

__all__ = ["rule_for", "inplace_rule_for", "kernel_rules", "no_rule", "pointwise", "getitem", "setitem",
           "RANDOM", "DYNAMIC", "CREATION"]


# ---- helpers --------------------------------------------------------------------------------
def _lift(out, level):
    """Wrap the tensors of an op's result (a tensor, or a tuple / named tuple / list)."""
    if isinstance(out, Tensor):
        return wrap(out, level)
    if isinstance(out, (tuple, list)):
        items = [_lift(o, level) for o in out]
        if type(out) in (tuple, list):
            return type(out)(items)
        return type(out)(*items)
    return out


def _size(level):
    return levels[level - 1].size


def _batched_value(x, level):
    """``x``'s value with the batch first; an unbatched tensor expanded to the batch."""
    if is_batched(x, level):
        return x._value
    return x.expand((_size(level),) + tuple(x.shape))


def _pad(v, k, nd):
    """A value of logical ndim ``k`` viewed with ``nd - k`` size-1 dims after the batch dim."""
    if k >= nd:
        return v
    shape = tuple(v.shape)
    return v.reshape(shape[:1] + (1,) * (nd - k) + shape[1:])


def _shift(d, n):
    """Logical dim(s) ``d`` of an ``n``-d tensor -> physical dims (the batch is dim 0)."""
    if isinstance(d, (tuple, list)):
        return type(d)(_wrap_dim(x, n) + 1 for x in d)
    return _wrap_dim(d, n) + 1


def no_rule(name):
    def rule(call, level, args, kwargs):
        raise _errors.vmap_no_rule(name)
    return rule


def _check_out(name, kwargs):
    if kwargs.get("out") is not None:
        raise _errors.vmap_out_arg(name)


# ---- pointwise ------------------------------------------------------------------------------
def pointwise(name):
    """Tensor arguments broadcast against each other: batched ones get size-1 dims after the
    batch so that logical dims line up from the right."""
    def rule(call, level, args, kwargs):
        _check_out(name, kwargs)
        nd = max((a.dim() for a in (*args, *kwargs.values()) if isinstance(a, Tensor)),
                 default=0)

        def prep(a):
            return _pad(a._value, a.dim(), nd) if is_batched(a, level) else a
        out = call(*[prep(a) for a in args], **{k: prep(a) for k, a in kwargs.items()})
        return _lift(out, level)
    return rule


def _inplace_pointwise(name):
    """``self.op_(...)``: self must be batched when another argument is."""
    def rule(call, level, args, kwargs):
        self = args[0]
        if not is_batched(self, level):
            others = [a for a in (*args, *kwargs.values()) if is_batched(a, level)]
            shape = max((tuple(a.shape) for a in others), key=len)
            raise _errors.output_broadcast_shape(tuple(self.shape), (_size(level),) + shape)
        nd = self.dim()

        def prep(a):
            return _pad(a._value, a.dim(), nd) if is_batched(a, level) else a
        call(*[prep(a) for a in args], **{k: prep(a) for k, a in kwargs.items()})
        self._requires_grad = self._value._requires_grad
        return self
    return rule


# ---- ops with dim arguments -----------------------------------------------------------------
def _dim_rule(fn, params, none="all", extra=0, others=(), values=False):
    """The first argument is the batched tensor; ``params`` name its dim arguments, shifted
    past the batch dim. ``none``: what a missing / None / empty dim means — 'all' logical dims,
    'flat' (the op flattens: run on the value viewed as (batch, -1)) or 'keep' (leave it).
    'restore' flattens too and gives the result the input's shape back (roll).
    ``extra``: how many dims the op adds (unsqueeze: a dim in range of ndim + 1). A logical
    0-d input runs as 1-d, and 1-element results come back 0-d (torch's 0-d reductions).
    ``others`` name tensor arguments of the same rank (cross's other, gather's index): they are
    batched (expanded if need be) and dims line up with the input's. ``values``: the op without
    a dim returns one tensor but (values, indices) with one (max, median...)."""
    sig = inspect.signature(fn)
    first = next(iter(sig.parameters))

    def rule(call, level, args, kwargs):
        _check_out(fn.__name__, kwargs)
        ba = sig.bind(*args, **kwargs)
        a = ba.arguments
        x = a[first]
        if any(is_batched(v, level) for k, v in a.items() if k != first and k not in others):
            raise _errors.vmap_no_rule(fn.__name__)
        n = x.dim()
        for k in others:
            t = a.get(k)
            if isinstance(t, Tensor):
                n = max(n, t.dim())
                a[k] = _pad(_batched_value(t, level), t.dim(), n)
        v = _pad(_batched_value(x, level), x.dim(), n)
        zero = n == 0 and not extra
        if zero:
            v, n = v.unsqueeze(-1), 1
        flat, shape = False, tuple(v.shape)
        for p in params:
            d = a.get(p, sig.parameters[p].default)
            if d is inspect.Parameter.empty:
                continue
            if d is None or (isinstance(d, (tuple, list)) and not d):
                if none == "all":
                    a[p] = tuple(range(1, n + 1))
                elif none in ("flat", "restore"):
                    v, flat = v.reshape(v.shape[0], -1), True
                    a[p] = 1
            else:
                a[p] = _shift(d, n + extra)
        a[first] = v
        out = call(*ba.args, **ba.kwargs)
        if flat and values:
            out = out[0]
        if flat and none == "restore":
            out = out.reshape(shape)
        elif flat and a.get("keepdim"):
            out = _map(out, lambda o: o.reshape((o.shape[0],) + (1,) * n))
        if zero:
            out = _map(out, lambda o: o.reshape(o.shape[:1]) if o.dim() == 2 else o)
        return _lift(out, level)
    return rule


def _map(out, f):
    if isinstance(out, Tensor):
        return f(out)
    if isinstance(out, (tuple, list)):
        items = [_map(o, f) for o in out]
        return type(out)(items) if type(out) in (tuple, list) else type(out)(*items)
    return out


def _reduce_or_pointwise(fn):
    """max / min: a reduction, or pointwise with a tensor second argument."""
    reduce, elementwise = _dim_rule(fn, ("dim",), "flat", values=True), pointwise(fn.__name__)

    def rule(call, level, args, kwargs):
        other = args[1] if len(args) > 1 else kwargs.get("dim")
        return (elementwise if isinstance(other, Tensor) else reduce)(call, level, args, kwargs)
    return rule


def _leading(min_dims):
    """Ops that take any number of leading batch dims (linear algebra, tril, layer_norm...):
    every tensor argument batched (expanded if not) and called as is."""
    def rule(call, level, args, kwargs):
        first = args[0]
        if isinstance(first, Tensor) and first.dim() < min_dims:   # torch's own error
            args = (first._value[0] if is_batched(first, level) else first,) + tuple(args[1:])
            return call(*args, **kwargs)

        def prep(a):
            return _batched_value(a, level) if isinstance(a, Tensor) else a
        return _lift(call(*[prep(a) for a in args], **{k: prep(v) for k, v in
                                                       kwargs.items()}), level)
    return rule


def _fold(spatial, name):
    """Ops over (N, C, *spatial) that also take an unbatched (C, *spatial) input (pooling):
    a batched N is folded into the batch dim."""
    def rule(call, level, args, kwargs):
        x = args[0]
        if not is_batched(x, level) or any(is_batched(a, level) for a in args[1:]):
            raise _errors.vmap_no_rule(name)
        v = x._value
        if x.dim() != spatial + 2:
            return _lift(call(v, *args[1:], **kwargs), level)
        b, n = v.shape[0], v.shape[1]
        out = call(v.reshape((b * n,) + tuple(v.shape[2:])), *args[1:], **kwargs)
        return _lift(_map(out, lambda o: o.reshape((b, n) + tuple(o.shape[1:]))), level)
    return rule


def _fold_nd(call, level, args, kwargs):
    """The pooling kernels ``*_pool_nd(input, nsp, ...)``: ``_fold`` with ``nsp`` spatial dims."""
    return _fold(args[1], call.__name__)(call, level, args, kwargs)


def kernel_rules():
    """(function, rule) for functions outside the op table that compute on tensor data: the
    kernels composites such as ``F.avg_pool2d`` / ``F.interpolate`` / ``F.unfold`` call."""
    from .._ops import nn_conv, nn_pool, nn_resample
    return [(nn_pool.max_pool_nd, _fold_nd), (nn_pool.avg_pool_nd, _fold_nd),
            (nn_pool.adaptive_avg_pool_nd, _fold_nd), (nn_pool.adaptive_max_pool_nd, _fold_nd),
            (nn_pool.index_pad, _leading(0)), (nn_pool.max_unpool_nd, no_rule("max_unpool")),
            (nn_resample.resample, _fold_first("upsample")),
            (nn_conv.unfold, _fold(2, "im2col")), (nn_conv.fold, _fold(1, "col2im"))]


# ---- shape ops ------------------------------------------------------------------------------
def _sizes(args):
    return tuple(args[0]) if len(args) == 1 and isinstance(args[0], (tuple, list)) \
        else tuple(args)


def _only_self(name, level, args, kwargs):
    if any(is_batched(a, level) for a in (*args[1:], *kwargs.values())):
        raise _errors.vmap_no_rule(name)
    return args[0]._value


def _view_rule(name):
    def rule(call, level, args, kwargs):
        v = _only_self(name, level, args, kwargs)
        if kwargs.get("dtype") is not None or (len(args) == 2 and not isinstance(
                args[1], (int, tuple, list)) and not hasattr(args[1], "__index__")):
            return _lift(call(v, *args[1:], **kwargs), level)   # view(dtype)
        shape = _sizes(args[1:])
        return _lift(call(v, (v.shape[0],) + shape), level)
    return rule


def _as_rule(target):
    """view_as / reshape_as / expand_as: the other tensor's logical shape."""
    def rule(call, level, args, kwargs):
        return getattr(args[0], target)(tuple(args[1].shape))
    return rule


def _expand(call, level, args, kwargs):
    x = args[0]
    sizes = _sizes(args[1:]) if len(args) > 1 else tuple(kwargs.pop("size"))
    v = _pad(_only_self("expand", level, (x,), kwargs), x.dim(), len(sizes))
    return _lift(call(v, (v.shape[0],) + sizes, **kwargs), level)


def _broadcast_to(call, level, args, kwargs):
    return args[0].expand(*args[1:], **kwargs)


def _permute(call, level, args, kwargs):
    x = args[0]
    v = _only_self("permute", level, args[:1], kwargs)
    dims = _sizes(args[1:]) if len(args) > 1 else tuple(kwargs.pop("dims"))
    if len(dims) != x.dim():   # torch's own error
        return call(v[0], dims)
    return _lift(call(v, (0,) + _shift(tuple(dims), x.dim())), level)


def _repeat(call, level, args, kwargs):
    x = args[0]
    sizes = _sizes(args[1:])
    v = _only_self("repeat", level, args[:1], kwargs)
    if len(sizes) < x.dim():
        return call(v[0], sizes)
    return _lift(call(_pad(v, x.dim(), len(sizes)), (1,) + sizes), level)


def _flip(call, level, args, kwargs):
    x = args[0]
    v = _only_self("flip", level, args[:1], {})
    dims = _sizes(args[1:]) if len(args) > 1 else tuple(kwargs["dims"])
    return _lift(call(v, _shift(dims, x.dim())), level)


def _first_only(name):
    """Ops whose other tensor arguments (boundaries, test elements) must not be batched."""
    def rule(call, level, args, kwargs):
        return _lift(call(_only_self(name, level, args, kwargs), *args[1:], **kwargs), level)
    return rule


def _tile(call, level, args, kwargs):
    x, dims = args[0], _sizes(args[1:])
    return x.repeat((1,) * (x.dim() - len(dims)) + dims)


def _t(call, level, args, kwargs):
    x = args[0]
    if x.dim() > 2:
        return call(_only_self("t", level, args, kwargs)[0])
    return x.transpose(0, 1) if x.dim() == 2 else x.view(tuple(x.shape))


def _squeeze(call, level, args, kwargs):
    x = args[0]
    dim = args[1] if len(args) > 1 else kwargs.get("dim")
    v = _only_self("squeeze", level, args[:1], {})
    n = x.dim()
    if dim is None:
        dim = tuple(i for i, s in enumerate(x.shape) if s == 1)
    if n == 0:
        return _lift(v.view(tuple(v.shape)), level)
    return _lift(call(v, _shift(dim, n)), level)


def _cat(extra):
    def rule(call, level, args, kwargs):
        tensors = list(args[0])
        dim = args[1] if len(args) > 1 else kwargs.get("dim", 0)
        _check_out("cat", kwargs)
        ref = next((t for t in tensors if not (t.dim() == 1 and t.shape[0] == 0)), tensors[0])
        n = ref.dim()
        values = [_batched_value(t, level) if t.dim() or extra else t for t in tensors]
        return _lift(call(values, _shift(dim, n + extra)), level)
    return rule


def getitem(call, level, args, kwargs):
    x, index = args
    index = list(index) if isinstance(index, tuple) else [index]
    if any(is_batched(i, level) for i in index) or not is_batched(x, level):
        raise _errors.vmap_no_rule("index.Tensor")
    advanced = [k for k, i in enumerate(index)
                if isinstance(i, (Tensor, list)) or (hasattr(i, "__len__") and
                                                      not isinstance(i, (str, slice)))]
    out = call(x._value, tuple([slice(None)] + index))
    if advanced and advanced != list(range(advanced[0], advanced[-1] + 1)):
        # separated advanced indices move their dims to the front, ahead of the batch
        lead = max(i.dim() if isinstance(i, Tensor) else np.ndim(i)
                   for i in (index[k] for k in advanced))
        out = out.movedim(lead, 0)
    return _lift(out, level)


def setitem(call, level, args, kwargs):
    x, index, value = args
    if not is_batched(x, level):
        raise _errors.vmap_no_rule("index_put_")
    index = list(index) if isinstance(index, tuple) else [index]
    if any(is_batched(i, level) for i in index):
        raise _errors.vmap_no_rule("index_put_")
    if is_batched(value, level):
        target = x[tuple(index)].dim()
        value = _pad(value._value, value.dim(), target)
    call(x._value, tuple([slice(None)] + index), value)


# ---- products -------------------------------------------------------------------------------
def _matmul(call, level, args, kwargs):
    a, b = args[0], args[1]
    _check_out("matmul", kwargs)
    ka, kb = a.dim(), b.dim()
    if ka == 0 or kb == 0:
        raise _errors.matmul_0d(ka, kb)
    from .._ops import linalg
    va = a._value if is_batched(a, level) else a
    vb = b._value if is_batched(b, level) else b
    if ka == 1 and kb == 1 and not is_batched(b, level):    # (batch, k) @ (k,): mv
        return wrap(linalg.mv(va, vb), level)
    if ka == 1:
        va, ka = va.unsqueeze(-2), 2
    if kb == 1:
        vb, kb = vb.unsqueeze(-1), 2
    nd = max(ka, kb)
    if is_batched(a, level):
        va = _pad(va, ka, nd)
    if is_batched(b, level):
        vb = _pad(vb, kb, nd)
    out = linalg.matmul(va, vb)
    if a.dim() == 1:
        out = out.squeeze(-2)
    if b.dim() == 1:
        out = out.squeeze(-1)
    return _lift(out, level)


def _first_sample(x, level):
    return x._value[0] if is_batched(x, level) else x


def _product(ndims):
    """mm / bmm / mv / dot: matmul once the operands' logical ranks are checked (a wrong rank,
    or bmm's batch sizes, raise torch's error from the op run on the first samples)."""
    def rule(call, level, args, kwargs):
        a, b = args[0], args[1]
        if (a.dim(), b.dim()) != ndims or (ndims[0] == 3 and a.shape[0] != b.shape[0]) or \
                a.shape[-1] != b.shape[-2 if b.dim() > 1 else -1]:
            return call(_first_sample(a, level), _first_sample(b, level), **kwargs)
        return _matmul(call, level, (a, b), kwargs)
    return rule


def _vdot(call, level, args, kwargs):
    a, b = args[0], args[1]
    if (a.dim(), b.dim()) != (1, 1):
        return call(_first_sample(a, level), _first_sample(b, level))
    from .._ops import linalg
    return linalg.matmul(a.conj() if a.is_complex() else a, b)


def _inner(call, level, args, kwargs):
    """inner(a, b): the products over the last dims, shaped a.shape[:-1] + b.shape[:-1]."""
    a, b = args[0], args[1]
    if a.dim() == 0 or b.dim() == 0 or a.shape[-1] != b.shape[-1]:
        if a.dim() and b.dim():
            return call(_first_sample(a, level), _first_sample(b, level))
        from .._ops import pointwise as P
        return P.mul(a, b)
    from .._ops import linalg
    k = a.shape[-1]
    out = linalg.matmul(a.reshape(-1, k), b.reshape(-1, k).t())
    return out.reshape(tuple(a.shape[:-1]) + tuple(b.shape[:-1]))


def _addop(name, reduce_first=False, outer=False):
    """addmm / addmv / baddbmm / addbmm / addr as ``beta * input + alpha * product``."""
    def rule(call, level, args, kwargs):
        from .._ops import linalg, pointwise as P
        _check_out(name, kwargs)
        inp, a, b = args[:3]
        beta, alpha = kwargs.get("beta", 1), kwargs.get("alpha", 1)
        prod = P.mul(a.unsqueeze(-1), b) if outer else linalg.matmul(a, b)
        if reduce_first:
            prod = prod.sum(0)
        if alpha != 1:
            prod = P.mul(prod, alpha)
        if beta == 0:
            return prod
        return P.add(P.mul(inp, beta) if beta != 1 else inp, prod)
    return rule


def _outer(call, level, args, kwargs):
    from .._ops import pointwise as P
    return P.mul(args[0].unsqueeze(-1), args[1])


def _einsum(call, level, args, kwargs):
    """One more letter for the batch, on every batched operand and the output."""
    eq, ops = args[0], list(args[1:])
    if len(ops) == 1 and isinstance(ops[0], (list, tuple)):
        ops = list(ops[0])
    lhs, arrow, rhs = eq.replace(" ", "").partition("->")
    terms = lhs.split(",")
    letter = next(c for c in "zyxwvutsrqponmlkjihgfedcbaZYXWVUTSRQPONMLKJIHGFEDCBA"
                  if c not in eq)
    if not arrow:
        rhs = "".join(sorted(c for c in set(lhs) if c.isalpha() and lhs.count(c) == 1))
        if "..." in lhs:
            rhs = "..." + rhs
    new_terms, values = [], []
    for t, o in zip(terms, ops):
        if is_batched(o, level):
            new_terms.append(letter + t)
            values.append(o._value)
        else:
            new_terms.append(t)
            values.append(o)
    return _lift(call(",".join(new_terms) + "->" + letter + rhs, *values), level)


# ---- nn -------------------------------------------------------------------------------------
def _convolution(call, level, args, kwargs):
    """convolution(input, weight, bias, stride, padding, dilation, transposed, output_padding,
    groups): a batched input alone folds the batch into N; a batched weight (per-sample
    weights, as grad inside vmap makes them) makes one grouped convolution, the batch folded
    into the channels."""
    names = ("input", "weight", "bias", "stride", "padding", "dilation", "transposed",
             "output_padding", "groups")
    a = dict(zip(names, args), **kwargs)
    x, w, bias, groups = a["input"], a["weight"], a["bias"], a["groups"]
    if a["transposed"]:
        raise _errors.vmap_no_rule("convolution")
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


def _composite(call, level, args, kwargs):
    """Ops written with other ops (conv2d over convolution...): run the op itself on the
    batched tensors; the ops it calls dispatch to their rules."""
    return call.__wrapped__(*args, **kwargs)


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
    x, shape, w, bias, eps = args
    if is_batched(w, level) or is_batched(bias, level):
        raise _errors.vmap_no_rule("native_layer_norm")
    return _lift(call(_batched_value(x, level), shape, w, bias, eps), level)


def _embedding(call, level, args, kwargs):
    weight, indices = args[0], args[1]
    if not is_batched(weight, level):
        return _lift(call(weight, indices._value, *args[2:], **kwargs), level)
    wv, iv = weight._value, _batched_value(indices, level)
    b = wv.shape[0]
    from .._ops import creation
    rows = creation.arange(b, device=wv.device).reshape((b,) + (1,) * (iv.dim() - 1))
    return wrap(wv[rows, iv], level)


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


def _fold_first(name):
    """Ops whose first dim is a batch of their own (group_norm): folded with the vmap batch."""
    def rule(call, level, args, kwargs):
        v = _only_self(name, level, args, kwargs)
        b, n = v.shape[0], v.shape[1]
        out = call(v.reshape((b * n,) + tuple(v.shape[2:])), *args[1:], **kwargs)
        return wrap(out.reshape((b, n) + tuple(out.shape[1:])), level)
    return rule


def _prelu(call, level, args, kwargs):
    """prelu as ``max(x, 0) + weight * min(x, 0)``, weight along the channel dim (dim 1)."""
    x, w = args[0], args[1]
    if w.numel() != 1 and x.dim() >= 2:
        w = w.reshape((-1,) + (1,) * (x.dim() - 2))
    return x.clamp_min(0) + w * x.clamp_max(0)


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


def _decomposition(f):
    """A rule written as other ops on the logical tensors."""
    def rule(call, level, args, kwargs):
        return f(*args, **kwargs)
    return rule


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


# ---- random ops -----------------------------------------------------------------------------
RANDOM = frozenset((
    "rand", "randn", "randint", "randperm", "rand_like", "randn_like", "randint_like",
    "normal", "bernoulli", "multinomial", "poisson", "binomial", "dropout", "alpha_dropout",
    "feature_alpha_dropout", "feature_dropout", "rrelu", "uniform_", "random_",
    "exponential_", "geometric_", "log_normal_", "cauchy_", "_sample_dirichlet",
    "_standard_gamma"))
_CREATION = frozenset(("rand", "randn"))
_DROPOUTS = frozenset(("dropout", "alpha_dropout", "feature_alpha_dropout", "feature_dropout"))


def _same_draw(name, call, level, args, kwargs):
    """One draw shared by every sample of a batched input (randomness='same')."""
    from .._ops import creation, pointwise as P
    x = args[0]
    sample = x._value[0]
    if name in ("rand_like", "randn_like", "randint_like"):
        return call(sample, *args[1:], **kwargs)
    if name in ("dropout", "feature_dropout"):    # multiplicative: x * dropout(ones)
        return P.mul(x, call(creation.ones_like(sample), *args[1:], **kwargs))
    raise _errors.vmap_no_rule(name)


def _dropout_is_identity(input, p, train):
    """Dropout out of training or with p=0 draws nothing (no randomness check, as torch)."""
    return not train or p == 0
_drawing = [0]


def _random(name, batched_rule):
    """Random ops run whenever a vmap is active: 'error' raises; 'different' draws per sample
    (a batched input gives that naturally; ``rand``/``randn`` get the batch prepended to their
    size); 'same' draws once, unbatched (``*_like`` and dropout of a batched input draw for one
    sample's shape)."""
    def rule(call, level, args, kwargs):
        if name in _DROPOUTS and _dropout_is_identity(*args, **kwargs):
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
        if name not in _CREATION:
            raise _errors.vmap_no_rule(name)
        out = op(*(tuple(lv.size for lv in different) + _sizes(args)), **kwargs)
        for lv in different:
            out = wrap(out, lv.level)
        return out
    return rule


# ---- the table ------------------------------------------------------------------------------
_POINTWISE_FACTORIES = frozenset((
    "unary.<locals>.op", "binary.<locals>.op", "_tensor_only.<locals>.op",
    "_binary_special.<locals>.op", "_conv.<locals>.convert", "_like.<locals>.make_like"))

_POINTWISE = frozenset((
    "add", "sub", "div", "rsub", "pow", "float_power", "where", "clamp", "clamp_min",
    "clamp_max", "lerp", "addcmul", "addcdiv", "masked_fill", "nan_to_num", "polar", "complex",
    "isclose", "heaviside", "fmod", "remainder", "round", "positive", "conj", "conj_physical",
    "resolve_conj", "resolve_neg", "clone", "contiguous", "detach", "to", "cpu", "cuda",
    "full_like", "square", "logit", "polygamma", "mvlgamma", "special_round", "special_zeta",
    "special_xlog1py", "xlogy", "threshold", "hardtanh", "leaky_relu", "elu", "celu", "selu",
    "gelu", "silu", "mish", "softplus", "hardsigmoid", "hardswish", "hardshrink",
    "softshrink", "log_sigmoid", "real", "imag", "angle", "copysign", "frexp", "ldexp",
    "view_as_real", "relu", "sigmoid", "tanh", "isin", "bucketize", "erfinv", "igamma",
    "igammac", "maximum", "minimum", "scalar_tensor", "tensor", "as_tensor", "asarray"))

_DIMS_ALL = {   # reductions: dim None / () means every logical dim
    "sum": ("dim",), "mean": ("dim",), "nansum": ("dim",), "nanmean": ("dim",),
    "amax": ("dim",), "amin": ("dim",), "std": ("dim",), "var": ("dim",),
    "std_mean": ("dim",), "var_mean": ("dim",), "logsumexp": ("dim",), "any": ("dim",),
    "all": ("dim",), "count_nonzero": ("dim",), "linalg_vector_norm": ("dim",),
    "norm": ("dim",),
}
_DIMS_FLAT = {  # dim None flattens the input
    "argmax": ("dim",), "argmin": ("dim",), "prod": ("dim",), "median": ("dim",),
    "nanmedian": ("dim",), "aminmax": ("dim",),
}
_DIMS = {       # required dims (or defaults that are dims)
    "cumsum": ("dim",), "softmax": ("dim",), "log_softmax": ("dim",), "softmin": ("dim",),
    "cumprod": ("dim",), "cummax": ("dim",), "cummin": ("dim",), "logcumsumexp": ("dim",), "sort": ("dim",),
    "argsort": ("dim",), "topk": ("dim",), "kthvalue": ("dim",), "mode": ("dim",),
    "select": ("dim",), "narrow": ("dim",), "narrow_copy": ("dim",), "transpose": ("dim0", "dim1"),
    "diagonal": ("dim1", "dim2"), "movedim": ("source", "destination"),
    "flatten": ("start_dim", "end_dim"), "unflatten": ("dim",), "split": ("dim",),
    "split_with_sizes": ("dim",), "chunk": ("dim",), "unbind": ("dim",),
    "tensor_split": ("dim",), "index_select": ("dim",), "glu": ("dim",), "diff": ("dim",),
    "cumulative_trapezoid": ("dim",), "trapezoid": ("dim",),
    "trapz": ("dim",), "linalg_cross": ("dim",), "cross": ("dim",),
    "gather": ("dim",), "take_along_dim": ("dim",), "scatter": ("dim",),
    "scatter_add": ("dim",), "scatter_reduce": ("dim",), "index_add": ("dim",),
    "index_copy": ("dim",), "index_fill": ("dim",), "rot90": ("dims",), "unfold": ("dimension",),
    "_fft_c2c": ("dim",), "_fft_r2c": ("dim",), "_fft_c2r": ("dim",),
}
_DIM_OTHERS = {"linalg_cross": ("other",), "cross": ("other",), "gather": ("index",),
               "take_along_dim": ("indices",), "scatter": ("index", "src"),
               "scatter_add": ("index", "src"), "scatter_reduce": ("index", "src"),
               "index_add": ("source",), "index_copy": ("source",)}
_DIMS_EXTRA = {"unsqueeze": ("dim",), "diag_embed": ("dim1", "dim2")}

_LEADING = {    # min logical dims
    "tril": 2, "triu": 2, "adjoint": 2, "linalg_diagonal": 2, "inverse": 2, "linalg_inv": 2,
    "linalg_inv_ex": 2, "det": 2, "linalg_det": 2, "logdet": 2, "slogdet": 2,
    "linalg_slogdet": 2, "cholesky": 2, "linalg_cholesky": 2, "linalg_cholesky_ex": 2,
    "linalg_qr": 2, "qr": 2, "linalg_svd": 2, "svd": 2, "linalg_svdvals": 2,
    "linalg_eigh": 2, "linalg_eigvalsh": 2, "linalg_eig": 2, "linalg_eigvals": 2,
    "linalg_matrix_exp": 2, "matrix_exp": 2, "linalg_matrix_power": 2, "matrix_power": 2,
    "linalg_pinv": 2, "pinverse": 2, "linalg_matrix_norm": 2, "linalg_solve": 2,
    "linalg_solve_ex": 2, "linalg_solve_triangular": 2, "cholesky_solve": 2,
    "cholesky_inverse": 2, "linalg_lu_factor": 2, "linalg_lu_factor_ex": 2, "linalg_lu": 2,
    "linalg_lu_solve": 2, "lu_unpack": 2, "linalg_householder_product": 2,
    "linalg_matrix_rank": 2, "linalg_cond": 2, "linalg_vecdot": 1, "layer_norm": 1,
    "pixel_shuffle": 3, "pixel_unshuffle": 3, "linalg_vander": 1, "view_as_complex": 1,
    "constant_pad_nd": 0, "cdist": 2, "lu_solve": 2, "triangular_solve": 2, "linalg_lstsq": 2,
    "linalg_ldl_factor": 2, "linalg_ldl_factor_ex": 2, "linalg_ldl_solve": 2, "geqrf": 2,
    "orgqr": 2, "ormqr": 2, "lu": 2,
}

_SPECIAL = {
    "view": _view_rule("view"), "reshape": _view_rule("reshape"),
    "view_as": _as_rule("view"), "reshape_as": _as_rule("reshape"),
    "expand_as": _as_rule("expand"), "expand": _expand, "broadcast_to": _broadcast_to,
    "permute": _permute, "repeat": _repeat, "tile": _tile, "t": _t, "squeeze": _squeeze,
    "cat": _cat(0), "concat": _cat(0), "stack": _cat(1), "getitem": getitem,
    "setitem": setitem, "matmul": _matmul, "mm": _product((2, 2)), "bmm": _product((3, 3)),
    "mv": _product((2, 1)), "dot": _product((1, 1)), "vdot": _vdot, "inner": _inner,
    "outer": _outer, "flip": _flip, "bucketize": _first_only("bucketize"),
    "isin": _first_only("isin"), "addmm": _addop("addmm"), "addmv": _addop("addmv"),
    "baddbmm": _addop("baddbmm"), "addbmm": _addop("addbmm", reduce_first=True),
    "addr": _addop("addr", outer=True),
    "einsum": _einsum, "convolution": _convolution, "conv1d": _composite,
    "conv2d": _composite, "conv3d": _composite, "max_pool1d": _fold(1, "max_pool1d"),
    "max_pool2d": _fold(2, "max_pool2d"), "max_pool3d": _fold(3, "max_pool3d"),
    "avg_pool1d": _fold(1, "avg_pool1d"), "adaptive_avg_pool1d": _fold(1, "adaptive_avg_pool1d"),
    "adaptive_max_pool1d": _fold(1, "adaptive_max_pool1d"), "nll_loss": _nll_loss,
    "layer_norm": _layer_norm, "embedding": _embedding, "batch_norm": _batch_norm,
    "native_layer_norm": _native_layer_norm,
    "group_norm": _fold_first("group_norm"), "prelu": _prelu, "one_hot": _one_hot,
    "take": _take, "copy_": _inplace_pointwise("copy_"), "fill_": _inplace_pointwise("fill_"),
    "zero_": _inplace_pointwise("zero_"), "new_zeros": _new_batched,
    "new_ones": _new_batched, "new_empty": _new_batched, "new_full": _new_full,
    "new_tensor": _unbatched_result,
    "is_conj": _unbatched_result, "is_neg": _unbatched_result,
    "ravel": _decomposition(lambda x: x.reshape(-1)),
    "trace": _decomposition(lambda x: x.diagonal().sum() if x.dim() == 2 else x.trace()),
    "fliplr": _decomposition(lambda x: x.flip(1) if x.dim() >= 2 else x.fliplr()),
    "flipud": _decomposition(lambda x: x.flip(0) if x.dim() >= 1 else x.flipud()),
    "msort": _decomposition(lambda x: x.sort(0).values),
    "diag": _decomposition(_diag), "renorm": _decomposition(_renorm),
    "searchsorted": _searchsorted, "channel_shuffle": _fold_first("channel_shuffle"),
    "diagflat": _decomposition(lambda x, offset=0: x.reshape(-1).diag_embed(offset)),
}
_COMPOSITE = frozenset((
    "atleast_1d", "atleast_2d", "atleast_3d", "hsplit", "vsplit", "dsplit", "hstack", "vstack",
    "dstack", "column_stack", "tensordot", "cartesian_prod", "meshgrid", "broadcast_tensors",
    "chain_matmul", "linalg_multi_dot", "cov", "corrcoef", "linalg_norm", "bilinear", "gradient",
    "linalg_tensorsolve", "combinations", "quantile", "nanquantile", "ctc_loss"))

# ops whose output shape depends on the data: torch's dynamic-shape error
_LOSSES = frozenset(("mse_loss", "huber_loss", "smooth_l1_loss", "soft_margin_loss",
                     "binary_cross_entropy", "binary_cross_entropy_with_logits"))
DYNAMIC = frozenset(("nonzero", "argwhere", "masked_select", "unique", "unique_consecutive",
                      "bincount", "histc", "histogram", "histogramdd", "repeat_interleave"))


# ops that take no tensor: they never meet a BatchedTensor and need no rule
CREATION = frozenset((
    "arange", "empty", "eye", "full", "linspace", "logspace", "ones", "zeros", "from_numpy",
    "broadcast_shapes", "bartlett_window", "blackman_window", "hamming_window", "hann_window",
    "kaiser_window"))


def _is_pointwise(name, fn):
    return name in _POINTWISE or fn.__code__.co_qualname in _POINTWISE_FACTORIES


def rule_for(name, fn):
    """The batching rule of op ``name`` (function ``fn``)."""
    if name in RANDOM:
        return _random(name, pointwise(name))
    if name in ("max", "min"):
        return _reduce_or_pointwise(fn)
    if name in _SPECIAL:
        return _SPECIAL[name]
    if name in _LOSSES:
        return _loss(fn)
    if name in _COMPOSITE:
        return _composite
    if name in _DIMS_ALL:
        return _dim_rule(fn, _DIMS_ALL[name], "all")
    if name == "roll":
        return _dim_rule(fn, ("dims",), "restore")
    if name in _DIMS_FLAT:
        return _dim_rule(fn, _DIMS_FLAT[name], "flat", values=name in ("median", "nanmedian"))
    if name in _DIMS:
        return _dim_rule(fn, _DIMS[name], "keep", others=_DIM_OTHERS.get(name, ()))
    if name in _DIMS_EXTRA:
        return _dim_rule(fn, _DIMS_EXTRA[name], "keep", extra=1)
    if name in _LEADING:
        return _leading(_LEADING[name])
    if _is_pointwise(name, fn):
        return pointwise(name)
    if name in DYNAMIC:
        def dynamic(call, level, args, kwargs):
            raise _errors.vmap_dynamic_shape(name)
        return dynamic
    return None


def inplace_rule_for(name, fn, inplace):
    """The rule of ``inplace``, the in-place variant of op ``name`` (function ``fn``):
    pointwise ops, and ops with dim arguments (``index_fill_``, ``scatter_``...)."""
    if name in RANDOM:
        return _random(name + "_", _inplace_pointwise(name + "_"))
    if _is_pointwise(name, fn):
        return _inplace_pointwise(name + "_")
    if name in _DIMS:
        return _dim_rule(fn, _DIMS[name], "keep", others=_DIM_OTHERS.get(name, ()))
    return None
