"""PyTorch's "Quickstart" tutorial, Ember edition: Ember's main job.

    python -m ember.examples.quickstart [--data DIR] [--epochs N] [--out DIR] [--download]

Trains the tutorial's MLP (Flatten -> Linear -> ReLU -> Linear -> ReLU -> Linear) with
CrossEntropyLoss and SGD.  The data is FashionMNIST when ``DIR/FashionMNIST/raw`` holds it
(or, with ``--download``, when it can be downloaded); otherwise the 8x8 ``Digits`` set that
ships inside Ember, so the program always runs offline.  It writes ``model.pth`` (a state dict
that real PyTorch loads) and, with matplotlib installed (extra ``plot``), ``curves.png``.
"""
import argparse
import os
import time

import ember as torch
from ember import nn

from ._common import digits_loaders, fit, loaders, seed_everything


class NeuralNetwork(nn.Module):
    """The tutorial's model; ``in_features`` is 784 for 28x28 images, 64 for 8x8 Digits."""

    def __init__(self, in_features=28 * 28, hidden=512, classes=10):
        super().__init__()
        self.flatten = nn.Flatten()
        self.linear_relu_stack = nn.Sequential(
            nn.Linear(in_features, hidden), nn.ReLU(),
            nn.Linear(hidden, hidden), nn.ReLU(),
            nn.Linear(hidden, classes))

    def forward(self, x):
        return self.linear_relu_stack(self.flatten(x))


def to_normalized_tensor(mean, std):
    """ToTensor, then standardise the pixels (the MLP trains faster on centred inputs)."""
    from ember.vision import transforms
    return transforms.Compose([transforms.ToTensor(), transforms.Normalize((mean,), (std,))])


def load_fashion_mnist(root, download):
    """(train, test) FashionMNIST sets, or None when they are absent and cannot be fetched."""
    from ember.vision import datasets
    transform = to_normalized_tensor(0.286, 0.353)
    try:
        return tuple(datasets.FashionMNIST(root, train=train, download=download,
                                           transform=transform)
                     for train in (True, False))
    except (RuntimeError, OSError) as exc:
        if download:
            print(f"FashionMNIST could not be downloaded ({exc}).")
        return None


def save_plot(history, path):
    """Loss and accuracy curves as a PNG; skipped with a message without matplotlib."""
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
        from matplotlib.ticker import MaxNLocator
    except ImportError:
        print("matplotlib is not installed (pip install 'ember[plot]'): no plot written.")
        return None
    epochs = range(1, len(history["accuracy"]) + 1)
    fig, (left, right) = plt.subplots(1, 2, figsize=(9, 3.5))
    left.plot(epochs, history["train_loss"], label="train")
    left.plot(epochs, history["test_loss"], label="test")
    left.set(xlabel="epoch", ylabel="loss")
    left.legend()
    right.plot(epochs, [100 * a for a in history["accuracy"]])
    right.set(xlabel="epoch", ylabel="test accuracy (%)")
    for axes in (left, right):
        axes.xaxis.set_major_locator(MaxNLocator(integer=True))
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
    print(f"Saved the training curves to {path}")
    return path


def parse_args(argv):
    parser = argparse.ArgumentParser(prog="python -m ember.examples.quickstart",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", default="data",
                        help="root holding FashionMNIST/raw (default: ./data)")
    parser.add_argument("--download", action="store_true",
                        help="download FashionMNIST into --data when it is absent")
    parser.add_argument("--epochs", type=int, default=None,
                        help="epochs (default: 5 on FashionMNIST, 12 on Digits)")
    parser.add_argument("--batch-size", type=int, default=None,
                        help="batch size (default: 64 on FashionMNIST, 32 on Digits)")
    parser.add_argument("--lr", type=float, default=0.02, help="SGD learning rate")
    parser.add_argument("--momentum", type=float, default=0.9, help="SGD momentum")
    parser.add_argument("--out", default=".", help="where model.pth and curves.png go")
    parser.add_argument("--seed", type=int, default=0)
    return parser.parse_args(argv)


def main(argv=None):
    """Run the tutorial; returns a dict with the data set's name, the history, the final
    accuracy, the paths written and the wall time."""
    args = parse_args(argv)
    seed_everything(args.seed)
    start = time.perf_counter()
    fashion = load_fashion_mnist(args.data, args.download)
    if fashion is not None:
        name, in_features, epochs, batch = "FashionMNIST", 28 * 28, 5, 64
        train_loader, test_loader = loaders(*fashion, args.batch_size or batch)
    else:
        print(f"FashionMNIST not found under {args.data!r}: using the embedded Digits set.")
        name, in_features, epochs, batch = "Digits", 8 * 8, 12, 32
        train_loader, test_loader = digits_loaders(args.batch_size or batch, 0.305, 0.375)
    model = NeuralNetwork(in_features)
    print(model)
    optimizer = torch.optim.SGD(model.parameters(), lr=args.lr, momentum=args.momentum)
    history = fit(model, train_loader, test_loader, optimizer, args.epochs or epochs)

    os.makedirs(args.out, exist_ok=True)
    model_path = os.path.join(args.out, "model.pth")
    torch.save(model.state_dict(), model_path)
    print(f"Saved PyTorch Model State to {model_path}")
    plot_path = save_plot(history, os.path.join(args.out, "curves.png"))
    seconds = time.perf_counter() - start
    print(f"Done! {name}: accuracy {100 * history['accuracy'][-1]:.1f}% in {seconds:.1f} s")
    return {"dataset": name, "history": history, "accuracy": history["accuracy"][-1],
            "model_path": model_path, "plot_path": plot_path, "seconds": seconds}


if __name__ == "__main__":
    main()
