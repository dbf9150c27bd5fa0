"""Compiled workloads: ``ember.compile`` on whole training steps (and the tiny-op chain's
forward+backward) against torch eager running the same step uncompiled.

    python -m benchmarks.compiled [--only KEYS] [--steps N]   # where a replay's time goes
    python -m benchmarks.compiled --only KEYS --torch-compile ROUNDS [--clock cpu]
                                                         # against torch.compile
"""
import functools

from . import harness, models, op_overhead
from .harness import Workload
from .training import setup as train_setup

WARMUP = 3   # calls before timing: the state-creating capture, then the steady program


def _train(model, opt, x, y, loss_fn):
    opt.zero_grad()
    loss = loss_fn(model(x), y)
    loss.backward()
    opt.step()
    return loss


def _setup(lib, build, input_shape, **kw):
    model, opt, x, y, loss_fn = train_setup(lib, build, input_shape, **kw)
    step = lib.compile(_train) if lib.__name__ == "ember" else _train
    for _ in range(WARMUP):
        step(model, opt, x, y, loss_fn)
    return step, model, opt, x, y, loss_fn


def _run(state):
    state[0](*state[1:])


def _chain_fb(x, y):
    out = op_overhead.chain(x, y).sum()
    out.backward()
    return out


def _chain_setup(lib):
    _, x, y = op_overhead.setup(lib)
    step = lib.compile(_chain_fb) if lib.__name__ == "ember" else _chain_fb
    for _ in range(WARMUP):
        x.grad = y.grad = None
        step(x, y)
    return step, x, y


def _chain_run(state):
    step, x, y = state
    step(x, y)
    x.grad = y.grad = None


def _workload(key, title, build, input_shape, calls, **kw):
    def make(shape):
        return functools.partial(_setup, build=build, input_shape=shape, **kw)
    return Workload(key, title + " (ember compiled vs torch eager)", make(input_shape), _run,
                    calls=calls, quick_setup=make((2,) + input_shape[1:]))


WORKLOADS = [
    Workload("compiled_overhead", "100 tiny pointwise ops, forward+backward (ember compiled vs "
             "torch eager)", _chain_setup, _chain_run, calls=100, unit="ops/s",
             scale=op_overhead.CHAIN),
    _workload("compiled_mlp", "MLP 784-512-512-10, batch 64, SGD", models.mlp, (64, 1, 28, 28),
              30),
    _workload("compiled_cnn", "LeNet-like CNN, batch 64, SGD momentum", models.lenet,
              (64, 1, 28, 28), 6, momentum=0.9),
    _workload("compiled_lstm", "LSTM 1 layer, hidden 128, seq 32, batch 16, Adam",
              functools.partial(models.lstm_classifier, hidden=128, layers=1), (16, 32, 64), 10,
              adam=True),
    _workload("compiled_transformer", "TransformerEncoder 2 layers, d256 h4, seq 128, batch 16, "
              "SGD", models.transformer_classifier, (16, 128, 256), 2),
    _workload("compiled_resnet18", "ResNet-18 (CIFAR stem), 32x32, batch 32, SGD momentum",
              models.resnet18_cifar, (32, 3, 32, 32), 1, momentum=0.9),
]


def versus_torch_compile(keys, rounds, clock="wall"):
    """Rates of Ember compiled, torch eager and ``torch.compile`` (Inductor) on the same steps,
    interleaved; torch.compile's first calls compile (a minute or more per workload here).
    ``clock="cpu"``: CPU time, with one thread in both libraries."""
    import statistics

    import torch

    import ember
    if clock == "cpu":
        from threadpoolctl import threadpool_limits
        torch.set_num_threads(1)
        threadpool_limits(1, user_api="blas")
    for w in WORKLOADS:
        if w.key not in keys:
            continue
        states = {"ember": w.setup(ember), "torch": w.setup(torch)}
        st = w.setup(torch)
        states["torch.compile"] = (torch.compile(st[0]),) + tuple(st[1:])
        for _ in range(WARMUP):   # torch.compile compiles here
            w.step(states["torch.compile"])
        for state in states.values():
            harness.warm_up(w, state, w.calls)
        samples = harness.interleave(w, states, rounds, w.calls, clock=harness.CLOCKS[clock])
        med = {k: statistics.median(v) for k, v in samples.items()}
        print(f"{w.title.split(' (')[0]}: ember compiled / torch eager "
              f"{med['ember'] / med['torch']:.2f}, torch.compile / torch eager "
              f"{med['torch.compile'] / med['torch']:.2f} ({w.unit}: " +
              ", ".join(f"{k} {harness.fmt(v)}" for k, v in med.items()) + ")", flush=True)


def main(argv=None):
    """Where each compiled workload's replay spends its time: kernel calls against the
    interpreter and the call's guards (:mod:`ember._compile.profile`)."""
    import argparse

    from threadpoolctl import threadpool_limits

    import ember
    from ember._compile import profile

    ap = argparse.ArgumentParser(prog="python -m benchmarks.compiled", description=main.__doc__)
    ap.add_argument("--only", default="", help="workload keys, comma-separated")
    ap.add_argument("--steps", type=int, default=5, help="steps per measurement")
    ap.add_argument("--threads", type=int, default=1, help="BLAS threads (threadpoolctl)")
    ap.add_argument("--top", type=int, default=8, help="kernels listed per workload")
    ap.add_argument("--torch-compile", type=int, metavar="ROUNDS", default=0,
                    help="instead: compare with torch.compile over ROUNDS rounds (--only keys)")
    ap.add_argument("--clock", choices=list(harness.CLOCKS), default="wall",
                    help="with --torch-compile: wall-clock time at each library's default "
                         "threads, or CPU time with one thread each")
    a = ap.parse_args(argv)
    if a.torch_compile:
        return versus_torch_compile(a.only.split(","), a.torch_compile, a.clock)
    threadpool_limits(a.threads, user_api="blas")
    for w in WORKLOADS:
        if a.only and w.key not in a.only.split(","):
            continue
        state = w.setup(ember)
        result = profile.profile(state[0], lambda: w.step(state), a.steps)
        print(profile.report(w.title.split(" (")[0], result, a.top), flush=True)


if __name__ == "__main__":
    main()
