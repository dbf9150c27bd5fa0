"""entmax 1.3 (sparsemax, 1.5-entmax, bisection entmax and their gradients), lion-pytorch
0.2 (the Lion optimizer), torch-ema 0.3 (parameter moving averages) and geomloss 0.3
(Sinkhorn, energy and Gaussian-kernel losses between point clouds, with gradients)."""
import entmax
import torch
from geomloss import SamplesLoss
from lion_pytorch import Lion
from torch_ema import ExponentialMovingAverage

from _common import report


def det(n, phase=0.0):
    return torch.cos(torch.arange(n, dtype=torch.float64) * 0.37 + phase).float()


# entmax
z = det(12).reshape(3, 4).requires_grad_()
for name, fn in [("sparsemax", entmax.sparsemax), ("entmax15", entmax.entmax15),
                 ("entmax_bisect", lambda t, dim: entmax.entmax_bisect(t, alpha=1.7, dim=dim))]:
    p = fn(z * 3, dim=-1)
    (p * det(12, 1).reshape(3, 4)).sum().backward()
    report(name, [round(v, 5) for v in p.flatten().tolist()],
           [round(v, 5) for v in z.grad.flatten().tolist()])
    z.grad = None
report("sparsemax loss", round(entmax.SparsemaxLoss()(z * 2, torch.tensor([0, 2, 3])).item(), 5))

# lion-pytorch and torch-ema
net = torch.nn.Linear(3, 2)
with torch.no_grad():
    net.weight.copy_(det(6).reshape(2, 3))
    net.bias.copy_(det(2, 1))
ema = ExponentialMovingAverage(net.parameters(), decay=0.9)
lion = Lion(net.parameters(), lr=1e-2, weight_decay=0.1)
for i in range(4):
    lion.zero_grad()
    net(det(12, i).reshape(4, 3)).pow(2).mean().backward()
    lion.step()
    ema.update()
report("lion", [round(v, 5) for v in net.weight.flatten().tolist()])
with ema.average_parameters():
    report("ema", [round(v, 5) for v in net.weight.flatten().tolist()])

# geomloss
x, y = det(20).reshape(10, 2).requires_grad_(), det(16, 0.5).reshape(8, 2)
for loss in ("sinkhorn", "energy", "gaussian"):
    L = SamplesLoss(loss, blur=0.3, backend="tensorized")(x, y)
    g, = torch.autograd.grad(L, x)
    report("geomloss", loss, round(L.item(), 5), [round(v, 5) for v in g.flatten().tolist()[:4]])
