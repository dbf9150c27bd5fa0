"""Custom autograd functions: ``Function`` with ``forward``/``backward`` staticmethods.

As in PyTorch, the ``ctx`` handed to ``forward`` *is* the backward node: each Function subclass
gets a node class named ``<ClassName>Backward`` (so ``y.grad_fn`` shows the user's attributes,
``saved_tensors`` and ``needs_input_grad``).  ``forward`` runs with grad mode off; the outputs are
then wired to the node (views of returned inputs, dirty inputs rebased, non-differentiable
outputs left without history).
"""
import functools
import warnings

from .. import _errors
from .._tensor import GRAD_DTYPES, Tensor, _make
from . import grad_mode, _forward
from .graph import Node, _init_node, _new, edge, set_output, save_output


class FunctionCtx:
    """The methods available on ``ctx`` inside ``forward`` / ``setup_context``."""

    def save_for_backward(self, *tensors):
        self.to_save = tensors

    def save_for_forward(self, *tensors):
        self.saved_for_forward = tensors

    def mark_dirty(self, *args):
        self.dirty_tensors = args

    def mark_non_differentiable(self, *args):
        self.non_differentiable = args

    def set_materialize_grads(self, value):
        self.materialize_grads = bool(value)


class BackwardCFunction(Node, FunctionCtx):
    """Base of every ``<Name>Backward`` node; instances carry a ``__dict__`` for ctx attributes."""
    _forward_cls = None

    def _backward(self, *grads):
        if self.materialize_grads:
            grads = tuple(_materialize(g, m) for g, m in zip(grads, self._out_meta))
        res = self._forward_cls.backward(self, *grads)
        return _check_grads(self, res)

    def apply(self, *grads):
        return self._backward(*grads)

    @property
    def saved_tensors(self):
        return self.saved()


def _materialize(g, meta):
    """A missing gradient of a tensor output becomes zeros (PyTorch's materialize_grads)."""
    if g is not None or meta is None:
        return g
    from .. import _ops
    shape, dtype, device = meta
    return _ops.creation.zeros(shape, dtype=dtype, device=device)


def _check_grads(node, res):
    """Validate a user backward's result (one gradient per forward argument, None for
    non-tensors) and keep the gradients of the tensor arguments, which own the edges."""
    if type(res) is not tuple:
        res = tuple(res) if isinstance(res, list) else (res,)
    is_tensor = node._is_tensor
    n = len(is_tensor)
    if len(res) != n:
        if len(res) < n or any(g is not None for g in res[n:]):
            raise _errors.function_grad_count(node, n, len(res))
        res = res[:n]
    for i, g in enumerate(res):
        if g is not None and not is_tensor[i]:
            raise _errors.function_grad_not_variable(node, i + 1)
    grads = [g for g, t in zip(res, is_tensor) if t]
    edges = node.next_functions
    for i, (shape, dt) in enumerate(node._in_meta):
        g = grads[i]
        if not isinstance(g, Tensor) or edges[i][0] is None:
            continue    # as torch's validate_outputs: an input without an edge is not checked
        # like the engine for every node: a gradient of a broadcast shape is summed back to
        # the input's shape, and each input gets a gradient of its own dtype
        if g._data.shape != shape:
            if not _expandable(shape, g._data.shape):
                raise _errors.function_grad_shape(node, i, g._data.shape, shape)
            g = g.sum_to_size(shape)
        grads[i] = g if dt is None or g._dtype is dt else g.to(dt)
    return tuple(grads)


def _expandable(shape, target):
    """Whether ``shape`` broadcasts to ``target``."""
    if len(shape) > len(target):
        return False
    return all(s == t or s == 1 for s, t in zip(reversed(shape), reversed(target)))


class FunctionMeta(type):
    """Creates the ``<Name>Backward`` node class for every Function subclass."""

    def __init__(cls, name, bases, attrs):
        cls._backward_cls = type(name + "Backward", (BackwardCFunction,),
                                 {"_forward_cls": cls, "__module__": "torch.autograd.function"})
        super().__init__(name, bases, attrs)


class Function(FunctionCtx, metaclass=FunctionMeta):
    """Base class of custom differentiable operations (PyTorch's ``torch.autograd.Function``)."""
    generate_vmap_rule = False

    def __init__(self, *args, **kwargs):
        warnings.warn(_errors.function_instantiated_warning(type(self)), DeprecationWarning,
                      stacklevel=2)

    def __call__(self, *args, **kwargs):
        raise _errors.function_legacy_call()

    @staticmethod
    def forward(*args, **kwargs):
        raise _errors.function_not_implemented("forward")

    @staticmethod
    def setup_context(ctx, inputs, output):
        raise _errors.function_not_implemented("setup_context")

    @staticmethod
    def backward(ctx, *grad_outputs):
        raise _errors.function_not_implemented("backward")

    vjp = backward

    @staticmethod
    def jvp(ctx, *grad_inputs):
        raise _errors.function_not_implemented("jvp")

    @staticmethod
    def vmap(info, in_dims, *args):
        raise _errors.function_not_implemented("vmap")

    @classmethod
    def apply(cls, *args, **kwargs):
        if _forward._levels:
            level = _forward.top_level(args, kwargs)
            if level >= 0:
                return _apply_dual(level, cls, args, kwargs)
        return _apply(cls, args, kwargs)[0]


def _apply(cls, args, kwargs):
    """Run ``cls.forward`` and attach its node: (output, ctx)."""
    ctx = _new_ctx(cls, args)
    prev = grad_mode.is_grad_enabled()
    grad_mode._set_enabled(False)
    try:
        if cls.setup_context is not Function.setup_context:
            output = cls.forward(*args, **kwargs)
            cls.setup_context(ctx, args, output)
        else:
            output = cls.forward(ctx, *args, **kwargs)
    finally:
        grad_mode._set_enabled(prev)
    differentiable = prev and any(ctx.needs_input_grad)
    return _wrap_outputs(ctx, args, output, differentiable), ctx


@_forward._ceilinged
def _apply_dual(level, cls, args, kwargs):
    """Forward-mode AD through a custom Function: its ``jvp(ctx, *tangents)`` gives the
    output tangents (inputs without a tangent get zeros, non-tensors None); inside ``jvp``,
    ``ctx.saved_tensors`` are the tensors given to ``save_for_forward``."""
    if _static(cls, "jvp") is _static(Function, "jvp"):
        raise _errors.function_not_implemented("jvp")
    from .._ops.creation import zeros_like
    output, ctx = _apply(cls, args, kwargs)
    tangents = []
    for a in args:
        t = _forward.tangent_of(a, level) if isinstance(a, Tensor) else None
        if t is None and isinstance(a, Tensor) and _forward.is_differentiable(a):
            t = zeros_like(a)
        tangents.append(t)
    _forward.attach(output, cls.jvp(_JvpCtx(ctx), *tangents), level)
    return output


def _static(cls, name):
    fn = cls.__dict__.get(name) if name in cls.__dict__ else getattr(cls, name)
    return getattr(fn, "__func__", fn)


class _JvpCtx:
    """``ctx`` as ``jvp`` sees it: ``saved_tensors`` are those saved for forward."""
    __slots__ = ("_ctx",)

    def __init__(self, ctx):
        object.__setattr__(self, "_ctx", ctx)

    @property
    def saved_tensors(self):
        return getattr(self._ctx, "saved_for_forward", ())

    def __getattr__(self, name):
        return getattr(self._ctx, name)

    def __setattr__(self, name, value):
        setattr(self._ctx, name, value)


def _grad_dtype(t):
    """The dtype ``t``'s gradient is cast to: a leaf's ``grad_dtype`` (None: not cast)."""
    return GRAD_DTYPES.get(t, t._dtype) if GRAD_DTYPES.data and t._grad_fn is None else t._dtype


def _new_ctx(cls, args):
    ctx = _new(cls._backward_cls)
    ctx._is_tensor = tuple([isinstance(a, Tensor) for a in args])
    ctx._in_meta = tuple([(a._data.shape, _grad_dtype(a)) for a in args if isinstance(a, Tensor)])
    _init_node(ctx, tuple([edge(a) for a in args if isinstance(a, Tensor)]))
    ctx.needs_input_grad = tuple([isinstance(a, Tensor) and a._requires_grad for a in args])
    ctx.to_save = ()
    ctx.dirty_tensors = ()
    ctx.non_differentiable = ()
    ctx.materialize_grads = True
    return ctx


def _wrap_outputs(ctx, args, output, differentiable):
    """Attach ``ctx`` as grad_fn of the tensor outputs and save what ``ctx`` asked to save."""
    single = not isinstance(output, tuple)
    outs = (output,) if single else output
    ctx._nout = len(outs)
    ctx._out_meta = tuple([(o._data.shape, o._dtype, o._device) if isinstance(o, Tensor) else None
                           for o in outs])
    dirty = {id(t) for t in ctx.dirty_tensors}
    for t in ctx.dirty_tensors:
        t._vc[0] += 1
    if not differentiable:
        ctx.to_save = ()
        return output
    inputs = {id(a) for a in args if isinstance(a, Tensor)}
    nondiff = {id(t) for t in ctx.non_differentiable}
    result = []
    for nr, o in enumerate(outs):
        if isinstance(o, Tensor):
            o = _wrap_one(ctx, o, nr, id(o) in inputs, id(o) in dirty, id(o) in nondiff)
        result.append(o)
    _save(ctx, result)
    return result[0] if single else tuple(result)


def _wrap_one(ctx, o, nr, is_input, is_dirty, is_nondiff):
    if is_dirty:
        _check_dirty(o)
        if not is_nondiff and (o._dtype.is_floating_point or o._dtype.is_complex):
            _rebase(o, ctx, nr)
        return o
    if is_input:
        o = _alias(o)
    if is_nondiff or not (o._dtype.is_floating_point or o._dtype.is_complex):
        return o
    return set_output(ctx, o, nr)


def _alias(t):
    """An input returned unchanged comes back as a view of it (``x.view_as(x)`` in PyTorch)."""
    out = _make(t._data, t._dtype, t._device)
    out._vc = t._vc
    out._base = t if t._base is None else t._base
    out._vfn = (t, _identity, None)
    return out


def _identity(t):
    return t.view_as(t)


def _check_dirty(t):
    if t._requires_grad and t._grad_fn is None:
        raise _errors.function_dirty_leaf()
    b = t._base
    if b is not None and b._requires_grad and b._grad_fn is None:
        raise _errors.inplace_on_leaf_view()


def _rebase(t, node, nr):
    if t._base is None:
        set_output(node, t, nr)
    else:
        from .._ops._core import rebase_history
        rebase_history(t, node)


def _save(ctx, outputs):
    """Store ``ctx.to_save``; outputs are saved without a reference cycle (``save_output``)."""
    tensors = ctx.to_save
    ctx.to_save = None
    if not tensors:
        return
    by_id = {id(o): nr for nr, o in enumerate(outputs) if isinstance(o, Tensor)}
    ctx._saved = tuple([None if id(t) in by_id else t for t in tensors])
    ctx._versions = tuple([-1 if t is None else t._vc[0] for t in tensors])
    for i, t in enumerate(tensors):
        nr = by_id.get(id(t))
        if nr is not None:
            save_output(ctx, t, i, nr)


# ---- once_differentiable ----------------------------------------------------------------------
def _delayed_error_backward(node, *grads):
    raise _errors.once_differentiable_twice()


class DelayedError(Node):
    __slots__ = ()
    _backward = _delayed_error_backward


def once_differentiable(fn):
    """Run ``backward`` without building a graph; differentiating its result again raises."""
    @functools.wraps(fn)
    def wrapper(ctx, *args):
        with grad_mode.no_grad():
            outputs = fn(ctx, *args)
        if not grad_mode.is_grad_enabled():
            return outputs
        grads = [a for a in args if isinstance(a, Tensor) and a._requires_grad]
        if not grads:
            return outputs
        single = not isinstance(outputs, tuple)
        outs = (outputs,) if single else outputs
        err = _new(DelayedError)
        _init_node(err, tuple([edge(g) for g in grads]))
        err._nout = len(outs)
        wrapped = tuple([set_output(err, o.detach(), i) if isinstance(o, Tensor) else o
                         for i, o in enumerate(outs)])
        return wrapped[0] if single else wrapped
    return wrapper


class InplaceFunction(Function):
    def __init__(self, inplace=False):
        super().__init__()
        self.inplace = inplace


class NestedIOFunction(Function):
    pass
