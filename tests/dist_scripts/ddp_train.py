"""DDP vs. single-process training on the concatenated batch; rank 0 prints DDP OK."""
import copy
import sys

import numpy as np

import ember as torch
import ember.distributed as dist
from ember import nn

dist.init_process_group("gloo", init_method="env://" if "--env" in sys.argv else None)
r, n = dist.get_rank(), dist.get_world_size()
B = 4  # per-rank batch


def make_model():
    torch.manual_seed(0)
    return nn.Sequential(nn.Linear(5, 8), nn.BatchNorm1d(8), nn.Tanh(), nn.Linear(8, 3))


def batch(step):
    g = np.random.default_rng(step)
    return (torch.tensor(g.standard_normal((B * n, 5)), dtype=torch.float32),
            torch.tensor(g.integers(0, 3, B * n)))


def assert_params_equal(a, b, what):
    for (name, p), q in zip(a.named_parameters(), b.parameters()):
        np.testing.assert_allclose(p.detach().numpy(), q.detach().numpy(), rtol=1e-5,
                                   atol=1e-6, err_msg=f"{what}: {name}")


# -- training matches single-process on the full batch (tiny buckets: several all-reduces) --
torch.manual_seed(100 + r)  # replicas start different: DDP must broadcast rank 0's weights
local = nn.Sequential(nn.Linear(5, 8), nn.BatchNorm1d(8), nn.Tanh(), nn.Linear(8, 3))
local.load_state_dict(make_model().state_dict()) if r == 0 else None
ddp = nn.parallel.DistributedDataParallel(local, bucket_cap_mb=0.0001)
assert len(ddp.reducer.buckets) > 1
assert all(k.startswith("module.") for k in ddp.state_dict())
single = make_model()
opt = torch.optim.SGD(ddp.parameters(), lr=0.1, momentum=0.9)
opt1 = torch.optim.SGD(single.parameters(), lr=0.1, momentum=0.9)
loss_fn = nn.CrossEntropyLoss()
for step in range(5):
    x, y = batch(step)
    opt.zero_grad()
    loss_fn(ddp(x[r * B:(r + 1) * B]), y[r * B:(r + 1) * B]).backward()
    opt.step()
    opt1.zero_grad()
    # per-rank BatchNorm statistics: the reference averages per-shard losses the same way
    sum(loss_fn(single(x[k * B:(k + 1) * B]), y[k * B:(k + 1) * B]) for k in range(n)).div(
        n).backward()
    opt1.step()
assert_params_equal(ddp.module, single, "ddp training")

# -- no_sync: accumulate locally, average on the first synchronised backward ------------------
acc = nn.parallel.DistributedDataParallel(nn.Linear(5, 2))
ref = copy.deepcopy(acc.module)
x, _ = batch(99)
with acc.no_sync():
    acc(x[r * B:(r + 1) * B]).sum().backward()
acc(x[r * B:(r + 1) * B]).sum().backward()
for k in range(n):  # both micro-batches are the same shard, hence the factor 2
    ref(x[k * B:(k + 1) * B]).sum().backward()
np.testing.assert_allclose(acc.module.weight.grad.numpy(), ref.weight.grad.numpy() * 2 / n,
                           rtol=1e-5)


# -- find_unused_parameters: a branch used only on rank 0 ------------------------------------
class Branchy(nn.Module):
    def __init__(self):
        super().__init__()
        self.a = nn.Linear(3, 3)
        self.b = nn.Linear(3, 3)
        self.never = nn.Linear(3, 3)

    def forward(self, x, use_b):
        y = self.a(x)
        return self.b(y) if use_b else y


torch.manual_seed(1)
br = nn.parallel.DistributedDataParallel(Branchy(), find_unused_parameters=True)
x = torch.ones(2, 3) * (r + 1)
for _ in range(2):  # a second iteration proves the reducer re-arms cleanly
    br.zero_grad()
    br(x, use_b=(r == 0)).sum().backward()
assert br.module.never.weight.grad is None
assert br.module.b.weight.grad is not None  # averaged from rank 0's gradient on every rank
gb = [torch.zeros(3, 3) for _ in range(n)]
dist.all_gather(gb, br.module.b.weight.grad)
assert all(np.array_equal(g.numpy(), gb[0].numpy()) for g in gb)

done = []
dist.all_gather_object(done, r)  # one line from rank 0: ranks' prints may interleave
if r == 0:
    print("DDP OK", *done, flush=True)
dist.destroy_process_group()
