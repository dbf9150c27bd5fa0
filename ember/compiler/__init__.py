"""``torch.compiler``: the public face of ``compile`` (see :mod:`ember._dynamo`).

Compiled code runs eagerly for now, so the queries answer as outside a compiled region and the
decorators hand back what they are given.
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
    """``with set_stance("force_eager"):`` / ``@set_stance(...)``: code runs eagerly anyway."""

    def __init__(self, stance="default", *, skip_guard_eval_unsafe=False, force_backend=None):
        self.stance = stance

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False
