"""Per-op overhead on tiny tensors, Ember against PyTorch in the same run.

A chain of 100 pointwise ops on 16-element tensors, forward only and forward+backward, written
once against the PyTorch API and run under both libraries, interleaved over several rounds.
Prints µs/op (median, min–max) and the ratio ember/torch (time ratio: below 1 means Ember is
faster), and writes ``benchmarks/results/op_overhead.md``.

    python benchmarks/op_overhead.py [--rounds 9]
"""
import argparse
import datetime
import os
import platform
import statistics
import sys
import time

CHAIN = 100


def chain(lib, x, y):
    """100 tiny pointwise ops (25 x 4 kinds)."""
    for _ in range(CHAIN // 4):
        x = x * y
        x = x + y
        x = x.sigmoid()
        x = x - 0.5
    return x


def forward(lib, x, y):
    with lib.no_grad():
        chain(lib, x, y)


def forward_backward(lib, x, y):
    out = chain(lib, x, y).sum()
    out.backward()
    x.grad = None
    y.grad = None


def make_inputs(lib):
    x = lib.rand(16, requires_grad=True)
    y = lib.rand(16, requires_grad=True)
    return x, y


def time_per_op(lib, fn, inner):
    x, y = make_inputs(lib)
    fn(lib, x, y)  # warm-up
    t0 = time.perf_counter()
    for _ in range(inner):
        fn(lib, x, y)
    return (time.perf_counter() - t0) / (inner * CHAIN) * 1e6


def run(rounds, inner):
    import ember
    import torch
    torch.set_num_threads(1)
    libs = {"ember": ember, "torch": torch}
    results = {}
    for name, fn in (("forward", forward), ("forward+backward", forward_backward)):
        samples = {k: [] for k in libs}
        for _ in range(rounds):
            for k, lib in libs.items():  # interleaved
                samples[k].append(time_per_op(lib, fn, inner))
        results[name] = samples
    return results, torch.__version__, ember.__version__


def fmt(samples):
    return (f"{statistics.median(samples):.2f} ({min(samples):.2f}–{max(samples):.2f})")


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--rounds", type=int, default=9)
    p.add_argument("--inner", type=int, default=20)
    p.add_argument("--no-write", action="store_true")
    a = p.parse_args()
    results, tv, ev = run(a.rounds, a.inner)
    lines = [
        "# Per-op overhead on tiny tensors (16 elements)",
        "",
        f"Date: {datetime.date.today()}; machine: {platform.machine()}, {os.cpu_count()} cores; "
        f"Python {platform.python_version()}; torch {tv}; ember {ev}.",
        f"Command: `python benchmarks/op_overhead.py --rounds {a.rounds} --inner {a.inner}`",
        "(median of rounds, min–max in parentheses; torch with 1 intra-op thread).",
        "",
        "| workload | ember µs/op | torch µs/op | time ratio ember/torch | speed ratio torch/ember |",
        "|---|---|---|---|---|",
    ]
    for name, s in results.items():
        me, mt = statistics.median(s["ember"]), statistics.median(s["torch"])
        lines.append(f"| {name} | {fmt(s['ember'])} | {fmt(s['torch'])} | {me / mt:.2f} | "
                     f"{mt / me:.2f} |")
    text = "\n".join(lines) + "\n"
    print(text)
    if not a.no_write:
        out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "results",
                           "op_overhead.md")
        with open(out, "w") as f:
            f.write(text)


if __name__ == "__main__":
    sys.exit(main())
