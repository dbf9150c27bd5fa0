"""cProfile of Ember on the per-op overhead, MLP and LeNet workloads: the map for speed work.

    python -m benchmarks.profile [--only overhead,mlp,cnn] [--steps N]

Writes ``benchmarks/results/profile.md``: for each workload the top Python-level functions by
own time (tottime) and by inclusive time (cumtime).
"""
import os
import sys

if __package__ in (None, ""):  # `python benchmarks/profile.py`: this file must not shadow the
    # stdlib `profile` that cProfile imports, so import the package from the repository root.
    sys.path[0] = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

import argparse  # noqa: E402
import cProfile  # noqa: E402
import pstats  # noqa: E402

from benchmarks import op_overhead, training  # noqa: E402
from benchmarks.probes import ROOT  # noqa: E402
from benchmarks.run import RESULTS  # noqa: E402

TOP = 15
WORKLOADS = op_overhead.WORKLOADS + training.WORKLOADS[:3]  # suite workloads 1-3


def where(key):
    """``file:line(function)`` with the repository or site-packages prefix dropped."""
    path, line, func = key
    for prefix in (ROOT + os.sep, *[p + os.sep for p in sys.path if "site-packages" in p]):
        if path.startswith(prefix):
            path = path[len(prefix):]
            break
    return f"{path}:{line}({func})" if line else func


def top_table(stats, column, steps):
    """Markdown rows of the ``TOP`` functions by ``column`` (2 = tottime, 3 = cumtime)."""
    rows = sorted(stats.stats.items(), key=lambda kv: kv[1][column], reverse=True)[:TOP]
    lines = ["| function | calls/step | tottime ms/step | cumtime ms/step |", "|---|---|---|---|"]
    for key, (_, ncalls, tottime, cumtime, _) in rows:
        lines.append(f"| `{where(key)}` | {ncalls / steps:.4g} | {tottime / steps * 1e3:.3f} | "
                     f"{cumtime / steps * 1e3:.3f} |")
    return lines


def profile(workload, lib, steps):
    state = workload.setup(lib)
    workload.step(state)  # warm-up outside the profile
    prof = cProfile.Profile()
    prof.enable()
    for _ in range(steps):
        workload.step(state)
    prof.disable()
    return pstats.Stats(prof)


def main(argv=None):
    p = argparse.ArgumentParser(prog="python -m benchmarks.profile",
                                description=__doc__.split("\n")[0])
    p.add_argument("--only", default="overhead,mlp,cnn",
                   help="workloads or groups: " + ", ".join(w.key for w in WORKLOADS))
    p.add_argument("--steps", type=int, help="profiled calls (default: the suite's per round)")
    p.add_argument("--out", default=os.path.join(RESULTS, "profile.md"))
    a = p.parse_args(argv)
    import ember
    lines = ["# Where Ember spends its time (cProfile)", "",
             f"Command: `python -m benchmarks.profile {' '.join(argv or sys.argv[1:])}`".rstrip()
             + ".  Times are per call of the workload (one training step, or one chain of "
             "100 ops), with cProfile's overhead included: compare rows, not absolute values "
             "with `python -m benchmarks`.", ""]
    only = a.only.split(",")
    for w in [w for w in WORKLOADS if w.key in only or w.group in only]:
        steps = a.steps or w.calls
        stats = profile(w, ember, steps)
        total = stats.total_tt / steps * 1e3
        lines += [f"## {w.title}", "", f"{steps} calls profiled, {total:.2f} ms per call.", "",
                  f"Top {TOP} by own time (tottime):", "", *top_table(stats, 2, steps), "",
                  f"Top {TOP} by inclusive time (cumtime):", "", *top_table(stats, 3, steps), ""]
        print(f"{w.title}: {total:.2f} ms per call", flush=True)
    with open(a.out, "w") as f:
        f.write("\n".join(lines))
    print(f"wrote {a.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
