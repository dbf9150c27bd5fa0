"""Per-sample gradients of a small CNN with ``vmap(grad(...))`` (torch.func's recipe, e.g. for
differential privacy): one batched forward and backward pass instead of one backward pass per
sample, compared with that loop for values and time.

    python -m ember.examples.per_sample_grads
"""
import time

import ember as torch
from ember import nn
from ember.func import functional_call, grad, vmap
from ember.nn import functional as F


class SmallCNN(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 8, 3)
        self.conv2 = nn.Conv2d(8, 16, 3)
        self.fc = nn.Linear(16 * 5 * 5, 10)

    def forward(self, x):                               # (N, 1, 16, 16)
        x = F.max_pool2d(F.relu(self.conv1(x)), 2)      # (N, 8, 7, 7)
        return self.fc(F.relu(self.conv2(x)).flatten(1))  # (N, 16, 5, 5) -> (N, 10)


def per_sample_grads(model, x, y):
    """{parameter name: gradient of each sample's loss}, each shaped (batch, *param.shape)."""
    params = {k: v.detach() for k, v in model.named_parameters()}

    def loss(p, xi, yi):
        out = functional_call(model, p, (xi.unsqueeze(0),))
        return F.cross_entropy(out, yi.unsqueeze(0))
    return vmap(grad(loss), in_dims=(None, 0, 0))(params, x, y)


def looped_grads(model, x, y):
    """The same by one ordinary backward pass per sample."""
    grads = {k: [] for k, _ in model.named_parameters()}
    for i in range(x.shape[0]):
        model.zero_grad()
        F.cross_entropy(model(x[i:i + 1]), y[i:i + 1]).backward()
        for k, p in model.named_parameters():
            grads[k].append(p.grad.clone())
    return {k: torch.stack(g) for k, g in grads.items()}


def _best_time(fn, repeat=3):
    """The best of ``repeat`` runs in CPU time (steadier than wall time on a busy machine)."""
    best = float("inf")
    for _ in range(repeat):
        start = time.process_time()
        fn()
        best = min(best, time.process_time() - start)
    return best


def main(batch=64, repeat=3):
    torch.manual_seed(0)
    model = SmallCNN()
    x, y = torch.randn(batch, 1, 16, 16), torch.randint(0, 10, (batch,))
    fast, slow = per_sample_grads(model, x, y), looped_grads(model, x, y)
    error = max((fast[k] - slow[k]).abs().max().item() for k in fast)
    t_vmap = _best_time(lambda: per_sample_grads(model, x, y), repeat)
    t_loop = _best_time(lambda: looped_grads(model, x, y), repeat)
    print(f"batch {batch}: vmap(grad) {t_vmap * 1e3:.1f} ms, loop {t_loop * 1e3:.1f} ms CPU "
          f"({t_loop / t_vmap:.1f}x); max difference {error:.2e}")
    return {"vmap": fast, "loop": slow, "speedup": t_loop / t_vmap, "error": error}


if __name__ == "__main__":
    main()
