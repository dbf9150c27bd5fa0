"""``Timer``: ``timeit.Timer`` with warm-up, Ember's thread count set for the run, the
accelerator synchronised by the default clock, and results as ``Measurement``s.

Python statements only: C++ statements (``language="c++"``) need torch's C++ toolchain and
``collect_callgrind`` needs Valgrind driving a torch build; both raise a clear error.
"""
import enum
import textwrap
import timeit

from . import common

__all__ = ["Timer", "timer", "Language"]

_MAX_BLOCK = 2147483647     # torch stops growing the block below this (its C++ int limit)


def timer():
    """``timeit.default_timer`` after waiting for the accelerator's queued work."""
    from .... import accelerator
    if accelerator.is_available():
        accelerator.synchronize()
    return timeit.default_timer()


class Language(enum.Enum):
    PYTHON = 0
    CPP = 1


def _snippet(code):
    """Dedented, without the first newline of a block string and trailing whitespace."""
    code = textwrap.dedent(code)
    return (code[1:] if code.startswith("\n") else code).rstrip()


class Timer:
    """Time ``stmt`` (run after ``setup``) in ``globals`` (``torch`` is Ember unless given);
    ``label`` / ``sub_label`` / ``description`` / ``env`` name the result for ``Compare``, and
    ``num_threads`` is Ember's thread count while it runs."""

    def __init__(self, stmt="pass", setup="pass", global_setup="", timer=timer, globals=None,
                 label=None, sub_label=None, description=None, env=None, num_threads=1,
                 language=Language.PYTHON):
        from .... import _errors
        if not isinstance(stmt, str):
            raise _errors.timer_stmt_not_str()
        if language in (Language.CPP, "cpp", "c++"):
            raise _errors.benchmark_unsupported("Timer(language='c++')",
                                                "it compiles C++ against libtorch")
        if language not in (Language.PYTHON, "py", "python"):
            raise _errors.timer_invalid_language(language)
        if global_setup:
            raise _errors.timer_global_setup_python(global_setup)
        self._language = Language.PYTHON
        self._globals = dict(globals or {})     # a copy: exec adds __builtins__ to it
        self._globals.setdefault("torch", common._ember())
        stmt, setup = _snippet(stmt), _snippet(setup)
        self._timer = timeit.Timer(stmt=stmt, setup=setup, timer=timer, globals=self._globals)
        self._task_spec = common.TaskSpec(
            stmt=stmt, setup=setup, global_setup=global_setup, label=label,
            sub_label=sub_label, description=description, env=env, num_threads=num_threads)

    def _timeit(self, number):
        return max(self._timer.timeit(number), 1e-9)    # a block never takes under 1 ns

    def _measurement(self, number, times):
        return common.Measurement(number_per_run=number, raw_times=times,
                                  task_spec=self._task_spec)

    def timeit(self, number=1000000):
        """One block of ``number`` runs (after a warm-up of ``number // 100``, at least 2)."""
        with common.set_torch_threads(self._task_spec.num_threads):
            self._timeit(max(number // 100, 2))
            return self._measurement(number, [self._timeit(number)])

    def repeat(self, repeat=-1, number=-1):
        from .... import _errors
        raise _errors.timer_blocked_autorange_only()

    def autorange(self, callback=None):
        from .... import _errors
        raise _errors.timer_blocked_autorange_only()

    def _block_size(self, min_run_time):
        """Runs per block: grown tenfold until the timer's own overhead (the median of five
        empty blocks) is at most 1e-4 of a block lasting min_run_time / 1000, or one block
        exceeds min_run_time.  Doubles as the warm-up."""
        from .... import tensor
        with common.set_torch_threads(self._task_spec.num_threads):
            overhead = tensor([self._timeit(0) for _ in range(5)]).median().item()
            number = 1
            while True:
                took = self._timeit(number)
                if overhead / took <= 1e-4 and took >= min_run_time / 1000:
                    return number
                if took > min_run_time or number * 10 > _MAX_BLOCK:
                    return number
                number *= 10

    def _blocks(self, number, min_run_time, max_run_time, callback, enough):
        """Time blocks until ``min_run_time`` has passed and ``enough(times)``, or
        ``max_run_time`` has."""
        total, times, done = 0.0, [], False
        with common.set_torch_threads(self._task_spec.num_threads):
            while total < min_run_time or not done:
                took = self._timeit(number)
                times.append(took)
                total += took
                if callback:
                    callback(number, took)
                done = enough(times)
                if max_run_time and total > max_run_time:
                    break
        return times

    def blocked_autorange(self, callback=None, min_run_time=0.2):
        """Blocks of a size that makes the timer's overhead negligible, for ``min_run_time``
        seconds in all; ``callback(number, seconds)`` after each."""
        number = self._block_size(min_run_time)
        return self._measurement(
            number, self._blocks(number, min_run_time, None, callback, lambda times: True))

    def adaptive_autorange(self, threshold=0.1, *, min_run_time=0.01, max_run_time=10.0,
                           callback=None):
        """Like ``blocked_autorange``, but going on until more than three blocks have an IQR
        under ``threshold`` of their median (or ``max_run_time`` has passed)."""
        number = self._block_size(0.05)

        def enough(times):
            return len(times) > 3 and \
                self._measurement(number, times).meets_confidence(threshold=threshold)
        return self._measurement(
            number, self._blocks(number, min_run_time, max_run_time, callback, enough))

    def collect_callgrind(self, number=100, *, repeats=None, collect_baseline=True,
                          retain_out_file=False):
        from .... import _errors
        raise _errors.benchmark_unsupported(
            "Timer.collect_callgrind", "instruction counts need Valgrind and a torch build")
