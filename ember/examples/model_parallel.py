"""Model parallelism: the two halves of a network on two devices.

    EMBER_FAKE_CUDA=1 python -m ember.examples.model_parallel

The first half lives on ``cuda:0``, the second on ``cuda:1``; the activation crosses devices
with ``.to()``, which autograd differentiates, so backward sends the gradient back across.
Without GPUs, ``EMBER_FAKE_CUDA=1`` provides two NumPy-backed CUDA devices.
"""
import ember as torch
from ember import nn


class TwoDeviceMLP(nn.Module):
    def __init__(self, dev0, dev1):
        super().__init__()
        self.dev0, self.dev1 = torch.device(dev0), torch.device(dev1)
        self.front = nn.Sequential(nn.Linear(20, 64), nn.ReLU()).to(self.dev0)
        self.back = nn.Sequential(nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 4)).to(self.dev1)

    def forward(self, x):
        return self.back(self.front(x.to(self.dev0)).to(self.dev1))


def train(dev0, dev1, steps=20, seed=0):
    """Fit a fixed random regression; returns the loss after every step."""
    torch.manual_seed(seed)
    model = TwoDeviceMLP(dev0, dev1)
    x, y = torch.randn(64, 20), torch.randn(64, 4)
    opt = torch.optim.Adam(model.parameters(), lr=1e-2)
    losses = []
    for _ in range(steps):
        opt.zero_grad()
        loss = nn.functional.mse_loss(model(x), y.to(dev1))
        loss.backward()
        opt.step()
        losses.append(loss.item())
    return losses


def main():
    if not torch.cuda.is_available() or torch.cuda.device_count() < 2:
        raise SystemExit("needs two CUDA devices (set EMBER_FAKE_CUDA=1 to simulate them)")
    losses = train("cuda:0", "cuda:1")
    print(f"model-parallel loss: {losses[0]:.4f} -> {losses[-1]:.4f}")


if __name__ == "__main__":
    main()
