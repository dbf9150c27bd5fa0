"""Training-step throughput, Ember against PyTorch in the same run.

Each workload is written once against the PyTorch API (``lib`` is ``torch`` or ``ember``) and
run interleaved under both, several rounds; reported are steps per second (median, min–max) and
the speed ratio ember/torch (above 1 means Ember is faster).  Results go to
``benchmarks/results/training.md``.

    python benchmarks/training.py [--rounds 7] [--only mlp64,cnn]
"""
import argparse
import datetime
import os
import platform
import statistics
import sys
import time

import numpy as np


def mlp_setup(lib, batch):
    nn = lib.nn
    model = nn.Sequential(nn.Flatten(), nn.Linear(784, 512), nn.ReLU(), nn.Linear(512, 512),
                          nn.ReLU(), nn.Linear(512, 10))
    opt = lib.optim.SGD(model.parameters(), lr=1e-3)
    rng = np.random.default_rng(0)
    x = lib.tensor(rng.standard_normal((batch, 1, 28, 28), dtype=np.float32))
    y = lib.tensor(rng.integers(0, 10, batch))
    return model, opt, x, y, nn.CrossEntropyLoss()


def cnn_setup(lib, batch=64):
    nn = lib.nn
    model = nn.Sequential(nn.Conv2d(1, 32, 3), nn.ReLU(), nn.MaxPool2d(2),
                          nn.Conv2d(32, 64, 3), nn.ReLU(), nn.MaxPool2d(2),
                          nn.Flatten(), nn.Linear(1600, 128), nn.ReLU(), nn.Linear(128, 10))
    opt = lib.optim.SGD(model.parameters(), lr=1e-3, momentum=0.9)
    rng = np.random.default_rng(0)
    x = lib.tensor(rng.standard_normal((batch, 1, 28, 28), dtype=np.float32))
    y = lib.tensor(rng.integers(0, 10, batch))
    return model, opt, x, y, nn.CrossEntropyLoss()


def train_step(state):
    model, opt, x, y, loss_fn = state
    opt.zero_grad()
    loss = loss_fn(model(x), y)
    loss.backward()
    opt.step()


WORKLOADS = {
    "mlp64": ("MLP 784-512-512-10, batch 64, SGD", lambda lib: mlp_setup(lib, 64), 30),
    "mlp512": ("MLP 784-512-512-10, batch 512, SGD", lambda lib: mlp_setup(lib, 512), 10),
    "cnn": ("LeNet-like CNN, batch 64, SGD momentum", cnn_setup, 6),
}


def steps_per_second(lib, state, steps):
    train_step(state)  # warm-up
    t0 = time.perf_counter()
    for _ in range(steps):
        train_step(state)
    return steps / (time.perf_counter() - t0)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--rounds", type=int, default=7)
    p.add_argument("--only", default=",".join(WORKLOADS))
    p.add_argument("--no-write", action="store_true")
    a = p.parse_args()
    import ember
    import torch
    libs = {"ember": ember, "torch": torch}
    rows = []
    for key in a.only.split(","):
        title, setup, steps = WORKLOADS[key]
        states = {k: setup(lib) for k, lib in libs.items()}
        samples = {k: [] for k in libs}
        for _ in range(a.rounds):
            for k, lib in libs.items():
                samples[k].append(steps_per_second(lib, states[k], steps))
        me, mt = statistics.median(samples["ember"]), statistics.median(samples["torch"])
        rows.append((title, samples, me / mt))
        print(f"{title}: ember {me:.1f} steps/s, torch {mt:.1f} steps/s, ratio {me / mt:.2f}",
              flush=True)
    lines = ["# Training-step throughput (steps/s; ratio = ember / torch, higher is better)", "",
             f"Date: {datetime.date.today()}; {platform.machine()}, {os.cpu_count()} cores; "
             f"Python {platform.python_version()}; torch {torch.__version__} "
             f"({torch.get_num_threads()} threads); ember {ember.__version__}; "
             f"OPENBLAS_CORETYPE={os.environ.get('OPENBLAS_CORETYPE', 'unset')}, "
             f"OPENBLAS_L2_SIZE={os.environ.get('OPENBLAS_L2_SIZE', 'unset')}.",
             f"Command: `python benchmarks/training.py --rounds {a.rounds}` "
             "(median of rounds, min–max in parentheses, interleaved).", "",
             "| workload | ember steps/s | torch steps/s | ratio |", "|---|---|---|---|"]
    for title, s, ratio in rows:
        f = {k: f"{statistics.median(v):.1f} ({min(v):.1f}–{max(v):.1f})" for k, v in s.items()}
        lines.append(f"| {title} | {f['ember']} | {f['torch']} | {ratio:.2f} |")
    text = "\n".join(lines) + "\n"
    print(text)
    if not a.no_write:
        out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "results", "training.md")
        with open(out, "w") as fh:
            fh.write(text)


if __name__ == "__main__":
    sys.exit(main())
