"""torch.func workloads: per-sample gradients of the benchmark MLP, ``vmap(grad(loss))`` over
a batch of 64 with ``functional_call`` (the torch.func tutorial's recipe), in calls per second."""
from . import models
from .harness import Workload

BATCH = 64


def _per_sample(lib, batch=BATCH):
    model = models.mlp(lib)
    params = {k: v.detach() for k, v in model.named_parameters()}
    x, y = models.random_batch(lib, (batch, 1, 28, 28))
    func = lib.func

    def loss(p, xi, yi):
        out = func.functional_call(model, p, (xi.unsqueeze(0),))
        return lib.nn.functional.cross_entropy(out, yi.unsqueeze(0))
    return func.vmap(func.grad(loss), in_dims=(None, 0, 0)), params, x, y


def per_sample_grads(state):
    fn, params, x, y = state
    fn(params, x, y)


WORKLOADS = [
    Workload("func_per_sample_grads", f"vmap(grad) per-sample grads, MLP, batch {BATCH}",
             _per_sample, per_sample_grads, calls=10, unit="calls/s",
             quick_setup=lambda lib: _per_sample(lib, 2)),
]
