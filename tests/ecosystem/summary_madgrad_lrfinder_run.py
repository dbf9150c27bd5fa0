"""torchsummary 1.5 (the layer table of a CNN), madgrad 1.3 (MADGRAD and MirrorMADGRAD
steps) and torch-lr-finder 0.2 (an exponential learning-rate range test over a DataLoader)."""
import contextlib
import io

import torch
from madgrad import MADGRAD, MirrorMADGRAD
from torch_lr_finder import LRFinder
from torchsummary import summary

from _common import deterministic_, inputs, report

net = deterministic_(torch.nn.Sequential(
    torch.nn.Conv2d(3, 4, 3, padding=1), torch.nn.BatchNorm2d(4), torch.nn.ReLU(),
    torch.nn.MaxPool2d(2), torch.nn.Flatten(), torch.nn.Linear(4 * 4 * 4, 5)))
text = io.StringIO()
with contextlib.redirect_stdout(text):
    summary(net, (3, 8, 8), device="cpu")
for line in text.getvalue().splitlines():
    if line.strip():
        report("torchsummary", line)

for name, kind in (("madgrad", MADGRAD), ("mirror madgrad", MirrorMADGRAD)):
    model = deterministic_(torch.nn.Linear(4, 2))
    opt = kind(model.parameters(), lr=1e-2, momentum=0.9, weight_decay=1e-3)
    for i in range(4):
        opt.zero_grad()
        model(inputs(3, 4, phase=i)).pow(2).mean().backward()
        opt.step()
    report(name, [round(v, 5) for v in model.weight.flatten().tolist()])

model = deterministic_(torch.nn.Linear(4, 1))
data = torch.utils.data.DataLoader(
    torch.utils.data.TensorDataset(inputs(20, 4), inputs(20, 1, phase=0.5)), batch_size=2)
finder = LRFinder(model, torch.optim.SGD(model.parameters(), lr=1e-4), torch.nn.MSELoss(),
                  device="cpu")
with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
    finder.range_test(data, end_lr=1, num_iter=8, step_mode="exp")
report("lr finder", [round(v, 6) for v in finder.history["lr"]],
       [round(v, 5) for v in finder.history["loss"]])
