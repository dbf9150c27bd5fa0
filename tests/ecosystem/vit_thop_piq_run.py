"""vit-pytorch 1.26 (ViT, SimpleViT), thop 0.1 (MACs and parameters), piq 0.8 (SSIM, PSNR,
MS-SSIM), tensorly 0.10 on its PyTorch backend (CP decomposition), nflows 0.14 (a masked
autoregressive flow) and torchattacks 3.5 (FGSM, PGD)."""
import nflows.transforms as nt
import piq
import tensorly as tl
import torch
import torchattacks
from nflows.distributions.normal import StandardNormal
from nflows.flows.base import Flow
from tensorly.decomposition import parafac
from thop import clever_format, profile
from torch import nn
from vit_pytorch import SimpleViT, ViT

from _common import deterministic_, inputs, report

vit = deterministic_(ViT(image_size=32, patch_size=8, num_classes=5, dim=32, depth=2, heads=2,
                         mlp_dim=64))
out = vit(inputs(2, 3, 32, 32))
out.sum().backward()
report("vit", out[0].tolist(), vit.to_patch_embedding[2].weight.grad.abs().sum().item())
simple = deterministic_(SimpleViT(image_size=32, patch_size=8, num_classes=5, dim=32, depth=2,
                                  heads=2, mlp_dim=64))
report("simplevit", simple(inputs(2, 3, 32, 32))[0].tolist())

cnn = deterministic_(nn.Sequential(nn.Conv2d(3, 8, 3), nn.BatchNorm2d(8), nn.ReLU(),
                                   nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(8, 4)))
macs, params = profile(cnn, inputs=(inputs(1, 3, 16, 16),), verbose=False)
report("thop", macs, params, clever_format([macs, params], "%.3f"))

a, b = inputs(1, 3, 32, 32).clamp(0, 1), inputs(1, 3, 32, 32, phase=0.3).clamp(0, 1)
big_a, big_b = nn.functional.interpolate(a, 192), nn.functional.interpolate(b, 192)
report("piq", piq.ssim(a, b, data_range=1.0).item(), piq.psnr(a, b, data_range=1.0).item(),
       piq.multi_scale_ssim(big_a, big_b, data_range=1.0).item())

tl.set_backend("pytorch")
T = tl.tensor(inputs(4, 5, 6))
report("tensorly", tl.norm(T - tl.cp_to_tensor(parafac(T, rank=2, init="svd",
                                                       n_iter_max=20))).item())

flow = Flow(nt.CompositeTransform([nt.MaskedAffineAutoregressiveTransform(features=2,
                                                                          hidden_features=8),
                                   nt.ReversePermutation(features=2)]), StandardNormal([2]))
deterministic_(flow, 0.3)
log_p = flow.log_prob(inputs(5, 2))
log_p.sum().backward()
report("nflows", log_p.tolist())

clf = deterministic_(nn.Sequential(nn.Flatten(), nn.Linear(3 * 8 * 8, 4)))
img, labels = inputs(2, 3, 8, 8).clamp(0, 1), torch.tensor([0, 3])
fgsm = torchattacks.FGSM(clf, eps=8 / 255)(img, labels)
pgd = torchattacks.PGD(clf, eps=8 / 255, alpha=2 / 255, steps=3, random_start=False)(img, labels)
report("torchattacks", (fgsm - img).abs().max().item(), clf(fgsm).argmax(1).tolist(),
       (pgd - img).abs().mean().item())
