"""Grad modes: no_grad, enable_grad, set_grad_enabled, inference_mode.

The state is one module-level list so that the op fast path reads it with a single index.
Each mode works as a context manager and as a decorator, like PyTorch's.
"""
import functools
import inspect
import warnings

from .. import _errors

_enabled = [True]
_inference = [False]


def is_grad_enabled():
    return _enabled[0]


def is_inference_mode_enabled():
    return _inference[0]


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


class no_grad(_DecoratorContext):
    def __init__(self, orig_func=None):
        self.prev = None

    def __new__(cls, orig_func=None):
        if orig_func is None or not callable(orig_func):
            return super().__new__(cls)
        return cls()(orig_func)

    def __enter__(self):
        self.prev = _enabled[0]
        _enabled[0] = False

    def __exit__(self, *exc):
        _enabled[0] = self.prev


class enable_grad(_DecoratorContext):
    def __new__(cls, orig_func=None):
        if orig_func is None or not callable(orig_func):
            return super().__new__(cls)
        return cls()(orig_func)

    def __init__(self, orig_func=None):
        self.prev = None

    def __enter__(self):
        self.prev = _enabled[0]
        _enabled[0] = True

    def __exit__(self, *exc):
        _enabled[0] = self.prev


class set_grad_enabled(_DecoratorContext):
    """Sets grad mode on construction (so it works as a plain function call too)."""

    def __init__(self, mode):
        self.prev = _enabled[0]
        self.mode = bool(mode)
        _enabled[0] = self.mode

    def __call__(self, fn):
        _enabled[0] = self.prev
        return super().__call__(fn)

    def __enter__(self):
        pass

    def __exit__(self, *exc):
        _enabled[0] = self.prev

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
        self.prev = (_enabled[0], _inference[0])
        if self.mode:
            _enabled[0] = False
            _inference[0] = True

    def __exit__(self, *exc):
        _enabled[0], _inference[0] = self.prev

    def clone(self):
        return type(self)(self.mode)
