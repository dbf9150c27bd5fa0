"""sbi (neural posterior estimation with a masked autoregressive flow: seeded simulations,
training, posterior samples and log-probabilities), blitz-bayesian-pytorch and torchbnn (Bayes
by backprop layers: seeded weight samples, ELBO and KL), pytorch-ood (max-softmax, energy and
Mahalanobis detectors) and torchgeometry (affine warps, rotation conversions)."""
import blitz.modules
import torch
import torchbnn
import torchgeometry
from blitz.utils import variational_estimator
from pytorch_ood.detector import EnergyBased, Mahalanobis, MaxSoftmax
from sbi.inference import NPE
from sbi.utils import BoxUniform

from _common import deterministic_, inputs, report

torch.manual_seed(0)
prior = BoxUniform(low=-torch.ones(2), high=torch.ones(2))
theta = prior.sample((200,))
x = theta + 0.1 * torch.randn(200, 2)
inference = NPE(prior=prior, density_estimator="maf", show_progress_bars=False)
estimator = inference.append_simulations(theta, x).train(
    max_num_epochs=3, training_batch_size=50, show_train_summary=False)
posterior = inference.build_posterior(estimator)
samples = posterior.sample((5,), x=torch.zeros(2), show_progress_bars=False)
report("sbi", samples.shape, samples.mean().item(),
       posterior.log_prob(torch.zeros(1, 2), x=torch.zeros(2)).item())


@variational_estimator
class Bayesian(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.linear = blitz.modules.BayesianLinear(4, 2)

    def forward(self, x):
        return self.linear(x)


torch.manual_seed(1)
net = Bayesian()
elbo = net.sample_elbo(inputs=inputs(6, 4), labels=inputs(6, 2, phase=0.3),
                       criterion=torch.nn.MSELoss(), sample_nbr=3)
elbo.backward()
report("blitz", elbo.item(), net.nn_kl_divergence().item(),
       sum(p.grad.abs().sum().item() for p in net.parameters() if p.grad is not None))

torch.manual_seed(2)
bnn = torch.nn.Sequential(torchbnn.BayesLinear(prior_mu=0, prior_sigma=0.1, in_features=4,
                                               out_features=3))
out = bnn(inputs(5, 4))
loss = out.pow(2).mean() + 0.1 * torchbnn.BKLLoss(reduction="mean", last_layer_only=False)(bnn)
loss.backward()
report("torchbnn", out.sum().item(), loss.item())

model = deterministic_(torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.ReLU(),
                                           torch.nn.Linear(8, 3)))
points = inputs(10, 4)
for detector in (MaxSoftmax(model), EnergyBased(model)):
    report("ood", type(detector).__name__, detector(points).tolist())
mahalanobis = Mahalanobis(model[:2])
mahalanobis.fit_features(model[:2](points).detach(), torch.arange(10).remainder(3))
report("ood Mahalanobis", mahalanobis(points).tolist())

image = inputs(1, 3, 8, 8)
warped = torchgeometry.warp_affine(image, torch.tensor([[[1.0, 0.1, 0.5], [0.0, 0.9, -0.3]]]),
                                   dsize=(8, 8))
report("torchgeometry", warped.sum().item(),
       torchgeometry.angle_axis_to_quaternion(inputs(2, 3)).tolist())
