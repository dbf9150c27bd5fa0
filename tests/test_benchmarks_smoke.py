"""Every benchmark workload and probe runs once under Ember and torch with tiny settings, and
the CLI and profiler write their reports.  No timing assertions: this only catches breakage."""
import pytest

from benchmarks import harness, probes, run
from benchmarks import profile as bench_profile
from tests import isolated

torch = pytest.importorskip("torch")
import ember  # noqa: E402

LIBS = {"ember": ember, "torch": torch}
# The ResNets, even in quick mode: 5-9 CPU-seconds each (ResNet-50 +400 MB, the ResNet-18s +110
# and +190 MB on a worker that already holds the suite's imports).  End to end: ``slow``, each
# in its own process.
HEAVY_WORKLOADS = {"vision_resnet50", "resnet18", "compiled_resnet18"}


def _measure_each_library(key):
    """One library at a time, so that one model and its optimizer state are alive at once
    (ResNet-18: +110 MB instead of +220; test_cli_writes_report measures them interleaved)."""
    workload = next(w for w in run.WORKLOADS if w.key == key)
    for name, lib in LIBS.items():
        result = harness.measure(workload, {name: lib}, rounds=1, quick=True)
        assert list(result.samples) == [name]
        assert all(len(s) == 1 and s[0] > 0 for s in result.samples.values())


@pytest.mark.parametrize("workload", [
    pytest.param(w, marks=pytest.mark.slow) if w.key in HEAVY_WORKLOADS else w
    for w in run.WORKLOADS], ids=lambda w: w.key)
def test_workload_runs(workload):
    if workload.key in HEAVY_WORKLOADS:
        isolated.run(_measure_each_library, workload.key)
    else:
        _measure_each_library(workload.key)


@pytest.mark.slow  # each probe starts interpreters that import ember and torch (4-6 CPU-seconds)
@pytest.mark.parametrize("name", list(probes.PROBES))
def test_probe_runs(name):
    for result in probes.PROBES[name](list(LIBS), rounds=1, quick=True):
        assert all(s[0] >= 0 for s in result.samples.values())
        assert not result.higher_is_better


def test_cli_writes_report(tmp_path):
    out = tmp_path / "cpu.md"
    assert run.main(["--quick", "--only", "overhead_fwd,matmul_64x784x512", "--out",
                     str(out)]) == 0
    text = out.read_text()
    for expected in ("CPU:", "NumPy BLAS: internal_api=", "OPENBLAS_CORETYPE=", "Load average",
                     "| 100 tiny pointwise ops, forward | ops/s ↑ |", "GFLOP/s"):
        assert expected in text


def test_cli_rejects_unknown_workload():
    with pytest.raises(SystemExit):
        run.parse_args(["--only", "no_such_workload"])


def test_cpu_clock_needs_one_thread():
    with pytest.raises(SystemExit):
        run.parse_args(["--clock", "cpu"])
    assert run.parse_args(["--clock", "cpu", "--threads", "1"]).clock == "cpu"


def test_profile_writes_report(tmp_path):
    out = tmp_path / "profile.md"
    assert bench_profile.main(["--only", "overhead_fwd", "--steps", "1", "--out", str(out)]) == 0
    text = out.read_text()
    assert "by own time (tottime)" in text and "by inclusive time (cumtime)" in text


class _FakeProcess:
    """A process clock whose threads burn ``busy`` CPU seconds per sleep, ``spins`` times."""
    def __init__(self, spins, busy=0.02):
        self.t = self.cpu = 0.0
        self.spins, self.busy = spins, busy

    def sleep(self, s):
        self.t += s
        if self.spins:
            self.spins -= 1
            self.cpu += self.busy


def test_settle_waits_while_threads_spin():
    p = _FakeProcess(spins=3)
    waited = harness.settle(cpu=lambda: p.cpu, sleep=p.sleep, clock=lambda: p.t)
    assert waited == pytest.approx(4 * harness.SETTLE_SLICE_S)   # 3 busy slices, 1 idle
    p = _FakeProcess(spins=10 ** 6)                             # never idle: bounded
    assert harness.settle(cpu=lambda: p.cpu, sleep=p.sleep,
                          clock=lambda: p.t) == pytest.approx(harness.SETTLE_MAX_S, abs=0.03)


def test_interleave_alternates_order(monkeypatch):
    order = []
    w = harness.Workload("x", "x", setup=None, step=order.append, calls=1)
    monkeypatch.setattr(harness, "settle", lambda: 0.0)
    samples = harness.interleave(w, {"a": "a", "b": "b"}, rounds=3, calls=1)
    assert order == ["a", "b", "b", "a", "a", "b"]
    assert [len(v) for v in samples.values()] == [3, 3]
