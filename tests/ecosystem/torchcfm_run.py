"""torchcfm 1.0 (conditional flow matching): the independent, target, variance-preserving,
exact optimal-transport and Schrödinger-bridge matchers (POT's exact and Sinkhorn plans on the
cost matrix from torch.cdist, NumPy's seeded draws from the plan, torch's seeded noise and
times), an MLP vector field trained with Adam on the flow-matching loss, then integrated from
noise to data with torchdyn's NeuralODE, and a small UNetModel's loss with gradients."""
import numpy as np
import torch
from torchcfm import conditional_flow_matching as cfm
from torchcfm.models import MLP
from torchcfm.models.unet import UNetModel
from torchcfm.utils import torch_wrapper
from torchdyn.core import NeuralODE

from _common import deterministic_, inputs, report

torch.manual_seed(0)
np.random.seed(0)
x0 = inputs(16, 2)
x1 = torch.sin(torch.arange(32.0) * 1.7).reshape(16, 2) * 3 + 1   # a non-trivial OT plan
matchers = {"independent": cfm.ConditionalFlowMatcher(sigma=0.1),
            "target": cfm.TargetConditionalFlowMatcher(sigma=0.1),
            "vp": cfm.VariancePreservingConditionalFlowMatcher(sigma=0.1),
            "exact_ot": cfm.ExactOptimalTransportConditionalFlowMatcher(sigma=0.1),
            "bridge": cfm.SchrodingerBridgeConditionalFlowMatcher(sigma=0.5, ot_method="sinkhorn")}
for name, matcher in matchers.items():
    t, xt, ut = matcher.sample_location_and_conditional_flow(x0, x1)
    report("sample", name, t.sum().item(), xt.sum().item(), ut.abs().sum().item())
    t = torch.linspace(0, 1, 16)
    t, xt, ut, eps = matcher.sample_location_and_conditional_flow(x0, x1, t=t, return_noise=True)
    report("given_t", name, xt.abs().sum().item(), ut.abs().sum().item(), eps.sum().item())

plan = cfm.OTPlanSampler(method="exact").get_map(x0, x1)
report("plan", plan.argmax(axis=1).tolist(), float(plan.sum()))

# training: an MLP vector field on exact-OT flow matching, then sampling with a NeuralODE
model = deterministic_(MLP(dim=2, time_varying=True, w=32))
opt = torch.optim.Adam(model.parameters(), lr=1e-2)
matcher = matchers["exact_ot"]
for step in range(5):
    src, dst = inputs(32, 2, phase=step), inputs(32, 2, phase=step + 0.5) * 2 + 1
    t, xt, ut = matcher.sample_location_and_conditional_flow(src, dst)
    vt = model(torch.cat([xt, t[:, None]], dim=-1))
    loss = torch.mean((vt - ut) ** 2)
    opt.zero_grad()
    loss.backward()
    opt.step()
    report("train", step, loss.item())
node = NeuralODE(torch_wrapper(model), solver="dopri5", sensitivity="adjoint", atol=1e-4,
                 rtol=1e-4)
with torch.no_grad():
    traj = node.trajectory(inputs(8, 2, phase=3.0), t_span=torch.linspace(0, 1, 5))
report("trajectory", list(traj.shape), traj[-1].tolist())

# a small UNet vector field for images
unet = deterministic_(UNetModel(dim=(1, 8, 8), num_channels=32, num_res_blocks=1,
                                channel_mult=(1, 2), attention_resolutions="4", num_heads=2),
                      scale=0.5)
images0, images1 = inputs(2, 1, 8, 8), inputs(2, 1, 8, 8, phase=2.0)
t, xt, ut = matchers["independent"].sample_location_and_conditional_flow(images0, images1)
loss = ((unet(t, xt) - ut) ** 2).mean()
loss.backward()
report("unet", loss.item(), sum(p.grad.abs().sum().item() for p in unet.parameters()
                                if p.grad is not None))
