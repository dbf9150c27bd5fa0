"""pytorch-grad-cam 1.5 (GradCAM, GradCAM++, EigenCAM, LayerCAM on a torchvision resnet18, with
per-image class targets) and lpips 0.1 (the LPIPS distance on an AlexNet trunk, with the linear
calibration weights the package ships in PyTorch's legacy checkpoint format)."""
import lpips
import torch
from pytorch_grad_cam import EigenCAM, GradCAM, GradCAMPlusPlus, LayerCAM
from pytorch_grad_cam.utils.model_targets import ClassifierOutputTarget
from torchvision.models import resnet18

from _common import deterministic_, inputs, report

model = deterministic_(resnet18(num_classes=5)).eval()
x = inputs(2, 3, 64, 64)
for method in (GradCAM, GradCAMPlusPlus, EigenCAM, LayerCAM):
    with method(model=model, target_layers=[model.layer4[-1]]) as cam:
        heat = cam(input_tensor=x, targets=[ClassifierOutputTarget(1), ClassifierOutputTarget(3)])
    report(method.__name__, list(heat.shape), float(heat.sum()), float(heat[0, 10, 20]))

distance = lpips.LPIPS(net="alex", pretrained=True, pnet_rand=True, verbose=False)
deterministic_(distance.net, 0.5)
a = inputs(2, 3, 64, 64) * 2 - 1
b = inputs(2, 3, 64, 64, phase=0.3) * 2 - 1
b.requires_grad_(True)
d = distance(a, b)
d.sum().backward()
report("lpips", d.flatten().tolist(), b.grad.abs().sum().item(),
       distance.lin0.model[1].weight.sum().item())
