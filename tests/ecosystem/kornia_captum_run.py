"""kornia 0.9 (color, filters, geometry, augmentation, losses, morphology) and captum 0.9
(integrated gradients, saliency, DeepLift, Grad-CAM, SmoothGrad)."""
import kornia
import torch
from captum.attr import DeepLift, IntegratedGradients, LayerGradCam, NoiseTunnel, Saliency

from _common import deterministic_, inputs, report

img = inputs(2, 3, 32, 32).abs()
report("kornia gray", kornia.color.rgb_to_grayscale(img).sum().item())
report("kornia hsv", kornia.color.rgb_to_hsv(img).sum().item())
report("kornia blur", kornia.filters.gaussian_blur2d(img, (5, 5), (1.5, 1.5)).sum().item())
report("kornia sobel", kornia.filters.sobel(img).sum().item())
report("kornia canny", kornia.filters.canny(img)[0].sum().item())
center, angle = torch.tensor([[16.0, 16.0], [16.0, 16.0]]), torch.tensor([30.0, 45.0])
rot = kornia.geometry.transform.get_rotation_matrix2d(center, angle, torch.ones(2, 2))
report("kornia warp", kornia.geometry.transform.warp_affine(img, rot, (32, 32)).sum().item())
torch.manual_seed(0)
aug = kornia.augmentation.AugmentationSequential(
    kornia.augmentation.RandomHorizontalFlip(p=1.0),
    kornia.augmentation.ColorJitter(0.1, 0.1, 0.1, 0.1, p=1.0),
    kornia.augmentation.RandomAffine(15.0, p=1.0))
report("kornia augment", list(aug(img).shape), aug(img).mean().item())
x = img.clone().requires_grad_()
loss = kornia.losses.ssim_loss(x, img.flip(-1), 5)
loss.backward()
report("kornia ssim", loss.item(), x.grad.abs().sum().item())
report("kornia psnr", kornia.metrics.psnr(img, img.flip(-1), 1.0).item())
report("kornia dilation", kornia.morphology.dilation(img, torch.ones(3, 3)).sum().item())

model = deterministic_(torch.nn.Sequential(torch.nn.Conv2d(1, 4, 3), torch.nn.ReLU(),
                                           torch.nn.Flatten(), torch.nn.Linear(4 * 6 * 6, 3)))
model.eval()
x = inputs(2, 1, 8, 8)
attr, delta = IntegratedGradients(model).attribute(x, target=1, n_steps=20,
                                                   return_convergence_delta=True)
report("captum integrated gradients", attr.sum().item(), delta.abs().max().item() < 1e-3)
report("captum saliency", Saliency(model).attribute(x, target=0).sum().item())
report("captum deeplift", DeepLift(model).attribute(x, target=2).sum().item())
report("captum gradcam", LayerGradCam(model, model[0]).attribute(x, target=1).sum().item())
torch.manual_seed(1)
smooth = NoiseTunnel(Saliency(model)).attribute(x, nt_type="smoothgrad", nt_samples=4, target=0)
report("captum smoothgrad", smooth.sum().item())
