"""Copying variants of the view ops: ``*_copy`` (a view op's result in fresh memory, with the
view's backward under torch's ``<Node>_copy`` name) and ``*_scatter`` (the input with one view
of it overwritten by ``src``, the out-of-place form of ``input.<view>(...).copy_(src)``)."""
from .. import _errors
from .._tensor import Tensor, _make, _wrap_dim
from ..autograd.graph import node_class, set_output, _new
from . import parts
from . import views as V
from ._core import register, record, needs_grad, write_out
from .pointwise import _not_implemented

# ---- *_copy -----------------------------------------------------------------------------------
_RENAMED = {}


def _renamed(node, name):
    """A node doing ``node``'s backward (same edges, saved tensors and arguments) under
    ``name``."""
    key = (name, type(node))
    cls = _RENAMED.get(key)
    if cls is None:
        cls = _RENAMED[key] = node_class(name, type(node)._backward)
    new = _new(cls)
    new.next_functions, new._saved, new._versions, new._args = \
        node.next_functions, node._saved, node._versions, node._args
    new.__dict__.update(node.__dict__)
    return new


def _copy_op(name, view, node=None, method=False):
    """Register ``name``: ``view(input, ...)`` copied into contiguous memory.  The node is the
    view's own, renamed ``<its name>_copy`` (or ``node``)."""
    if view.__name__ == "<lambda>":     # Python's argument errors name the op
        view.__name__ = view.__qualname__ = name

    def op(input, *args, out=None, **kwargs):
        views = view(input, *args, **kwargs)
        single = isinstance(views, Tensor)
        outs = (views,) if single else tuple(views)
        res = tuple(_make(v._data.copy(order="C"), v._dtype, v._device) for v in outs)
        vnode = next((v._grad_fn for v in outs if v._grad_fn is not None), None)
        if vnode is not None:
            new = _renamed(vnode, node or type(vnode).__name__ + "_copy")
            for v, r in zip(outs, res):
                if v._grad_fn is vnode:
                    set_output(new, r, v._output_nr)
        if out is not None:
            if single:
                return write_out(out, res[0])
            return type(out)(write_out(o, r) for o, r in zip(out, res))
        return res[0] if single else res
    op.__name__ = op.__qualname__ = name
    register(name, method=method, out=not method, nodes=(node,) if node else ())(op)
    return op


def _alias(t):
    return t.view_as(t)


expand_copy = _copy_op("expand_copy", lambda t, size, *, implicit=False: t.expand(size))
diagonal_copy = _copy_op("diagonal_copy", lambda t, offset=0, dim1=0, dim2=1:
                         t.diagonal(offset, dim1, dim2))
alias_copy = _copy_op("alias_copy", _alias, "AliasBackward0_copy")
_DetachCopyNotImplemented = _not_implemented("detach_copy")


@register("detach_copy", method=False, out=True, nodes=("NotImplemented",))
def detach_copy(input, *, out=None):
    """A contiguous copy of ``input``; as in torch its result is in the graph, through a node
    whose backward raises (torch has no derivative for it)."""
    res = _make(input._data.copy(order="C"), input._dtype, input._device)
    if out is not None:
        return write_out(out, res)
    if needs_grad(input):
        record(res, _DetachCopyNotImplemented, (input,))
    return res
as_strided_copy = _copy_op("as_strided_copy", V.as_strided)
view_copy = _copy_op("view_copy", lambda t, size: t.view(size))
permute_copy = _copy_op("permute_copy", lambda t, dims: V.permute(t, dims=dims))
unbind_copy = _copy_op("unbind_copy", lambda t, dim=0: t.unbind(dim))
unfold_copy = _copy_op("unfold_copy", lambda t, dimension, size, step:
                       t.unfold(dimension, size, step))
squeeze_copy = _copy_op("squeeze_copy", V.squeeze)
unsqueeze_copy = _copy_op("unsqueeze_copy", V.unsqueeze)
transpose_copy = _copy_op("transpose_copy", V.transpose)
t_copy = _copy_op("t_copy", V.t)
split_with_sizes_copy = _copy_op("split_with_sizes_copy", lambda t, split_sizes, dim=0:
                                 t.split_with_sizes(split_sizes, dim))
select_copy = _copy_op("select_copy", V.select)
slice_copy = _copy_op("slice_copy", lambda t, dim=0, start=None, end=None, step=1:
                      t[(slice(None),) * _wrap_dim(dim, t.dim()) + (slice(start, end, step),)])
split_copy = _copy_op("split_copy", lambda t, split_size, dim=0: t.split(split_size, dim))
view_as_real_copy = _copy_op("view_as_real_copy", parts.view_as_real)
view_as_complex_copy = _copy_op("view_as_complex_copy", parts.view_as_complex)

# torch's unsafe forms skip the checks that make split's outputs safe to modify in place; ember's
# outputs are fresh memory anyway
unsafe_split = _copy_op("unsafe_split", lambda t, split_size, dim=0: t.split(split_size, dim),
                        "UnsafeSplitBackward0", method=True)
unsafe_chunk = _copy_op("unsafe_chunk", lambda t, chunks, dim=0: t.chunk(chunks, dim),
                        "UnsafeSplitBackward0", method=True)
unsafe_split_with_sizes = _copy_op(
    "unsafe_split_with_sizes", lambda t, split_sizes, dim=0: t.split_with_sizes(split_sizes, dim),
    "UnsafeSplitWithSizesBackward0", method=True)


# ---- *_scatter --------------------------------------------------------------------------------
def _scatter_op(name, node, view, grad_view=None):
    """Register ``name(input, src, *args)``: a copy of ``input`` whose ``view(copy, *args)`` holds
    ``src`` (``copy`` is contiguous, from storage offset 0).  Gradients: ``name(g, 0, *args)``
    for input, ``grad_view(g, *args)`` (default ``view``) for src."""
    grad_view = grad_view or view

    def backward(n, g):
        args, src_shape = n._args
        gi = op(g, g.new_zeros(src_shape), *args) if n.next_functions[0][0] is not None \
            else None
        gs = grad_view(g, *args).clone() if n.next_functions[1][0] is not None else None
        return gi, gs
    cls = node_class(node, backward)

    def op(input, src, *args, out=None, **kwargs):
        args = _positional(args, kwargs)
        res = _make(input._data.copy(order="C"), input._dtype, input._device)
        target = view(res, *args)
        if tuple(target._data.shape) != tuple(src._data.shape):
            raise _errors.scatter_src_size(src._data.shape, target._data.shape)
        target._data[...] = src._data.astype(input._dtype.np, copy=False)
        res._vc[0] = 0
        if needs_grad(input, src):
            record(res, cls, (input, src), (), (args, tuple(src._data.shape)))
        return res if out is None else write_out(out, res)

    names = _PARAMS[name]

    def _positional(args, kwargs):
        if not kwargs:
            return args
        values = list(args) + [_UNSET] * (len(names) - len(args))
        for k, v in kwargs.items():
            values[names.index(k)] = v
        return tuple(_DEFAULTS[name][i] if v is _UNSET else v for i, v in enumerate(values))

    op.__name__ = op.__qualname__ = name
    register(name, nodes=(node,), out=True)(op)
    return op


_UNSET = object()
_PARAMS = {"select_scatter": ("dim", "index"),
           "slice_scatter": ("dim", "start", "end", "step"),
           "diagonal_scatter": ("offset", "dim1", "dim2"),
           "as_strided_scatter": ("size", "stride", "storage_offset")}
_DEFAULTS = {"select_scatter": (None, None), "slice_scatter": (0, None, None, 1),
             "diagonal_scatter": (0, 0, 1), "as_strided_scatter": (None, None, None)}


def _slice(t, dim=0, start=None, end=None, step=1):
    return V.slice_dim(t, _wrap_dim(dim, t._data.ndim), start, end, step)


def _dense_as_strided(t, size, stride, storage_offset=None):
    """``as_strided`` on ``t``'s values laid out contiguously from storage offset 0."""
    return t.contiguous().clone().as_strided(size, stride, storage_offset or 0)


select_scatter = _scatter_op("select_scatter", "SelectScatterBackward0",
                             lambda t, dim, index: t.select(dim, index))
slice_scatter = _scatter_op("slice_scatter", "SliceScatterBackward0", _slice)
diagonal_scatter = _scatter_op("diagonal_scatter", "DiagonalScatterBackward0",
                               lambda t, offset=0, dim1=0, dim2=1: t.diagonal(offset, dim1, dim2))
as_strided_scatter = _scatter_op(
    "as_strided_scatter", "AsStridedScatterBackward0",
    lambda t, size, stride, storage_offset=None: t.as_strided(size, stride, storage_offset or 0),
    _dense_as_strided)
