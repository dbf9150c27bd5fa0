"""``torch.distributed.nn.functional``: each collective returns new tensors and has a backward
that is the adjoint collective (all-reduce <-> all-reduce, all-gather <-> reduce-scatter,
broadcast <-> reduce, gather <-> scatter, all-to-all <-> all-to-all), as in PyTorch."""
from ..._ops.creation import empty_like, zeros_like
from ...autograd.function import Function
from .. import ReduceOp, get_rank, get_world_size
from .. import (all_gather as _all_gather, all_reduce as _all_reduce, all_to_all as _all_to_all,
                all_to_all_single as _all_to_all_single, broadcast as _broadcast,
                gather as _gather, reduce as _reduce, reduce_scatter as _reduce_scatter,
                scatter as _scatter)

__all__ = ["all_gather", "all_reduce", "all_to_all", "all_to_all_single", "broadcast", "gather",
           "reduce", "reduce_scatter", "scatter"]


def broadcast(tensor, src, group=None):
    """``tensor`` of rank ``src`` on every rank; gradients are summed back to ``src``."""
    return _Broadcast.apply(src, group, tensor)


def gather(tensor, dst=0, group=None):
    """Every rank's ``tensor``, as a tuple on rank ``dst`` (zeros elsewhere)."""
    return _Gather.apply(dst, group, tensor)


def scatter(tensors, src=0, group=None):
    """Rank ``r`` receives ``tensors[r]`` of rank ``src``."""
    return _Scatter.apply(src, group, *tensors)


def reduce(tensor, dst, op=ReduceOp.SUM, group=None):
    """The reduction of every rank's ``tensor`` on rank ``dst``."""
    return _Reduce.apply(dst, op, group, tensor)


def reduce_scatter(output, input_list, op=ReduceOp.SUM, group=None):
    """Rank ``r`` gets the reduction over ranks of ``input_list[r]``, in ``output``."""
    return _ReduceScatter.apply(op, group, output, *input_list)


def all_gather(tensor, group=None):
    """Every rank's ``tensor``, as a tuple on every rank."""
    return _AllGather.apply(group, tensor)


def all_to_all(output_tensor_list, input_tensor_list, group=None):
    """Rank ``r`` sends ``input_tensor_list[s]`` to rank ``s`` and receives into
    ``output_tensor_list``."""
    return _AllToAll.apply(group, output_tensor_list, *input_tensor_list)


def all_to_all_single(output, input, output_split_sizes=None, input_split_sizes=None,
                      group=None):
    """``all_to_all`` on slices of one tensor along dim 0."""
    return _AllToAllSingle.apply(group, output, output_split_sizes, input_split_sizes, input)


def all_reduce(tensor, op=ReduceOp.SUM, group=None):
    """The reduction of every rank's ``tensor``, on every rank."""
    return _AllReduce.apply(op, group, tensor)


class _Broadcast(Function):
    @staticmethod
    def forward(ctx, src, group, tensor):
        ctx.src, ctx.group = src, group
        out = tensor.clone()
        _broadcast(out, src, group=group)
        return out

    @staticmethod
    def backward(ctx, grad):
        summed = _Reduce.apply(ctx.src, ReduceOp.SUM, ctx.group, grad)
        if get_rank(ctx.group) != ctx.src:
            summed = zeros_like(summed)
        return None, None, summed


class _Gather(Function):
    @staticmethod
    def forward(ctx, dst, group, tensor):
        ctx.dst, ctx.group = dst, group
        parts = [zeros_like(tensor) for _ in range(get_world_size(group))]
        mine = tensor.contiguous()
        _gather(mine, parts if get_rank(group) == dst else None, dst, group=group)
        return tuple(parts)

    @staticmethod
    def backward(ctx, *grads):
        return (None, None) + (_Scatter.apply(ctx.dst, ctx.group, *grads),)


class _Scatter(Function):
    @staticmethod
    def forward(ctx, src, group, *tensors):
        ctx.src, ctx.group = src, group
        out = empty_like(tensors[get_rank(group)]).contiguous()
        parts = [t.contiguous() for t in tensors] if get_rank(group) == src else None
        _scatter(out, parts, src, group=group)
        return out

    @staticmethod
    def backward(ctx, grad):
        return (None, None) + _Gather.apply(ctx.src, ctx.group, grad)


class _Reduce(Function):
    @staticmethod
    def forward(ctx, dst, op, group, tensor):
        ctx.dst, ctx.group = dst, group
        out = tensor.clone()
        _reduce(out, dst, op=op, group=group)
        return out

    @staticmethod
    def backward(ctx, grad):
        return None, None, None, _Broadcast.apply(ctx.dst, ctx.group, grad)


class _ReduceScatter(Function):
    @staticmethod
    def forward(ctx, op, group, output, *inputs):
        ctx.group = group
        out = output.contiguous()
        _reduce_scatter(out, [t.contiguous() for t in inputs], op=op, group=group)
        return out

    @staticmethod
    def backward(ctx, grad):
        return (None, None, None) + _AllGather.apply(ctx.group, grad)


class _AllGather(Function):
    @staticmethod
    def forward(ctx, group, tensor):
        ctx.group = group
        parts = [empty_like(tensor) for _ in range(get_world_size(group))]
        _all_gather(parts, tensor.contiguous(), group=group)
        return tuple(parts)

    @staticmethod
    def backward(ctx, *grads):
        rank = get_rank(ctx.group)
        mine = empty_like(grads[rank])
        mine = _ReduceScatter.apply(ReduceOp.SUM, ctx.group, mine, *grads)
        return None, mine


class _AllToAll(Function):
    @staticmethod
    def forward(ctx, group, outputs, *inputs):
        ctx.group = group
        ctx.input_shapes = [t.shape for t in inputs]
        outs = [o.contiguous() for o in outputs]
        _all_to_all(outs, [t.contiguous() for t in inputs], group=group)
        return tuple(outs)

    @staticmethod
    def backward(ctx, *grads):
        back = [grads[0].new_empty(s) for s in ctx.input_shapes]
        return (None, None) + _AllToAll.apply(ctx.group, back, *grads)


class _AllToAllSingle(Function):
    @staticmethod
    def forward(ctx, group, output, output_split_sizes, input_split_sizes, input):
        ctx.group, ctx.input_shape = group, input.shape
        ctx.splits = (output_split_sizes, input_split_sizes)
        out = output.contiguous()
        _all_to_all_single(out, input.contiguous(), output_split_sizes=output_split_sizes,
                           input_split_sizes=input_split_sizes, group=group)
        return out

    @staticmethod
    def backward(ctx, grad):
        out_splits, in_splits = ctx.splits
        back = grad.new_empty(ctx.input_shape)
        return (None, None, None, None,
                _AllToAllSingle.apply(ctx.group, back, in_splits, out_splits,
                                      grad.contiguous()))


class _AllReduce(Function):
    @staticmethod
    def forward(ctx, op, group, tensor):
        ctx.op, ctx.group = op, group
        out = tensor.clone()
        _all_reduce(out, op=op, group=group)
        return out

    @staticmethod
    def backward(ctx, grad):
        return None, None, _AllReduce.apply(ctx.op, ctx.group, grad)
