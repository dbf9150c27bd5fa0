"""``torch.distributed._functional_collectives``: collectives as functions that return a new
tensor instead of writing into their argument, on the same process groups as the in-place ones.

Ember's collectives complete before they return, so ``wait_tensor`` hands its argument back.
``group`` is a ProcessGroup (None: the world); device meshes do not exist in Ember.
"""
from .. import _errors
from .._ops.shape import cat
from ..autograd.function import Function
from . import (ReduceOp, all_gather_into_tensor, all_reduce as _all_reduce, broadcast as _broadcast,
               get_world_size, reduce_scatter_tensor as _reduce_scatter, all_to_all_single as _a2a)

_OPS = {"sum": ReduceOp.SUM, "avg": ReduceOp.AVG, "product": ReduceOp.PRODUCT,
        "min": ReduceOp.MIN, "max": ReduceOp.MAX, "band": ReduceOp.BAND, "bor": ReduceOp.BOR,
        "bxor": ReduceOp.BXOR}


def _op(reduce_op):
    return _OPS[reduce_op.lower()] if isinstance(reduce_op, str) else reduce_op


def _group(group):
    if group is not None and isinstance(group, (list, tuple)):
        raise _errors.unsupported("functional collectives over a list of ranks or a device mesh",
                                  "pass a ProcessGroup from new_group(ranks)")
    return group


def wait_tensor(tensor):
    """The collective that produced ``tensor`` has completed already: ``tensor`` itself."""
    return tensor


def all_reduce(self, reduceOp, group, tag=""):
    out = self.clone()
    _all_reduce(out, _op(reduceOp), _group(group))
    return out


def broadcast(self, src, group, tag=""):
    out = self.clone()
    _broadcast(out, src, _group(group))
    return out


def all_gather_tensor(self, gather_dim, group, tag=""):
    """The ranks' tensors concatenated along ``gather_dim``."""
    group = _group(group)
    n = get_world_size(group)
    out = self.new_empty((n * self.shape[0],) + tuple(self.shape[1:]))
    all_gather_into_tensor(out, self.contiguous(), group)
    if gather_dim != 0:
        out = cat(out.chunk(n), dim=gather_dim)
    return out


def reduce_scatter_tensor(self, reduceOp, scatter_dim, group, tag=""):
    """This rank's share (along ``scatter_dim``) of the reduction of the ranks' tensors."""
    group = _group(group)
    n = get_world_size(group)
    source = self if scatter_dim == 0 else cat(self.chunk(n, dim=scatter_dim), dim=0)
    out = source.new_empty((source.shape[0] // n,) + tuple(source.shape[1:]))
    _reduce_scatter(out, source.contiguous(), _op(reduceOp), group)
    return out if scatter_dim == 0 else out.movedim(0, 0).reshape(
        tuple(s // n if d == scatter_dim else s for d, s in enumerate(self.shape)))


def all_to_all_single(self, output_split_sizes, input_split_sizes, group, tag=""):
    """Rows of ``self`` sent to each rank by ``input_split_sizes``; the rows received, by
    ``output_split_sizes`` (None: equal splits)."""
    group = _group(group)
    rows = sum(output_split_sizes) if output_split_sizes is not None else self.shape[0]
    out = self.new_empty((rows,) + tuple(self.shape[1:]))
    _a2a(out, self.contiguous(), output_split_sizes, input_split_sizes, group)
    return out


class _AllToAllSingle(Function):
    @staticmethod
    def forward(ctx, input, output_split_sizes, input_split_sizes, group):
        ctx.splits, ctx.group = (output_split_sizes, input_split_sizes), group
        return all_to_all_single(input, output_split_sizes, input_split_sizes, group)

    @staticmethod
    def backward(ctx, grad):
        out_splits, in_splits = ctx.splits
        return all_to_all_single(grad.contiguous(), in_splits, out_splits, ctx.group), \
            None, None, None


def all_to_all_single_autograd(self, output_split_sizes, input_split_sizes, group, tag=""):
    """``all_to_all_single`` whose gradient is the reverse exchange."""
    return _AllToAllSingle.apply(self, output_split_sizes, input_split_sizes, _group(group))


__all__ = ["wait_tensor", "all_reduce", "broadcast", "all_gather_tensor",
           "reduce_scatter_tensor", "all_to_all_single", "all_to_all_single_autograd"]
