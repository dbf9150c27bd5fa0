"""``torch._C._functorch``: the batched-tensor primitives under ``torch.vmap``, on Ember's
vmap (``ember.func``), for libraries that batch their own containers (tensordict's
``TensorDict._add_batch_dim``).  A level is the number of a running vmap, 1 the outermost."""
from .._errors import private_api as _errors
from ..func import _batched

__all__ = ["is_batchedtensor", "get_unwrapped", "maybe_get_level", "_add_batch_dim",
           "_remove_batch_dim"]


def is_batchedtensor(tensor):
    return tensor.__class__ is _batched.BatchedTensor


def get_unwrapped(tensor):
    """The tensor one wrapper level down."""
    if not is_batchedtensor(tensor):
        raise _errors.functorch_no_wrappers()
    return tensor._value


def maybe_get_level(tensor):
    return tensor._level if is_batchedtensor(tensor) else -1


def _add_batch_dim(tensor, in_dim, level):
    """``tensor`` batched along ``in_dim`` at vmap ``level``."""
    return _batched.wrap(tensor.movedim(in_dim, 0), level)


def _remove_batch_dim(tensor, level, batch_size, out_dim):
    """The plain tensor with the batch of ``level`` at ``out_dim`` (a tensor not batched there
    is the same for every sample: expanded)."""
    if _batched.is_batched(tensor, level):
        return tensor._value.movedim(0, out_dim)
    shape = list(tensor.shape)
    shape.insert(out_dim % (len(shape) + 1), batch_size)
    return tensor.unsqueeze(out_dim).expand(shape)


def _maybe_remove_batch_dim(name, batched_output, vmap_level, batch_size, out_dim):
    """``torch._functorch.vmap``'s output unbatching for one output."""
    from .._tensor import Tensor
    if out_dim is None:
        if isinstance(batched_output, Tensor) and is_batchedtensor(batched_output):
            raise _errors.vmap_batched_with_none_out_dim(name)
        return batched_output
    if not isinstance(batched_output, Tensor):
        raise _errors.vmap_non_tensor_output(name, batched_output)
    return _remove_batch_dim(batched_output, vmap_level, batch_size, out_dim)
