"""``torch._vmap_internals``: PyTorch's first, private vmap, still called by libraries to
batch vector-Jacobian and Hessian-vector products.  It runs on :func:`ember.func.vmap`; what
differs is its output rule: a tensor or a tuple of tensors, and with
``allow_none_pass_through`` None among them (a gradient that is not connected) is returned as
None."""
import functools
import warnings

from . import _errors
from ._tensor import Tensor
from .func import vmap as _func_vmap

__all__ = ["vmap"]


def vmap(func, in_dims=0, out_dims=0):
    """Deprecated alias of :func:`_vmap` (use ``torch.vmap``)."""
    warnings.warn(_errors.LEGACY_VMAP_DEPRECATED, FutureWarning, stacklevel=2)
    return _vmap(func, in_dims, out_dims)


def _vmap(func, in_dims=0, out_dims=0, allow_none_pass_through=False):
    """``func`` mapped over dim ``in_dims`` of its tensor inputs, outputs stacked along
    ``out_dims``."""
    nones = []      # positions of the None outputs of the (one, vectorised) call

    def checked(*args):
        out = func(*args)
        single = not isinstance(out, tuple)
        outs = (out,) if single else out
        nones[:] = [i for i, o in enumerate(outs) if o is None and allow_none_pass_through]
        for i, o in enumerate(outs):
            if not isinstance(o, Tensor) and i not in nones:
                raise _errors.legacy_vmap_output_type(func, o, None if single else i)
        # (a None's place is held by an unbatched scalar, so a tuple ``out_dims`` still lines up)
        held = tuple(args[0].new_zeros(()) if i in nones else o for i, o in enumerate(outs))
        return held[0] if single else held

    mapped = _func_vmap(checked, in_dims, out_dims)

    @functools.wraps(func)
    def wrapped(*args):
        out = mapped(*args)
        if not nones:
            return out
        if not isinstance(out, tuple):
            return None
        return tuple(None if i in nones else o for i, o in enumerate(out))
    return wrapped
