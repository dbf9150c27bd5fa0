"""``torch.profiler``: ``profile`` with activities, schedules and ``key_averages``."""
import enum
import warnings

from .. import _errors
from ._range import record_function
from ._events import EventList
from ._recorder import _Recorder

__all__ = ["ProfilerActivity", "ProfilerAction", "schedule", "profile", "supported_activities"]


class ProfilerActivity(enum.Enum):
    CPU = 0
    XPU = 1
    MTIA = 2
    CUDA = 3
    HPU = 4
    PrivateUse1 = 5


def supported_activities():
    return {ProfilerActivity.CPU}


class ProfilerAction(enum.Enum):
    NONE = 0
    WARMUP = 1
    RECORD = 2
    RECORD_AND_SAVE = 3


def schedule(*, wait, warmup, active, repeat=0, skip_first=0, skip_first_wait=0):
    """``step -> ProfilerAction``: skip ``skip_first`` steps, then cycles of ``wait`` idle,
    ``warmup`` and ``active`` recorded steps (the last one saves), ``repeat`` times (0: no
    limit)."""
    if warmup == 0:
        warnings.warn(_errors.PROFILER_NO_WARMUP, stacklevel=2)

    def schedule_fn(step):
        if step < skip_first:
            return ProfilerAction.NONE
        step -= skip_first
        if skip_first_wait and step >= 0:
            step += wait
        period = wait + warmup + active
        if repeat > 0 and step / period >= repeat:
            return ProfilerAction.NONE
        mod = step % period
        if mod < wait:
            return ProfilerAction.NONE
        if mod < wait + warmup:
            return ProfilerAction.WARMUP
        return ProfilerAction.RECORD if mod < period - 1 else ProfilerAction.RECORD_AND_SAVE
    return schedule_fn


def _always_record(step):
    return ProfilerAction.RECORD


_RECORDING = (ProfilerAction.RECORD, ProfilerAction.RECORD_AND_SAVE)


class profile:
    """Records the CPU time of every op (``aten::<op>``) and ``record_function`` range while
    active; with a ``schedule``, only in its recording steps (``step()`` advances), calling
    ``on_trace_ready(prof)`` at the end of each recording cycle."""

    def __init__(self, *, activities=None, schedule=None, on_trace_ready=None,
                 record_shapes=False, profile_memory=False, with_stack=False,
                 with_flops=False, with_modules=False, experimental_config=None,
                 execution_trace_observer=None, acc_events=False, use_cuda=None,
                 custom_trace_id_callback=None):
        self.activities = set(activities) if activities else supported_activities()
        self.schedule = schedule if schedule is not None else _always_record
        self.record_steps = schedule is not None     # "ProfilerStep#N" ranges, as PyTorch
        self._step_range = None
        self.on_trace_ready = on_trace_ready
        self.record_shapes = record_shapes
        self.step_num = 0
        self.current_action = self.schedule(self.step_num)
        self._recorder = None
        self._events = EventList()

    def start(self):
        self._transit(None, self.current_action)
        self._open_step()

    def stop(self):
        self._close_step()
        self._transit(self.current_action, None)

    def step(self):
        """Start the next step (the schedule decides whether it is recorded)."""
        self._close_step()
        prev = self.current_action
        self.step_num += 1
        self.current_action = self.schedule(self.step_num)
        self._transit(prev, self.current_action)
        self._open_step()

    def _open_step(self):
        if self.record_steps:
            self._step_range = record_function(f"ProfilerStep#{self.step_num}")
            self._step_range.__enter__()

    def _close_step(self):
        if self._step_range is not None:
            self._step_range.__exit__(None, None, None)
            self._step_range = None

    def _transit(self, prev, current):
        if prev in _RECORDING and (current not in _RECORDING or
                                   prev is ProfilerAction.RECORD_AND_SAVE):
            self._recorder.stop()
            for e in self._recorder.events:
                if e.name.startswith("ProfilerStep#"):
                    e.name = "ProfilerStep*"    # PyTorch reports every step under one key
            self._events = EventList(self._recorder.events)
            self._recorder = None
            if self.on_trace_ready is not None:
                self.on_trace_ready(self)
        if current in _RECORDING and self._recorder is None:
            self._recorder = _Recorder(self.record_shapes)
            self._recorder.start()

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self.stop()
        return False

    def events(self):
        return self._events

    def key_averages(self, group_by_input_shape=False, group_by_stack_n=0,
                     group_by_overload_name=False):
        return self._events.key_averages(group_by_input_shape)

    def export_chrome_trace(self, path):
        self._events.export_chrome_trace(path)
