"""Forward-mode AD: dual levels, tangents on tensors, and the op wrapper that carries them.

A tangent is stored on its tensor, per level: ``t._fw = {level: tangent}`` (``Tensor._fw`` is
``None`` by default).  While at least one level is active, the ``forward_ad`` layer of
``_ops._bindings`` replaces every registered op, wherever it is bound, by a wrapper that
looks for tangents among the op's tensor arguments; with no level active the plain functions
are back, so eager code pays nothing.

When an argument has a tangent, the wrapper handles the highest such level ``L``: it computes
the output and the output's tangent by the op's JVP rule (``_jvp_rules.rule_of``) with the
*ceiling* set to ``L``, so that the ops the rule calls see only the levels below ``L``
(nested ``jvp`` of ``jvp`` works level by level, as torch.func's do).  Rules are written in
ember ops, so a tangent is itself differentiable in reverse mode (forward-over-reverse).
"""
import math
import weakref

from .. import _errors
from .._tensor import Tensor, _make
from .._ops import _bindings
from .graph import reached_leaves

__all__ = ["push_level", "pop_level", "tangent_of", "set_tangent", "top_level", "levels",
           "make_dual", "unpack_dual"]

_levels = []            # active levels, innermost last: [_Level]
_ceiling = [math.inf]   # the wrappers consider only the levels below this one
_random_mode = ["different"]   # "error" inside jacfwd(randomness="error")
_RANDOM_MODULES = ("ember._ops.random", "ember._ops.random_dist")

# Under vmap (``ember.func``, a layer above) tangents live on the plain tensors under the
# BatchedTensors: an op with a batched argument goes to vmap's rule first, which calls the op
# again (through ``outer_wrapper``) on the unwrapped values.  ember.func sets the hooks.
_vmap = [None]   # None, or (batched(args, kwargs), make_dual, unpack_dual, on_plain)
_outer = {}      # a layer's wrapper -> this layer's wrapper of it (for vmap's rules to call)


class _Level:
    __slots__ = ("n", "tensors")

    def __init__(self, n):
        self.n = n
        self.tensors = []   # weak references to every tensor given a tangent at this level


def set_vmap_hooks(batched, batched_make_dual, batched_unpack_dual, on_plain):
    """``batched(args, kwargs)``: whether an argument is a BatchedTensor; the next two do
    ``make_dual`` / ``unpack_dual`` for BatchedTensors, given the plain versions;
    ``on_plain(t, fn)``: ``fn`` applied to the plain tensor under BatchedTensor ``t``,
    wrapped again."""
    _vmap[0] = (batched, batched_make_dual, batched_unpack_dual, on_plain)


def outer_wrapper(fn):
    """The forward-AD wrapper around the binding layer wrapper ``fn`` (``fn`` when none)."""
    return _outer.get(fn, fn)


def set_random_mode(mode):
    """What random ops do while levels are active ("error": raise, as torch's vmap); returns
    the previous mode."""
    previous = _random_mode[0]
    _random_mode[0] = mode
    return previous


def levels():
    return [lv.n for lv in _levels]


def push_level():
    """Enter a new level (one above every active one) and return its number."""
    n = _levels[-1].n + 1 if _levels else 0
    _levels.append(_Level(n))
    if len(_levels) == 1:
        _bindings.set_active("forward_ad", True)
    return n


def pop_level(n):
    """Leave level ``n`` (the innermost): every tangent of that level is dropped."""
    if not _levels or _levels[-1].n != n:
        raise _errors.fwd_exit_not_last()
    level = _levels.pop()
    for ref in level.tensors:
        t = ref()
        if t is not None and t._fw:
            t._fw.pop(n, None)
    if not _levels:
        _bindings.set_active("forward_ad", False)


def _level(n):
    for lv in _levels:
        if lv.n == n:
            return lv
    return None


def tangent_of(t, level):
    fw = t._fw
    return None if fw is None else fw.get(level)


def set_tangent(t, tangent, level):
    fw = t.__dict__.get("_fw")
    if fw is None:
        fw = t._fw = {}
    if level not in fw:
        lv = _level(level)
        if lv is not None:
            lv.tensors.append(weakref.ref(t))
    fw[level] = tangent


def _top_of(a, top, ceiling):
    fw = a._fw
    if fw:
        for k in fw:
            if top < k < ceiling:
                top = k
    return top


def top_level(args, kwargs):
    """The highest level below the ceiling at which some tensor argument (or a tensor in a
    list or tuple argument) has a tangent, or -1."""
    c = _ceiling[0]
    top = -1
    for a in (args if not kwargs else (*args, *kwargs.values())):
        if isinstance(a, Tensor):
            top = _top_of(a, top, c)
        elif a.__class__ is list or a.__class__ is tuple:
            for x in a:
                if isinstance(x, Tensor):
                    top = _top_of(x, top, c)
    return top


def _ceilinged(fn):
    """Run ``fn(level, ...)`` for the top level with the ceiling set to that level."""
    def run(level, *args):
        saved = _ceiling[0]
        _ceiling[0] = level
        try:
            return fn(level, *args)
        finally:
            _ceiling[0] = saved
    run.__wrapped__ = fn
    return run


def _batched_hook(which, *tensors):
    hooks = _vmap[0]
    return hooks[which] if hooks is not None and hooks[0](tensors, None) else None


@_ceilinged
def make_dual(level, tensor, tangent):
    """A view of ``tensor`` with the tangent ``tangent`` at ``level``."""
    batched = _batched_hook(1, tensor, tangent)
    if batched is not None:
        return batched(level, tensor, tangent, make_dual.__wrapped__)
    if tangent_of(tensor, level) is not None:
        raise _errors.fwd_already_dual(level)
    if tangent._data.shape != tensor._data.shape:
        raise _errors.fwd_tangent_size(tensor._data.shape, tangent._data.shape)
    dual = tensor.view_as(tensor)
    set_tangent(dual, tangent, level)
    return dual


@_ceilinged
def unpack_dual(level, tensor):
    """(a view of ``tensor`` without its tangent at ``level``, that tangent or None)."""
    batched = _batched_hook(2, tensor)
    if batched is not None:
        return batched(level, tensor, unpack_dual.__wrapped__)
    return tensor.view_as(tensor), tangent_of(tensor, level)


def jacobian_columns(func, flat_in, before_column=None):
    """Jacobians by forward mode, one pass of ``func`` per input element (a column).

    ``func(*duals)`` returns a flat sequence of tensors.  Returns (its outputs at the primals,
    ``jac[k][i]`` = d output k / d input i, shaped ``output.shape + input.shape``).
    ``before_column()`` runs before each pass (to reset the random state, say)."""
    from .._ops.creation import zeros, zeros_like
    from .._ops.shape import stack
    sizes = [x.numel() for x in flat_in]
    outs, cols = None, []
    for j in range(max(sum(sizes), 1)):
        if before_column is not None:
            before_column()
        level = push_level()
        try:
            duals, start = [], 0
            for x, n in zip(flat_in, sizes):
                t = zeros(n, dtype=x.dtype, device=x.device)
                if start <= j < start + n:
                    t[j - start] = 1
                duals.append(make_dual(level, x, t.reshape(x.shape)))
                start += n
            pairs = [(unhidden(p), None if t is None else unhidden(t))
                     for p, t in (unpack_dual(level, o) for o in func(*duals))]
        finally:
            pop_level(level)
        if outs is None:
            outs = [p for p, _ in pairs]
        cols.append([zeros_like(p) if t is None else t for p, t in pairs])
    jac = []
    for k, o in enumerate(outs):
        row, start = [], 0
        for x, n in zip(flat_in, sizes):
            shape = tuple(o.shape) + tuple(x.shape)
            row.append(stack([c[k] for c in cols[start:start + n]], -1).reshape(shape) if n
                       else zeros(shape, dtype=o.dtype, device=o.device))
            start += n
        jac.append(row)
    return outs, jac


# ---- the wrapper ------------------------------------------------------------------------------
_wrappers = {}    # original function -> its forward-AD wrapper (over the original)


def wrapper_of(original):
    """The forward-AD wrapper of ``original`` (an op function), called directly."""
    w = _wrappers.get(original)
    if w is None:
        w = _wrappers[original] = _wrap(original, original)
    return w


def _wrap(inner, original):
    from . import _jvp_rules
    special = _jvp_rules.SPECIAL_WRAPPERS.get(original)
    if special is not None:
        return special(inner)
    op, is_inplace = _jvp_rules.op_of(original)
    if op.name in _jvp_rules.COMPOSITE:
        return inner
    is_random = op.module in _RANDOM_MODULES

    def forward_ad(*args, **kwargs):
        if _levels:
            if is_random and _random_mode[0] == "error":
                raise _errors.vmap_random()
            level = top_level(args, kwargs)
            if level >= 0:
                hooks = _vmap[0]
                if hooks is not None and hooks[0](args, kwargs):
                    return inner(*args, **kwargs)
                if is_inplace:
                    return _inplace_call(level, inner, op, args, kwargs)
                return _dual_call(level, forward_ad, op, args, kwargs)
        return inner(*args, **kwargs)
    forward_ad.__name__ = getattr(original, "__name__", "op")
    forward_ad.__qualname__ = getattr(original, "__qualname__", forward_ad.__name__)
    forward_ad.__wrapped__ = inner
    if original is inner:
        _wrappers.setdefault(original, forward_ad)
    else:
        _outer[inner] = forward_ad
    return forward_ad


@_ceilinged
def _dual_call(level, call, op, args, kwargs):
    from ._jvp_rules import rule_of
    if not op.differentiable or kwargs.get("out") is not None:
        return call(*args, **kwargs)
    out, tangent = rule_of(op)(call, args, kwargs, level)
    attach(out, tangent, level)
    return out


@_ceilinged
def _inplace_call(level, inner, op, args, kwargs):
    """``self.op_(...)``: the tangent is the out-of-place op's, taken on a copy of ``self``."""
    from ._jvp_rules import rule_of, INPLACE_ARGS
    self = args[0]
    if not op.differentiable:
        return inner(*args, **kwargs)
    pre = self.clone()
    t = tangent_of(self, level)
    if t is not None:
        set_tangent(pre, t, level)
    reorder = INPLACE_ARGS.get(op.name)
    oop_args = reorder(pre, *args[1:]) if reorder else (pre,) + tuple(args[1:])
    _, tangent = rule_of(op)(wrapper_of(op.fn), oop_args, kwargs, level)
    result = inner(*args, **kwargs)
    replace_tangent(self, tangent, level)
    return result


def replace_tangent(t, tangent, level):
    """An in-place op gave ``t`` the tangent ``tangent``: written into ``t``'s tangent in
    place, as torch does, so that the tangents of ``t``'s base and other views see it."""
    if tangent is None or not is_differentiable(t):
        if t._fw:
            t._fw.pop(level, None)
        return
    cur = _writable_tangent(t, level)
    if cur._device._backend.writeable(cur._data) and cur._data.shape == t._data.shape:
        cur.copy_(tangent)
    else:
        set_tangent(t, tangent, level)


def _writable_tangent(t, level):
    """``t``'s tangent; when it has none, zeros (a view of its base's tangent for a view)."""
    from .._ops.creation import zeros_like
    from .._ops.views import replay_view
    cur = tangent_of(t, level)
    if cur is None:
        base = t._base
        if base is None:
            cur = zeros_like(t)
        else:
            bt = tangent_of(base, level)
            if bt is None:
                bt = zeros_like(base)
                set_tangent(base, bt, level)
            cur = replay_view(t, bt)
        set_tangent(t, cur, level)
    return cur


def is_differentiable(t):
    return t._dtype.category >= 2


def attach(out, tangent, level):
    """Give each floating output of an op its tangent (outputs that already have one at this
    level are inputs returned as they are, e.g. ``x.to(x.dtype)``)."""
    if isinstance(out, Tensor):
        if tangent is not None and is_differentiable(out) and tangent_of(out, level) is None:
            set_tangent(out, tangent, level)
            _tangent_to_saved_output(out, tangent, level)
    elif isinstance(out, (tuple, list)) and tangent is not None:
        for o, t in zip(out, tangent):
            attach(o, t, level)


def _tangent_to_saved_output(out, tangent, level):
    """The op's node may keep ``out`` itself (``exp`` saves its result): its backward then
    sees the tangent too, so that forward-over-reverse differentiates through it."""
    node = out._grad_fn
    if node is None or node._out_idx is None or node._saved.__class__ is not tuple:
        return
    for i, nr in node._out_idx:
        saved = node._saved[i]
        if nr == out._output_nr and saved is not None and saved._data is out._data:
            set_tangent(saved, tangent, level)


def unhidden(t):
    """``t`` detached (with its tangents) when its graph reaches only hidden stand-in leaves:
    a transform's result requires grad only if a tensor of the caller's does."""
    if not t._requires_grad:
        return t
    if _is_batched(t):
        return _vmap[0][3](t, unhidden)
    if t._grad_fn is None:
        return t if not t.__dict__.get("_fw_hidden") else carry_tangents(t, t.detach())
    if any(not v.__dict__.get("_fw_hidden") for v in reached_leaves([t._grad_fn])):
        return t
    return carry_tangents(t, t.detach())


def carry_tangents(src, dst):
    """Give ``dst`` (a detached copy of ``src`` made by a transform) ``src``'s tangents (for a
    vmap BatchedTensor: those of the plain tensor under it)."""
    if src._fw:
        for k, v in src._fw.items():
            set_tangent(dst, v, k)
    if _is_batched(src):
        carry_tangents(src._value, dst._value)
    return dst


def _is_batched(t):
    """Whether ``t`` is a vmap BatchedTensor (``ember.func``, a layer above, marks its class)."""
    return getattr(t.__class__, "_vmap_batched", False)


def plain_alias(t, level, requires_grad=False):
    """A tensor sharing ``t``'s data and version counter with no autograd history, carrying
    ``t``'s tangents of the levels below ``level``.  With ``requires_grad`` it is a hidden
    leaf: a rule's stand-in for a primal that needs no gradient (see ``unhidden``)."""
    a = _make(t._data, t._dtype, t._device, requires_grad)
    a._vc = t._vc
    if requires_grad:
        a._fw_hidden = True
    if t._fw:
        for k, v in t._fw.items():
            if k < level:
                set_tangent(a, v, k)
    return a


def _functions():
    from ._jvp_rules import functions
    return functions()


_bindings.register_layer("forward_ad", 3, _functions, _wrap)
