"""Checkpoint loading: a 100 MB state dict (ten 10 MB float32 tensors) saved by each library
and loaded by it, in MB/s; Ember checks every record's CRC-32 while loading, PyTorch does not.

``python -m benchmarks.checkpoint [--rounds N] [--mb M]`` measures what the check costs:
``ember.load`` with ``verify=True`` against ``verify=False``, interleaved, same file.
"""
import argparse
import atexit
import functools
import os
import statistics
import tempfile
import time

import numpy as np

from .harness import Workload

MB = 100
TENSORS = 10


def _write(lib, mb):
    """Save a state dict of ``mb`` MB with ``lib``; the file's path (removed at exit)."""
    rng = np.random.default_rng(0)
    n = mb * 1_000_000 // 4 // TENSORS
    state = {f"layer{i}.weight": lib.from_numpy(rng.standard_normal(n, dtype=np.float32))
             for i in range(TENSORS)}
    fd, path = tempfile.mkstemp(suffix=".pt")
    os.close(fd)
    atexit.register(os.remove, path)
    lib.save(state, path)
    return lib, path, mb


def load(state, **kw):
    lib, path, _ = state
    lib.load(path, **kw)


WORKLOADS = [Workload("checkpoint_load", f"load a {MB} MB checkpoint (ember: CRC-32 checked)",
                      functools.partial(_write, mb=MB), load, calls=3, unit="MB/s",
                      scale=lambda state: state[2],
                      quick_setup=functools.partial(_write, mb=1))]


def crc_overhead(mb=MB, rounds=15):
    """Median and best load times (s) of ``ember.load`` with and without the CRC check."""
    import ember
    state = _write(ember, mb)
    times = {True: [], False: []}
    for verify in (True, False):
        load(state, verify=verify)                  # warm: file in the page cache
    for _ in range(rounds):
        for verify in (True, False):
            t = time.perf_counter()
            load(state, verify=verify)
            times[verify].append(time.perf_counter() - t)
    return {v: (statistics.median(t), min(t)) for v, t in times.items()}


def main(argv=None):
    p = argparse.ArgumentParser(prog="python -m benchmarks.checkpoint")
    p.add_argument("--rounds", type=int, default=15)
    p.add_argument("--mb", type=int, default=MB)
    a = p.parse_args(argv)
    from ember.serialization import _zipfmt
    _zipfmt.crc32(b"")
    r = crc_overhead(a.mb, a.rounds)
    print(f"ember.load of a {a.mb} MB checkpoint, {a.rounds} interleaved rounds, "
          f"crc32 from {_zipfmt._crc32[0].__module__}, {os.cpu_count()} CPUs")
    for label, i in (("median", 0), ("best", 1)):
        on, off = r[True][i] * 1e3, r[False][i] * 1e3
        print(f"  {label}: verify=True {on:.1f} ms, verify=False {off:.1f} ms, "
              f"CRC cost {100 * (on - off) / off:+.1f}%")


if __name__ == "__main__":
    main()
