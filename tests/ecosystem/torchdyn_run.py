"""torchdyn 1.0.6 (neural differential equations): a NeuralODE solved with its own fixed-step
(RK4) and adaptive (dopri5) solvers, trained through the adjoint's backward pass and through
the solver, and its Augmenter; dense output at the requested times."""
import torch
from torch import nn
from torchdyn.core import NeuralODE
from torchdyn.nn import Augmenter

from _common import deterministic_, inputs, report

field = deterministic_(nn.Sequential(nn.Linear(2, 16), nn.Tanh(), nn.Linear(16, 2)))
x0 = inputs(8, 2) - 0.5
t_span = torch.linspace(0, 1, 5)
for solver, sensitivity in (("rk4", "autograd"), ("dopri5", "autograd"), ("rk4", "adjoint")):
    ode = NeuralODE(field, solver=solver, sensitivity=sensitivity, atol=1e-5, rtol=1e-5)
    t_eval, traj = ode(x0, t_span)
    loss = traj[-1].pow(2).sum()
    loss.backward()
    grads = [p.grad.sum().item() for p in field.parameters()]
    field.zero_grad()
    report("ode", solver, sensitivity, t_eval.tolist(), traj[:, 0].tolist(), loss.item(), grads)

model = nn.Sequential(Augmenter(augment_dims=2),
                      NeuralODE(deterministic_(nn.Sequential(nn.Linear(4, 8), nn.Tanh(),
                                                             nn.Linear(8, 4))), solver="rk4"))
opt = torch.optim.Adam(model.parameters(), lr=0.02)
target = inputs(8, 4, phase=1.0)
for _ in range(4):
    _, traj = model(x0)
    loss = (traj[-1] - target).pow(2).mean()
    opt.zero_grad()
    loss.backward()
    opt.step()
report("augmented", loss.item(), [p.sum().item() for p in model.parameters()])
