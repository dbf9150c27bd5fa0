"""The torch.func transforms that need machinery Ember does not have yet: functionalization
and first-class dims. They raise rather than fall back to something else, so a caller never
gets a silently different program."""
from .. import _errors


def functionalize(func, *, remove="mutations"):
    raise _errors.transform_needs("functionalize", "a functionalization pass over the op table")


def rearrange(tensor, pattern, **axes_lengths):
    raise _errors.transform_needs("rearrange", "first-class dimensions (functorch.dim)")
