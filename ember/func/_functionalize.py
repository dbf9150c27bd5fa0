"""``torch.func.functionalize``: the function with its in-place updates and views taken out.

PyTorch rewrites the program so that mutations become out-of-place ops (and, with
``remove="mutations_and_views"``, views become copies), which matters to graph capture
(``make_fx``).  Called eagerly, what the caller can observe is: the same outputs, the inputs the
function mutated mutated the same way (written back at the end), and outputs that never alias
an input.  Ember gives exactly that by running the function on copies of its tensor inputs and
writing back the copies it changed; the copies are made with ``clone`` so gradients flow through
them, and the function composes with ``grad`` / ``vmap`` as any function does.
"""
import functools

from .. import _errors
from .._tensor import Tensor
from ..utils._pytree import tree_flatten, tree_unflatten

_MODES = ("mutations", "mutations_and_views")


def functionalize(func, *, remove="mutations"):
    """``func`` run on copies of its tensor arguments, mutated arguments written back."""
    if remove not in _MODES:
        raise _errors.functionalize_remove(remove)

    @functools.wraps(func)
    def functionalized(*args, **kwargs):
        leaves, spec = tree_flatten((args, kwargs))
        copies = [x.clone() if isinstance(x, Tensor) else x for x in leaves]
        versions = [x._version if isinstance(x, Tensor) else None for x in copies]
        args_c, kwargs_c = tree_unflatten(copies, spec)
        out = func(*args_c, **kwargs_c)
        for original, copy, version in zip(leaves, copies, versions):
            if isinstance(copy, Tensor) and copy._version != version:
                original.copy_(copy)    # (a leaf that requires grad refuses, as in torch)
        return out
    return functionalized
