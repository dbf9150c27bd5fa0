"""``torch._functorch.vmap``: ``vmap`` and the helpers libraries import with it (tensordict
replaces the private input / output handlers it finds here; Ember's vmap has its own, so such
replacements do not change it)."""
import functools

from .._C._functorch import _add_batch_dim, _maybe_remove_batch_dim  # noqa: F401
from .._C._functorch import _remove_batch_dim  # noqa: F401
from .._tensor import Tensor  # noqa: F401
from ..func import vmap  # noqa: F401
from ..utils._pytree import _broadcast_to_and_flatten, tree_flatten, tree_unflatten  # noqa: F401


def _get_name(func):
    """How vmap's messages name ``func``."""
    if hasattr(func, "__name__"):
        return func.__name__
    if isinstance(func, functools.partial):
        return f"functools.partial({_get_name(func.func)}, ...)"
    return repr(func)
