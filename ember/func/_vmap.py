"""vmap: one vectorised call per op, by per-op batching rules on the op table.

While a vmap runs, the op-binding layer "vmap" (``ember._ops._bindings``) replaces every
registered op (and ``autograd.grad``, tensor indexing and the nn kernels composites call)
wherever it is bound by a wrapper: when an argument is a BatchedTensor the op's rule
(``_batch_rules``) runs at the highest level among the arguments, otherwise the op runs as
usual. With no vmap running the original
functions are bound again, so eager code pays nothing.

Autograd records on the plain values under the wrappers, so ``grad(vmap(f))`` is ordinary
backprop through batched ops. ``vmap(grad(f))`` relies on ``grad`` / ``vjp`` inside vmap
differentiating inputs batched at every running level (``batch_inputs``): each sample then
has its own leaf and one backward pass gives every per-sample gradient.
"""
import collections
import functools

from .. import _errors
from .. import library as _library
from .._ops import _bindings
from .._tensor import Tensor
from ..autograd import _forward
from ..utils._pytree import tree_flatten, tree_unflatten
from . import _batch_rules as rules
from ._batched import BatchedTensor, Level, levels, wrap, top_level, is_batched

__all__ = ["vmap", "batch_inputs", "plain", "no_rule_ops", "unbatchable"]

_table = {}   # function -> (rule, always): always for random ops (they check randomness)


def _functions():
    if not _table:
        _build_table()
    return _table.keys()


def _build_table():
    from .._ops._core import OPS
    from .._ops import indexing, pointwise
    from ..autograd import engine
    for name, op in OPS.items():
        rule = rules.rule_for(name, op.fn) or rules.no_rule(name)
        _table[op.fn] = (rule, name in rules.RANDOM)
        if op.inplace is not None and op.inplace not in _table:
            rule = rules.inplace_rule_for(name, op.fn, op.inplace) or rules.no_rule(name + "_")
            _table[op.inplace] = (rule, name in rules.RANDOM)
    _table[pointwise._add] = (rules.pointwise("add"), False)   # Tensor.__add__
    for fn, rule in (*rules.kernel_rules(), *rules.reflected_rules()):
        _table[fn] = (rule, False)
    _table[indexing.getitem] = (rules.getitem, False)
    _table[indexing.setitem] = (rules.setitem, False)
    _table[engine.grad] = (_autograd_grad, False)


_fw_levels = _forward._levels


def _wrap_op(inner, original):
    rule, always = _table[original]

    def batched(*args, **kwargs):
        level = top_level(args, kwargs)
        if level or always:
            return rule(forward if _fw_levels else batched, level, args, kwargs)
        return inner(*args, **kwargs)

    def forward(*args, **kwargs):
        """The op for a rule to call on the unwrapped values while forward-mode levels run:
        through the forward-AD wrapper, which handles their tangents."""
        return _forward.outer_wrapper(batched)(*args, **kwargs)
    batched.__name__ = forward.__name__ = getattr(original, "__name__", "op")
    batched.__wrapped__ = forward.__wrapped__ = original
    return batched


_bindings.register_layer("vmap", 3, _functions, _wrap_op)


# ---- custom operators with a torch.library.register_vmap rule -------------------------------
VmapInfo = collections.namedtuple("VmapInfo", ["batch_size", "randomness"])


def _custom_op_rule(rule, args, kwargs):
    """Run a ``register_vmap`` rule on the values of the innermost level's BatchedTensors (batch
    dim 0, ``in_dims`` None for the others) and wrap its outputs at their ``out_dims``; or
    NotImplemented when no argument is batched."""
    level = top_level(args, kwargs)
    if not level:
        return NotImplemented
    dims = [_in_dim(a, level) for a in args]
    values = [_value_at(a, level) for a in args]
    lv = levels[level - 1]
    out, out_dims = rule(VmapInfo(lv.size, lv.randomness), tuple(dims), *values, **kwargs)
    if isinstance(out, (tuple, list)):
        dims = out_dims if isinstance(out_dims, (tuple, list)) else [out_dims] * len(out)
        return type(out)(_batched_output(o, d, level) for o, d in zip(out, dims))
    return _batched_output(out, out_dims, level)


def _in_dim(a, level):
    if isinstance(a, (list, tuple)):
        return type(a)(_in_dim(x, level) for x in a)
    return 0 if is_batched(a, level) else None


def _value_at(a, level):
    if isinstance(a, (list, tuple)):
        return type(a)(_value_at(x, level) for x in a)
    return a._value if is_batched(a, level) else a


def _batched_output(out, dim, level):
    if dim is None or not isinstance(out, Tensor):
        return out
    return wrap(out.movedim(dim, 0), level)


_library._vmap_runner.append(_custom_op_rule)


# ---- forward-mode AD under vmap: tangents live on the plain tensors -------------------------
def _any_batched(args, kwargs):
    return bool(levels) and bool(top_level(args, kwargs))


def _make_dual(level, tensor, tangent, plain_make_dual):
    """``make_dual`` of BatchedTensors: primal and tangent batched at the same levels (each
    expanded where only the other is batched); the tangent goes on the plain tensor."""
    lvls = sorted(set(_levels_of(tensor)) | set(_levels_of(tangent)))
    tensor, tangent = _batched_over(tensor, lvls), _batched_over(tangent, lvls)
    return _rewrap(plain_make_dual(level, plain(tensor), plain(tangent)), lvls)


def _unpack_dual(level, tensor, plain_unpack_dual):
    lvls = _levels_of(tensor)
    p, t = plain_unpack_dual(level, plain(tensor))
    return _rewrap(p, lvls), None if t is None else _rewrap(t, lvls)


def _batched_over(t, lvls):
    for n in lvls:
        if not _batched_at(t, n):
            t = _insert_level(t, levels[n - 1])
    return t


def _rewrap(v, lvls):
    for n in lvls:
        v = wrap(v, n)
    return v


def _on_plain(t, fn):
    return _rewrap(fn(plain(t)), _levels_of(t))


_forward.set_vmap_hooks(_any_batched, _make_dual, _unpack_dual, _on_plain)


def no_rule_ops():
    """The registered ops that take tensors but have no batching rule (sorted): the docs'
    list of what vmap refuses."""
    from .._ops._core import OPS
    return sorted(n for n, op in OPS.items()
                  if n not in rules.CREATION and rules.rule_for(n, op.fn) is None)


def unbatchable(exc):
    """Whether ``exc`` says vmap met an op (or a backward formula) it cannot batch."""
    return isinstance(exc, RuntimeError) and str(exc).startswith(
        ("Batching rule not implemented", "vmap: a function without a batching rule"))


# ---- autograd.grad inside vmap --------------------------------------------------------------
def _autograd_grad(call, level, args, kwargs):
    """``autograd.grad`` with batched outputs / cotangents / inputs: the graph lives on the
    values, so differentiate those (cotangents expanded to batched outputs, a missing one for a
    batched scalar becomes ones) and wrap the gradients of batched inputs. A cotangent batched
    where its output is not (vmap over a vjp, as jacrev does) runs the backward formulas
    themselves on batched gradients."""
    names = ("outputs", "inputs", "grad_outputs")
    a = dict(zip(names, args), **kwargs)
    rest = {k: v for k, v in a.items() if k not in names}
    outputs = _as_tuple(a["outputs"])
    inputs = _as_tuple(a["inputs"])
    cots = a.get("grad_outputs")
    cots = (None,) * len(outputs) if cots is None else _as_tuple(cots)
    if any(is_batched(c, level) and not is_batched(o, level) for o, c in zip(outputs, cots)):
        return _batched_backward(call.__wrapped__, level, outputs, inputs, cots, rest)
    new_out, new_cot = [], []
    for o, c in zip(outputs, cots):
        if is_batched(o, level):
            if c is None:
                c = wrap(o._value.new_ones(tuple(o._value.shape)), level)
            elif not is_batched(c, level):
                c = wrap(c.expand(tuple(o._value.shape)), level)
            new_out.append(o._value)
            new_cot.append(c._value)
        else:
            new_out.append(o)
            new_cot.append(c)
    new_in = [x._value if is_batched(x, level) else x for x in inputs]
    grads = call(tuple(new_out), tuple(new_in), tuple(new_cot), **rest)
    return tuple(wrap(g, level) if g is not None and is_batched(x, level) else g
                 for g, x in zip(grads, inputs))


def _batched_backward(grad, level, outputs, inputs, cots, rest):
    """The graph on the plain tensors under every level, cotangents batched at ``level`` (and
    expanded over the outputs' own lower levels); gradients re-nested under their inputs'
    lower levels."""
    outs = [plain(o) for o in outputs]
    cots = [c.expand(tuple(o.shape)) if c is not None and tuple(c.shape) != tuple(o.shape)
            else c for o, c in zip(outs, cots)]
    grads = grad(tuple(outs), tuple(plain(x) for x in inputs), tuple(cots), **rest)
    return tuple(None if g is None else _nest(g, _levels_of(x), level)
                 for g, x in zip(grads, inputs))


def _levels_of(t):
    """The vmap levels ``t`` is batched at, innermost wrapper (lowest level) first."""
    found = []
    while t.__class__ is BatchedTensor:
        found.append(t._level)
        t = t._value
    return found[::-1]


def _nest(g, lower, level):
    """A gradient of the plain tensor under levels ``lower``, batched at ``level`` above
    them: its ``level`` batch dim moved behind theirs and the wrappers rebuilt in order."""
    if not lower:
        return g
    top = is_batched(g, level)
    v = g._value.movedim(0, len(lower)) if top else g
    for lv in lower:
        v = wrap(v, lv)
    return wrap(v, level) if top else v


def _as_tuple(x):
    return tuple(x) if isinstance(x, (tuple, list)) else (x,)


def batch_inputs(tensors):
    """Inside vmap, each tensor batched at every running level (an unbatched one expanded), so
    that a transform differentiating them gets one leaf per sample."""
    if not levels:
        return tensors
    return [_batch_all(t) for t in tensors]


def plain(t):
    """The ordinary tensor under every vmap level of ``t`` (what autograd records on)."""
    while t.__class__ is BatchedTensor:
        t = t._value
    return t


def _batch_all(t):
    if not isinstance(t, Tensor):
        return t
    for lv in levels:
        if not _batched_at(t, lv.level):
            t = _insert_level(t, lv)
    return t


def _batched_at(t, level):
    while t.__class__ is BatchedTensor:
        if t._level == level:
            return True
        t = t._value
    return False


def _insert_level(t, lv):
    """``t`` expanded over level ``lv``, with the wrappers kept in level order."""
    if t.__class__ is BatchedTensor and t._level > lv.level:
        return wrap(_insert_level(t._value, lv), t._level)
    return wrap(t.expand((lv.size,) + tuple(t.shape)), lv.level)


# ---- vmap -----------------------------------------------------------------------------------
def vmap(func, in_dims=0, out_dims=0, randomness="error", *, chunk_size=None):
    """``func`` mapped over dim ``in_dims`` of its inputs, one vectorised call per op; results
    stacked along ``out_dims``. ``in_dims`` / ``out_dims``: an int, or pytrees (None for an
    input not mapped) matching the arguments / outputs."""
    if randomness not in ("error", "different", "same"):
        raise _errors.vmap_randomness_value(randomness)
    if chunk_size is not None and not (isinstance(chunk_size, int) and chunk_size > 0):
        raise _errors.vmap_chunk_size(chunk_size)

    @functools.wraps(func)
    def wrapped(*args, **kwargs):
        if not args:
            raise _errors.vmap_no_inputs(func)
        flat, spec = tree_flatten(args)
        dims = _flat_in_dims(func, in_dims, args, spec, flat)
        size = _batch_size(flat, dims)
        if chunk_size is None or chunk_size >= size:
            return _run(func, flat, dims, spec, kwargs, size, out_dims, randomness)
        from .._ops import shape as S
        parts = [_run(func, [x.narrow(d, start, min(chunk_size, size - start))
                             if d is not None else x for x, d in zip(flat, dims)],
                      dims, spec, kwargs, min(chunk_size, size - start), out_dims, randomness)
                 for start in range(0, size, chunk_size)]
        outs, out_spec = zip(*(tree_flatten(p) for p in parts))
        odims = _flat_out_dims(func, out_dims, out_spec[0])
        return tree_unflatten([o[0] if d is None else S.cat(o, d)
                               for o, d in zip(zip(*outs), odims)], out_spec[0])
    return wrapped


def _flat_in_dims(func, in_dims, args, spec, flat):
    if isinstance(in_dims, int) and not isinstance(in_dims, bool):
        dims = [in_dims] * len(flat)
    elif isinstance(in_dims, tuple):
        if len(in_dims) != len(args):
            raise _errors.vmap_in_dims_structure(func, in_dims, tree_flatten(in_dims)[1], spec)
        dims = []
        for d, a in zip(in_dims, args):
            n = len(tree_flatten(a)[0])
            if d is None or isinstance(d, int):
                dims.extend([d] * n)
            else:
                fd, dspec = tree_flatten(d)
                if dspec != tree_flatten(a)[1]:
                    raise _errors.vmap_in_dims_structure(func, in_dims,
                                                         tree_flatten(in_dims)[1], spec)
                dims.extend(fd)
    else:
        raise _errors.vmap_in_dims_type(func, in_dims)
    for x, d in zip(flat, dims):
        if d is None:
            continue
        if not isinstance(x, Tensor):
            raise _errors.vmap_in_dim_non_tensor(func, in_dims, d, x)
        if not -x.dim() <= d < x.dim():
            raise _errors.vmap_in_dim_range(func, in_dims, d, x.dim())
    return [None if d is None else d % x.dim() for x, d in zip(flat, dims)]


def _batch_size(flat, dims):
    sizes = [x.shape[d] for x, d in zip(flat, dims) if d is not None]
    if not sizes:
        raise _errors.vmap_no_batched_input()
    if any(s != sizes[0] for s in sizes):
        raise _errors.vmap_sizes(sizes)
    return sizes[0]


def _flat_out_dims(func, out_dims, out_spec):
    n = out_spec.num_leaves
    if out_dims is None or isinstance(out_dims, int):
        return [out_dims] * n
    fd, dspec = tree_flatten(out_dims)
    if dspec == out_spec:
        return fd
    if isinstance(out_dims, tuple) and len(out_dims) == 1 and n == 1:
        return list(out_dims)
    if out_spec.type is tuple and isinstance(out_dims, tuple) and \
            len(out_dims) == len(out_spec.children_specs):
        dims = []
        for d, child in zip(out_dims, out_spec.children_specs):
            dims.extend([d] * child.num_leaves if not isinstance(d, (tuple, list, dict))
                        else tree_flatten(d)[0])
        if len(dims) == n:
            return dims
    raise _errors.vmap_out_dims_structure(func, out_dims, dspec, out_spec)


def _dispatching(func):
    """``func`` itself may be an op taken before vmap started (``vmap(torch.sin)``), possibly
    as another layer's wrapper of it."""
    try:
        op = _bindings.original(func)
        entry = _table.get(op)
    except TypeError:   # unhashable callable
        return func
    return func if entry is None else _wrap_op(func, op)


def _run(func, flat, dims, spec, kwargs, size, out_dims, randomness):
    level = Level(len(levels) + 1, size, randomness)
    levels.append(level)
    if len(levels) == 1:
        _bindings.set_active("vmap", True)
    try:
        batched = [x if d is None else wrap(x.movedim(d, 0), level.level)
                   for x, d in zip(flat, dims)]
        out = _dispatching(func)(*tree_unflatten(batched, spec), **kwargs)
    finally:
        levels.pop()
        if not levels:
            _bindings.set_active("vmap", False)
    flat_out, out_spec = tree_flatten(out)
    results = []
    for o, d in zip(flat_out, _flat_out_dims(func, out_dims, out_spec)):
        if not isinstance(o, Tensor):
            if d is None:
                results.append(o)
                continue
            raise _errors.vmap_output_type(func, o)
        if is_batched(o, level.level):
            v = o._value
            results.append(v if d is None or d == 0 else v.movedim(0, d))
        elif d is None:
            results.append(o)
        else:
            results.append(o.unsqueeze(d).expand(
                tuple(size if i == d % (o.dim() + 1) else -1 for i in range(o.dim() + 1))))
    return tree_unflatten(results, out_spec)
