"""DDP scaling: the MLP workload (784-512-512-10, SGD) on 1 vs 2 MPI ranks.

    python benchmarks/ddp_scaling.py [--batch 64] [--steps 30] [--ranks 1 2]

Weak scaling: every rank trains on ``--batch`` samples per step, so ideal 2-rank throughput is
twice the 1-rank one.  Each configuration runs as its own ``mpiexec`` job (this file re-invoked
with ``--worker``), every rank single-threaded (BLAS threads = 1) so ranks, not BLAS threads, do
the parallel work.  Reported: samples/s over all ranks, time per step, and the time of one
blocking all-reduce of the whole gradient (669,706 float32) measured separately.
Results go to ``benchmarks/results/ddp_scaling.md``.
"""
import argparse
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def worker(batch, steps):
    sys.path.insert(0, str(HERE.parent))
    import ember
    import ember.distributed as dist
    from benchmarks import models

    dist.init_process_group("gloo")
    rank, world = dist.get_rank(), dist.get_world_size()
    ember.manual_seed(0)
    model = ember.nn.parallel.DistributedDataParallel(models.mlp(ember))
    opt = ember.optim.SGD(model.parameters(), lr=1e-3)
    x, y = models.random_batch(ember, (batch, 1, 28, 28), seed=rank)
    loss_fn = ember.nn.CrossEntropyLoss()

    def step():
        opt.zero_grad()
        loss_fn(model(x), y).backward()
        opt.step()

    for _ in range(3):
        step()
    dist.barrier()
    start = time.perf_counter()
    for _ in range(steps):
        step()
    dist.barrier()
    elapsed = time.perf_counter() - start

    grad = ember.zeros(sum(p.numel() for p in model.parameters()))
    dist.all_reduce(grad)
    dist.barrier()
    start = time.perf_counter()
    for _ in range(steps):
        dist.all_reduce(grad)
    allreduce = (time.perf_counter() - start) / steps
    if rank == 0:
        print(json.dumps({"world": world, "step_s": elapsed / steps,
                          "samples_s": world * batch * steps / elapsed,
                          "allreduce_ms": allreduce * 1e3}), flush=True)


def run_config(ranks, batch, steps):
    env = dict(os.environ, OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1", MKL_NUM_THREADS="1",
               PYTHONPATH=str(HERE.parent))
    cmd = ["mpiexec", "-n", str(ranks), sys.executable, str(Path(__file__).resolve()),
           "--worker", "--batch", str(batch), "--steps", str(steps)]
    out = subprocess.run(cmd, env=env, capture_output=True, text=True, check=True, timeout=600)
    return json.loads(out.stdout.strip().splitlines()[-1])


def report(rows, args):
    base = rows[0]["samples_s"]
    lines = ["# DDP scaling: MLP 784-512-512-10 on MPI ranks", "",
             f"`python benchmarks/ddp_scaling.py --batch {args.batch} --steps {args.steps}` on "
             f"{platform.machine()}, Python {platform.python_version()}, {os.cpu_count()} CPU "
             f"cores, 1 BLAS thread per rank.",
             f"Weak scaling: batch {args.batch} per rank per step; all-reduce = one blocking "
             "all-reduce of the full gradient (669,706 float32, 2.7 MB).", "",
             "| ranks | samples/s | step (ms) | speed-up | all-reduce (ms) |",
             "|---|---|---|---|---|"]
    for r in rows:
        lines.append(f"| {r['world']} | {r['samples_s']:.0f} | {r['step_s'] * 1e3:.1f} | "
                     f"{r['samples_s'] / base:.2f}x | {r['allreduce_ms']:.2f} |")
    return "\n".join(lines) + "\n"


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--batch", type=int, default=64)
    p.add_argument("--steps", type=int, default=30)
    p.add_argument("--ranks", type=int, nargs="+", default=[1, 2])
    p.add_argument("--worker", action="store_true")
    args = p.parse_args()
    if args.worker:
        return worker(args.batch, args.steps)
    rows = [run_config(n, args.batch, args.steps) for n in args.ranks]
    text = report(rows, args)
    (HERE / "results").mkdir(exist_ok=True)
    (HERE / "results" / "ddp_scaling.md").write_text(text)
    print(text)


if __name__ == "__main__":
    main()
