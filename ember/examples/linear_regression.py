"""Linear regression with ``nn.Linear``, ``MSELoss`` and SGD over mini-batches of synthetic
data y = X @ w + b + noise; prints the learned parameters next to the true ones.

    python -m ember.examples.linear_regression [--epochs N] [--features F]
"""
import ember as torch
from ember import nn
from ember.utils.data import DataLoader, TensorDataset

from ._common import command_line


def make_data(n, features, noise=0.1):
    true_w = torch.randn(features, 1)
    true_b = torch.randn(1)
    x = torch.randn(n, features)
    y = x @ true_w + true_b + noise * torch.randn(n, 1)
    return x, y, true_w, true_b


def _fmt(t):
    return "[" + ", ".join(f"{v:.4f}" for v in t.flatten().tolist()) + "]"


def main(argv=None):
    args = command_line("linear_regression", argv,
                        {"samples": 1000, "features": 3, "epochs": 20, "lr": 0.05})
    x, y, true_w, true_b = make_data(args.samples, args.features)
    loader = DataLoader(TensorDataset(x, y), batch_size=64, shuffle=True)
    model = nn.Linear(args.features, 1)
    loss_fn = nn.MSELoss()
    optimizer = torch.optim.SGD(model.parameters(), lr=args.lr)
    for epoch in range(1, args.epochs + 1):
        for xb, yb in loader:
            loss = loss_fn(model(xb), yb)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
        if epoch == 1 or epoch % 5 == 0 or epoch == args.epochs:
            with torch.no_grad():
                print(f"epoch {epoch:3d}: mse {loss_fn(model(x), y).item():.5f}")
    with torch.no_grad():
        mse = loss_fn(model(x), y).item()
        error = (model.weight.t() - true_w).abs().max().item()
    print(f"true    w {_fmt(true_w)}, b {true_b.item():.4f}")
    print(f"learned w {_fmt(model.weight)}, b {model.bias.item():.4f}")
    print(f"Final MSE: {mse:.5f} (max weight error {error:.4f})")
    return mse, error


if __name__ == "__main__":
    main()
