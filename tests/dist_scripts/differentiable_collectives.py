"""torch.distributed.nn.functional on 2 ranks: values and gradients of every collective equal a
one-process simulation of both ranks (plain ops on both ranks' inputs, the losses of both
ranks summed, then backward).  Rank 0 prints DIFFCOLL OK."""
import numpy as np

import ember as torch
import ember.distributed as dist
import ember.distributed.nn.functional as dnn

dist.init_process_group("gloo")
r, n = dist.get_rank(), dist.get_world_size()


def data(rank, shape=(4, 3), salt=0):
    return torch.arange(float(np.prod(shape)), dtype=torch.float64).reshape(shape).add(
        10 * rank + 1 + salt).sin()


def weight(rank, shape=(4, 3)):
    return torch.arange(float(np.prod(shape)), dtype=torch.float64).reshape(shape).mul(
        0.1 * (rank + 1)).cos()


def check(real, simulated, what):
    np.testing.assert_allclose(real.detach().numpy(), simulated.detach().numpy(), rtol=1e-12,
                               atol=1e-12, err_msg=what)


def run(name, collective, simulate):
    """``collective(x)`` -> this rank's output tensors; ``simulate(xs)`` -> per rank outputs."""
    x = data(r).requires_grad_()
    outs = collective(x)
    loss = sum((o * weight(r, o.shape)).sum() for o in outs)
    loss.backward()
    xs = [data(k).requires_grad_() for k in range(n)]
    sim = simulate(xs)
    for a, b in zip(outs, sim[r]):
        check(a, b, f"{name} value")
    total = sum((o * weight(k, o.shape)).sum() for k in range(n) for o in sim[k])
    total.backward()
    unused = xs[r].grad is None       # this rank's input reaches no loss: zero gradient
    check(x.grad, torch.zeros_like(x) if unused else xs[r].grad, f"{name} grad")


def stacked(xs):
    return torch.stack(xs).sum(0)


run("all_reduce", lambda x: [dnn.all_reduce(x)], lambda xs: [[stacked(xs)]] * n)
run("all_gather", lambda x: list(dnn.all_gather(x)), lambda xs: [list(xs)] * n)
run("broadcast", lambda x: [dnn.broadcast(x, 1)], lambda xs: [[xs[1]]] * n)
# reduce: only rank 0's result is defined, so only rank 0's output enters the losses
run("reduce", lambda x: [dnn.reduce(x, 0)] if r == 0 else [dnn.reduce(x, 0) * 0],
    lambda xs: [[stacked(xs)]] + [[stacked(xs) * 0]] * (n - 1))
run("reduce_scatter", lambda x: [dnn.reduce_scatter(torch.empty(2, 3, dtype=torch.float64),
                                                     list(x.split(2)))],
    lambda xs: [[stacked([t.split(2)[k] for t in xs])] for k in range(n)])
run("all_to_all_single",
    lambda x: [dnn.all_to_all_single(torch.empty(4, 3, dtype=torch.float64), x)],
    lambda xs: [[torch.cat([t.split(2)[k] for t in xs])] for k in range(n)])
run("all_to_all", lambda x: list(dnn.all_to_all([torch.empty(2, 3, dtype=torch.float64)
                                                 for _ in range(n)], list(x.split(2)))),
    lambda xs: [[t.split(2)[k] for t in xs] for k in range(n)])
run("gather", lambda x: list(dnn.gather(x, 0)),
    lambda xs: [list(xs)] + [[t * 0 for t in xs]] * (n - 1))
run("scatter", lambda x: [dnn.scatter(list(x.split(2)), 1)],
    lambda xs: [[xs[1].split(2)[k]] for k in range(n)])
dist.barrier()
done = []
dist.all_gather_object(done, r)
if r == 0:
    print("DIFFCOLL OK", *done, flush=True)
dist.destroy_process_group()
