"""segmentation-models-pytorch 0.6 (Unet / FPN / DeepLabV3+ on a resnet18 encoder: Dice + CE
loss, backward, eval metrics), open_clip 3.3 (a tiny CLIP: ClipLoss with gradients, the BPE
tokenizer), zuko 1.6 (a conditional neural spline flow), torchsde 0.2 (Euler on a seeded
Brownian interval) and vector-quantize-pytorch 1.32 (VectorQuantize, FSQ)."""
import torch

from _common import deterministic_, inputs, report

# ---- segmentation-models-pytorch ------------------------------------------------------------
import segmentation_models_pytorch as smp  # noqa: E402

target = torch.arange(2 * 64 * 64).reshape(2, 64, 64) % 3
x = inputs(2, 3, 64, 64)
for arch in ("Unet", "FPN", "DeepLabV3Plus"):
    net = deterministic_(getattr(smp, arch)(encoder_name="resnet18", encoder_weights=None,
                                            classes=3, in_channels=3))
    torch.manual_seed(0)        # the heads' dropout: the same masks under both
    out = net(x)
    loss = smp.losses.DiceLoss("multiclass")(out, target) + \
        torch.nn.functional.cross_entropy(out, target)
    loss.backward()
    net.eval()
    with torch.no_grad():
        z = net(x)
    stats = smp.metrics.get_stats(z.argmax(1), target, mode="multiclass", num_classes=3)
    report("smp", arch, tuple(out.shape), loss.item(),
           sum(p.grad.abs().sum().item() for p in net.parameters() if p.grad is not None),
           z.abs().mean().item(), smp.metrics.iou_score(*stats, reduction="micro").item())

# ---- open_clip ------------------------------------------------------------------------------
import open_clip  # noqa: E402
from open_clip.model import CLIPTextCfg, CLIPVisionCfg  # noqa: E402

clip = deterministic_(open_clip.CLIP(
    embed_dim=32, vision_cfg=CLIPVisionCfg(layers=2, width=64, patch_size=8, image_size=32,
                                           head_width=32),
    text_cfg=CLIPTextCfg(context_length=16, vocab_size=100, width=32, heads=2, layers=2)))
image_features, text_features, logit_scale = clip(inputs(2, 3, 32, 32),
                                                  torch.arange(32).reshape(2, 16) * 7 % 100)
loss = open_clip.ClipLoss()(image_features, text_features, logit_scale)
loss.backward()
report("open_clip", loss.item(), image_features[0, :4].tolist(),
       clip.visual.conv1.weight.grad.abs().sum().item())
report("open_clip tokens", open_clip.get_tokenizer("ViT-B-32")(["a photo of a cat"])[0, :8].tolist())

# ---- zuko -----------------------------------------------------------------------------------
import zuko  # noqa: E402

flow = deterministic_(zuko.flows.NSF(features=3, context=2, transforms=2,
                                     hidden_features=(16, 16)), scale=0.3)
c = inputs(8, 2, phase=1.0)
log_p = flow(c).log_prob(inputs(8, 3))
log_p.mean().backward()
report("zuko", log_p.tolist()[:4], sum(p.grad.abs().sum().item() for p in flow.parameters()),
       tuple(flow(c).rsample((5,)).shape))

# ---- torchsde -------------------------------------------------------------------------------
import torchsde  # noqa: E402


class SDE(torch.nn.Module):
    noise_type, sde_type = "diagonal", "ito"

    def __init__(self):
        super().__init__()
        self.mu = deterministic_(torch.nn.Linear(2, 2))

    def f(self, t, y):
        return self.mu(y)

    def g(self, t, y):
        return 0.2 * torch.ones_like(y)


bm = torchsde.BrownianInterval(t0=0.0, t1=1.0, size=(4, 2), entropy=123)
ys = torchsde.sdeint(SDE(), inputs(4, 2), torch.linspace(0, 1, 5), bm=bm, method="euler",
                     dt=0.05)
report("torchsde", tuple(ys.shape), ys[-1].flatten().tolist())

# ---- vector-quantize-pytorch ----------------------------------------------------------------
from vector_quantize_pytorch import FSQ, VectorQuantize  # noqa: E402

vq = VectorQuantize(dim=8, codebook_size=16, decay=0.8, commitment_weight=1.0)
with torch.no_grad():
    for _, b in vq.named_buffers():
        if b.is_floating_point() and b.numel() > 1:
            b.copy_(torch.sin(torch.arange(b.numel(), dtype=torch.float64) * 0.3)
                    .reshape(b.shape).float())
quantized, indices, commit = vq(inputs(2, 10, 8, phase=0.5))
report("vq", tuple(quantized.shape), indices[0].tolist(), commit.item())
codes, code_indices = FSQ(levels=[8, 5, 5])(inputs(2, 6, 3) * 2 - 1)
report("fsq", code_indices.flatten().tolist(), codes[0, 0].tolist())
