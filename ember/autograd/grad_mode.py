"""Grad modes: no_grad, enable_grad, set_grad_enabled, inference_mode.

As in PyTorch the state is per thread: a ``no_grad`` block in one thread leaves the others
recording, and a new thread starts with grad enabled.  It lives in context variables, because
every thread starts from an empty context (so the defaults) and ``ContextVar.get`` is a single C
call: the op fast path calls ``is_grad_enabled()`` (bound directly to it) on every op.
(Unlike PyTorch, asyncio tasks get their own copy, taken when the task is created.)
Each mode works as a context manager and as a decorator, like PyTorch's.
"""
import contextvars
import functools
import inspect
import warnings

from .. import _errors
from .._tensor import _inference_blocks, _inference_var

_enabled_var = contextvars.ContextVar("ember_grad_enabled", default=True)

def is_grad_enabled():
    """Whether gradients are recorded (this thread's grad mode)."""
    return _enabled_var.get()


def is_inference_mode_enabled():
    return _inference_var.get()

_set_enabled = _enabled_var.set
grad_on = _enabled_var.get   # ``is_grad_enabled`` as one C call, for the op hot paths (the public
                             # function must be a named Python function: torch's __name__)
_set_inference = _inference_var.set


class _DecoratorContext:
    def __call__(self, fn):
        if inspect.isclass(fn):     # deprecated: the class's construction runs in the mode
            warnings.warn(_errors.class_decoration_warning(), FutureWarning, stacklevel=2)
            cls = fn

            def fn(*args, **kwargs):
                return cls(*args, **kwargs)
        if inspect.isgeneratorfunction(fn):
            @functools.wraps(fn)
            def gen_wrapper(*args, **kwargs):
                gen = fn(*args, **kwargs)
                with self.clone():
                    value = next(gen)
                while True:
                    try:
                        sent = yield value
                    except GeneratorExit:
                        gen.close()
                        raise
                    with self.clone():
                        try:
                            value = gen.send(sent)
                        except StopIteration as e:
                            return e.value
            return gen_wrapper

        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            with self.clone():
                return fn(*args, **kwargs)
        return wrapper

    def clone(self):
        return type(self)()


class _GradSwitch(_DecoratorContext):
    """``no_grad`` / ``enable_grad``: ``__enter__`` sets the mode, ``__exit__`` restores it;
    also a decorator, with or without parentheses."""

    def __new__(cls, orig_func=None):
        if orig_func is None or not callable(orig_func):
            return super().__new__(cls)
        return cls()(orig_func)

    def __init__(self, orig_func=None):
        self.prev = None

    def __exit__(self, *exc):
        _set_enabled(self.prev)


class no_grad(_GradSwitch):
    def __enter__(self):
        self.prev = _enabled_var.get()
        _set_enabled(False)


class enable_grad(_GradSwitch):
    def __enter__(self):
        self.prev = _enabled_var.get()
        _set_enabled(True)


class set_grad_enabled(_DecoratorContext):
    """Sets grad mode on construction (so it works as a plain function call too)."""

    def __init__(self, mode):
        self.prev = _enabled_var.get()
        self.mode = bool(mode)
        _set_enabled(self.mode)

    def __call__(self, fn):
        _set_enabled(self.prev)
        return super().__call__(fn)

    def __enter__(self):
        pass

    def __exit__(self, *exc):
        _set_enabled(self.prev)

    def clone(self):
        return type(self)(self.mode)


_multithreading_var = contextvars.ContextVar("ember_backward_multithreading", default=True)
is_multithreading_enabled = _multithreading_var.get
_set_multithreading = _multithreading_var.set


class set_multithreading_enabled(_DecoratorContext):
    """Whether backward may run on the engine's per-device worker threads (this thread's
    setting; as a function call, a context manager or a decorator).  Ember's engine always
    runs a backward pass on the calling thread, as PyTorch's does for CPU tensors, so the
    setting is kept for the code that reads it back and changes nothing else."""

    def __init__(self, mode):
        self.prev = _multithreading_var.get()
        self.mode = bool(mode)
        _multithreading_var.set(self.mode)

    def __call__(self, fn):
        _multithreading_var.set(self.prev)
        return super().__call__(fn)

    def __enter__(self):
        pass

    def __exit__(self, *exc):
        _multithreading_var.set(self.prev)

    def clone(self):
        return type(self)(self.mode)


class inference_mode(_DecoratorContext):
    def __new__(cls, mode=True):
        if callable(mode) and not isinstance(mode, bool):
            return cls()(mode)
        return super().__new__(cls)

    def __init__(self, mode=True):
        self.mode = bool(mode)
        self.prev = None

    def __enter__(self):
        self.prev = (_enabled_var.get(), _inference_var.get())
        # as torch's guard: inference_mode(False) turns grad mode on as well
        _set_enabled(not self.mode)
        _set_inference(self.mode)
        if self.mode:
            _inference_blocks[0] += 1

    def __exit__(self, *exc):
        _set_enabled(self.prev[0])
        _set_inference(self.prev[1])
        if self.mode:
            _inference_blocks[0] -= 1

    def clone(self):
        return type(self)(self.mode)
