"""ultralytics 8.4 (YOLOv8n built from its YAML, no weights): parameter count, the eval forward
on two images, the detection loss (box / classification / distribution focal terms) with
gradients, and the model after Conv + BatchNorm fusion.  (Prediction needs torchvision's
compiled NMS, which the reference run does not have.)"""
from types import SimpleNamespace

import torch
from ultralytics import YOLO
from ultralytics.utils.loss import v8DetectionLoss

from _common import deterministic_, inputs, report

net = YOLO("yolov8n.yaml").model
deterministic_(net, 0.5)
report("params", sum(p.numel() for p in net.parameters()))
x = inputs(2, 3, 64, 64).abs()
net.eval()
with torch.no_grad():
    y = net(x)
report("eval", list(y[0].shape), y[0].sum().item(), y[0][0, :4, :3].tolist())

net.train()
net.args = SimpleNamespace(box=7.5, cls=0.5, dfl=1.5)
loss, items = v8DetectionLoss(net)(net(x), {
    "batch_idx": torch.tensor([0.0, 1.0]), "cls": torch.tensor([[1.0], [3.0]]),
    "bboxes": torch.tensor([[0.5, 0.5, 0.3, 0.4], [0.3, 0.6, 0.2, 0.2]])})
loss.sum().backward()
report("loss", [items[k].item() for k in sorted(items)] if isinstance(items, dict)
       else items.tolist(), sum(p.grad.abs().sum().item() for p in net.parameters()
                                if p.grad is not None))

net.eval()
fused = net.fuse(verbose=False)
with torch.no_grad():
    report("fused", fused(x)[0].sum().item(), sum(p.numel() for p in fused.parameters()))
