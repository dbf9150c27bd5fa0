"""adabelief-pytorch (AdaBelief, rectified), pytorch-warmup (linear / untuned warmup with an LR
scheduler), nystrom-attention and linformer (efficient attention: forward and backward),
lambda-networks (LambdaLayer), dropblock (DropBlock2D with a LinearScheduler), coral-pytorch
(ordinal regression layer and loss), focal-loss-torch, kmeans-pytorch (seeded k-means) and
torch-pca (PCA with the full and randomized solvers)."""
import contextlib
import io

import numpy as np
import pytorch_warmup as warmup
import torch
from adabelief_pytorch import AdaBelief
from coral_pytorch.dataset import levels_from_labelbatch, proba_to_label
from coral_pytorch.layers import CoralLayer
from coral_pytorch.losses import coral_loss
from dropblock import DropBlock2D, LinearScheduler
from focal_loss.focal_loss import FocalLoss
from kmeans_pytorch import kmeans
from lambda_networks import LambdaLayer
from linformer import Linformer
from nystrom_attention import Nystromformer
from torch_pca import PCA

from _common import deterministic_, inputs, report


def train(model, optimizer, steps=3, scheduler=None, warm=None):
    losses = []
    x, y = inputs(6, 4), inputs(6, 2, phase=0.4)
    for _ in range(steps):
        optimizer.zero_grad()
        loss = torch.nn.functional.mse_loss(model(x), y)
        loss.backward()
        optimizer.step()
        if warm is not None:
            with warm.dampening():
                scheduler.step()
        losses.append(round(loss.item(), 6))
    return losses


with contextlib.redirect_stdout(io.StringIO()):     # AdaBelief prints its defaults table
    mlp = deterministic_(torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.Tanh(),
                                             torch.nn.Linear(8, 2)))
    belief = AdaBelief(mlp.parameters(), lr=1e-2, eps=1e-16, betas=(0.9, 0.999),
                       weight_decouple=True, rectify=True)
report("adabelief", train(mlp, belief, steps=4))

mlp = deterministic_(torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.ReLU(),
                                         torch.nn.Linear(8, 2)))
sgd = torch.optim.SGD(mlp.parameters(), lr=0.1)
schedule = torch.optim.lr_scheduler.CosineAnnealingLR(sgd, T_max=10)
for warm in (warmup.LinearWarmup(sgd, warmup_period=3),):
    report("warmup", train(mlp, sgd, steps=4, scheduler=schedule, warm=warm),
           sgd.param_groups[0]["lr"])
report("untuned warmup", warmup.UntunedLinearWarmup(
    torch.optim.Adam(mlp.parameters(), lr=1e-3, betas=(0.9, 0.999))).warmup_params)

nystrom = deterministic_(Nystromformer(dim=16, dim_head=8, heads=2, depth=1, num_landmarks=4,
                                       pinv_iterations=6))
x = inputs(2, 10, 16).requires_grad_()
out = nystrom(x)
out.pow(2).mean().backward()
report("nystrom", tuple(out.shape), out.sum().item(), x.grad.abs().sum().item())

linformer = deterministic_(Linformer(dim=16, seq_len=12, depth=1, heads=2, k=4))
x = inputs(2, 12, 16).requires_grad_()
out = linformer(x)
out.pow(2).mean().backward()
report("linformer", tuple(out.shape), out.sum().item(), x.grad.abs().sum().item())

lam = deterministic_(LambdaLayer(dim=8, dim_out=8, r=3, dim_k=4, heads=2, dim_u=1))
out = lam(inputs(1, 8, 5, 5))
report("lambda", tuple(out.shape), out.sum().item())

torch.manual_seed(0)
block = LinearScheduler(DropBlock2D(block_size=3, drop_prob=0.0), start_value=0.0,
                        stop_value=0.25, nr_steps=4)
block.train()
for _ in range(3):
    block.step()
out = block(torch.ones(2, 3, 8, 8))
report("dropblock", block.dropblock.drop_prob, tuple(out.shape), out.sum().item())

coral = deterministic_(CoralLayer(size_in=4, num_classes=5))
logits = coral(inputs(6, 4))
levels = levels_from_labelbatch(torch.tensor([0, 1, 2, 3, 4, 2]), num_classes=5)
report("coral", coral_loss(logits, levels).item(),
       proba_to_label(torch.sigmoid(logits)).tolist())

probs = torch.softmax(inputs(6, 3, phase=0.2) * 3, dim=-1)
report("focal", FocalLoss(gamma=2)(probs, torch.tensor([0, 1, 2, 1, 0, 2])).item(),
       FocalLoss(gamma=0.5, reduction="sum", ignore_index=1)(
           probs, torch.tensor([0, 1, 2, 1, 0, 2])).item())

np.random.seed(0)
points = torch.cat([inputs(10, 2) - 2, inputs(10, 2, phase=1.0) + 2])
with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
    labels, centers = kmeans(points, num_clusters=2, distance="euclidean",
                             device=torch.device("cpu"))
report("kmeans", sorted(np.bincount(labels.numpy()).tolist()),
       sorted(round(v, 4) for v in centers.sum(1).tolist()))

data = inputs(20, 5) + inputs(20, 5, phase=0.7) ** 2
for solver in ("full", "covariance_eigh"):
    pca = PCA(n_components=2, svd_solver=solver)
    projected = pca.fit_transform(data)
    report("pca", solver, tuple(projected.shape), pca.explained_variance_ratio_.tolist(),
           projected.abs().sum().item())
