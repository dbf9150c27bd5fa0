"""``record_function``: a named range of the profile (torch.profiler and torch.autograd.profiler
share it)."""
import functools


class record_function:
    """Context manager / decorator: time the block as an event named ``name``."""

    def __init__(self, name, args=None):
        self.name = name
        self.args = args
        self._opened = None

    def __enter__(self):
        from . import _recorder
        self._opened = _recorder.begin(self.name)
        return self

    def __exit__(self, *exc):
        from . import _recorder
        _recorder.end(self._opened)
        return False

    def __call__(self, fn):
        @functools.wraps(fn)
        def wrapped(*args, **kwargs):
            with record_function(self.name, self.args):
                return fn(*args, **kwargs)
        return wrapped
