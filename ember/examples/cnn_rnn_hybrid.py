"""CNN features read row by row by a GRU: a convolutional front end turns each 8x8 Digits
image into 8 rows of features, a GRU runs over the rows and its last hidden state is
classified.

    python -m ember.examples.cnn_rnn_hybrid [--epochs N] [--hidden H]
"""
import ember as torch
from ember import nn

from ._common import command_line, fit_digits


class ConvGRU(nn.Module):
    def __init__(self, channels=8, hidden=64, classes=10, width=8):
        super().__init__()
        self.features = nn.Sequential(nn.Conv2d(1, channels, 3, padding=1), nn.ReLU())
        self.rnn = nn.GRU(channels * width, hidden, batch_first=True)
        self.head = nn.Linear(hidden, classes)

    def forward(self, x):
        f = self.features(x)                        # (N, C, H, W)
        rows = f.permute(0, 2, 1, 3).flatten(2)     # (N, H, C*W): one time step per row
        _, h = self.rnn(rows)                       # h: (1, N, hidden)
        return self.head(h[-1])


def main(argv=None):
    args = command_line("cnn_rnn_hybrid", argv, {"epochs": 4, "hidden": 64, "lr": 5e-3})
    model = ConvGRU(hidden=args.hidden)
    optimizer = torch.optim.RMSprop(model.parameters(), lr=args.lr)
    return fit_digits(model, optimizer, args.epochs)


if __name__ == "__main__":
    main()
