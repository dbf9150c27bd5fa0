"""``torch.overrides``: the ``__torch_function__`` protocol's helpers and modes.

Libraries use them in their own functions (``if has_torch_function(args): return
handle_torch_function(fn, args, *args)``) so that tensor-like objects can take over.  Ember's
own public functions, methods and operators dispatch the same way (see ``ember._subclass``).
"""
import builtins
import contextlib
import functools

from . import _errors, _subclass
from ._C import (_disabled_torch_function_impl, _subclass_dispatch_disabled,
                 _torch_function_disabled)
from ._ops import _bindings
from ._overridable import (get_ignored_functions, get_overridable_functions,
                           get_testing_overrides, resolve_name)
from ._tensor import Tensor

__all__ = ["TorchFunctionMode", "has_torch_function", "has_torch_function_unary",
           "has_torch_function_variadic", "handle_torch_function", "is_tensor_like",
           "get_default_nowrap_functions", "is_tensor_method_or_property",
           "get_ignored_functions", "get_overridable_functions", "get_testing_overrides",
           "resolve_name", "wrap_torch_function", "enable_reentrant_dispatch",
           "BaseTorchFunctionMode", "redispatch_function"]

_mode_stack = []
_skip_next = [False]    # redispatch_function: the next check answers False


def _overrides(arg):
    if _subclass_dispatch_disabled[0] or _torch_function_disabled[0]:
        return False
    tf = getattr(type(arg), "__torch_function__", None)
    return type(arg) is not Tensor and tf is not None and \
        getattr(tf, "__func__", tf) is not _disabled_torch_function_impl


def has_torch_function(relevant_args):
    """True when some argument (other than a plain Tensor) implements ``__torch_function__``,
    or a ``TorchFunctionMode`` is active."""
    if _torch_function_disabled[0] or _skip_next[0]:
        _skip_next[0] = False
        return False
    return bool(_mode_stack) or any(_overrides(a) for a in relevant_args)


def has_torch_function_unary(arg):
    return has_torch_function((arg,))


def has_torch_function_variadic(*args):
    return has_torch_function(args)


def _overloaded_args(relevant_args):
    """Arguments whose type overrides, one per type, subclasses ahead of their bases."""
    found = []
    for arg in relevant_args:
        if not _overrides(arg) or any(type(arg) is type(f) for f in found):
            continue
        index = next((i for i, f in enumerate(found) if issubclass(type(arg), type(f))),
                     len(found))
        found.insert(index, arg)
    return found


def handle_torch_function(public_api, relevant_args, *args, **kwargs):
    """Call the ``__torch_function__`` of the active mode, then of each overriding argument,
    until one returns something other than ``NotImplemented``."""
    overloaded = _overloaded_args(relevant_args)
    types = tuple(type(a) for a in overloaded)
    if _mode_stack:
        try:
            result = _subclass.call_innermost_mode(_mode_stack, "__torch_function__",
                                                   public_api, types, args, kwargs)
        finally:   # a handler's own ``with self:`` switched the layers off while it was popped
            if not _bindings.is_active(_subclass.MODE_LAYER):
                _subclass.sync()
        if result is not NotImplemented:
            return result
    for arg in overloaded:
        result = type(arg).__torch_function__(public_api, types, args, kwargs)
        if result is not NotImplemented:
            return result
    raise _errors.torch_function_not_found(public_api, types)


def is_tensor_like(inp):
    """A Tensor, or an object whose type implements ``__torch_function__``."""
    return type(inp) is Tensor or hasattr(inp, "__torch_function__")


def is_tensor_method_or_property(func):
    return func in vars(Tensor).values() or getattr(func, "__name__", None) in vars(Tensor)


def get_default_nowrap_functions():
    """Functions whose results ``Tensor.__torch_function__`` returns without converting them
    to the subclass (the gradient and base accessors)."""
    return {Tensor._base.__get__, Tensor.grad.__get__}


class TorchFunctionMode:
    """A context that sees every ``handle_torch_function`` call made while it is active."""

    def __torch_function__(self, func, types, args=(), kwargs=None):
        raise NotImplementedError

    def __enter__(self):
        _mode_stack.append(self)
        _subclass.sync()
        return self

    def __exit__(self, *exc):
        _mode_stack.remove(self)
        _subclass.sync()
        return False

    @classmethod
    def push(cls, *args, **kwargs):
        mode = cls(*args, **kwargs)
        _mode_stack.append(mode)
        _subclass.sync()
        return mode


class BaseTorchFunctionMode(TorchFunctionMode):
    """A mode that runs every function it sees unchanged: a base for modes overriding a few."""

    def __torch_function__(self, func, types, args=(), kwargs=None):
        return func(*args, **(kwargs or {}))


def wrap_torch_function(dispatcher):
    """Decorator: the function defers to ``__torch_function__`` of the tensor-likes that
    ``dispatcher`` (called with the same arguments) returns."""
    def inner(func):
        @functools.wraps(func)
        def wrapped(*args, **kwargs):
            relevant = dispatcher(*args, **kwargs)
            if has_torch_function(relevant):
                return handle_torch_function(wrapped, relevant, *args, **kwargs)
            return func(*args, **kwargs)
        return wrapped
    return inner


@contextlib.contextmanager
def enable_reentrant_dispatch():
    """Inside a ``__torch_dispatch__`` handler, let the ops it calls dispatch again.  Ember's
    handlers already re-dispatch (its dispatch state is plain Python stacks), so the block
    runs as it is; outside a handler, torch's error."""
    from . import _aten_dispatch
    if not _aten_dispatch.in_handler():
        raise _errors.dispatch_state_outside_handler()
    yield


def redispatch_function(func, types, args, kwargs):
    """Call ``func`` skipping its own ``__torch_function__`` check once; the calls it makes
    dispatch as usual.  Ember's public functions are called unwrapped; any other function's
    first ``has_torch_function`` check answers False."""
    from ._ops._bindings import original
    kwargs = kwargs or {}
    inner = original(func)
    if inner is not func or vars(Tensor).get(getattr(func, "__name__", None)) is func:
        return inner(*args, **kwargs)
    _skip_next[0] = True
    try:
        return func(*args, **kwargs)
    finally:
        _skip_next[0] = False


def _get_current_function_mode():
    return _mode_stack[-1] if _mode_stack else None


def _get_current_function_mode_stack():
    return list(_mode_stack)


# ---- tensor-likes that are not tensors ------------------------------------------------------
# Function-level dispatch switches on at the first instance of an overriding Tensor subclass;
# a tensor-like that is no Tensor (tensordict's TensorDict) has no such moment in Ember, so
# under the runner a class statement defining ``__torch_function__`` switches it on.
_plain_build_class = []


def _noting_build_class(func, name, /, *bases, **kwargs):
    # (positional-only: a class statement may pass keywords of those names to its metaclass)
    cls = _plain_build_class[0](func, name, *bases, **kwargs)
    note_tensor_likes((cls,))
    return cls


def note_tensor_likes(objects):
    """Switch function-level dispatch on for the classes among ``objects`` that define
    ``__torch_function__`` and stand for tensors (``ember._import_watch`` passes a module's
    namespace once it has run)."""
    for cls in objects:
        if isinstance(cls, type) and "__torch_function__" in vars(cls) and _tensor_like(cls):
            _subclass.note_instance(cls)


def _tensor_like(cls):
    """A class whose instances stand for tensors: not a Tensor subclass (those switch dispatch
    on at their first instance), not a mode, not Ember's own (fx's Proxy notes its instances)."""
    module = cls.__module__ or ""
    return not issubclass(cls, (Tensor, TorchFunctionMode)) and module != "ember" and \
        not module.startswith("ember.")


def watch_class_statements(on):
    """Turn the watching of class statements on or off (``ember.compat`` does, for the runner)."""
    if on and not _plain_build_class:
        _plain_build_class.append(builtins.__build_class__)
        builtins.__build_class__ = _noting_build_class
    elif not on and _plain_build_class:
        builtins.__build_class__ = _plain_build_class.pop()
