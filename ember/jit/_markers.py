"""What TorchScript-ready code calls at run time: the tracing / scripting queries and the
decorators that mark code for the compiler (scripted code stays Python here, so the markers
change nothing).  Kept apart from the tracer and the scripter so that library code asking
``torch.jit.is_scripting()`` on every forward does not load them."""
import threading
import typing

from .._C import _is_tracing

_local = threading.local()     # per thread: how deep inside scripted code we are


def is_scripting():
    """True while scripted code runs (``torch.jit.is_scripting``)."""
    return getattr(_local, "depth", 0) > 0


def is_tracing():
    """True while ``jit.trace`` (or an export built on it) runs the traced code."""
    return _is_tracing()


def ignore(drop=False, **kwargs):
    """``@ember.jit.ignore`` or ``@ember.jit.ignore(drop=True)``: leaves the function as is."""
    return drop if callable(drop) else _unchanged


def unused(fn):
    """``@ember.jit.unused``: leaves the function as is."""
    return fn


def export(fn):
    """``@ember.jit.export``: every method is kept, so this leaves it as is."""
    return fn


def _unchanged(fn):
    return fn


def _overload(fn):
    """``torch.jit._overload``: declares one typed signature of a function for the compiler
    (the plain definition that follows is what runs), so it leaves the declaration as is."""
    return fn


def _overload_method(fn):
    """``torch.jit._overload_method``: ``_overload`` for a method."""
    return fn


def annotate(the_type, the_value):
    """``torch.jit.annotate``: returns ``the_value``."""
    return the_value


Final = typing.Final
