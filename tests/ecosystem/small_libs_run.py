"""einops 0.8, rotary-embedding-torch 0.9 and torchdiffeq 0.2 (odeint and odeint_adjoint)."""
import torch
from einops import rearrange, reduce, repeat
from einops.layers.torch import Rearrange
from rotary_embedding_torch import RotaryEmbedding
from torchdiffeq import odeint, odeint_adjoint

from _common import deterministic_, inputs, report

x = inputs(2, 3, 4, 6)
report("einops rearrange", rearrange(x, "b c h w -> b (h w) c").sum(1)[0].tolist())
report("einops reduce", reduce(x, "b c (h h2) (w w2) -> b c h w", "max", h2=2, w2=3).flatten()[:6].tolist())
report("einops repeat", repeat(x[0, 0, 0], "w -> w k", k=2).flatten().tolist())
layer = torch.nn.Sequential(Rearrange("b c h w -> b (c h w)"), torch.nn.Linear(72, 3))
deterministic_(layer)
report("einops layer", layer(x).tolist())

rotary = RotaryEmbedding(dim=8)
q, k = inputs(1, 2, 5, 16), inputs(1, 2, 5, 16, phase=1.0)
qr, kr = rotary.rotate_queries_or_keys(q), rotary.rotate_queries_or_keys(k)
report("rotary q", qr[0, 1, 3, :6].tolist())
report("rotary attn", (qr @ kr.transpose(-1, -2)).softmax(-1)[0, 0, 4].tolist())


class Field(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.net = deterministic_(torch.nn.Sequential(torch.nn.Linear(2, 16), torch.nn.Tanh(),
                                                      torch.nn.Linear(16, 2)))

    def forward(self, t, y):
        return self.net(y) - 0.1 * y


t = torch.linspace(0, 1, 5)
y0 = torch.tensor([[0.5, -0.3], [1.0, 0.2]], requires_grad=True)
for name, solve, method in [("odeint", odeint, "dopri5"), ("odeint rk4", odeint, "rk4"),
                            ("odeint_adjoint", odeint_adjoint, "dopri5")]:
    field = Field()
    y0.grad = None
    ys = solve(field, y0, t, method=method, rtol=1e-6, atol=1e-8) if solve is odeint else \
        solve(field, y0, t, method=method, rtol=1e-6, atol=1e-8)
    ys[-1].pow(2).sum().backward()
    report(name, [round(v, 5) for v in ys[-1].flatten().tolist()],
           "grad", [round(v, 5) for v in y0.grad.flatten().tolist()])
