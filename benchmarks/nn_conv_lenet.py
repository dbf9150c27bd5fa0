"""LeNet-like training step (conv-relu-pool x2, batch 64, 28x28): ember vs torch, same run.

    python benchmarks/nn_conv_lenet.py [repeats]
Prints the median/min step time of each and the ratio torch_time / ember_time."""
import sys
import time

import numpy as np


def build(lib):
    nn = lib.nn
    return nn.Sequential(nn.Conv2d(1, 32, 3), nn.ReLU(), nn.MaxPool2d(2),
                         nn.Conv2d(32, 64, 3), nn.ReLU(), nn.MaxPool2d(2))


def step_fn(lib, model, x):
    def step():
        model.zero_grad()
        model(x).sum().backward()
    return step


def timeit(fn, n):
    fn()
    ts = []
    for _ in range(n):
        t = time.perf_counter()
        fn()
        ts.append(time.perf_counter() - t)
    return float(np.median(ts)), min(ts)


def main(n=20):
    import torch
    import ember
    x = np.random.default_rng(0).standard_normal((64, 1, 28, 28)).astype(np.float32)
    tm, em = build(torch), build(ember)
    em.load_state_dict({k: ember.tensor(v.numpy()) for k, v in tm.state_dict().items()})
    ts = step_fn(torch, tm, torch.from_numpy(x))
    es = step_fn(ember, em, ember.tensor(x))
    for _ in range(2):
        tt, et = timeit(ts, n), timeit(es, n)
        print(f"torch {tt[0] * 1e3:7.2f} ms (min {tt[1] * 1e3:.2f})   ember {et[0] * 1e3:7.2f} ms "
              f"(min {et[1] * 1e3:.2f})   ratio torch/ember: median {tt[0] / et[0]:.2f}  "
              f"min {tt[1] / et[1]:.2f}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 20)
