"""The torch.func transforms that need machinery Ember does not have yet: forward-mode AD
(jvp, jacfwd, linearize), functionalization and first-class dims. They raise rather than fall back
to a Python loop or to reverse mode, so a caller never gets a silently different program."""
from .. import _errors

_NO_VMAP = "per-op batching rules (vmap)"
_NO_FORWARD_AD = "forward-mode AD (dual tensors with a JVP rule per op)"


def jvp(func, primals, tangents, *, strict=False, has_aux=False):
    raise _errors.transform_needs("jvp", _NO_FORWARD_AD)


def jacfwd(func, argnums=0, has_aux=False, *, randomness="error"):
    raise _errors.transform_needs("jacfwd", _NO_FORWARD_AD + " and " + _NO_VMAP)


def linearize(func, *primals):
    raise _errors.transform_needs("linearize", _NO_FORWARD_AD)


def functionalize(func, *, remove="mutations"):
    raise _errors.transform_needs("functionalize", "a functionalization pass over the op table")


def rearrange(tensor, pattern, **axes_lengths):
    raise _errors.transform_needs("rearrange", "first-class dimensions (functorch.dim)")
