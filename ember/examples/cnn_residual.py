"""A small CNN with a residual block, trained on the embedded 8x8 Digits (offline).

    python -m ember.examples.cnn_residual [--epochs N] [--channels C]
"""
import ember as torch
from ember import nn

from ._common import command_line, fit_digits


class ResidualBlock(nn.Module):
    """conv-bn-relu-conv-bn plus the identity, then relu (ResNet's basic block)."""

    def __init__(self, channels):
        super().__init__()
        self.body = nn.Sequential(
            nn.Conv2d(channels, channels, 3, padding=1, bias=False), nn.BatchNorm2d(channels),
            nn.ReLU(),
            nn.Conv2d(channels, channels, 3, padding=1, bias=False), nn.BatchNorm2d(channels))
        self.relu = nn.ReLU()

    def forward(self, x):
        return self.relu(self.body(x) + x)


def residual_cnn(channels=16, classes=10):
    return nn.Sequential(
        nn.Conv2d(1, channels, 3, padding=1, bias=False), nn.BatchNorm2d(channels), nn.ReLU(),
        ResidualBlock(channels),
        nn.MaxPool2d(2),                      # 8x8 -> 4x4
        ResidualBlock(channels),
        nn.AdaptiveAvgPool2d(1), nn.Flatten(),
        nn.Linear(channels, classes))


def main(argv=None):
    args = command_line("cnn_residual", argv, {"epochs": 4, "channels": 16, "lr": 3e-3})
    model = residual_cnn(args.channels)
    optimizer = torch.optim.Adam(model.parameters(), lr=args.lr)
    return fit_digits(model, optimizer, args.epochs)


if __name__ == "__main__":
    main()
