"""``torch.Stream`` / ``torch.Event``: the device-generic stream and event.

On the CPU (the default without an accelerator) work runs in order as it is issued, so a
stream is always idle and synchronising is a no-op; as in PyTorch, the CPU backend has no
events, so recording one (or waiting on a stream, which records one) raises.  A CUDA stream or
event is Ember's ``cuda.Stream`` / ``cuda.Event`` behind the generic interface."""
from . import _errors
from ._device import device as _device

__all__ = ["Stream", "Event"]

_DEVICE_TYPE = {"cpu": 0, "cuda": 1}


def _resolve(device):
    if device is None:
        from . import accelerator
        return accelerator.current_accelerator() or _device("cpu")
    dev = _device(device)
    if dev.type == "cuda":
        from . import cuda
        if not cuda.is_available():
            raise _errors.backend_not_linked(dev.type)
    return dev


class _OnDevice:
    """What streams and events share: the device and its three-field description."""

    def _place(self, device):
        dev = _resolve(device)
        self.device_type = _DEVICE_TYPE.get(dev.type, 0)
        self.device_index = -1 if dev.type == "cpu" else (dev.index or 0)
        self._on_cpu = dev.type == "cpu"
        return dev

    @property
    def device(self):
        name = "cpu" if self._on_cpu else "cuda"
        return _device(name) if self._on_cpu else _device(name, self.device_index)

    def _where(self):
        return (f"device_type={'cpu' if self._on_cpu else 'cuda'}, "
                f"device_index={self.device_index}")


class Stream(_OnDevice):
    """An in-order queue of work on one device (``torch.Stream(device=None, *, priority=0)``)."""

    def __init__(self, device=None, *, priority=0):
        dev = self._place(device)
        self.stream_id = 0
        self.priority = priority
        if not self._on_cpu:
            from . import cuda
            self._native = cuda.Stream(dev, priority)

    def query(self):
        return True if self._on_cpu else self._native.query()

    def synchronize(self):
        if not self._on_cpu:
            self._native.synchronize()

    def wait_event(self, event):
        if not self._on_cpu:
            self._native.wait_event(event._native)

    def wait_stream(self, stream):
        self.wait_event(stream.record_event())

    def record_event(self, event=None):
        event = Event(self.device) if event is None else event
        event.record(self)
        return event

    def __enter__(self):
        if not self._on_cpu:
            from . import cuda
            self._context = cuda.stream(self._native)
            self._context.__enter__()
        return self

    def __exit__(self, *exc):
        context, self._context = getattr(self, "_context", None), None
        if context is not None:
            context.__exit__(*exc)

    def __eq__(self, other):
        return (isinstance(other, Stream) and other.device == self.device
                and other.stream_id == self.stream_id)

    def __hash__(self):
        return hash((self.device_type, self.device_index, self.stream_id))

    def __repr__(self):
        return f"torch.Stream {self._where()}, stream_id={self.stream_id}"


class Event(_OnDevice):
    """A marker in a stream (``torch.Event(device=None, *, enable_timing=False, ...)``)."""

    def __init__(self, device=None, *, enable_timing=False, blocking=False, interprocess=False):
        self._place(device)
        self.enable_timing = enable_timing
        self.event_id = 0
        if not self._on_cpu:
            from . import cuda
            self._native = cuda.Event(enable_timing, blocking, interprocess)

    def record(self, stream=None):
        if self._on_cpu:
            raise _errors.cpu_no_events()
        self._native.record(None if stream is None else stream._native)

    def query(self):
        return True if self._on_cpu else self._native.query()

    def synchronize(self):
        if not self._on_cpu:
            self._native.synchronize()

    def wait(self, stream=None):
        if not self._on_cpu:
            self._native.wait(None if stream is None else stream._native)

    def elapsed_time(self, end_event):
        if not (self.enable_timing and end_event.enable_timing):
            raise _errors.event_timing_disabled()
        if self._on_cpu:
            raise _errors.cpu_no_events()
        return self._native.elapsed_time(end_event._native)

    def __repr__(self):
        return f"torch.Event {self._where()}, event_flag=0, event_id={self.event_id}"
