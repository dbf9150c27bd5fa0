"""Measurements that need a fresh interpreter per library: import time, peak RSS of the MLP
run, and minor page faults per LeNet training step.

The parent side (``probe_*``) starts ``python -m benchmarks.probes KIND LIB STEPS`` for each
library and reads one JSON line back; the child side is ``main`` below.
"""
import importlib
import json
import os
import resource
import subprocess
import sys

from .harness import Result

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


# Import time is measured in a bare interpreter: the probe module's own imports (json,
# subprocess, ...) would otherwise be preloaded and hidden from the library's import cost.
_IMPORT_SNIPPET = ("import time; t = time.perf_counter(); import {lib}; "
                   "print('{{\"ms\": %f}}' % ((time.perf_counter() - t) * 1e3))")


# An installed package imports from byte-code (pip compiles it at install time).  A checkout
# under PYTHONDONTWRITEBYTECODE=1 would recompile ember's sources on every import and time the
# compiler, so import probes read and write byte-code in a private cache directory, warmed by
# one untimed import per library (torch gets the same treatment).
_PYCACHE = os.path.join(ROOT, "benchmarks", ".pycache")


def bytecode_env():
    env = dict(os.environ, PYTHONPYCACHEPREFIX=_PYCACHE)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def _child(kind, lib, steps):
    argv = (["-c", _IMPORT_SNIPPET.format(lib=lib)] if kind == "import" else
            ["-m", "benchmarks.probes", kind, lib, str(steps)])
    env = bytecode_env() if kind == "import" else None
    out = subprocess.run([sys.executable, *argv], cwd=ROOT, capture_output=True, text=True,
                         check=True, env=env).stdout
    return json.loads(out.strip().splitlines()[-1])


def _collect(kind, libs, rounds, steps, fields):
    """``fields``: (json key, row title, unit) -> one lower-is-better Result each."""
    samples = {key: {lib: [] for lib in libs} for key, _, _ in fields}
    for _ in range(rounds):
        for lib in libs:  # interleaved, like the timed workloads
            got = _child(kind, lib, steps)
            for key, _, _ in fields:
                samples[key][lib].append(got[key])
    return [Result(title, unit, samples[key], higher_is_better=False)
            for key, title, unit in fields]


def probe_import(libs, rounds, quick=False):
    for lib in libs:
        _child("import", lib, 0)     # warm the byte-code cache
    return _collect("import", libs, rounds, 0, [("ms", "import time", "ms")])


def probe_rss(libs, rounds, quick=False):
    steps = 2 if quick else 20
    return _collect("rss", libs, 1, steps, [
        ("after_import", "peak RSS after import", "MiB"),
        ("after_steps", f"peak RSS after {steps} MLP (batch 64) steps", "MiB")])


def probe_faults(libs, rounds, quick=False):
    return _collect("faults", libs, 1, 2 if quick else 10, [
        ("per_step", "minor page faults per LeNet training step", "faults/step")])


PROBES = {"import": probe_import, "rss": probe_rss, "faults": probe_faults}


def _max_rss_mib():
    """Peak resident set size of this process in MiB.

    Linux carries ``ru_maxrss`` across exec, so a child started by a large parent (this suite,
    after the big workloads) reports the parent's peak.  ``VmHWM`` is the high-water mark of the
    child's own address space; ``ru_maxrss`` is the fallback where /proc is missing.
    """
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024  # kB
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def main(kind, lib_name, steps):
    """Child side of the ``rss`` and ``faults`` probes: prints one JSON line."""
    lib = importlib.import_module(lib_name)
    after_import = _max_rss_mib()
    from . import models, training
    build, momentum = (models.mlp, 0.0) if kind == "rss" else (models.lenet, 0.9)
    state = training.setup(lib, build, (64, 1, 28, 28), momentum=momentum)
    training.train_step(state)  # warm-up, so faults count steady-state steps
    before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    for _ in range(steps):
        training.train_step(state)
    faults = resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before
    print(json.dumps({"after_import": after_import, "after_steps": _max_rss_mib(),
                      "per_step": faults / steps}))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]))
