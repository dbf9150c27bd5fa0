"""``torch._dynamo``: the compiler's front end, as far as programs call it.

``compile`` captures and replays array programs (:mod:`ember._compile`); the shape hints below
are accepted and do nothing (Ember's programs are specialised to the shapes they saw).
"""
from . import config, exc  # noqa: F401
from .eval_frame import OptimizedModule, disable, is_compiling, list_backends

__all__ = ["OptimizedModule", "allow_in_graph", "assume_constant_result", "config", "disable",
           "is_compiling", "list_backends", "mark_dynamic", "mark_static",
           "maybe_mark_dynamic", "reset"]


def reset():
    """Forget every captured program: the next call of a compiled function captures again."""
    from .._compile.compiled import reset as _reset
    _reset()


def allow_in_graph(fn):
    return fn


def assume_constant_result(fn):
    return fn


def mark_dynamic(t, index, *, min=None, max=None, specialize_on=None):  # noqa: A002
    """A shape hint: accepted; programs are specialised to the shapes they were captured with."""


def maybe_mark_dynamic(t, index):
    """A shape hint: accepted; programs are specialised to the shapes they were captured with."""


def mark_static(t, index=None):
    """A shape hint: accepted; programs are specialised to the shapes they were captured with."""
