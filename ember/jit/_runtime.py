"""The rest of ``torch.jit``'s run-time surface for eager code: ``interface`` / ``Attribute``
markers, ``fork`` / ``wait``, ``isinstance`` with container type hints, ``script_if_tracing``
and the compiler switches.  Ember has no TorchScript optimiser or fuser, so the switches keep
and report their settings and change nothing else."""
import collections.abc
import contextlib
import functools
import inspect
import typing
import warnings

from .. import _errors
from ..futures import Future
from ._markers import is_tracing

__all__ = ["Attribute", "Error", "Future", "interface", "fork", "wait", "isinstance",
           "script_if_tracing", "set_fusion_strategy", "fuser", "optimized_execution",
           "enable_onednn_fusion", "onednn_fusion_enabled"]

_builtin_isinstance = isinstance


class Attribute(typing.NamedTuple):
    """A module attribute with its TorchScript type; eager code reads ``.value``."""
    value: typing.Any
    type: typing.Any


class Error(RuntimeError):
    """An exception raised from scripted code (``torch.jit.Error``)."""


def interface(obj):
    """``@torch.jit.interface``: marks a class whose methods form a TorchScript interface; eager
    code gets the class back."""
    if not inspect.isclass(obj):
        raise _errors.jit_interface_not_class()
    obj.__torch_script_interface__ = True
    return obj


def fork(func, *args, **kwargs):
    """Run ``func(*args, **kwargs)`` and return a completed ``Future`` of its result (eager
    ``torch.jit.fork`` runs the call at once, as here)."""
    future = Future()
    try:
        future.set_result(func(*args, **kwargs))
    except Exception as exc:      # delivered by wait(), as torch's future does
        future.set_exception(exc)
    return future


def wait(future):
    """The result of a ``fork``."""
    return future.wait()


def _positional_wait(future, /):
    """``torch.wait``: ``wait`` with its future passed positionally only (torch's binding)."""
    return future.wait()


_positional_wait.__name__ = _positional_wait.__qualname__ = "wait"


def script_if_tracing(fn):
    """``fn`` itself, scripted when first called while ``jit.trace`` runs (so its control flow
    survives in the trace)."""
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        if not is_tracing():
            return fn(*args, **kwargs)
        from ._api import script
        return script(fn)(*args, **kwargs)
    wrapper.__original_fn = fn
    wrapper.__script_if_tracing_wrapper = True
    return wrapper


# ---- isinstance with container type hints -------------------------------------------------------
_BARE_CONTAINERS = {list: "list", dict: "dict", tuple: "tuple", typing.List: "List",
                    typing.Dict: "Dict", typing.Tuple: "Tuple", typing.Optional: "Optional"}


def isinstance(obj, target_type):
    """``isinstance`` that also checks the element types of ``List[T]``, ``Dict[K, V]``,
    ``Tuple[...]`` and ``Optional[T]`` / unions (recursively).  The element type of an empty
    container is unknown: that case answers from the container type and warns."""
    if _builtin_isinstance(target_type, collections.abc.Container):
        if not _builtin_isinstance(target_type, tuple):
            raise _errors.jit_isinstance_target()
        return any(isinstance(obj, t) for t in target_type)
    if typing.get_origin(target_type) is not None:
        return _matches(obj, target_type)
    _require_element_types(target_type)
    return _builtin_isinstance(obj, target_type)


def _require_element_types(target_type):
    name = _BARE_CONTAINERS.get(target_type) if _hashable(target_type) else None
    if name is not None:
        raise _errors.jit_container_without_type(name)


def _hashable(x):
    return _builtin_isinstance(x, collections.abc.Hashable)


def _element(obj, hint):
    """Whether ``obj`` is of the (possibly generic) type ``hint``."""
    return _matches(obj, hint) if typing.get_origin(hint) is not None \
        else _builtin_isinstance(obj, hint)


def _warn_if_empty(obj):
    if obj == [] or obj == {} or obj == ():
        warnings.warn(_errors.JIT_ISINSTANCE_EMPTY, stacklevel=4)


def _matches(obj, hint):
    _require_element_types(hint)
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin is list:
        _warn_if_empty(obj)
        return _builtin_isinstance(obj, list) and all(_element(x, args[0]) for x in obj)
    if origin is dict:
        _warn_if_empty(obj)
        return _builtin_isinstance(obj, dict) and all(
            _builtin_isinstance(k, args[0]) and _element(v, args[1]) for k, v in obj.items())
    if origin is tuple:
        _warn_if_empty(obj)
        return (_builtin_isinstance(obj, tuple) and len(obj) == len(args)
                and all(_element(x, t) for x, t in zip(obj, args)))
    if origin is typing.Union or _is_union_type(origin):
        if obj is None:
            return True
        for t in args:      # like torch: the first generic member decides
            if typing.get_origin(t) is not None:
                return _matches(obj, t)
            if _builtin_isinstance(obj, t):
                return True
    return False


def _is_union_type(origin):
    import types
    return origin is types.UnionType


# ---- compiler switches --------------------------------------------------------------------------
_fusion_strategy = [[("STATIC", 2), ("DYNAMIC", 10)]]
_onednn = [False]


def set_fusion_strategy(strategy):
    """Set the (unused) fusion strategy; returns the previous one."""
    previous = _fusion_strategy[0]
    _fusion_strategy[0] = list(strategy)
    return previous


@contextlib.contextmanager
def fuser(name):
    """Choose a TorchScript fuser for the block (Ember has none: nothing changes)."""
    if name not in ("fuser0", "fuser1", "fuser2", "fuser3", "none"):
        raise _errors.jit_unknown_fuser(name)
    yield


@contextlib.contextmanager
def optimized_execution(should_optimize):
    """Turn TorchScript's graph optimiser on or off for the block (Ember has none)."""
    yield


def enable_onednn_fusion(enabled):
    _onednn[0] = bool(enabled)


def onednn_fusion_enabled():
    return _onednn[0]
