"""The building blocks of vmap's batching rules: unwrapping and wrapping the batch, and the
rule families most ops share (pointwise with broadcasting, ops with dim arguments, ops that
take leading batch dims, ops whose first dim folds into the batch, composites).

A rule is ``rule(call, level, args, kwargs)``: it unwraps the arguments batched at ``level``
(their values carry the batch as dim 0), calls ``call`` — the op's vmap wrapper, so lower
levels are unwrapped the same way — once with dims shifted past the batch dim, and wraps the
results.
"""
import inspect

from .. import _errors
from .._tensor import Tensor, _wrap_dim
from ._batched import wrap, is_batched, levels


# ---- helpers ------------------------------------------------------------------------------
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


def _map(out, f):
    if isinstance(out, Tensor):
        return f(out)
    if isinstance(out, (tuple, list)):
        items = [_map(o, f) for o in out]
        return type(out)(items) if type(out) in (tuple, list) else type(out)(*items)
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


def _sizes(args, kwargs=None, keyword=None):
    """An int-list argument given unpacked (``args``), as one sequence, or by name (taken out
    of ``kwargs``: ``reshape(shape=...)``)."""
    if not args and kwargs is not None and kwargs.get(keyword) is not None:
        return tuple(kwargs.pop(keyword))
    return tuple(args[0]) if len(args) == 1 and isinstance(args[0], (tuple, list)) \
        else tuple(args)


def _only_self(name, level, args, kwargs):
    if any(is_batched(a, level) for a in (*args[1:], *kwargs.values())):
        raise _errors.vmap_no_rule(name)
    return args[0]._value


def _first_sample(x, level):
    return x._value[0] if is_batched(x, level) else x


def no_rule(name):
    def rule(call, level, args, kwargs):
        raise _errors.vmap_no_rule(name)
    return rule


def _check_out(name, kwargs):
    if kwargs.get("out") is not None:
        raise _errors.vmap_out_arg(name)


# ---- pointwise ----------------------------------------------------------------------------
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


# ---- ops with dim arguments ---------------------------------------------------------------
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


def _reduce_or_pointwise(fn):
    """max / min: a reduction, or pointwise with a tensor second argument."""
    reduce, elementwise = _dim_rule(fn, ("dim",), "flat", values=True), pointwise(fn.__name__)

    def rule(call, level, args, kwargs):
        other = args[1] if len(args) > 1 else kwargs.get("dim")
        return (elementwise if isinstance(other, Tensor) else reduce)(call, level, args, kwargs)
    return rule


# ---- leading batch dims, folded batches, composites ---------------------------------------
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


def _folded(call, v, args, kwargs):
    """``call`` on ``v`` with its two leading dims (the vmap batch, the op's own batch) merged
    into one; the leading dim of each result is split again."""
    b, n = v.shape[0], v.shape[1]
    out = call(v.reshape((b * n,) + tuple(v.shape[2:])), *args[1:], **kwargs)
    return _map(out, lambda o: o.reshape((b, n) + tuple(o.shape[1:])))


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
        return _lift(_folded(call, v, args, kwargs), level)
    return rule


def _fold_first(name):
    """Ops whose first dim is a batch of their own (group_norm): folded with the vmap batch."""
    def rule(call, level, args, kwargs):
        return wrap(_folded(call, _only_self(name, level, args, kwargs), args, kwargs), level)
    return rule


def _composite(call, level, args, kwargs):
    """Ops written with other ops (conv2d over convolution...): run the op itself on the
    batched tensors; the ops it calls dispatch to their rules."""
    return call.__wrapped__(*args, **kwargs)


def _decomposition(f):
    """A rule written as other ops on the logical tensors."""
    def rule(call, level, args, kwargs):
        return f(*args, **kwargs)
    return rule
