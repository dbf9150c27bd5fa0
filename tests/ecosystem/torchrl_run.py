"""TorchRL 0.10 on tensordict: MLP, a replay buffer over TensorDicts, generalized advantage
estimation (the functional form and the GAE module) and PPO's clipped loss with a
probabilistic actor and a value operator, trained for a few steps."""
import os

import torch
from tensordict import TensorDict
from tensordict.nn import TensorDictModule
from torch.distributions import Categorical
from torchrl.data import LazyTensorStorage, ReplayBuffer
from torchrl.modules import MLP, ProbabilisticActor, ValueOperator
from torchrl.objectives import ClipPPOLoss
from torchrl.objectives.value import GAE
from torchrl.objectives.value.functional import generalized_advantage_estimate

from _common import deterministic_, inputs, report

os.environ["RL_WARNINGS"] = "False"
T = 8
adv, ret = generalized_advantage_estimate(
    0.99, 0.95, inputs(T, 1), inputs(T, 1, phase=0.5), torch.ones(T, 1),
    torch.zeros(T, 1, dtype=torch.bool), torch.zeros(T, 1, dtype=torch.bool))
report("gae function", adv.flatten().tolist(), ret.flatten().tolist())

buffer = ReplayBuffer(storage=LazyTensorStorage(100), batch_size=4)
buffer.extend(TensorDict({"obs": inputs(10, 2), "r": torch.arange(10.)}, batch_size=[10]))
torch.manual_seed(0)
report("replay buffer", len(buffer), tuple(buffer.sample()["obs"].shape))

policy_net = deterministic_(MLP(in_features=4, out_features=2, num_cells=[16]))
value_net = deterministic_(MLP(in_features=4, out_features=1, num_cells=[16]))
actor = ProbabilisticActor(TensorDictModule(policy_net, in_keys=["observation"],
                                            out_keys=["logits"]),
                           in_keys=["logits"], distribution_class=Categorical,
                           return_log_prob=True)
value = ValueOperator(value_net, in_keys=["observation"])
obs = inputs(T, 4)
data = TensorDict({
    "observation": obs, "action": torch.arange(T) % 2, "action_log_prob": torch.full((T,), -0.69),
    "next": TensorDict({"observation": obs.roll(1, 0), "reward": torch.ones(T, 1) * 0.5,
                        "done": torch.zeros(T, 1, dtype=torch.bool),
                        "terminated": torch.zeros(T, 1, dtype=torch.bool)}, [T])}, [T])
gae = GAE(gamma=0.99, lmbda=0.95, value_network=value, shifted=True)
loss_fn = ClipPPOLoss(actor, value)
opt = torch.optim.Adam(loss_fn.parameters(), lr=1e-2)
for step in range(3):
    batch = data.clone()
    with torch.no_grad():
        gae(batch)
    out = loss_fn(batch)
    total = out["loss_objective"] + out["loss_critic"] + out["loss_entropy"]
    opt.zero_grad()
    total.backward()
    opt.step()
    report("ppo step", step, total.item(), out["entropy"].item(), batch["advantage"].mean().item())
report("ppo keys", sorted(out.keys()))
