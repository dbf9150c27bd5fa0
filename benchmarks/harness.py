"""Workload description and the interleaved timing loop shared by every benchmark.

A workload is written once against the PyTorch API: ``setup(lib)`` builds its state with
``lib`` being ``ember`` or ``torch``, and ``step(state)`` runs one unit of work.  The harness
alternates the libraries inside each round (so machine noise hits both alike) and reports a
rate: ``calls * scale`` units per second, e.g. training steps/s or GFLOP/s.

Both libraries live in one process, and each keeps worker threads that spin for a while after
a call before they sleep: NumPy's OpenBLAS for 2^28 cycles (about 0.1 s) unless shortened,
torch's OpenMP pool for a few milliseconds.  On a machine with as many cores as threads, one
library's spinning workers take cores from the other's timed calls (torch's MLP step measured
twice as slow right after Ember's eager rounds as after its compiled ones), so each timed
batch starts only once the process is idle (:func:`settle`).  The libraries' order alternates
from round to round, and each state is warmed up for a while, not one call.
"""
import dataclasses
import statistics
import time
from typing import Any, Callable, Optional


@dataclasses.dataclass(frozen=True)
class Workload:
    key: str                       # --only name; its group is the part before the first "_"
    title: str
    setup: Callable[[Any], Any]    # lib -> state
    step: Callable[[Any], None]    # state -> None, one call
    calls: int                     # calls timed per round
    unit: str = "steps/s"
    scale: Any = 1.0               # units of work per call, or state -> units
    quick_setup: Optional[Callable[[Any], Any]] = None   # smaller state for --quick

    @property
    def group(self):
        return self.key.split("_")[0]


@dataclasses.dataclass
class Result:
    """Samples per library for one row of the report."""
    title: str
    unit: str
    samples: dict                  # lib name -> list of floats
    higher_is_better: bool = True

    def median(self, lib):
        return statistics.median(self.samples[lib])

    def ratio(self):
        """ember / torch of the medians."""
        return self.median("ember") / self.median("torch")

    def cell(self, lib):
        """``median (min–max)``, or just the value for a single sample."""
        s = self.samples[lib]
        text = fmt(statistics.median(s))
        return text if len(s) == 1 else f"{text} ({fmt(min(s))}–{fmt(max(s))})"


def fmt(value):
    """Three significant digits, thousands separated, no exponent."""
    if value >= 100:
        return f"{value:,.0f}"
    return f"{value:.3g}"


# How a batch is timed: wall-clock time (the default), or the process's CPU time, which a
# loaded machine does not inflate (meaningful with one thread per library: with more, it
# counts their spinning waits too; DataLoader worker processes are not counted).
CLOCKS = {"wall": time.perf_counter, "cpu": time.process_time}


def rate(workload, state, calls, clock=time.perf_counter):
    """Units of work per second (of ``clock``) over ``calls`` calls of a warmed-up state."""
    t0 = clock()
    for _ in range(calls):
        workload.step(state)
    elapsed = clock() - t0
    scale = workload.scale(state) if callable(workload.scale) else workload.scale
    return calls * scale / elapsed


SETTLE_SLICE_S = 0.02   # settle: the process is idle once, over a slice this long,
SETTLE_BUSY = 0.05      # its threads used less than this share of one core;
SETTLE_MAX_S = 1.0      # waiting at most this long
WARMUP_S = 0.25         # warm-up: at least WARMUP_CALLS calls, and this long (up to ``calls``)
WARMUP_CALLS = 2
SETTLED = {}            # library -> seconds waited for its threads before the other's batch


def settle(cpu=time.process_time, sleep=time.sleep, clock=time.perf_counter):
    """Wait until no thread of the process uses CPU: the last library's BLAS / OpenMP workers
    have stopped spinning.  Returns the seconds waited."""
    start = clock()
    while clock() - start < SETTLE_MAX_S:
        c0 = cpu()
        sleep(SETTLE_SLICE_S)
        if cpu() - c0 < SETTLE_BUSY * SETTLE_SLICE_S:
            break
    return clock() - start


def warm_up(workload, state, calls):
    """Run first-call work (caches, lazy allocations, captures) and let the state reach its
    steady speed: ``WARMUP_CALLS`` calls, then more until ``WARMUP_S`` or ``calls`` calls."""
    t0 = time.perf_counter()
    for n in range(max(calls, WARMUP_CALLS)):
        if n >= WARMUP_CALLS and time.perf_counter() - t0 >= WARMUP_S:
            break
        workload.step(state)


def interleave(workload, states, rounds, calls, quiet=True, clock=time.perf_counter):
    """Samples (name -> rates) of ``rounds`` rounds of ``calls`` calls on each state (name ->
    warmed-up state), the order reversed every other round; each batch starts from an idle
    process when ``quiet``."""
    samples = {name: [] for name in states}
    names, last = list(states), None
    for r in range(rounds):
        for name in names if r % 2 == 0 else names[::-1]:
            if quiet:
                waited = settle()
                if last is not None and last != name:
                    SETTLED.setdefault(last, []).append(waited)
            samples[name].append(rate(workload, states[name], calls, clock))
            last = name
    return samples


def measure(workload, libs, rounds, quick=False, clock=time.perf_counter):
    """Time ``workload`` under every library in ``libs`` (name -> module), interleaved."""
    setup = workload.quick_setup if quick and workload.quick_setup else workload.setup
    calls = 1 if quick else workload.calls
    states = {}
    for name, lib in libs.items():
        states[name] = setup(lib)
        if quick:   # only checks that it runs
            workload.step(states[name])
        else:
            warm_up(workload, states[name], calls)
    samples = interleave(workload, states, rounds, calls, quiet=not quick, clock=clock)
    return Result(workload.title, workload.unit, samples)
