"""What an op does with nested arguments: ``dispatch`` (``NestedTensor.__torch_function__``)
finds the handler by the op's name; each handler runs the dense function it was handed on the
values (jagged) or on each component (strided), so the dense ops stay free of nested cases.

Layouts differ as in torch: the jagged layout has the wider set (any element-wise op, dense
operands broadcast over the batch, reductions and softmax over the ragged dimension,
``scaled_dot_product_attention``); the strided one has torch's own smaller set, with its
messages.  Anything else raises torch's not-implemented error for the layout.
"""
from .. import _errors
from .._ops.sparse_dispatch import _aten_name, _name_of
from .._tensor import Tensor
from .. import _ops as O
from ._tensor import (NestedTensor, components, from_components, jagged_to_padded, like,
                      lengths_of, new_jagged, padded_to_jagged, wrap_dim)


def dispatch(func, args, kwargs):
    name, _ = _name_of(func)
    handler = _HANDLERS.get(name)
    nt = next(a for a in (*args, *kwargs.values(), *_items(args)) if isinstance(a, NestedTensor))
    if handler is None or (nt._offsets_t is None and name not in _STRIDED):
        raise _not_implemented(_aten_name(name), nt)
    return handler(func, *args, **kwargs)


def _items(args):
    return [x for a in args if isinstance(a, (list, tuple)) for x in a]


def _not_implemented(op, nt):
    if nt._offsets_t is not None:
        return _errors.nested_jagged_not_implemented(op)
    return _errors.sparse_backend_not_implemented(op, "NestedTensorCPU")


def _shape_str(t):
    return repr(t.size()) if not isinstance(t, NestedTensor) or t._offsets_t is not None else "?"


def _each(input, fn, *args, **kwargs):
    """A strided nested tensor of ``fn(component, *args, **kwargs)`` for each component."""
    return from_components([fn(c, *args, **kwargs) for c in components(input)], input.layout)


# ---- element-wise -------------------------------------------------------------------------------
def _pointwise(func, *args, **kwargs):
    """``func`` on the values (jagged) or on each component (strided); every nested argument
    must have the first one's structure."""
    first = next(a for a in args if isinstance(a, NestedTensor))
    if first._offsets_t is None:
        return _strided_pointwise(func, first, args, kwargs)
    op = _aten_name(_name_of(func)[0])
    dense = []
    for a in args:
        if isinstance(a, NestedTensor):
            if a._offsets_t is None or a._ragged is not first._ragged or \
                    a._ragged_idx != first._ragged_idx:
                raise _errors.nested_jagged_binary(op + ".Tensor", tuple(first.size()),
                                                   tuple(a.size()))
            dense.append(a._values_t)
        elif isinstance(a, Tensor):
            dense.append(_broadcast_dense(a, first, op, args))
        else:
            dense.append(a)
    return like(first, func(*dense, **kwargs))


def _broadcast_dense(t, nt, op, args):
    """A dense operand of a jagged one, as an operand of its values: leading batch / ragged
    dimensions of size 1 dropped, or a per-component tensor (batch, 1, ...) repeated over
    each component's rows."""
    while t.dim() and t.shape[0] == 1:
        t = t.squeeze(0)
    if nt.dim() >= t.dim() + 2:
        return t
    if t.dim() == nt.dim() and t.shape[0] == nt._batch and nt._ragged_idx == 1 \
            and t.shape[1] == 1 and nt._lengths_t is None:
        batch = O.creation.arange(nt._batch, device=t.device).repeat_interleave(lengths_of(nt))
        return t.squeeze(1)[batch]
    a, b = args[0], args[1]
    raise _errors.nested_jagged_binary(op + ".Tensor", _shape_str(a), _shape_str(b))


def _strided_pointwise(func, first, args, kwargs):
    nested = [a for a in args if isinstance(a, NestedTensor)]
    if any(isinstance(a, Tensor) and not isinstance(a, NestedTensor) for a in args):
        raise _errors.nested_strided_dense()
    if any(a._sizes != first._sizes for a in nested):
        raise _errors.nested_strided_broadcast(_aten_name(_name_of(func)[0]))
    if len(nested) == 1 and len(args) <= 2:     # element-wise on one buffer
        return like(first, func(*[a._values_t if a is first else a for a in args], **kwargs))
    parts = [components(a) if isinstance(a, NestedTensor) else None for a in args]
    return from_components([func(*[a if p is None else p[i] for a, p in zip(args, parts)],
                                 **kwargs) for i in range(first._batch)], first.layout)


# ---- per-component / last-dimension ops ---------------------------------------------------------
def _inner_dim(nt, dim, op):
    """The values' (jagged) or components' (strided) dimension of outer dimension ``dim``."""
    d = wrap_dim(dim, nt.dim())
    if d == 0:
        raise (_errors.nested_softmax_ragged(True) if nt._offsets_t is not None
               else _errors.nested_strided_softmax(0)) if op == "softmax" else \
            _errors.nested_op_batch_dim(op)
    return d - 1


def _softmax(func, input, dim=None, *args, **kwargs):
    d = _inner_dim(input, dim, "softmax")
    if input._offsets_t is None:
        return _each(input, func, d, *args, **kwargs)
    if d + 1 == input._ragged_idx:
        if input._ragged_idx > 1:
            raise _errors.nested_softmax_ragged(False)
        padded = jagged_to_padded(input, float("-inf"))
        return padded_to_jagged(func(padded, d + 1, *args, **kwargs), input)
    return like(input, func(input._values_t, d, *args, **kwargs))


def _reduce(func, input, dim=None, keepdim=False, *, dtype=None):
    """sum / mean: over everything (a dense scalar), over dimensions of the values (a nested
    result), or over the ragged dimension alone (a dense result, via padding)."""
    op = _name_of(func)[0]
    extra = {} if dtype is None else {"dtype": dtype}
    if dim is None:
        if input._offsets_t is None:
            raise _not_implemented(op, input)
        return func(input._values_t, **extra)
    dims = sorted({wrap_dim(d, input.dim()) for d in ((dim,) if isinstance(dim, int) else dim)})
    if input._offsets_t is None:
        if len(dims) > 1:
            raise _errors.nested_strided_reduce_dims()
        if dims != [input.dim() - 1]:
            raise _errors.nested_strided_reduce_dim(dims[0])
        if not keepdim:
            raise _errors.nested_strided_keepdim()
        return _each(input, func, -1, True, **extra)
    r = input._ragged_idx
    if 0 in dims:
        if r not in dims:
            raise _errors.nested_op_batch_dim(op)
        return func(input._values_t, [d - 1 for d in dims if d], keepdim, **extra)
    if r in dims:
        if len(dims) > 1:
            raise _errors.nested_jagged_ragged_reduce(op)
        return func(jagged_to_padded(input, 0.0), r, keepdim, **extra) if op == "sum" else \
            _ragged_mean(input, keepdim, extra)
    values = func(input._values_t, [d - 1 for d in dims], keepdim, **extra)
    return like(input, values, r if keepdim else r - sum(d < r for d in dims))


def _ragged_mean(input, keepdim, extra):
    total = jagged_to_padded(input, 0.0).sum(input._ragged_idx, keepdim, **extra)
    shape = [1] * total.dim()
    shape[0] = input._batch
    return total / lengths_of(input).view(shape).to(total.dtype)


def _transpose(func, input, dim0, dim1):
    n = input.dim()
    d0, d1 = wrap_dim(dim0, n), wrap_dim(dim1, n)
    if 0 in (d0, d1):
        raise (_errors.nested_transpose_batch_jagged() if input._offsets_t is not None
               else _errors.nested_transpose_batch_strided())
    if input._offsets_t is None:
        return _each(input, func, d0 - 1, d1 - 1)
    r = input._ragged_idx
    r = d1 if r == d0 else d0 if r == d1 else r
    return like(input, input._values_t.transpose(d0 - 1, d1 - 1), r)


def _linear(func, input, weight, bias=None):
    if input._offsets_t is None:
        if input.size(-1) != weight.shape[-1]:
            raise _errors.nested_strided_linear(input.size(-1), weight.shape[-1])
        return _each(input, func, weight, bias)
    return like(input, func(input._values_t, weight, bias))


def _norm(func, input, normalized_shape, weight=None, *args, **kwargs):
    """layer_norm / rms_norm over trailing dimensions (never the ragged one)."""
    if input._offsets_t is None:
        if weight is None or (args or [kwargs.get("bias")])[0] is None:
            raise _errors.nested_strided_layer_norm()
        return _each(input, func, normalized_shape, weight, *args, **kwargs)
    return like(input, func(input._values_t, normalized_shape, weight, *args, **kwargs))


# ---- shape ops (jagged): on the values, the ragged dimension and the batch left alone ------------
def _outer_dims(input, op, *dims):
    """The values' dimensions of outer ``dims``, none the batch or the ragged one."""
    found = []
    for dim in dims:
        d = wrap_dim(dim, input.dim())
        if d == 0:
            raise _errors.nested_shape_dim(op, "dim=0")
        if d == input._ragged_idx:
            raise _errors.nested_shape_dim(op, "ragged dim")
        found.append(d - 1)
    return found


def _unflatten(func, input, dim, sizes):
    d = wrap_dim(dim, input.dim())
    if d == input._ragged_idx:
        raise _errors.nested_unflatten_ragged(list(sizes), d, input._ragged)
    if d == 0:
        raise _not_implemented("unflatten", input)
    r = input._ragged_idx
    return like(input, input._values_t.unflatten(d - 1, sizes),
                r if d > r else r + len(sizes) - 1)


def _flatten(func, input, start_dim=0, end_dim=-1):
    start, end = _outer_dims(input, "flatten", start_dim, end_dim)
    r = input._ragged_idx
    if start < r - 1 < end:
        raise _errors.nested_shape_dim("flatten", "ragged dim")
    return like(input, input._values_t.flatten(start, end), r if start > r - 1 else r - end + start)


def _view(func, input, *shape):
    """view / reshape keeping the batch and the ragged dimension where they are (torch's
    cases: a ragged dimension at 1, or the same size)."""
    shape = tuple(shape[0]) if len(shape) == 1 and isinstance(shape[0], (tuple, list)) else shape
    r = input._ragged_idx
    ok = len(shape) > r and shape[0] == input._batch and \
        (shape[r] == -1 or shape[r] is input._ragged) and (r == 1 or tuple(
            shape) == tuple(input.size()))
    if not ok:
        raise _errors.nested_view(tuple(input.size()), list(shape)) if r == 1 else \
            _errors.nested_view_ragged(tuple(input.size()), list(shape))
    inner = list(shape[1:])
    inner[r - 1] = input._values_t.shape[r - 1]
    return like(input, func(input._values_t, inner))


def _unsqueeze(func, input, dim):
    d = wrap_dim(dim, input.dim() + 1)
    if d == 0:
        raise _not_implemented("unsqueeze", input) if input._offsets_t is not None else \
            _errors.nested_batch_dim_op("unsqueeze", "unsqueezing")
    if input._offsets_t is None:
        return _each(input, func, d - 1)
    r = input._ragged_idx
    return like(input, input._values_t.unsqueeze(d - 1), r + (d <= r))


def _squeeze(func, input, dim):
    if input._offsets_t is None:
        d = wrap_dim(dim, input.dim())
        if d == 0:
            raise _errors.nested_batch_dim_op("squeeze", "squeezing")
        return _each(input, func, d - 1)
    (d,) = _outer_dims(input, "squeeze", dim)
    r = input._ragged_idx
    return like(input, input._values_t.squeeze(d), r - (d < r - 1 and
                                                        input._values_t.shape[d] == 1))


def _split(func, input, split, dim=0):
    """split / chunk along a dimension of the values (strided: ``chunk`` of the last dimension,
    into equal parts): a tuple of nested tensors."""
    if input._offsets_t is None:
        if wrap_dim(dim, input.dim()) != input.dim() - 1:
            raise _errors.nested_chunk_last_dim()
        if input.size(-1) % split:
            raise _errors.nested_chunk_divisible(input.size(-1), split)
        parts = [func(c, split, -1) for c in components(input)]
        return tuple(from_components(list(p), input.layout) for p in zip(*parts))
    (d,) = _outer_dims(input, _name_of(func)[0], dim)
    return tuple(like(input, part) for part in func(input._values_t, split, d))


def _cat(func, tensors, dim=0):
    first = tensors[0]
    if first._offsets_t is None:
        if not all(isinstance(t, NestedTensor) for t in tensors):
            raise _errors.nested_cat_dense()
        d = wrap_dim(dim, first.dim())
        if d == 0:
            raise _not_implemented("cat", first)
        return from_components([func(list(cs), d - 1) for cs in zip(
            *(components(t) for t in tensors))], first.layout)
    (d,) = _outer_dims(first, "cat", dim)
    for t in tensors:
        if not isinstance(t, NestedTensor) or t._ragged is not first._ragged:
            raise _errors.nested_cat_structure()
    return like(first, func([t._values_t for t in tensors], d))


def _matmul(func, input, other):
    a_nested, b_nested = isinstance(input, NestedTensor), isinstance(other, NestedTensor)
    nt = input if a_nested else other
    if nt._offsets_t is None:
        if not (a_nested and b_nested):
            raise _errors.nested_strided_both()
        return from_components([a.matmul(b) for a, b in zip(components(input),
                                                             components(other))], nt.layout)
    ok = (a_nested and nt._ragged_idx < nt.dim() - 2 and
          (not b_nested or (other._ragged is nt._ragged and other._ragged_idx == nt._ragged_idx))
          or (a_nested and not b_nested and other.dim() == 2 and nt._ragged_idx < nt.dim() - 1))
    if not ok:
        raise _errors.nested_jagged_matmul(tuple(input.size()), other.size())
    return like(nt, func(input._values_t, other._values_t if b_nested else other))


def _sdpa(func, query, key, value, attn_mask=None, dropout_p=0.0, is_causal=False,
          scale=None, enable_gqa=False):
    """Attention over jagged tensors.  Ragged sequences (batch, heads, ragged, dim): each
    component's queries see its own keys, the padded keys masked out.  A ragged dimension
    among the batch dimensions: attention on the values, row by row."""
    if not all(isinstance(t, NestedTensor) for t in (query, key, value)):
        raise _errors.nested_sdpa_inputs(*(isinstance(t, NestedTensor)
                                           for t in (query, key, value)))
    if attn_mask is not None:
        raise _errors.nested_sdpa_mask()
    options = {"dropout_p": dropout_p, "scale": scale, "enable_gqa": enable_gqa}
    if query._ragged_idx < query.dim() - 2:
        return like(query, func(query._values_t, key._values_t, value._values_t,
                                is_causal=is_causal, **options))
    q, k, v = (jagged_to_padded(t, 0.0) for t in (query, key, value))
    lk = k.shape[-2]
    keys = O.creation.arange(lk, device=q.device)
    mask = (keys < lengths_of(key).view(-1, 1)).view(k.shape[0], 1, 1, lk)
    if is_causal:
        mask = mask & O.creation.ones(q.shape[-2], lk, dtype=mask.dtype,
                                      device=q.device).tril()
    return padded_to_jagged(func(q, k, v, attn_mask=mask, **options), query)


# ---- whole-tensor ops ---------------------------------------------------------------------------
def _on_values(func, input, *args, **kwargs):
    """``func`` (clone, detach, to, ...) on the values, keeping the structure (moved with
    them to another device)."""
    out = func(input._values_t, *args, **kwargs)
    if out is input._values_t:
        return input
    if out.device != input._values_t.device and input._offsets_t is not None:
        lengths = input._lengths_t
        return new_jagged(out, input._offsets_t.to(out.device),
                          None if lengths is None else lengths.to(out.device),
                          input._ragged_idx, input._max_seqlen)
    return like(input, out)


def _retain_grad(func, input):
    input._values_t.retain_grad()


def _contiguous(func, input, memory_format=None):
    if input.is_contiguous():
        return input
    return from_components(components(input), input.layout)


def _unbind(func, input, dim=0):
    if wrap_dim(dim, input.dim()) != 0:
        raise (_errors.nested_unbind_jagged() if input._offsets_t is not None
               else _errors.nested_unbind_strided(dim))
    return tuple(components(input))


def _getitem(func, input, index):
    if isinstance(index, int):
        return components(input)[index]
    raise _errors.nested_slice_batch()


def _pass_through(func, *args, **kwargs):
    from .._C import DisableTorchFunctionSubclass
    with DisableTorchFunctionSubclass():
        return func(*args, **kwargs)


_UNARY = ("relu", "gelu", "silu", "tanh", "sigmoid", "exp", "neg", "negative", "abs", "sin",
          "cos", "sqrt", "rsqrt", "log", "sgn", "sign", "square", "exp2", "expm1", "log1p",
          "logical_not", "erf", "leaky_relu", "elu", "hardtanh", "hardswish", "hardsigmoid",
          "mish", "softplus", "relu6", "selu", "celu", "__neg__", "__abs__", "__invert__",
          "dropout", "nan_to_num", "isnan", "isinf", "clamp", "clip", "pow", "float_power",
          "where")
_BINARY = ("add", "sub", "subtract", "mul", "multiply", "div", "divide", "true_divide",
           "maximum", "minimum", "eq", "ne", "lt", "le", "gt", "ge", "atan2", "remainder",
           "__add__", "__radd__", "__sub__", "__rsub__", "__mul__", "__rmul__",
           "__truediv__", "__rtruediv__", "__pow__", "__rpow__", "__eq__", "__ne__", "__lt__",
           "__le__", "__gt__", "__ge__", "__and__", "__or__", "__xor__", "logical_and",
           "logical_or")
_VALUES = ("clone", "detach", "to", "float", "double", "half", "bfloat16", "cpu", "cuda",
           "detach_", "data")
_META = ("dtype", "device", "is_cuda", "is_cpu", "is_meta", "is_floating_point",
         "is_complex", "get_device", "element_size", "type")

_HANDLERS = {
    **dict.fromkeys(_UNARY + _BINARY, _pointwise),
    **dict.fromkeys(_VALUES, _on_values),
    **dict.fromkeys(_META, _pass_through),
    "softmax": _softmax, "log_softmax": _softmax, "sum": _reduce, "mean": _reduce,
    "transpose": _transpose, "linear": _linear, "layer_norm": _norm, "rms_norm": _norm,
    "unflatten": _unflatten, "flatten": _flatten, "view": _view, "reshape": _view,
    "unsqueeze": _unsqueeze, "squeeze": _squeeze, "split": _split, "chunk": _split,
    "cat": _cat, "concat": _cat, "concatenate": _cat,
    "matmul": _matmul, "__matmul__": _matmul, "bmm": _matmul,
    "scaled_dot_product_attention": _sdpa, "contiguous": _contiguous, "unbind": _unbind,
    "__getitem__": _getitem, "retain_grad": _retain_grad,
}

# torch's strided nested tensors have fewer ops (their kernels, not Python)
_STRIDED = {"relu", "gelu", "silu", "tanh", "neg", "negative", "abs", "sin", "cos", "sqrt",
            "sgn", "logical_not", "isnan", "isinf", "__neg__", "__abs__", "dropout", "add",
            "sub", "mul", "div", "__add__", "__radd__", "__sub__", "__mul__", "__rmul__",
            "__truediv__", "softmax", "sum", "transpose", "linear", "layer_norm", "matmul",
            "unsqueeze", "squeeze", "chunk", "cat", "concat", "concatenate",
            "__matmul__", "bmm", "contiguous", "unbind", "__getitem__", "retain_grad", *_VALUES,
            *_META}
