"""``torch.cpu``: the CPU as a device module, shaped like ``torch.cuda`` (device queries,
streams, events, ``synchronize``) so that device-generic code runs on it.  Every op on the CPU
has finished when it returns, so waiting is a no-op; a stream is only the object code hands
around.  The ``amp`` names load on first use."""
import contextlib


def is_available():
    return True


def is_initialized():
    return True


def device_count():
    return 1


def current_device():
    return "cpu"


def set_device(device):
    """There is one CPU device: nothing to change."""


def synchronize(device=None):
    """CPU work is done when its call returns: nothing to wait for."""


class Stream:
    """A CPU stream (ops run in order on the calling thread)."""

    def __init__(self, priority=-1):
        pass

    def wait_stream(self, stream):
        pass

    def record_event(self):
        pass

    def wait_event(self, event):
        pass


class Event:
    """A CPU event: complete as soon as it is recorded."""

    def query(self):
        return True

    def record(self, stream=None):
        pass

    def synchronize(self):
        pass

    def wait(self, stream=None):
        pass


_default_stream = Stream()
_current = [_default_stream]


def current_stream(device=None):
    return _current[0]


class StreamContext(contextlib.AbstractContextManager):
    """``with torch.cpu.stream(s):`` makes ``s`` the current stream (None: no change)."""

    def __init__(self, stream):
        self.stream = stream
        self.prev_stream = _default_stream

    def __enter__(self):
        if self.stream is not None:
            self.prev_stream, _current[0] = _current[0], self.stream

    def __exit__(self, *exc):
        if self.stream is not None:
            _current[0] = self.prev_stream


def stream(stream):
    return StreamContext(stream)


def __getattr__(name):
    if name == "amp":
        import importlib
        return importlib.import_module(__name__ + ".amp")
    from .. import _errors
    raise _errors.module_attribute(__name__, name)
