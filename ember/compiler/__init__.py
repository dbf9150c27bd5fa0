"""``torch.compiler``: the public face of ``compile`` (see :mod:`ember._dynamo`).

``is_compiling`` is True while a call is being captured; the decorators that steer torch's
tracer hand back what they are given (Ember records arrays, not bytecode).
"""
import contextlib

from .._dynamo import (allow_in_graph, assume_constant_result, disable, is_compiling,
                       list_backends, reset)
from .._dynamo.eval_frame import compile

__all__ = ["compile", "allow_in_graph", "assume_constant_result", "cudagraph_mark_step_begin",
           "disable", "is_compiling", "is_dynamo_compiling", "is_exporting", "list_backends",
           "nested_compile_region", "reset", "set_stance", "substitute_in_graph", "wrap_numpy"]

def is_dynamo_compiling():
    return is_compiling()


def is_exporting():
    return False


def cudagraph_mark_step_begin():
    """Marks a training step for CUDA graphs; there are none to mark."""


def substitute_in_graph(original_fn, *, can_constant_fold_through=False,
                        skip_signature_check=False):
    """Registers a traceable stand-in for ``original_fn``; eager code keeps the original."""
    return lambda fn: fn


def wrap_numpy(fn):
    return fn


def nested_compile_region(fn=None, options=None):
    return (lambda f: f) if fn is None else fn


class set_stance(contextlib.ContextDecorator):
    """How compiled functions behave: ``"default"``; ``"force_eager"`` (run the original
    code); ``"eager_on_recompile"`` (replay known programs, run new guard keys eagerly);
    ``"fail_on_recompile"`` (a new guard key raises).  Called as a function it sets the stance;
    as ``with`` block or decorator it holds for that block or call."""

    def __init__(self, stance="default", *, skip_guard_eval_unsafe=False, force_backend=None):
        from .._compile import compiled
        self.stance = stance
        self._prev = compiled.STANCE[0]
        compiled.STANCE[0] = stance

    def __call__(self, fn):
        from .._compile import compiled
        compiled.STANCE[0] = self._prev   # a decorator sets the stance per call only
        return super().__call__(fn)

    def __enter__(self):
        from .._compile import compiled
        compiled.STANCE[0] = self.stance
        return self

    def __exit__(self, *exc):
        from .._compile import compiled
        compiled.STANCE[0] = self._prev
        return False
