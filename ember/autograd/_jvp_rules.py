"""The JVP rule of every differentiable op, by op-table name (``rule_of``).

A rule is ``rule(call, args, kwargs, level) -> (output, tangent)``: ``call`` runs the op (the
forward-AD wrapper itself, so tangents of lower levels flow through), the tangent has the
output's structure (``None`` where an output has none).  Rules are written in ember ops, so
the tangents they return are differentiable (forward-over-reverse).  The kinds of torch's
``derivatives.yaml``:

* ``linear``: the op is linear in its floating tensor arguments (views, shape ops, sums...):
  the tangent is the op applied to the tangents (torch's ``auto_linear``); ``affine`` ops
  (``add(x, 1)``) also set their Python-number offsets to 0;
* ``bilinear``: ``mul``, ``matmul`` and the other products of two tensors; ``affine
  bilinear``: ``addmm`` & co. and ``convolution`` (a product plus an added input or bias);
* ``elementwise``: real pointwise unary ops; the tangent is the op's backward formula
  applied to the tangent (torch's ``auto_element_wise``);
* ``transposed`` (every other differentiable op): the Jacobian-vector product is taken
  through the op's own backward formula, transposed by reverse mode: with ``u`` a free
  cotangent, ``J t = d/du <vjp(u), t>`` (the vjp is linear in ``u``);
* ``COMPOSITE`` ops are not wrapped at all: the ops they call carry the tangents.

Ops for which torch 2.13 has no forward derivative raise torch's ``NotImplementedError``.
"""
import sys
from .. import _errors
from .._tensor import Tensor
from .._ops import _core
from . import grad_mode
from . import _forward as F

LINEAR = frozenset("""
adjoint as_strided atleast_1d atleast_2d atleast_3d bfloat16 block_diag broadcast_tensors
broadcast_to byte cat cdouble cfloat chunk clone column_stack conj conj_physical
contiguous cpu cuda cumsum diag diag_embed diagflat diagonal diff double dsplit dstack expand
expand_as flatten flip fliplr flipud float gather half hsplit hstack imag index_add index_copy
index_select linalg_diagonal masked_select movedim narrow narrow_copy neg permute positive
put ravel real repeat reshape reshape_as resolve_conj resolve_neg roll rot90 scatter_add
select split split_with_sizes squeeze stack sum t take take_along_dim tensor_split tile
to trace transpose tril triu unbind unflatten unfold unsqueeze view view_as view_as_complex
view_as_real vsplit vstack mean _fft_c2c views.slice_dim
""".split())

BILINEAR = frozenset("""
mul matmul mm bmm mv dot vdot outer inner kron linalg_cross cross tensordot linalg_vecdot
""".split())

# ops torch 2.13 has no forward derivative for, with the name its error gives
NOT_IMPLEMENTED = {
    "embedding_bag": "_embedding_bag", "ctc_loss": "_ctc_loss", "cholesky": "cholesky",
    "ormqr": "ormqr", "multi_margin_loss": "multi_margin_loss",
    "multilabel_margin_loss": "multilabel_margin_loss_forward", "cdist": "_cdist_forward",
    "igamma": "igamma", "igammac": "igammac", "special_zeta": "special_zeta",
    "grid_sampler_2d": "grid_sampler_2d", "grid_sampler_3d": "grid_sampler_3d",
    "index_reduce": "index_reduce", "segment_reduce": "segment_reduce",
    "fake_quantize_per_tensor_affine": "fake_quantize_per_tensor_affine_cachemask",
    "fake_quantize_per_channel_affine": "fake_quantize_per_channel_affine_cachemask"}

# in-place variants whose arguments are not the out-of-place op's: ``self.op_(*args)`` ->
# the out-of-place op's arguments
INPLACE_ARGS = {"polygamma": lambda self, n: (n, self)}


def op_of(original):
    """(OpDef, is_inplace) of an op function or its in-place variant."""
    entry = _by_fn().get(original)
    if entry is None:
        raise KeyError(original)
    return entry


_cache = {}


def _by_fn():
    """{function: (OpDef, is_inplace)}, rebuilt when ops were registered since."""
    cached = _cache.get("by_fn")
    if cached is None or cached[0] != len(_core.OPS):
        table = {}
        for op in _core.OPS.values():
            table[op.fn] = (op, False)
            if op.inplace is not None:
                table[op.inplace] = (op, True)
        from .._ops import pointwise
        table[pointwise._add] = (_core.OPS["add"], False)  # ``Tensor.__add__`` (no alpha)
        for op in _kernels():
            table[op.fn] = (op, False)
        cached = _cache["by_fn"] = (len(_core.OPS), table)
    return cached[1]


# functions outside the op table that record their own backward nodes (the kernels behind
# ``F.avg_pool2d``, ``F.interpolate``, ``F.pad``'s non-constant modes, ``F.unfold``...):
# wrapped like ops, with the transposed rule
KERNELS = {"nn_conv": ("unfold", "fold"),
           "nn_pool": ("max_pool_nd", "avg_pool_nd", "adaptive_max_pool_nd", "max_unpool_nd",
                       "index_pad"),
           "nn_resample": ("linear_map",), "views": ("slice_dim",)}


class _Kernel:
    """What the forward-AD wrapper needs of an op, for a kernel outside the op table."""
    differentiable = True
    inplace = None

    def __init__(self, module, fn):
        self.fn, self.module = fn, module.__name__
        self.name = f"{module.__name__.rsplit('.', 1)[-1]}.{fn.__name__}"


def _kernels():
    import importlib
    for mod, names in KERNELS.items():
        module = importlib.import_module(f"ember._ops.{mod}")
        for name in names:
            yield _Kernel(module, getattr(module, name))


def functions():
    """Every function the forward-AD layer wraps: the ops, their in-place variants, and the
    operator methods that are not op functions themselves."""
    return set(_by_fn()) | set(SPECIAL_WRAPPERS)


# ---- helpers ------------------------------------------------------------------------------------
def _is_float(t):
    return t._dtype.category >= 2


def _map(x, f):
    if isinstance(x, Tensor):
        return f(x)
    if x.__class__ is list or x.__class__ is tuple:
        return x.__class__([_map(a, f) for a in x])
    return x


def _zeros_like(t):
    from .._ops.creation import zeros_like
    return zeros_like(t)


def _tangents_or_zeros(level):
    def sub(a):
        t = F.tangent_of(a, level)
        if t is not None:
            return t
        return _zeros_like(a) if _is_float(a) else a
    return sub


def _flat(out):
    if isinstance(out, Tensor):
        return [out]
    if isinstance(out, (tuple, list)):
        return [x for o in out for x in _flat(o)]
    return []


def _rebuild(out, f):
    if isinstance(out, Tensor):
        return f(out)
    if isinstance(out, (tuple, list)):
        items = [_rebuild(o, f) for o in out]
        return type(out)(*items) if hasattr(out, "_fields") else type(out)(items)
    return out


def _add(a, b):
    return b if a is None else (a if b is None else a + b)


# ---- the rule kinds -------------------------------------------------------------------------------
def linear(call, args, kwargs, level):
    out = call(*args, **kwargs)
    sub = _tangents_or_zeros(level)
    tangent = call(*[_map(a, sub) for a in args],
                   **{k: _map(v, sub) for k, v in kwargs.items()})
    return out, tangent


def _affine(constants):
    """Linear in the tensors plus a constant: the Python numbers at positions (or keyword
    names) ``constants`` are offsets (``add(x, 1)``, ``constant_pad_nd``'s value): 0 in the
    tangent."""
    def rule(call, args, kwargs, level):
        out = call(*args, **kwargs)
        sub = _tangents_or_zeros(level)
        targs = [0 if i in constants and not isinstance(a, Tensor) and a is not None
                 else _map(a, sub) for i, a in enumerate(args)]
        tkw = {k: 0 if k in constants and not isinstance(v, Tensor) and v is not None
               else _map(v, sub) for k, v in kwargs.items()}
        return out, call(*targs, **tkw)
    return rule


AFFINE = {"add": (0, 1), "sub": (0, 1), "rsub": (0, 1), "constant_pad_nd": (2, "value")}


def _affine_bilinear(lin, a, b, lin_name):
    """``f(..., c, a, b)`` linear in ``c`` (a bias, ``addmm``'s input; at position ``lin`` or
    keyword ``lin_name``) and bilinear in ``a``, ``b``: ``f(tc, ta, b) + f(0, a, tb)``."""
    def rule(call, args, kwargs, level):
        out = call(*args, **kwargs)
        args, kwargs = list(args), dict(kwargs)
        c = kwargs.get(lin_name) if lin_name in kwargs else \
            (args[lin] if len(args) > lin else None)

        def tan(x):
            return F.tangent_of(x, level) if isinstance(x, Tensor) else None
        ta, tb, tc = tan(args[a]), tan(args[b]), tan(c)
        terms = ([(ta, args[b])] if ta is not None else []) + \
            ([(args[a], tb)] if tb is not None else [])
        if not terms:
            terms = [(_zeros_like(args[a]), args[b])]
        zero_c = None if lin_name == "bias" or c is None else _zeros_like(c)
        tangent = None
        for i, (xa, xb) in enumerate(terms):
            args[a], args[b] = xa, xb
            tc_i = tc if i == 0 and tc is not None else zero_c
            if lin_name in kwargs:
                kwargs[lin_name] = tc_i
            elif len(args) > lin:
                args[lin] = tc_i
            tangent = _add(tangent, call(*args, **kwargs))
        return out, tangent
    return rule


AFFINE_BILINEAR = dict.fromkeys(("addmm", "addmv", "addr", "baddbmm", "addbmm"),
                                (0, 1, 2, "input"))
AFFINE_BILINEAR["convolution"] = (2, 0, 1, "bias")

# composite ops: their tangents come from the ops they call
COMPOSITE = frozenset(("conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d",
                       "conv_transpose3d", "grid_sampler"))


def bilinear(call, args, kwargs, level):
    out = call(*args, **kwargs)
    a, b = args[0], args[1]
    rest = tuple(args[2:])
    ta = F.tangent_of(a, level) if isinstance(a, Tensor) else None
    tb = F.tangent_of(b, level) if isinstance(b, Tensor) else None
    tangent = None
    if ta is not None:
        tangent = call(ta, b, *rest, **kwargs)
    if tb is not None:
        tangent = _add(tangent, call(a, tb, *rest, **kwargs))
    return out, tangent


class _Tracked:
    """An op run on stand-ins of its arguments that require grad, so that its backward node
    exists: tensors that already require grad stand for themselves; the others (a dual
    tensor whose primal needs no gradient) by a detached alias that does."""

    def __init__(self, call, args, kwargs, level):
        self.level = level
        self.pairs = []                    # (stand-in, tangent)
        self.keeps_graph = False
        self._seen = {}
        with grad_mode.enable_grad():
            targs = [_map(a, self._stand_in) for a in args]
            tkw = {k: _map(v, self._stand_in) for k, v in kwargs.items()}
            self.out = call(*targs, **tkw)
        self.outs = [o for o in _flat(self.out) if o._requires_grad and _is_float(o)]

    def _stand_in(self, a):
        if not _is_float(a):
            return a
        s = self._seen.get(id(a))
        if s is not None:
            return s
        t = F.tangent_of(a, self.level)
        if a._requires_grad:
            self.keeps_graph = True
            s = a
        elif t is None:
            return a
        else:
            s = F.plain_alias(a, self.level, requires_grad=True)
        if t is not None:
            self.pairs.append((s, t))
        self._seen[id(a)] = s
        return s

    def tangent_keeps_graph(self):
        """Whether the tangent must stay differentiable: grad mode is on and a primal or a
        tangent requires grad (a hidden stand-in leaf does not count)."""
        return grad_mode.is_grad_enabled() and (
            self.keeps_graph or any(t._requires_grad for _, t in self.pairs))

    def result(self, tangent):
        """The output as the caller's grad mode would have made it, and ``tangent``."""
        if grad_mode.is_grad_enabled() and self.keeps_graph:
            return self.out, tangent
        lvl = self.level
        return _rebuild(self.out, lambda o: F.plain_alias(o, lvl + 1) if o._requires_grad
                        else o), tangent


def _pair(g, t):
    if g._dtype.is_complex or t._dtype.is_complex:
        return (g.conj() * t).real.sum()
    return (g * t).sum()


def transposed(call, args, kwargs, level):
    from .engine import grad
    tr = _Tracked(call, args, kwargs, level)
    outs = tr.outs
    if not outs or not tr.pairs:
        return tr.result(None)
    create = tr.tangent_keeps_graph()
    with grad_mode.enable_grad():
        us = [_zeros_like(o).requires_grad_() for o in outs]
        gs = grad(outs, [s for s, _ in tr.pairs], us, create_graph=True, allow_unused=True)
        s = None
        for g, (_, t) in zip(gs, tr.pairs):
            if g is not None:
                s = _add(s, _pair(g, t))
        if s is None or not s._requires_grad:
            ts = [None] * len(us)
        else:
            ts = grad(s, us, create_graph=create, allow_unused=True)
    by_id = {id(o): (t if t is not None else _zeros_like(o)) for o, t in zip(outs, ts)}
    tangent = _rebuild(tr.out, lambda o: by_id.get(id(o)))
    return tr.result(tangent)


def elementwise(call, args, kwargs, level):
    """A real pointwise op's Jacobian is diagonal: its backward formula applied to the
    tangent is the JVP.  Complex inputs (``abs``, ``sgn``, ``angle`` are not holomorphic)
    take the transposed rule."""
    if any(isinstance(a, Tensor) and a._dtype.is_complex for a in args):
        return transposed(call, args, kwargs, level)
    tr = _Tracked(call, args, kwargs, level)
    if not tr.outs or not tr.pairs:
        return tr.result(None)
    with grad_mode.set_grad_enabled(tr.tangent_keeps_graph()):
        tangent = tr.out._grad_fn._backward(tr.pairs[0][1])[0]
    return tr.result(tangent)


def _not_implemented(name):
    def rule(call, args, kwargs, level):
        raise _errors.fwd_not_implemented(name)
    return rule


def _reset_inplace(call, args, kwargs, level):
    """In-place fills (``fill_``, ``zero_``, random ``uniform_``...): the tangent becomes 0,
    or for ``copy_`` the source's."""
    self = args[0]
    out = call(*args, **kwargs)
    src = args[1] if call.__name__ == "copy_" and len(args) > 1 else None
    tangent = F.tangent_of(src, level) if isinstance(src, Tensor) else None
    F.replace_tangent(self, _zeros_like(self) if tangent is None else tangent, level)
    return out, None


def _is_family(op, code):
    return getattr(op.fn, "__code__", None) is code


def rule_of(op):
    rule = _cache.get(op.name)
    if rule is None:
        rule = _cache[op.name] = _choose(op)
    return rule


def _choose(op):
    name = op.name
    if name in NOT_IMPLEMENTED:
        return _not_implemented(NOT_IMPLEMENTED[name])
    if name.endswith("_"):
        return _reset_inplace
    if name in AFFINE:
        return _affine(AFFINE[name])
    if name in AFFINE_BILINEAR:
        return _affine_bilinear(*AFFINE_BILINEAR[name])
    if name in LINEAR:
        return linear
    if name in BILINEAR:
        return bilinear
    if _is_family(op, _core.OPS["exp"].fn.__code__):
        return elementwise
    return transposed


# ---- operator methods that are not op functions ------------------------------------------
def _reflected(inner):
    """``Tensor.__radd__`` & co.: ``op(other, self)`` with the op as bound at call time (its
    forward-AD wrapper, under vmap's)."""
    base = getattr(inner, "__wrapped__", inner)     # vmap's wrapper of the operator
    fn = next(c.cell_contents for c in base.__closure__ if callable(c.cell_contents))
    module, name = sys.modules[fn.__module__], fn.__name__

    def reflected(self, other):
        return getattr(module, name)(other, self)
    reflected.__name__ = inner.__name__
    return reflected


def _setitem(inner):
    """``t[key] = value``: the tangent of ``t`` gets the tangent of ``value`` (or 0) at key."""
    def setitem(self, key, value):
        if F._levels:
            level = F.top_level((self, value), None)
            if level >= 0:
                return _setitem_dual(level, inner, self, key, value)
        return inner(self, key, value)
    return setitem


@F._ceilinged
def _setitem_dual(level, inner, self, key, value):
    inner(self, key, value)
    tv = F.tangent_of(value, level) if isinstance(value, Tensor) else None
    if F.is_differentiable(self):
        inner(F._writable_tangent(self, level), key, tv if tv is not None else 0)


def _getitem(inner):
    def getitem(self, key):
        if F._levels:
            level = F.top_level((self,), None)
            if level >= 0:
                return _getitem_dual(level, getitem, self, key)
        return inner(self, key)
    return getitem


@F._ceilinged
def _getitem_dual(level, call, self, key):
    out = call(self, key)
    F.attach(out, call(F.tangent_of(self, level), key), level)
    return out


def _special_wrappers():
    from .._ops import indexing
    table = {indexing.getitem: _getitem, indexing.setitem: _setitem}
    for k, v in list(Tensor.__dict__.items()):
        if k.startswith("__r") and getattr(v, "__qualname__", "").startswith("_binary_operator"):
            table[v] = _reflected
    return table


SPECIAL_WRAPPERS = _special_wrappers()
