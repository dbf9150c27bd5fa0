"""Ember against PyTorch (CPU), every workload interleaved in one run.

    python -m benchmarks [--rounds N] [--only overhead,mlp,...] [--quick] [--unset-openblas-env]
    python -m benchmarks --threads 1 --clock cpu ...   # on a loaded machine: CPU time, 1 thread

Each workload is written once against the PyTorch API and run under ``ember`` and ``torch``,
alternating the libraries inside each round.  Prints a table (median and min–max of the rounds,
ratio ember/torch) and writes ``benchmarks/results/cpu.md``.
"""
import argparse
import os
import statistics
import subprocess
import sys
import time
import traceback

if __package__ in (None, ""):  # `python benchmarks/run.py`: import the package from the root,
    # and drop benchmarks/ from sys.path (its profile.py would shadow the stdlib's).
    sys.path[0] = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

from benchmarks import (checkpoint, compiled, dataloader, distributions, func,  # noqa: E402
                        machine, matmul, op_overhead, probes, training, vision)
from benchmarks import harness  # noqa: E402

RESULTS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "results")
WORKLOADS = (op_overhead.WORKLOADS + training.WORKLOADS + dataloader.WORKLOADS
             + matmul.WORKLOADS + checkpoint.WORKLOADS
             + distributions.WORKLOADS + func.WORKLOADS + vision.WORKLOADS
             + compiled.WORKLOADS)
NAMES = [w.key for w in WORKLOADS] + list(probes.PROBES)
GROUPS = list(dict.fromkeys([w.group for w in WORKLOADS] + list(probes.PROBES)))


def parse_args(argv):
    p = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.split("\n")[0])
    p.add_argument("--rounds", type=int, help="rounds per workload (default 5; 1 with --quick)")
    p.add_argument("--only", help="comma-separated workloads or groups: " + ", ".join(GROUPS))
    p.add_argument("--quick", action="store_true",
                   help="one round, one call per round, small data: checks that all runs")
    p.add_argument("--threads", type=int,
                   help="intra-op threads for both: torch.set_num_threads and NumPy's BLAS "
                        "(default: each library's own default)")
    p.add_argument("--clock", choices=list(harness.CLOCKS), default="wall",
                   help="time batches by wall clock (default) or by the process's CPU time, "
                        "which other processes on a loaded machine do not inflate (needs "
                        "--threads 1)")
    p.add_argument("--out", help="markdown report path (default benchmarks/results/cpu.md)")
    p.add_argument("--no-write", action="store_true", help="print the report only")
    p.add_argument("--unset-openblas-env", action="store_true",
                   help="re-run in a subprocess without OPENBLAS_CORETYPE/OPENBLAS_L2_SIZE, "
                        "writing benchmarks/results/cpu_openblas_unset.md")
    a = p.parse_args(argv)
    if a.rounds is None:
        a.rounds = 1 if a.quick else 5
    if a.clock == "cpu" and a.threads != 1:
        p.error("--clock cpu needs --threads 1: the CPU time of several threads counts their "
                "spinning waits")
    a.only = a.only.split(",") if a.only else GROUPS
    unknown = sorted(set(a.only) - set(NAMES) - set(GROUPS))
    if unknown:
        p.error(f"unknown workload(s) {', '.join(unknown)}; choose from {', '.join(GROUPS)} "
                f"or {', '.join(NAMES)}")
    return a


def selected(only):
    """Workloads and probes named (or whose group is named) in ``only``, in suite order."""
    for w in WORKLOADS:
        if w.key in only or w.group in only:
            yield w.key, lambda libs, a, w=w: [harness.measure(w, libs, a.rounds, a.quick,
                                                             harness.CLOCKS[a.clock])]
    for name, probe in probes.PROBES.items():
        if name in only:
            yield name, lambda libs, a, probe=probe: probe(libs, a.rounds, a.quick)


def rerun_without_openblas_env(argv):
    env = {k: v for k, v in os.environ.items() if k not in machine.OPENBLAS_ENV}
    argv = [x for x in argv if x != "--unset-openblas-env"]
    if "--out" not in argv and not any(x.startswith("--out=") for x in argv):
        argv += ["--out", os.path.join(RESULTS, "cpu_openblas_unset.md")]
    return subprocess.run([sys.executable, "-m", "benchmarks", *argv], env=env,
                          cwd=probes.ROOT).returncode


def set_threads(n, torch):
    torch.set_num_threads(n)
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        sys.exit("--threads needs threadpoolctl (pip install threadpoolctl, or ember[bench])")
    threadpool_limits(n, user_api="blas")


def table(rows):
    lines = ["| workload | unit | ember | torch | ember/torch |", "|---|---|---|---|---|"]
    for key, r in rows:
        if isinstance(r, str):  # a failure message
            lines.append(f"| {key} | | {r} | | |")
            continue
        arrow = "↑" if r.higher_is_better else "↓"
        lines.append(f"| {r.title} | {r.unit} {arrow} | {r.cell('ember')} | {r.cell('torch')} "
                     f"| {r.ratio():.2f} |")
    return lines


def settle_note():
    """How long each library's threads kept the process busy after its timed batches (the
    harness waits for that before timing the other library)."""
    waits = [f"after {lib} {statistics.median(w) * 1e3:.0f} ms (max {max(w) * 1e3:.0f})"
             for lib, w in harness.SETTLED.items() if w]
    if not waits:
        return []
    return ["Each timed batch starts once the process is idle: the other library's BLAS / "
            "OpenMP workers spin for a while after its calls, which on a machine with as many "
            "cores as threads slows the next batch. Waited, median: " + ", ".join(waits) + ".",
            ""]


def report(rows, a, argv, blas, libs, loads):
    return "\n".join([
        "# Ember vs PyTorch on CPU", "",
        *machine.describe(blas, libs),
        f"- Command: `python -m benchmarks {' '.join(argv)}`".rstrip() + f" ({a.rounds} round(s), "
        "libraries alternated within each round, the order reversed every other round)",
        f"- Load average (1 min) at the start and the end: {loads[0]} and {loads[1]} "
        f"(other processes' threads on the {os.cpu_count()} CPUs slow wall-clock rates)",
        "- Timed by: " + ("wall-clock time" if a.clock == "wall" else
                          "the process's CPU time, one thread per library (DataLoader worker "
                          "processes not counted)"), "",
        *table(rows), "",
        "Cells: median of the rounds (min–max). ↑: higher is better, so ember/torch above 1 "
        "means Ember is faster; ↓: lower is better (ratio below 1 favours Ember). Import time "
        "is timed in a fresh interpreter reading byte-code, as from an installed package.", "",
        *settle_note()])


def main(argv=None):
    argv = sys.argv[1:] if argv is None else list(argv)
    a = parse_args(argv)
    if a.unset_openblas_env:
        return rerun_without_openblas_env(argv)
    import ember
    import torch
    libs = {"ember": ember, "torch": torch}
    if a.threads:
        set_threads(a.threads, torch)
    blas = machine.numpy_blas()
    load_before = machine.load()
    rows, failed = [], False
    for key, run in selected(a.only):
        t0 = time.perf_counter()
        try:
            for r in run(libs, a):
                rows.append((key, r))
                print(f"{r.title}: ember {r.cell('ember')}, torch {r.cell('torch')} {r.unit}, "
                      f"ember/torch {r.ratio():.2f}  [{time.perf_counter() - t0:.1f}s]",
                      flush=True)
        except Exception as e:  # keep going: one broken workload must not lose the others
            traceback.print_exc()
            rows.append((key, f"failed: {type(e).__name__}: {e}"))
            failed = True
    text = report(rows, a, argv, blas, libs, (load_before, machine.load()))
    print("\n" + text)
    if not a.no_write:
        out = a.out or os.path.join(RESULTS, "cpu.md")
        os.makedirs(os.path.dirname(os.path.abspath(out)), exist_ok=True)
        with open(out, "w") as f:
            f.write(text)
        print(f"wrote {out}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
