"""botorch 0.18 (a SingleTaskGP fitted with scipy, LogExpectedImprovement optimised from Sobol'
starting points), pytorch-metric-learning 2.9 (triplet loss with a miner, ArcFace),
torch-optimizer 0.3 (RAdam, Lamb, AdaBound, Ranger), schedulefree 1.4, ema-pytorch 0.8 and
normflows 1.7 (a masked affine flow: forward KL and sampling)."""
import normflows as nf
import schedulefree
import torch
import torch_optimizer
from botorch.acquisition import LogExpectedImprovement
from botorch.fit import fit_gpytorch_mll
from botorch.models import SingleTaskGP
from botorch.optim import optimize_acqf
from ema_pytorch import EMA
from gpytorch.mlls import ExactMarginalLogLikelihood
from pytorch_metric_learning import losses, miners

from _common import deterministic_, inputs, report

torch.manual_seed(0)    # botorch's raw samples and restarts: Ember's stream is torch's
X = torch.stack([torch.linspace(0, 1, 12, dtype=torch.float64),
                 inputs(12).double().abs()], -1)
Y = -((X - 0.3) ** 2).sum(-1, keepdim=True)     # one clear maximum, at (0.3, 0.3)
gp = SingleTaskGP(X, Y)
fit_gpytorch_mll(ExactMarginalLogLikelihood(gp.likelihood, gp))
report("botorch lengthscale", gp.covar_module.lengthscale.tolist())
bounds = torch.tensor([[0.0, 0.0], [1.0, 1.0]], dtype=torch.float64)
candidate, value = optimize_acqf(LogExpectedImprovement(gp, best_f=Y.max()), bounds=bounds, q=1,
                                 num_restarts=4, raw_samples=32)
report("botorch candidate", candidate.tolist(), value.item())

embeddings = inputs(16, 8).requires_grad_()
labels = torch.arange(16) % 4
triplet = losses.TripletMarginLoss()(embeddings, labels,
                                     miners.MultiSimilarityMiner()(embeddings, labels))
triplet.backward()
arcface = losses.ArcFaceLoss(4, 8)
deterministic_(arcface)
report("metric learning", triplet.item(), embeddings.grad.abs().sum().item(),
       arcface(embeddings, labels).item())

model = deterministic_(torch.nn.Linear(4, 2))
x = inputs(8, 4)
for opt_class in (torch_optimizer.RAdam, torch_optimizer.Lamb, torch_optimizer.AdaBound,
                  torch_optimizer.Ranger):
    opt = opt_class(model.parameters(), lr=1e-2)
    for _ in range(3):
        opt.zero_grad()
        model(x).pow(2).mean().backward()
        opt.step()
    report("torch-optimizer", opt_class.__name__, model.weight.sum().item())
free = schedulefree.AdamWScheduleFree(model.parameters(), lr=1e-2)
free.train()
for _ in range(3):
    free.zero_grad()
    model(x).pow(2).mean().backward()
    free.step()
free.eval()
ema = EMA(model, beta=0.9, update_after_step=0, update_every=1)
ema.update()
report("schedulefree ema", model.weight.sum().item(), ema(x).sum().item())

flows = [nf.flows.MaskedAffineFlow(torch.tensor([1.0, 0.0]) if i % 2 == 0 else
                                   torch.tensor([0.0, 1.0]),
                                   deterministic_(nf.nets.MLP([2, 8, 2]), 0.1))
         for i in range(2)]
flow = nf.NormalizingFlow(nf.distributions.base.DiagGaussian(2), flows)
kld = flow.forward_kld(inputs(16, 2))
kld.backward()
report("normflows", kld.item(), flow.log_prob(inputs(3, 2, phase=1.0)).tolist())
