"""A pytest plugin that measures each test's CPU time, its subprocesses' included, and the
worker's memory: on a shared machine wall times (``--durations``) say little.

    python -m pytest -p tests.cpu_probe tests/test_x.py            # top 30 at the end
    EMBER_CPU_PROBE=probe.jsonl python -m pytest -p tests.cpu_probe -n 2 ...   # every test

Per test: own CPU seconds (user + sys), CPU of the subprocesses it waited for, wall seconds,
the process's RSS after it and its peak RSS so far (MB: a test that raises the peak shows
where memory goes).  With xdist each worker appends to the JSONL file.
"""
import json
import os
import resource
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
    wall, (own, children) = time.perf_counter(), _cpu()
    yield
    own1, children1 = _cpu()
    row = {"id": item.nodeid, "cpu": round(own1 - own, 3), "child": round(children1 - children, 3),
           "wall": round(time.perf_counter() - wall, 3), "rss": _rss_mb(), "peak": _peak_mb()}
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
    total = sum(r["cpu"] + r["child"] for r in _ROWS)
    tr.write_line(f"total {total:.1f} CPU-s over {len(_ROWS)} tests; peak RSS {_peak_mb()} MB")
