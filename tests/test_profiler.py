"""torch.profiler / torch.autograd.profiler against torch: which events are recorded and how
often, the table's layout, record_function, schedules and on_trace_ready, chrome traces."""
import json

import pytest

import ember

torch = pytest.importorskip("torch")
import torch.profiler  # noqa: E402


def _program(lib, x):
    with lib.profiler.record_function("block"):
        for _ in range(3):
            lib.add(x, x)
        lib.mm(x, x)
        x.sum()
    return x


def _calls(averages, keys):
    return {e.key: e.count for e in averages if e.key in keys}


KEYS = {"block", "aten::add", "aten::mm", "aten::sum"}


def test_events_and_counts_match_torch():
    counts = []
    for lib in (ember, torch):
        x = lib.ones(4, 4)
        with lib.profiler.profile(activities=[lib.profiler.ProfilerActivity.CPU]) as prof:
            _program(lib, x)
        averages = prof.key_averages()
        counts.append(_calls(averages, KEYS))
        block = next(e for e in averages if e.key == "block")
        children = [e for e in averages if e.key in KEYS - {"block"}]
        assert block.cpu_time_total >= sum(e.cpu_time_total for e in children) > 0
        assert averages.self_cpu_time_total >= block.cpu_time_total
    assert counts[0] == counts[1]


def _header(table):
    return [c for c in table.splitlines()[1].split("  ") if c.strip()]


@pytest.mark.parametrize("shapes", [False, True])
def test_table_layout_matches_torch(shapes):
    tables = []
    for lib in (ember, torch):
        x = lib.ones(4, 4)
        with lib.profiler.profile(record_shapes=shapes) as prof:
            _program(lib, x)
        table = prof.key_averages(group_by_input_shape=shapes).table(
            sort_by="cpu_time_total", row_limit=3)
        lines = table.splitlines()
        assert lines[0] == lines[2] == lines[-2] and set(lines[0]) == {"-", " "}
        assert lines[-1].startswith("Self CPU time total: ")
        assert len(lines) == 3 + 3 + 2
        assert lines[3].split()[0] == "block"
        tables.append(_header(table))
    assert [h.strip() for h in tables[0]] == [h.strip() for h in tables[1]]


@pytest.mark.parametrize("kw", [dict(wait=1, warmup=1, active=2),
                                dict(wait=0, warmup=0, active=1, repeat=2),
                                dict(wait=2, warmup=1, active=1, skip_first=3)])
def test_schedule_and_on_trace_ready_match_torch(kw):
    runs = []
    for lib in (ember, torch):
        fn = lib.profiler.schedule(**kw)
        actions = [fn(i).name for i in range(12)]
        traces = []
        x = lib.ones(2)
        with lib.profiler.profile(schedule=lib.profiler.schedule(**kw),
                                  on_trace_ready=lambda p: traces.append(
                                      {e.key: e.count for e in p.key_averages()
                                       if e.key == "aten::add" or
                                       e.key.startswith("ProfilerStep")})) as prof:
            for _ in range(8):
                lib.add(x, x)
                prof.step()
        runs.append((actions, traces))
    assert runs[0] == runs[1]


def test_record_function_decorator_and_legacy_profiler():
    counts = []
    for lib in (ember, torch):
        @lib.autograd.profiler.record_function("mine")
        def f(x):
            return lib.mul(x, 2)
        with lib.autograd.profiler.profile() as prof:
            f(lib.ones(2))
            f(lib.ones(2))
        counts.append(_calls(prof.key_averages(), {"mine", "aten::mul"}))
        assert "Self CPU time total" in prof.table()
    assert counts[0] == counts[1]


def test_chrome_trace_and_bindings(tmp_path):
    before = ember.add
    x = ember.ones(4, 4)
    with ember.profiler.profile() as prof:
        assert ember.add is not before
        _program(ember, x)
    assert ember.add is before
    path = tmp_path / "trace.json"
    prof.export_chrome_trace(str(path))
    names = {e["name"] for e in json.loads(path.read_text())["traceEvents"]}
    assert {"block", "aten::add", "aten::mm"} <= names
