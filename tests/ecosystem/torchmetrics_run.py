"""torchmetrics 1.9: Accuracy, F1Score, AUROC and MeanSquaredError over several updates."""
import torch
import torchmetrics

from _common import inputs, report

metrics = {
    "acc": torchmetrics.Accuracy(task="multiclass", num_classes=4),
    "f1": torchmetrics.F1Score(task="multiclass", num_classes=4, average="macro"),
    "auroc": torchmetrics.AUROC(task="multiclass", num_classes=4),
    "bin_auroc": torchmetrics.AUROC(task="binary"),
    "mse": torchmetrics.MeanSquaredError(),
}
for step in range(4):
    logits = inputs(16, 4, phase=step) * 3 + inputs(16, 4, phase=10 + step)
    target = (torch.arange(16) * (step + 3)) % 4
    probs = logits.softmax(-1)
    metrics["acc"].update(probs, target)
    metrics["f1"].update(probs, target)
    metrics["auroc"].update(probs, target)
    metrics["bin_auroc"].update(probs[:, 1], (target == 1).long())
    metrics["mse"].update(logits[:, 0], logits[:, 1])
    report(f"step {step} batch acc", round(float(metrics["acc"](probs, target)), 6))
for name, metric in metrics.items():
    report(name, round(float(metric.compute()), 6))
