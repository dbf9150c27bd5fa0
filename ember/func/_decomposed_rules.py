"""Batching rules written as other ops on the logical tensors, or around a family rule for
the cases it does not cover: the ``*_copy`` views, ``kron``, ``fill``, ``block_diag``,
``isin`` / ``bucketize`` with batched test elements, ``trapezoid`` with batched sample points,
``linspace`` / ``logspace`` with batched endpoints, ``masked_fill`` with a batched value,
argument conventions (``var(x, unbiased)``, ``cross`` without ``dim``, 0-d ``unfold`` /
``vander``, ``lstsq``'s empty results), and Tensor's reflected operators.
"""
from .. import _dtype as D, _errors
from .._ops import parts as _parts
from .._tensor import Tensor
from ._batched import wrap, is_batched
from ._batching import _map, _size, _first_sample, _decomposition


def _copy_of(view):
    """``<view>_copy``: the view (a Tensor method's name, which vmap rebinds, or the public
    function) in fresh memory."""
    def copy(input, *args, implicit=False, **kwargs):
        fn = getattr(Tensor, view) if isinstance(view, str) else view   # (looked up in vmap)
        return _map(fn(input, *args, **kwargs), lambda v: v.clone())
    return _decomposition(copy)


def _slice(t, dim=0, start=None, end=None, step=1):
    """``slice_copy``'s view: ``t[..., start:end:step]`` along ``dim``."""
    return t[(slice(None),) * (dim % t.dim()) + (slice(start, end, step),)]


_COPIES = {"expand_copy": "expand", "diagonal_copy": "diagonal",
           "view_copy": "reshape", "permute_copy": "permute", "unbind_copy": "unbind",
           "unfold_copy": "unfold", "squeeze_copy": "squeeze", "unsqueeze_copy": "unsqueeze",
           "transpose_copy": "transpose", "t_copy": "t", "unsafe_split": "split",
           "split_with_sizes_copy": "split_with_sizes", "unsafe_chunk": "chunk",
           "select_copy": "select", "split_copy": "split",
           "unsafe_split_with_sizes": "split_with_sizes",
           # (looked up when called: vmap rebinds the op where it is bound)
           "view_as_real_copy": lambda t: _parts.view_as_real(t),
           "view_as_complex_copy": lambda t: _parts.view_as_complex(t),
           "slice_copy": _slice}


def _with_unbiased(rule):
    """var / std (and _mean): ``var(x, True)`` passes ``unbiased`` where ``dim`` goes."""
    def fixed(call, level, args, kwargs):
        if len(args) > 1 and isinstance(args[1], bool):
            kwargs = dict(kwargs, unbiased=args[1])
            args = (args[0], None) + tuple(args[2:])
        return rule(call, level, args, kwargs)
    return fixed


def _cross(dim_rule):
    """cross without ``dim``: the first logical dim of size 3 (not the batch dim)."""
    def rule(call, level, args, kwargs):
        if (len(args) < 3 and kwargs.get("dim") is None) and args[0].dim() == args[1].dim():
            dim = next((i for i, s in enumerate(args[0].shape) if s == 3), None)
            if dim is not None:
                kwargs = dict(kwargs, dim=dim)
        return dim_rule(call, level, args[:2], kwargs)
    return rule


def _unfold(dim_rule):
    def rule(call, level, args, kwargs):
        x = args[0]
        if x.dim() == 0:   # a 0-d input unfolds to (1,) (torch checks size <= 1)
            return call(_first_sample(x, level), *args[1:], **kwargs) \
                if args[2] > 1 else x.reshape(1)
        return dim_rule(call, level, args, kwargs)
    return rule


def _kron(a, b, *, out=None):
    """kron(a, b): a's and b's dims interleaved, multiplied, merged pairwise."""
    n = max(a.dim(), b.dim())
    sa = (1,) * (n - a.dim()) + tuple(a.shape)
    sb = (1,) * (n - b.dim()) + tuple(b.shape)
    prod = a.reshape(tuple(x for s in sa for x in (s, 1))) * \
        b.reshape(tuple(x for s in sb for x in (1, s)))
    return prod.reshape(tuple(x * y for x, y in zip(sa, sb)))


def _fill(input, value):
    if isinstance(value, Tensor):
        return value.to(input.dtype).expand(tuple(input.shape)).clone()
    return input.new_full(tuple(input.shape), value)


def _isin(first_only):
    """isin with batched test elements: each element compared with every test element."""
    def rule(call, level, args, kwargs):
        test = args[1] if len(args) > 1 else kwargs["test_elements"]
        if not is_batched(test, level) or not isinstance(args[0], Tensor):
            return first_only(call, level, args, kwargs)
        x = args[0]
        hit = (x.unsqueeze(-1) == test.reshape(-1)).any(-1)
        return hit.logical_not() if kwargs.get("invert") else hit
    return rule


def _bucketize(first_only):
    """bucketize with batched boundaries: ``searchsorted`` of the flattened input."""
    def rule(call, level, args, kwargs):
        x, boundaries = args[0], args[1] if len(args) > 1 else kwargs["boundaries"]
        if not is_batched(boundaries, level) or not isinstance(x, Tensor):
            return first_only(call, level, args, kwargs)
        from .._ops import searching
        kw = {k: v for k, v in kwargs.items() if k in ("out_int32", "right")}
        return searching.searchsorted(boundaries, x.reshape(-1), **kw).reshape(tuple(x.shape))
    return rule


def _trapezoid(cumulative, dim_rule):
    """trapezoid / trapz / cumulative_trapezoid with batched sample points ``x``: the sums of
    ``(y[i] + y[i+1]) / 2 * (x[i+1] - x[i])`` along ``dim`` written in ops."""
    def rule(call, level, args, kwargs):
        y, x = args[0], args[1] if len(args) > 1 else kwargs.get("x")
        dim = kwargs.get("dim", -1)
        if not is_batched(x, level) or not y.dim() or not y.shape[dim]:
            return dim_rule(call, level, args, kwargs)
        n = y.shape[dim]
        avg = (y.narrow(dim, 0, n - 1) + y.narrow(dim, 1, n - 1)) / 2
        d = x.diff(dim=-1 if x.dim() == 1 else dim)
        if x.dim() == 1:
            shape = [1] * y.dim()
            shape[dim] = n - 1
            d = d.reshape(tuple(shape))
        prod = avg * d
        return prod.cumsum(dim) if cumulative else prod.sum(dim)
    return rule


def _spaced(log):
    """linspace / logspace with batched tensor endpoints: torch's two-sided fill (the first
    half from the start, the second from the end) in float64, cast to the result's dtype."""
    def rule(call, level, args, kwargs):
        from .._ops import creation, pointwise as P
        names = ("start", "end", "steps", "base") if log else ("start", "end", "steps")
        a = dict(zip(names, args), **kwargs)
        dtype = a.get("dtype") or D.get_default_dtype()
        if not dtype.is_floating_point:
            raise _errors.vmap_no_rule("logspace" if log else "linspace")
        start, end = (a[k].to(D.float64) if isinstance(a[k], Tensor) else a[k]
                      for k in ("start", "end"))
        steps = int(a["steps"])
        i = creation.arange(steps, dtype=D.float64)
        step = (end - start) / max(steps - 1, 1)
        out = P.where(i < steps // 2, start + step * i, end - step * (steps - 1 - i)) \
            if steps > 1 else start + i * 0
        if log:
            out = P.pow(a.get("base", 10.0), out)
        return out.to(dtype)
    return rule


def _block_diag(call, level, args, kwargs):
    """block_diag as each tensor (viewed as a matrix) padded to the full width, stacked (a
    tensor of more than 2 dims: torch's error, from the first samples)."""
    from .._ops import nn_pool, shape as S
    if not args or any(t.dim() > 2 for t in args):
        return call(*[_first_sample(t, level) for t in args])
    mats = [t.reshape(1, -1) if t.dim() < 2 else t for t in args]
    total, left, rows = sum(m.shape[1] for m in mats), 0, []
    for m in mats:
        rows.append(nn_pool.constant_pad_nd(m, (left, total - left - m.shape[1])))
        left += m.shape[1]
    return S.cat(rows, 0)


def _lstsq(leading):
    """linalg_lstsq: results left empty (the residuals, ...) get the batch dim too."""
    def rule(call, level, args, kwargs):
        out = leading(call, level, args, kwargs)
        b = _size(level)
        return type(out)(*[o if not isinstance(o, Tensor) or o._value.shape[:1] == (b,)
                           else wrap(o._value.reshape((b,) + tuple(o._value.shape)), level)
                           for o in out])
    return rule


def _vander(leading):
    """linalg_vander of a logical 0-d input: as one element."""
    def rule(call, level, args, kwargs):
        x = args[0]
        return leading(call, level, (x.reshape(1),) + tuple(args[1:]) if x.dim() == 0 else args,
                       kwargs)
    return rule


def _reflected(name):
    """``Tensor.__r<op>__`` (a closure over the raw op): the op, looked up at call time."""
    def rule(call, level, args, kwargs):
        from .._ops import pointwise as P
        return getattr(P, name)(args[1], args[0])
    return rule


REFLECTED = {"__radd__": "add", "__rmul__": "mul", "__rfloordiv__": "floor_divide",
             "__rmod__": "remainder", "__rpow__": "pow", "__rand__": "bitwise_and",
             "__ror__": "bitwise_or", "__rxor__": "bitwise_xor",
             "__rlshift__": "bitwise_left_shift", "__rrshift__": "bitwise_right_shift"}


def reflected_rules():
    """(function, rule) for Tensor's reflected operators."""
    return [(Tensor.__dict__[k], _reflected(v)) for k, v in REFLECTED.items()]


def _masked_fill(pointwise_rule):
    """masked_fill with a batched (per-sample 0-d) value: ``where(mask, value, input)``."""
    def rule(call, level, args, kwargs):
        a = dict(zip(("input", "mask", "value"), args), **kwargs)
        if not is_batched(a["value"], level):
            return pointwise_rule(call, level, args, kwargs)
        from .._ops import pointwise as P
        x = a["input"]
        return P.where(a["mask"], a["value"].to(x.dtype), x)
    return rule
