"""PyTorch's "Quickstart" tutorial, Ember edition: Ember's main job.

    python -m ember.examples.quickstart [--data DIR] [--epochs N] [--out DIR] [--download]

Trains the tutorial's MLP (Flatten -> Linear -> ReLU -> Linear -> ReLU -> Linear) with
CrossEntropyLoss and SGD.  The data is FashionMNIST when ``DIR/FashionMNIST/raw`` holds it
(or, with ``--download``, when it can be downloaded); otherwise the 8x8 ``Digits`` set that
ships inside Ember, so the program always runs offline.  It writes ``model.pth`` (a state dict
that real PyTorch loads) and, with matplotlib installed (extra ``examples``), ``curves.png``:
the titled loss and accuracy curves and a grid of sample test predictions.  With tqdm
installed (also in ``examples``) each epoch shows a progress bar with the live loss.
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


def sample_predictions(model, dataset, count=16, pool=256):
    """``count`` test images with their true and predicted labels: in order from the first
    ``pool`` test images, with up to a quarter of them taken from the mistakes."""
    pool = min(pool, len(dataset))
    images = torch.stack([dataset[i][0] for i in range(pool)])
    labels = [int(dataset[i][1]) for i in range(pool)]
    model.eval()
    with torch.no_grad():
        predicted = model(images).argmax(1).tolist()
    right = [i for i in range(pool) if labels[i] == predicted[i]]
    wrong = [i for i in range(pool) if labels[i] != predicted[i]]
    wrong = wrong[:max(count // 4, count - len(right))]
    chosen = sorted(wrong + right[:count - len(wrong)])
    return (images[chosen, 0].numpy(), [labels[i] for i in chosen],
            [predicted[i] for i in chosen])


def save_plot(history, path, title="Quickstart", samples=None, classes=None):
    """A titled PNG: loss and accuracy curves and, given ``samples`` (images, labels,
    predictions), a grid of test images labelled "true / predicted", wrong ones in red.
    Skipped with a message without matplotlib."""
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
        from matplotlib.ticker import MaxNLocator
    except ImportError:
        print("matplotlib is not installed (pip install 'ember[examples]'): no plot written.")
        return None
    rows = 3 if samples is not None else 1
    fig = plt.figure(figsize=(10, 3.6 if rows == 1 else 6.6))
    grid = fig.add_gridspec(rows, 8, height_ratios=(2.4, 1, 1)[:rows])
    fig.suptitle(title, fontsize=13)
    epochs = range(1, len(history["accuracy"]) + 1)
    left, right = fig.add_subplot(grid[0, :4]), fig.add_subplot(grid[0, 4:])
    left.plot(epochs, history["train_loss"], marker="o", label="train")
    left.plot(epochs, history["test_loss"], marker="o", label="test")
    left.set(xlabel="epoch", ylabel="cross-entropy loss", title="Loss")
    left.legend()
    right.plot(epochs, [100 * a for a in history["accuracy"]], marker="o", color="tab:green")
    right.set(xlabel="epoch", ylabel="accuracy (%)", title="Test accuracy")
    for axes in (left, right):
        axes.xaxis.set_major_locator(MaxNLocator(integer=True))
        axes.grid(alpha=0.3)
    if samples is not None:
        images, labels, predicted = samples
        name = (lambda i: classes[i]) if classes else str
        for k, (image, true, pred) in enumerate(zip(images[:16], labels, predicted)):
            axes = fig.add_subplot(grid[1 + k // 8, k % 8])
            axes.imshow(image, cmap="gray")
            axes.set_xticks([]), axes.set_yticks([])
            wrong = true != pred
            axes.set_title(f"{name(true)} / {name(pred)}" + (" ✗" if wrong else ""),
                           fontsize=8, color="red" if wrong else "black")
            if wrong:
                for spine in axes.spines.values():
                    spine.set(color="red", linewidth=2)
        fig.text(0.5, 0.02, "sample test predictions: true / predicted (wrong ones in red)",
                 ha="center", fontsize=9)
    fig.tight_layout(rect=(0, 0.03, 1, 0.97))
    fig.savefig(path, dpi=100)
    plt.close(fig)
    print(f"Saved the training curves and sample predictions to {path}")
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
        classes = fashion[1].classes
    else:
        print(f"FashionMNIST not found under {args.data!r}: using the embedded Digits set.")
        name, in_features, epochs, batch = "Digits", 8 * 8, 12, 32
        train_loader, test_loader = digits_loaders(args.batch_size or batch, 0.305, 0.375)
        classes = None
    model = NeuralNetwork(in_features)
    print(model)
    optimizer = torch.optim.SGD(model.parameters(), lr=args.lr, momentum=args.momentum)
    history = fit(model, train_loader, test_loader, optimizer, args.epochs or epochs)

    os.makedirs(args.out, exist_ok=True)
    model_path = os.path.join(args.out, "model.pth")
    torch.save(model.state_dict(), model_path)
    print(f"Saved PyTorch Model State to {model_path}")
    accuracy = 100 * history["accuracy"][-1]
    plot_path = save_plot(history, os.path.join(args.out, "curves.png"),
                          title=f"Ember quickstart: MLP on {name} ({accuracy:.1f}% test accuracy)",
                          samples=sample_predictions(model, test_loader.dataset),
                          classes=classes)
    seconds = time.perf_counter() - start
    print(f"Done! {name}: accuracy {accuracy:.1f}% in {seconds:.1f} s")
    return {"dataset": name, "history": history, "accuracy": history["accuracy"][-1],
            "model_path": model_path, "plot_path": plot_path, "seconds": seconds}


if __name__ == "__main__":
    main()
