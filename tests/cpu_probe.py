"""A pytest plugin that measures each test's CPU time, its subprocesses' included, and the
worker's memory: on a shared machine wall times (``--durations``) say little.

    python -m pytest -p tests.cpu_probe tests/test_x.py            # top 30 at the end
    EMBER_CPU_PROBE=probe.jsonl python -m pytest -p tests.cpu_probe -n 2 ...   # every test

Per test: own CPU seconds (user + sys), CPU of the subprocesses it waited for, wall seconds,
the process's RSS after it, its peak RSS so far and how much this test raised that peak (MB:
``grew`` shows where memory goes), the largest subprocess's peak so far, the peak of the
largest process ``tests/isolated.py`` ran for this test (``isolated``), and the xdist worker.
With xdist each worker appends to the JSONL file; the summary lists the tests that raised the
peak most.
"""
import json
import os
import resource
import sys
import time

import pytest

_ROWS = []
_OUT = os.environ.get("EMBER_CPU_PROBE")
_TOP = 30


def _cpu():
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime, children.ru_utime + children.ru_stime


def _rss_mb():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") >> 20


def _peak_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss >> 10


@pytest.hookimpl(hookwrapper=True, tryfirst=True)
def pytest_runtest_protocol(item, nextitem):
    wall, (own, children), peak = time.perf_counter(), _cpu(), _peak_mb()
    isolated = sys.modules.get("tests.isolated")
    runs = len(isolated.PEAKS) if isolated else 0
    yield
    isolated = sys.modules.get("tests.isolated")
    own1, children1 = _cpu()
    row = {"id": item.nodeid, "cpu": round(own1 - own, 3), "child": round(children1 - children, 3),
           "wall": round(time.perf_counter() - wall, 3), "rss": _rss_mb(), "peak": _peak_mb(),
           "child_peak": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss >> 10,
           "isolated": max(isolated.PEAKS[runs:], default=0) if isolated else 0,
           "worker": os.environ.get("PYTEST_XDIST_WORKER", "")}
    row["grew"] = row["peak"] - peak
    if _OUT:
        with open(_OUT, "a") as f:
            f.write(json.dumps(row) + "\n")
    _ROWS.append(row)


def pytest_terminal_summary(terminalreporter):
    if not _ROWS:   # the xdist controller: the workers' rows are in the JSONL file
        return
    tr = terminalreporter
    tr.section("CPU seconds per test (own + subprocesses)")
    for r in sorted(_ROWS, key=lambda r: -(r["cpu"] + r["child"]))[:_TOP]:
        tr.write_line(f"{r['cpu']:7.2f} {r['child']:7.2f} {r['wall']:7.2f} {r['rss']:6d} MB  "
                      f"{r['id']}")
    tr.section("tests that raised the process's peak RSS most (MB)")
    for r in sorted(_ROWS, key=lambda r: -r["grew"])[:10]:
        if r["grew"]:
            tr.write_line(f"{r['grew']:6d} -> {r['peak']:6d} MB  {r['id']}")
    for r in sorted(_ROWS, key=lambda r: -r["isolated"])[:10]:
        if r["isolated"]:
            tr.write_line(f"{r['isolated']:6d} MB in its own process  {r['id']}")
    total = sum(r["cpu"] + r["child"] for r in _ROWS)
    tr.write_line(f"total {total:.1f} CPU-s over {len(_ROWS)} tests; peak RSS {_peak_mb()} MB")
