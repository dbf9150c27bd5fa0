"""The torch.func transforms that need machinery Ember does not have yet: per-op batching
rules (vmap), functionalization, first-class dims. They raise rather than fall back to a
Python loop, so a caller never gets a silently different program."""
from .. import _errors

_NO_VMAP = "per-op batching rules (vmap)"


def vmap(func, in_dims=0, out_dims=0, randomness="error", *, chunk_size=None):
    raise _errors.transform_needs("vmap", _NO_VMAP)


def functionalize(func, *, remove="mutations"):
    raise _errors.transform_needs("functionalize", "a functionalization pass over the op table")


def rearrange(tensor, pattern, **axes_lengths):
    raise _errors.transform_needs("rearrange", "first-class dimensions (functorch.dim)")
