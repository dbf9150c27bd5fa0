"""pyro 1.9 (SVI with an autoguide, Predictive) and gpytorch 1.15 (an exact GP: marginal
likelihood training, predictions)."""
import math

import gpytorch
import pyro
import pyro.distributions as dist
import torch
from pyro.infer import SVI, Predictive, Trace_ELBO
from pyro.infer.autoguide import AutoNormal
from pyro.optim import Adam

from _common import report

pyro.set_rng_seed(0)
x = torch.linspace(0, 1, 50)
y = 2.0 * x + 0.5 + 0.1 * torch.sin(17 * x)


def model(x, y=None):
    w = pyro.sample("w", dist.Normal(0.0, 10.0))
    b = pyro.sample("b", dist.Normal(0.0, 10.0))
    s = pyro.sample("s", dist.HalfNormal(1.0))
    with pyro.plate("data", len(x)):
        pyro.sample("obs", dist.Normal(w * x + b, s), obs=y)


guide = AutoNormal(model)
svi = SVI(model, guide, Adam({"lr": 0.05}), Trace_ELBO())
losses = [svi.step(x, y) for _ in range(30)]
report("pyro elbo", losses[0], losses[-1])
for name, value in pyro.get_param_store().items():
    report("pyro param", name, value.detach().tolist())
pred = Predictive(model, guide=guide, num_samples=20)(x)
report("pyro predictive", list(pred["obs"].shape), pred["obs"].mean().item())

train_x = torch.linspace(0, 1, 40, dtype=torch.float64)
train_y = torch.sin(train_x * (2 * math.pi)) + 0.05 * torch.cos(train_x * 31)


class GP(gpytorch.models.ExactGP):
    def __init__(self, x, y, likelihood):
        super().__init__(x, y, likelihood)
        self.mean_module = gpytorch.means.ConstantMean()
        self.covar_module = gpytorch.kernels.ScaleKernel(gpytorch.kernels.RBFKernel())

    def forward(self, x):
        return gpytorch.distributions.MultivariateNormal(self.mean_module(x),
                                                         self.covar_module(x))


likelihood = gpytorch.likelihoods.GaussianLikelihood().double()
gp = GP(train_x, train_y, likelihood).double()
gp.train()
likelihood.train()
opt = torch.optim.Adam(gp.parameters(), lr=0.1)
mll = gpytorch.mlls.ExactMarginalLogLikelihood(likelihood, gp)
for _ in range(20):
    opt.zero_grad()
    loss = -mll(gp(train_x), train_y)
    loss.backward()
    opt.step()
report("gpytorch loss", loss.item(), gp.covar_module.base_kernel.lengthscale.item())
gp.eval()
likelihood.eval()
with torch.no_grad(), gpytorch.settings.fast_pred_var():
    pred = likelihood(gp(torch.linspace(0, 1, 7, dtype=torch.float64)))
report("gpytorch mean", pred.mean.tolist())
report("gpytorch variance", pred.variance.tolist())
