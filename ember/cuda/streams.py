"""``torch.cuda.Stream`` / ``Event``.  Without a GPU they refuse to be created, as in a CPU-only
PyTorch.  On a GPU Ember runs every kernel on one stream in order, so a stream is a handle that
synchronises the device, and an event measures wall time between synchronised points."""
import time

from .. import _errors

__all__ = ["Stream", "Event"]


def _device_sync():
    from . import synchronize
    synchronize()


class Stream:
    def __init__(self, device=None, priority=0, **kwargs):
        from . import is_available
        if not is_available():
            raise _errors.cuda_stream_needs_cuda()
        self.device = device
        self.priority = priority

    def synchronize(self):
        _device_sync()

    def query(self):
        return True

    def wait_stream(self, stream):
        """Kernels already run in issue order on one stream: nothing to wait for."""

    def wait_event(self, event):
        """Kernels already run in issue order on one stream: nothing to wait for."""

    def record_event(self, event=None):
        event = Event() if event is None else event
        event.record(self)
        return event

    def __eq__(self, other):
        return isinstance(other, Stream)

    def __hash__(self):
        return hash(Stream)


class Event:
    def __init__(self, enable_timing=False, blocking=False, interprocess=False):
        from . import is_available
        if not is_available():
            raise _errors.cuda_dummy_class("Event")
        self.enable_timing = enable_timing
        self._time = None

    def record(self, stream=None):
        _device_sync()
        self._time = time.perf_counter()

    def synchronize(self):
        _device_sync()

    def query(self):
        return True

    def wait(self, stream=None):
        """Work is issued on one stream in order: nothing to wait for."""

    def elapsed_time(self, end_event):
        """Milliseconds between this event and ``end_event`` (both recorded)."""
        return (end_event._time - self._time) * 1000.0
