"""torch.autograd.forward_ad: dual tensors for forward-mode AD (one level at a time, as in
torch; ``ember.func.jvp`` nests levels).  The machinery is in ``_forward.py``."""
import math
from typing import NamedTuple, Optional

from .. import _errors
from .._tensor import Tensor
from . import _forward
from .grad_mode import _DecoratorContext

__all__ = ["UnpackedDualTensor", "enter_dual_level", "exit_dual_level", "make_dual",
           "unpack_dual", "dual_level"]

_current_level = -1   # the level the public API works at; func.jvp's levels are private


def enter_dual_level():
    """Enter a new forward-AD level; tangents made in it are dropped when it is exited."""
    global _current_level
    if _forward.levels():
        raise _errors.fwd_nested_level()
    _current_level = _forward.push_level()
    return _current_level


def exit_dual_level(*, level=None):
    """Exit the latest level, deleting every tangent associated with it."""
    global _current_level
    if level is None:
        level = _current_level
    if level != _current_level:
        raise _errors.fwd_exit_not_last()
    _forward.pop_level(level)
    _current_level = level - 1


def _check_float(what, t):
    if t._dtype.category < 2:
        raise _errors.fwd_not_float(what, t._dtype)


def make_dual(tensor, tangent, *, level=None):
    """A view of ``tensor`` whose tangent at ``level`` is ``tangent``."""
    if level is None:
        level = _current_level
    if level < 0:
        raise _errors.fwd_no_level()
    _check_float("primal", tensor)
    _check_float("tangent", tangent)
    return _forward.make_dual(level, tensor, tangent)


class UnpackedDualTensor(NamedTuple):
    """``(primal, tangent)``, what ``unpack_dual`` returns."""
    primal: Tensor
    tangent: Optional[Tensor]


def unpack_dual(tensor, *, level=None):
    """``(primal, tangent)`` of ``tensor`` at ``level``: the primal is a view of ``tensor``
    without that level's tangent; the tangent is ``None`` when there is none."""
    if level is None:
        level = _current_level
    if level < 0:
        return UnpackedDualTensor(tensor, None)
    return UnpackedDualTensor(*_forward.unpack_dual(level, tensor))


class dual_level(_DecoratorContext):
    """Context manager: enter a forward-AD level on entry, exit it on exit."""

    def __enter__(self):
        return enter_dual_level()

    def __exit__(self, *exc):
        exit_dual_level()


# ---- private helpers torch exposes here (used by functorch-style code) ----------------------
def _is_fwd_grad_enabled():
    return _forward._ceiling[0] > 0


class _set_fwd_grad_enabled(_DecoratorContext):
    """Turn tangent propagation off (or on) from construction until the context exits."""

    def __init__(self, mode):
        self.mode = mode
        self.prev = _forward._ceiling[0]
        _forward._ceiling[0] = math.inf if mode else -1

    def clone(self):
        return type(self)(self.mode)

    def __enter__(self):
        pass

    def __exit__(self, *exc):
        _forward._ceiling[0] = self.prev
