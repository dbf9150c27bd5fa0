"""torchinfo 1.8: summary() of a small CNN and of resnet18 (the whole text is compared)."""
import torch
import torchvision
from torchinfo import summary

from _common import report


class CNN(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.features = torch.nn.Sequential(
            torch.nn.Conv2d(1, 8, 3, padding=1), torch.nn.BatchNorm2d(8), torch.nn.ReLU(),
            torch.nn.MaxPool2d(2), torch.nn.Conv2d(8, 16, 3), torch.nn.ReLU())
        self.head = torch.nn.Linear(16 * 5 * 5, 10)

    def forward(self, x):
        return self.head(torch.flatten(self.features(x), 1))


for name, model, size in [("cnn", CNN(), (2, 1, 14, 14)),
                          ("resnet18", torchvision.models.resnet18(), (1, 3, 64, 64))]:
    text = str(summary(model, input_size=size, verbose=0,
                       col_names=("input_size", "output_size", "num_params", "kernel_size",
                                  "mult_adds", "trainable")))
    for line in text.splitlines():
        report(f"{name} |", line)
