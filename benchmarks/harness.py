"""Workload description and the interleaved timing loop shared by every benchmark.

A workload is written once against the PyTorch API: ``setup(lib)`` builds its state with
``lib`` being ``ember`` or ``torch``, and ``step(state)`` runs one unit of work.  The harness
alternates the libraries inside each round (so machine noise hits both alike) and reports a
rate: ``calls * scale`` units per second, e.g. training steps/s or GFLOP/s.
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


def rate(workload, state, calls):
    """Units of work per second over ``calls`` calls of an already warmed-up state."""
    t0 = time.perf_counter()
    for _ in range(calls):
        workload.step(state)
    elapsed = time.perf_counter() - t0
    scale = workload.scale(state) if callable(workload.scale) else workload.scale
    return calls * scale / elapsed


def measure(workload, libs, rounds, quick=False):
    """Time ``workload`` under every library in ``libs`` (name -> module), interleaved."""
    setup = workload.quick_setup if quick and workload.quick_setup else workload.setup
    calls = 1 if quick else workload.calls
    states = {}
    for name, lib in libs.items():
        states[name] = setup(lib)
        workload.step(states[name])  # warm-up: first-call caches, lazy allocations
    samples = {name: [] for name in libs}
    for _ in range(rounds):
        for name in libs:
            samples[name].append(rate(workload, states[name], calls))
    return Result(workload.title, workload.unit, samples)
