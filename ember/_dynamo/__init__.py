"""``torch._dynamo``: the compiler's front end, as far as programs call it.

``compile`` runs code eagerly for now (see :mod:`.eval_frame`); the switches below accept
what torch's accept and do what they mean outside a compiled region.
"""
from . import config, exc  # noqa: F401
from .eval_frame import OptimizedModule, disable, is_compiling, list_backends

__all__ = ["OptimizedModule", "allow_in_graph", "assume_constant_result", "config", "disable",
           "is_compiling", "list_backends", "mark_dynamic", "mark_static",
           "maybe_mark_dynamic", "reset"]


def reset():
    """Forget compiled code (there is none to forget while compile runs eagerly)."""


def allow_in_graph(fn):
    return fn


def assume_constant_result(fn):
    return fn


def mark_dynamic(t, index, *, min=None, max=None, specialize_on=None):  # noqa: A002
    """A shape hint for the compiler: accepted, nothing to do while compile runs eagerly."""


def maybe_mark_dynamic(t, index):
    """A shape hint for the compiler: accepted, nothing to do while compile runs eagerly."""


def mark_static(t, index=None):
    """A shape hint for the compiler: accepted, nothing to do while compile runs eagerly."""
