"""DataLoader throughput, Ember vs PyTorch, on an in-memory MNIST-sized dataset.

60,000 x 28 x 28 uint8 images with a ToTensor + Normalize transform written against the torch
API (no torchvision), batch size 64, ``num_workers`` 0 and 2.  Ember and torch runs are
interleaved, and the best of ``--repeats`` epochs is kept for each.  The ratio is
torch time / Ember time (above 1.0: Ember is faster).

    python benchmarks/dataloader.py [--samples 60000] [--repeats 3] [--out results.md]
"""
import argparse
import platform
import time

import numpy as np


def make_dataset(torch, images, labels):
    """The same dataset class for either framework: ``torch`` is the module (or ember)."""

    class InMemoryMNIST(torch.utils.data.Dataset):
        def __init__(self):
            self.images, self.labels = images, labels

        def __len__(self):
            return len(self.images)

        def __getitem__(self, i):
            x = torch.from_numpy(self.images[i]).to(torch.float32).div(255.0).unsqueeze(0)
            x = (x - 0.1307) / 0.3081
            return x, int(self.labels[i])

    return InMemoryMNIST()


def epoch_seconds(torch, dataset, workers):
    loader = torch.utils.data.DataLoader(dataset, batch_size=64, shuffle=False,
                                         num_workers=workers)
    start = time.perf_counter()
    n = 0
    for x, y in loader:
        n += y.shape[0]
    assert n == len(dataset)
    return time.perf_counter() - start


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=60000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--out", default=None, help="write a markdown table here")
    args = parser.parse_args()

    import ember
    import torch
    torch.set_num_threads(1)
    rng = np.random.default_rng(0)
    images = rng.integers(0, 256, (args.samples, 28, 28), dtype=np.uint8)
    labels = rng.integers(0, 10, args.samples)
    frameworks = {"ember": ember, "torch": torch}
    datasets = {k: make_dataset(m, images, labels) for k, m in frameworks.items()}

    rows = []
    for workers in (0, 2):
        best = {k: float("inf") for k in frameworks}
        for _ in range(args.repeats):
            for name, module in frameworks.items():
                best[name] = min(best[name], epoch_seconds(module, datasets[name], workers))
        ratio = best["torch"] / best["ember"]
        rows.append((workers, best["ember"], best["torch"], ratio))
        print(f"workers={workers}: ember {best['ember']:.2f}s  torch {best['torch']:.2f}s  "
              f"ratio (torch/ember) {ratio:.2f}x", flush=True)

    if args.out:
        with open(args.out, "w") as f:
            f.write("# DataLoader throughput: Ember vs PyTorch\n\n")
            f.write(f"`python benchmarks/dataloader.py --samples {args.samples} --repeats "
                    f"{args.repeats}` on {platform.processor() or platform.machine()}, "
                    f"Python {platform.python_version()}, torch {torch.__version__} "
                    "(1 intra-op thread).\n")
            f.write(f"{args.samples} x 28 x 28 uint8 images, ToTensor+Normalize per sample, "
                    "batch 64, one epoch, best of the repeats.  Ratio = torch time / Ember "
                    "time (>= 1.0: Ember at least as fast).\n\n")
            f.write("| num_workers | Ember (s) | torch (s) | ratio |\n|---|---|---|---|\n")
            for workers, e, t, r in rows:
                f.write(f"| {workers} | {e:.2f} | {t:.2f} | {r:.2f}x |\n")


if __name__ == "__main__":
    main()
