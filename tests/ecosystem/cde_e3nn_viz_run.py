"""torchcde 0.2 (NumPy's ``axis=`` keyword), e3nn 0.6 (torch.fx graphs built by hand from
Proxies, optimised by opt_einsum_fx) and torchviz 0.0.3 (backward nodes' ``_saved_*``
attributes)."""
import re

import torch
import torchcde
import torchviz
from e3nn import o3

from _common import deterministic_, inputs, report

# torchcde: interpolations of a path and a neural CDE through them, with gradients
t = torch.linspace(0, 1, 7)
path = torch.stack([t, torch.sin(3 * t), torch.cos(2 * t)], -1).unsqueeze(0)
for name, coeffs, kind in [
        ("hermite", torchcde.hermite_cubic_coefficients_with_backward_differences,
         torchcde.CubicSpline),
        ("natural", torchcde.natural_cubic_coeffs, torchcde.CubicSpline),
        ("linear", torchcde.linear_interpolation_coeffs, torchcde.LinearInterpolation)]:
    X = kind(coeffs(path))
    report("cde", name, [round(v, 5) for v in X.evaluate(torch.tensor(0.37)).flatten().tolist()],
           [round(v, 5) for v in X.derivative(torch.tensor(0.5)).flatten().tolist()])


class Field(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.net = deterministic_(torch.nn.Linear(2, 2 * 3))

    def forward(self, t, z):
        return self.net(z).tanh().view(z.shape[0], 2, 3)


X = torchcde.CubicSpline(torchcde.hermite_cubic_coefficients_with_backward_differences(path))
z0 = torch.tensor([[0.1, -0.2]], requires_grad=True)
zT = torchcde.cdeint(X=X, z0=z0, func=Field(), t=X.interval, method="rk4",
                     options={"step_size": 0.1})
zT[:, -1].pow(2).sum().backward()
report("cdeint", [round(v, 5) for v in zT[:, -1].flatten().tolist()],
       "grad", [round(v, 5) for v in z0.grad.flatten().tolist()])

# e3nn: equivariant linear maps and tensor products (codegen through torch.fx)
lin = deterministic_(o3.Linear("2x0e + 1x1o", "1x0e + 2x1o"))
x = inputs(3, 5)
report("e3nn linear", [round(v, 5) for v in lin(x).flatten().tolist()])
tp = deterministic_(o3.FullyConnectedTensorProduct("1x0e + 1x1o", "1x1o", "2x0e + 1x1e"))
a, b = inputs(2, 4), inputs(2, 3, phase=0.5)
out = tp(a, b)
report("e3nn tensor product", [round(v, 5) for v in out.flatten().tolist()])
sh = o3.spherical_harmonics([0, 1, 2], inputs(4, 3, phase=1.0), normalize=True)
report("e3nn spherical harmonics", [round(v, 5) for v in sh.sum(0).tolist()])
rot = o3.angles_to_matrix(torch.tensor(0.3), torch.tensor(-0.7), torch.tensor(1.1))
D = o3.Irreps("1x0e + 2x1o + 1x2e").D_from_matrix(rot)
report("e3nn equivariance", round((lin(x @ o3.Irreps("2x0e + 1x1o").D_from_matrix(rot).T)
                                  - lin(x) @ o3.Irreps("1x0e + 2x1o").D_from_matrix(rot).T)
                                 .abs().max().item() < 1e-5), list(D.shape))

# torchviz: the graph of a small network with each node's saved values
net = deterministic_(torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.ReLU(),
                                         torch.nn.Linear(4, 2)))
y = torch.softmax(net(inputs(5, 3)) * 2, 1).sum()
dot = torchviz.make_dot(y, params=dict(net.named_parameters()), show_attrs=True)
labels = sorted(re.sub(r"\s+", " ", quoted or plain)
                for quoted, plain in re.findall(r'label="([^"]*)"|label=(\w+)', dot.source))
for label in labels:
    report("torchviz", label)
