"""timm 1.0: resnet18, efficientnet_b0 and vit_tiny_patch16_224 (pretrained=False) with
deterministic weights: forward, backward, create_optimizer_v2 + a cosine scheduler, 3 steps.

efficientnet_b0 trains with SGD: its batch norms see 8 values per channel at this size, and
AdamW's first step (about lr * sign(grad)) turns float32 rounding of near-zero gradients into
different updates in any two implementations."""
import torch
import timm
import timm.optim
import timm.scheduler

from _common import deterministic_, inputs, report

for name, size, opt_name in [("resnet18", 64, "adamw"), ("efficientnet_b0", 64, "sgd"),
                             ("vit_tiny_patch16_224", 224, "adamw")]:
    model = deterministic_(timm.create_model(name, pretrained=False, num_classes=10))
    x, y = inputs(2, 3, size, size), torch.tensor([1, 7])
    opt = timm.optim.create_optimizer_v2(model, opt=opt_name, lr=1e-3, weight_decay=0.05)
    sched, _ = timm.scheduler.create_scheduler_v2(opt, sched="cosine", num_epochs=3,
                                                  warmup_epochs=1)
    model.train()
    for step in range(3):
        loss = torch.nn.functional.cross_entropy(model(x), y)
        opt.zero_grad()
        loss.backward()
        gnorm = sum(float(p.grad.double().pow(2).sum()) for p in model.parameters()
                    if p.grad is not None) ** 0.5
        opt.step()
        sched.step(step + 1)
        report(f"{name} step {step}: loss {loss.item():.6f} gnorm {gnorm:.6f} "
              f"lr {opt.param_groups[0]['lr']:.6g}")
    model.eval()
    with torch.no_grad():
        report(f"{name} eval logits: {model(x)[0, :4].tolist()}")
