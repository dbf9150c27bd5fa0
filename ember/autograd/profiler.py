"""``torch.autograd.profiler``: the legacy ``profile`` and ``record_function``."""
from .. import _errors
from ..profiler._events import EventList, FunctionEvent, FunctionEventAvg
from ..profiler._range import record_function

__all__ = ["profile", "record_function", "emit_nvtx", "emit_itt", "EventList", "FunctionEvent", "FunctionEventAvg"]


class profile:
    """The legacy profiler: ``with profile() as prof: ...``, then ``prof.key_averages()``,
    ``prof.table()``, ``prof.function_events``."""

    def __init__(self, enabled=True, *, use_cuda=False, use_device=None, record_shapes=False,
                 with_flops=False, profile_memory=False, with_stack=False, with_modules=False,
                 use_kineto=False, use_cpu=True, experimental_config=None, acc_events=False,
                 custom_trace_id_callback=None):
        self.enabled = enabled
        self.record_shapes = record_shapes
        self.function_events = None
        self._recorder = None

    def __enter__(self):
        if self.enabled:
            from ..profiler._recorder import _Recorder
            self._recorder = _Recorder(self.record_shapes)
            self._recorder.start()
        return self

    def __exit__(self, *exc):
        if self.enabled:
            self._recorder.stop()
            self.function_events = EventList(self._recorder.events)
        return False

    def key_averages(self, group_by_input_shape=False, group_by_stack_n=0):
        return self.function_events.key_averages(group_by_input_shape)

    def table(self, sort_by=None, row_limit=100, **kwargs):
        return self.function_events.table(sort_by=sort_by, row_limit=row_limit, **kwargs)

    def total_average(self):
        return self.function_events.total_average()

    @property
    def self_cpu_time_total(self):
        return self.function_events.self_cpu_time_total

    def export_chrome_trace(self, path):
        self.function_events.export_chrome_trace(path)


class emit_nvtx:
    """NVTX ranges for every op, for NVIDIA's profilers: it needs CUDA, so entering it enabled
    raises torch's CPU-build ``AssertionError``."""

    def __init__(self, enabled=True, record_shapes=False):
        self.enabled = enabled
        self.record_shapes = record_shapes

    def __enter__(self):
        if self.enabled:
            raise _errors.cuda_not_compiled()
        return self

    def __exit__(self, *exc):
        return False


class emit_itt(emit_nvtx):
    """Intel ITT ranges for every op: without an ITT collector attached there is nothing to
    emit, as in torch."""

    def __enter__(self):
        return self
