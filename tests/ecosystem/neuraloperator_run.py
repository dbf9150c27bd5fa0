"""neuraloperator 2.0 (neural operators): a 2-D Fourier Neural Operator (spectral convolutions
through rfftn / irfftn on complex weights, a grid positional embedding, channel MLPs, soft
gating) and a Tucker-factorised TFNO (TensorLy-Torch's factorized tensors) trained with SGD /
Adam on the relative Lp and H1 losses, a 1-D FNO with domain padding and instance norm, evaluation at
a higher resolution than training (the operator's resolution invariance)."""
import torch
from neuralop import H1Loss, LpLoss
from neuralop.models import FNO, TFNO

from _common import deterministic_, inputs, report

torch.manual_seed(0)
lp, h1 = LpLoss(d=2, p=2), H1Loss(d=2)
x = inputs(4, 1, 16, 16)
y = torch.sin(3 * x) + x.flip(-1) * 0.5
# (SGD for the FNO: most of its spectral weights' gradients are ~1e-9, where Adam's normalised
# first steps would grow float32 noise)
for name, model in (("fno", FNO(n_modes=(6, 6), in_channels=1, out_channels=1,
                                 hidden_channels=8, n_layers=2)),
                    ("tfno", TFNO(n_modes=(6, 6), in_channels=1, out_channels=1,
                                  hidden_channels=8, n_layers=2, rank=0.5))):
    deterministic_(model, scale=0.5)
    opt = torch.optim.SGD(model.parameters(), lr=0.2, momentum=0.9) if name == "fno" else \
        torch.optim.Adam(model.parameters(), lr=1e-2)
    for step in range(3):
        out = model(x)
        loss = lp(out, y) + 0.5 * h1(out, y)
        opt.zero_grad()
        loss.backward()
        opt.step()
        report(name, step, loss.item(), sum(p.grad.abs().sum().item()
                                            for p in model.parameters() if p.grad is not None))
    with torch.no_grad():
        fine = model(inputs(2, 1, 32, 32, phase=1.0))
    report(name, "eval", list(fine.shape), fine.abs().sum().item(), model.n_modes)

model = deterministic_(FNO(n_modes=(8,), in_channels=2, out_channels=1, hidden_channels=6,
                           n_layers=2, domain_padding=0.25, norm="instance_norm"), scale=0.5)
u = inputs(3, 2, 32)
out = model(u)
loss = LpLoss(d=1)(out, u[:, :1] ** 2)
loss.backward()
report("fno1d", list(out.shape), loss.item(), out.sum().item(),
       sum(p.grad.abs().sum().item() for p in model.parameters() if p.grad is not None))
