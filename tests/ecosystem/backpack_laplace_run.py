"""BackPACK 1.7 (per-sample gradients, exact GGN diagonal, gradient variance), higher 0.2
(differentiable inner-loop SGD: MAML-style meta-gradients), torchode 1.0 (Dopri5 with an
adaptive step controller, batched) and laplace-torch 0.3 (last-layer Kronecker-factored and
all-weights diagonal Laplace approximations, prior precision by marginal likelihood)."""
import higher
import torch
import torchode
from backpack import backpack, extend
from backpack.extensions import BatchGrad, DiagGGNExact, Variance
from laplace import Laplace

from _common import deterministic_, inputs, report

model = extend(deterministic_(torch.nn.Sequential(torch.nn.Linear(4, 3), torch.nn.ReLU(),
                                                  torch.nn.Linear(3, 2))))
loss = extend(torch.nn.CrossEntropyLoss())(model(inputs(5, 4)), torch.tensor([0, 1, 1, 0, 1]))
with backpack(BatchGrad(), DiagGGNExact(), Variance()):
    loss.backward()
w = model[0].weight
report("backpack", w.grad_batch.sum().item(), w.diag_ggn_exact.sum().item(),
       w.variance.sum().item())

net = deterministic_(torch.nn.Linear(3, 1))
with higher.innerloop_ctx(net, torch.optim.SGD(net.parameters(), lr=0.1),
                          copy_initial_weights=False) as (fnet, diffopt):
    for _ in range(2):
        diffopt.step(fnet(inputs(4, 3)).pow(2).mean())
    meta = fnet(inputs(2, 3, phase=0.5)).sum()
    meta.backward()
report("higher", meta.item(), net.weight.grad.tolist())

term = torchode.ODETerm(lambda t, y: -0.5 * y + torch.sin(t)[:, None])
solver = torchode.AutoDiffAdjoint(torchode.Dopri5(term=term),
                                  torchode.IntegralController(atol=1e-6, rtol=1e-3, term=term))
solution = solver.solve(torchode.InitialValueProblem(
    y0=torch.tensor([[1.0, 2.0], [0.5, -1.0]]), t_eval=torch.linspace(0, 2, 5).repeat(2, 1)))
report("torchode", solution.ys[:, -1].tolist(), solution.stats["n_steps"].tolist())

x = torch.linspace(-2, 2, 40).reshape(20, 2)
data = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(x, (x.sum(1) > 0).long()),
                                   batch_size=10)
classifier = deterministic_(torch.nn.Sequential(torch.nn.Linear(2, 8), torch.nn.Tanh(),
                                                torch.nn.Linear(8, 2)))
last = Laplace(classifier, "classification", subset_of_weights="last_layer",
               hessian_structure="kron")
last.fit(data)
last.optimize_prior_precision(method="marglik", n_steps=5)
report("laplace kron", last.prior_precision.sum().item(),
       last(x[:2], pred_type="glm", link_approx="probit").tolist())
diag = Laplace(classifier, "classification", subset_of_weights="all", hessian_structure="diag")
diag.fit(data)
report("laplace diag", diag.log_marginal_likelihood().item())
