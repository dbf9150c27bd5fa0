"""Lightly 1.6 (self-supervised learning): its contrastive and non-contrastive losses with
gradients (NT-Xent with and without a memory bank, Barlow Twins, VICReg, DCL, negative cosine
similarity, SwaV's Sinkhorn codes, DINO's centred teacher, MMCR's nuclear norm, W-MSE's
Cholesky whitening, KoLeo), SimCLR and BYOL (momentum encoder, cosine schedule) trained on two
views, MoCo's memory bank, the SimCLR augmentations on a PIL image (seeded), and a masked
autoencoder on a torchvision VisionTransformer (random token masks)."""
import copy

import numpy as np
import torch
from PIL import Image
from torch import nn
from torchvision.models.vision_transformer import VisionTransformer

from lightly import loss as L
from lightly.models import utils
from lightly.models.modules import (BYOLPredictionHead, BYOLProjectionHead, MoCoProjectionHead,
                                    SimCLRProjectionHead, SwaVPrototypes)
from lightly.models.modules.masked_autoencoder import MAEDecoder
from lightly.models.modules.masked_vision_transformer_torchvision import (
    MaskedVisionTransformerTorchvision)
from lightly.models.modules.memory_bank import MemoryBankModule
from lightly.transforms import SimCLRTransform
from lightly.utils.scheduler import cosine_schedule

from _common import deterministic_, inputs, report

torch.manual_seed(0)
# embeddings of full rank (sinusoids of a linear phase would be of rank 2)
z0, z1 = (torch.sin(torch.arange(128, dtype=torch.float64) ** p).reshape(8, 16).float()
          for p in (1.3, 1.2))
losses = {"ntxent": L.NTXentLoss(temperature=0.2),
          "ntxent_bank": L.NTXentLoss(memory_bank_size=(32, 16)), "barlow": L.BarlowTwinsLoss(), "vicreg": L.VICRegLoss(), "dcl": L.DCLLoss(),
          "dclw": L.DCLWLoss(), "negcos": L.NegativeCosineSimilarity(), "mmcr": L.MMCRLoss(),
          "wmse": L.WMSELoss(embedding_dim=4, w_size=8), "koleo": L.KoLeoLoss(),
          "tico": L.TiCoLoss()}
for name, criterion in losses.items():
    a, b = z0.clone().requires_grad_(), z1.clone().requires_grad_()
    if name == "mmcr":      # online and momentum outputs of (batch, views, features)
        value = criterion(a.reshape(4, 2, 16), b.reshape(4, 2, 16))
    elif name == "wmse":    # both views stacked, 4 features whitened in sub-batches of 8
        value = criterion(torch.cat([a[:, :4], b[:, :4]]))
    elif name == "koleo":
        value = criterion(a)
    else:
        value = criterion(a, b)
    value.backward()
    report("loss", name, value.item(), a.grad.abs().sum().item(),
           0.0 if b.grad is None else b.grad.abs().sum().item())

prototypes = deterministic_(SwaVPrototypes(16, n_prototypes=6))
prototypes.normalize()
swav = L.SwaVLoss(sinkhorn_iterations=3)
high = [prototypes(nn.functional.normalize(z, dim=1)) for z in (z0, z1)]
low = [prototypes(nn.functional.normalize(z0.flip(0), dim=1))]
value = swav(high, low)
value.backward()
report("loss", "swav", value.item(), prototypes.heads[0].weight.grad.abs().sum().item())
dino = L.DINOLoss(output_dim=16, warmup_teacher_temp_epochs=2)
for epoch in range(3):
    value = dino([z0 * (epoch + 1)], [z1, z0.flip(0)], epoch=epoch)
report("loss", "dino", value.item(), dino.center.sum().item())


def backbone():
    # (no bias before the batch norm: its gradient is float32 noise, which Adam's first step
    # would turn into +-lr)
    return deterministic_(nn.Sequential(nn.Conv2d(3, 8, 3, padding=1, bias=False),
                                        nn.BatchNorm2d(8),
                                        nn.ReLU(), nn.AdaptiveAvgPool2d(1), nn.Flatten()))


view0, view1 = inputs(6, 3, 16, 16), inputs(6, 3, 16, 16, phase=0.5).flip(-1)
simclr = nn.Sequential(backbone(), deterministic_(SimCLRProjectionHead(8, 16, 8)))
criterion, opt = L.NTXentLoss(), torch.optim.SGD(simclr.parameters(), lr=0.1, momentum=0.9)
for step in range(3):
    value = criterion(simclr(view0), simclr(view1))
    opt.zero_grad()
    value.backward()
    opt.step()
    report("simclr", step, value.item())

online = nn.Sequential(backbone(), deterministic_(BYOLProjectionHead(8, 16, 8)))
predictor = deterministic_(BYOLPredictionHead(8, 16, 8))
target = copy.deepcopy(online)
utils.deactivate_requires_grad(target)
criterion = L.NegativeCosineSimilarity()
opt = torch.optim.Adam([*online.parameters(), *predictor.parameters()], lr=1e-3)
for step in range(3):
    utils.update_momentum(online, target, m=cosine_schedule(step, 3, 0.99, 1.0))
    value = 0.5 * (criterion(predictor(online(view0)), target(view1).detach())
                   + criterion(predictor(online(view1)), target(view0).detach()))
    opt.zero_grad()
    value.backward()
    opt.step()
    report("byol", step, value.item(), sum(p.sum().item() for p in target.parameters()))

bank = MemoryBankModule(size=(12, 8))
head = deterministic_(MoCoProjectionHead(8, 16, 8))
key_encoder = backbone()
for step in range(3):
    keys = head(key_encoder(view1 * (step + 1)))
    out, negatives = bank(keys, update=True)
report("moco", list(negatives.shape), negatives.abs().sum().item(), out.sum().item())

# augmentations: a deterministic RGB image through SimCLR's random transforms (seeded)
pixels = (np.sin(np.arange(40 * 40 * 3) * 0.05).reshape(40, 40, 3) * 127 + 128).astype(np.uint8)
views = SimCLRTransform(input_size=24, gaussian_blur=0.0)(Image.fromarray(pixels))
report("transform", [list(v.shape) for v in views], [round(v.sum().item(), 3) for v in views])

# masked autoencoder: 32x32 images, 8x8 patches, 75% of the tokens masked
vit = VisionTransformer(image_size=32, patch_size=8, num_layers=2, num_heads=2, hidden_dim=16,
                        mlp_dim=32)
encoder = MaskedVisionTransformerTorchvision(vit=deterministic_(vit, scale=0.5))
decoder = deterministic_(MAEDecoder(seq_length=vit.seq_length, num_layers=1, num_heads=2,
                                    embed_input_dim=16, hidden_dim=16, mlp_dim=32,
                                    out_dim=8 * 8 * 3), scale=0.5)
mask_token = nn.Parameter(torch.zeros(1, 1, 16))
opt = torch.optim.AdamW([*encoder.parameters(), *decoder.parameters(), mask_token], lr=1e-3)
images = inputs(4, 3, 32, 32)
for step in range(3):
    idx_keep, idx_mask = utils.random_token_mask(size=(4, vit.seq_length), mask_ratio=0.75)
    encoded = encoder.encode(images, idx_keep=idx_keep)
    tokens = utils.repeat_token(mask_token, (4, vit.seq_length))
    tokens = utils.set_at_index(tokens, idx_keep, decoder.embed(encoded))
    predicted = decoder.predict(utils.get_at_index(decoder.decode(tokens), idx_mask))
    patches = utils.patchify(images, 8)
    target = utils.get_at_index(patches, idx_mask - 1)
    value = nn.functional.mse_loss(predicted, target)
    opt.zero_grad()
    value.backward()
    opt.step()
    report("mae", step, idx_keep.tolist(), value.item())
