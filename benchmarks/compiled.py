"""Compiled workloads: ``ember.compile`` on whole training steps (and the tiny-op chain's
forward+backward) against torch eager running the same step uncompiled."""
import functools

from . import models, op_overhead
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


def main(argv=None):
    """``python -m benchmarks.compiled [--only key,...] [--steps N]``: where each compiled
    workload's replay spends its time (kernels against interpreter, :mod:`ember._compile.profile`)."""
    import argparse

    import ember
    from ember._compile import profile

    ap = argparse.ArgumentParser(description=main.__doc__)
    ap.add_argument("--only", default="")
    ap.add_argument("--steps", type=int, default=5)
    ap.add_argument("--threads", type=int, default=1, help="BLAS threads (threadpoolctl)")
    a = ap.parse_args(argv)
    from threadpoolctl import threadpool_limits
    threadpool_limits(a.threads, user_api="blas")
    for w in WORKLOADS:
        if a.only and w.key not in a.only.split(","):
            continue
        state = w.setup(ember)
        run = (lambda: w.step(state))
        print(profile.report(w.title.split(" (")[0], profile.profile(state[0], run, a.steps)),
              flush=True)


if __name__ == "__main__":
    main()
