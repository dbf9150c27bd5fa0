"""torchjd 0.18 (Jacobian descent for multi-objective training): autojac's backward / jac /
mtl_backward (per-row vector-Jacobian products under torch.vmap, or one by one), jac_to_grad
with several aggregators, and autogram's Engine (module hooks building the Gramian of per-sample
losses) driving SGD steps."""
import torch
from torch import nn
from torchjd import aggregation as agg
from torchjd.autogram import Engine
from torchjd.autojac import backward, jac, jac_to_grad, mtl_backward

from _common import deterministic_, inputs, report

torch.manual_seed(0)   # PCGrad projects in a random order (the same seeded draws as torch's)

# a well-conditioned Jacobian (3 objectives, 6 parameters): rows far from collinear
jacobian = torch.sin(torch.arange(18, dtype=torch.float64) * 1.3).reshape(3, 6).float() + 0.5
for name in ("Mean", "MGDA", "PCGrad", "IMTLG", "AlignedMTL", "Krum", "TrimmedMean",
             "GradDrop", "Sum", "ConFIG"):
    kwargs = {"Krum": {"n_byzantine": 0}, "TrimmedMean": {"trim_number": 1},
              "GradDrop": {"leak": torch.ones(3)}}.get(name, {})
    report("aggregate", name, agg.__dict__[name](**kwargs)(jacobian).tolist())

param = torch.tensor([1.0, 2.0, -0.5], requires_grad=True)
y1 = torch.tensor([-1.0, 1.0, 0.5]) @ param
y2 = (param ** 2).sum()
backward([y1, y2])
report("backward", param.jac.tolist(), jac_to_grad([param], agg.MGDA()).tolist(),
       param.grad.tolist())
for chunk in (None, 1):
    out = torch.stack([(param * param.sin()).sum(), param.exp().sum(), (param * 3).prod()])
    (j,) = jac(out, inputs=[param], parallel_chunk_size=chunk)
    report("jac", chunk, j.tolist())

# Multi-task learning: a shared trunk, two heads, IMTL-G on the shared Jacobian.
trunk = deterministic_(nn.Sequential(nn.Linear(4, 8), nn.Tanh(), nn.Linear(8, 6), nn.ReLU()))
heads = [deterministic_(nn.Linear(6, 1)), deterministic_(nn.Linear(6, 2), scale=0.5)]
params = [*trunk.parameters(), *heads[0].parameters(), *heads[1].parameters()]
opt = torch.optim.SGD(params, lr=0.05, momentum=0.9)
x, t1, t2 = inputs(10, 4), inputs(10, 1, phase=1.0), inputs(10, 2, phase=2.0)
for _ in range(4):
    features = trunk(x)
    l1 = (heads[0](features) - t1).pow(2).mean()
    l2 = (heads[1](features) - t2).abs().mean()
    mtl_backward([l1, l2], features=features)
    jac_to_grad(list(trunk.parameters()), agg.IMTLG())
    opt.step()
    opt.zero_grad()
report("mtl", l1.item(), l2.item(), [p.sum().item() for p in params])

# autogram: the Gramian of per-sample losses, weighted by MGDA, one backward per step.
model = deterministic_(nn.Sequential(nn.Linear(5, 4), nn.ReLU(), nn.Linear(4, 1)))
engine = Engine(model, batch_dim=0)
sgd = torch.optim.SGD(model.parameters(), lr=0.1)
criterion = nn.MSELoss(reduction="none")
x, y = inputs(6, 5, phase=0.5), inputs(6, phase=1.5)
for weighting in (agg.MGDAWeighting(), agg.MeanWeighting(), agg.PCGradWeighting()):
    losses = criterion(model(x).squeeze(dim=1), y)
    gramian = engine.compute_gramian(losses)
    weights = weighting(gramian)
    losses.backward(weights)
    sgd.step()
    sgd.zero_grad()
    report("autogram", type(weighting).__name__, gramian.diagonal().tolist(), weights.tolist())
report("model", [p.sum().item() for p in model.parameters()])
