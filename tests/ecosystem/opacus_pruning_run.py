"""opacus 1.6 (a PrivacyEngine-wrapped model: per-sample gradients, clipping, a DP-SGD epoch),
pytorch-msssim 1.0 (SSIM, MS-SSIM), torch-pruning 1.6 (dependency-graph pruning of a CNN
by weight magnitude) and tensorboardX 2.6 (scalars, a histogram and an image of tensors,
read back with tensorboard's EventAccumulator)."""
import tempfile

import pytorch_msssim
import torch
import torch_pruning as tp
from opacus import PrivacyEngine
from tensorboard.backend.event_processing.event_accumulator import EventAccumulator
from tensorboardX import SummaryWriter
from torch import nn

from _common import deterministic_, inputs, report

model = deterministic_(nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 2)))
data = torch.utils.data.TensorDataset(inputs(16, 4), torch.arange(16) % 2)
model, opt, loader = PrivacyEngine().make_private(
    module=model, optimizer=torch.optim.SGD(model.parameters(), lr=0.1),
    data_loader=torch.utils.data.DataLoader(data, batch_size=8), noise_multiplier=0.0,
    max_grad_norm=1.0, poisson_sampling=False)
for x, y in loader:
    opt.zero_grad()
    loss = nn.functional.cross_entropy(model(x), y)
    loss.backward()
    sample_shapes = [tuple(p.grad_sample.shape) for p in model.parameters()]
    opt.step()
report("opacus", loss.item(), sample_shapes,
       [p.detach().flatten()[:3].tolist() for p in model.parameters()])

a, b = inputs(1, 3, 64, 64).clamp(0, 1), inputs(1, 3, 64, 64, phase=0.2).clamp(0, 1)
big_a, big_b = nn.functional.interpolate(a, 192), nn.functional.interpolate(b, 192)
report("pytorch_msssim", pytorch_msssim.ssim(a, b, data_range=1.0).item(),
       pytorch_msssim.ms_ssim(big_a, big_b, data_range=1.0).item())

net = deterministic_(nn.Sequential(nn.Conv2d(3, 8, 3), nn.BatchNorm2d(8), nn.ReLU(),
                                   nn.Conv2d(8, 4, 3), nn.Flatten(), nn.Linear(64, 2)))
example = inputs(1, 3, 8, 8)
tp.pruner.MetaPruner(net, example, importance=tp.importance.MagnitudeImportance(p=2),
                     pruning_ratio=0.5, ignored_layers=[net[5]]).step()
report("torch_pruning", [tuple(p.shape) for p in net.parameters()], net(example).tolist())

logdir = tempfile.mkdtemp()
with SummaryWriter(logdir) as writer:
    for step in range(3):
        writer.add_scalar("loss", torch.tensor(1.0 / (step + 1)), step)
    writer.add_histogram("weight", net[0].weight, 0)
    writer.add_image("image", inputs(3, 8, 8).clamp(0, 1), 0)
events = EventAccumulator(logdir)
events.Reload()
report("tensorboardX", [e.value for e in events.Scalars("loss")],
       events.Histograms("weight")[0].histogram_value.num, events.Tags()["images"])
