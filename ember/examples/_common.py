"""Helpers shared by the examples: the command line and seeding, progress bars, the Digits
loaders and the train / evaluate loops of PyTorch's tutorials."""
import argparse
import random

import numpy as np

import ember as torch
from ember.utils.data import DataLoader


def seed_everything(seed):
    """Seed Python's, NumPy's and Ember's generators so that a run is reproducible."""
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def command_line(name, argv, options, plot=None):
    """Parse the example's command line and seed the run.  ``options`` maps each flag to its
    default (its type is the default's); every example takes ``--seed`` (default 0), and
    ``--plot PNG`` when ``plot`` (the flag's help) is given."""
    parser = argparse.ArgumentParser(prog=f"python -m ember.examples.{name}")
    for flag, default in options.items():
        parser.add_argument(f"--{flag}", type=type(default), default=default)
    parser.add_argument("--seed", type=int, default=0)
    if plot is not None:
        parser.add_argument("--plot", help=plot)
    args = parser.parse_args(argv)
    seed_everything(args.seed)
    return args


def progress(iterable, total=None, desc=None):
    """A tqdm bar over ``iterable`` when tqdm is installed (extra ``progress``), else the
    iterable itself wrapped so that ``set_postfix`` is a harmless no-op."""
    try:
        from tqdm import tqdm
    except ImportError:
        return _Plain(iterable, desc)
    return tqdm(iterable, total=total, desc=desc, leave=False, dynamic_ncols=True)


class _Plain:
    """What examples use of a tqdm bar, without tqdm: iteration and a final summary line."""

    def __init__(self, iterable, desc):
        self._iterable, self._desc, self._postfix = iterable, desc, ""

    def __iter__(self):
        yield from self._iterable
        print(f"{self._desc or 'done'}: {self._postfix}")

    def set_postfix(self, refresh=True, **values):
        self._postfix = ", ".join(f"{k}={v}" for k, v in values.items())


def digits_loaders(batch_size, mean=0.0, std=1.0, test_batch_size=256):
    """Train and test DataLoaders over the embedded 8x8 ``Digits`` set (offline).

    The tensors are built straight from the dataset's arrays, scaled exactly as ``ToTensor``
    scales its images and then standardised with ``mean``/``std``, so no Pillow is needed."""
    from ember.utils.data import TensorDataset
    from ember.vision import datasets

    def tensors(train):
        ds = datasets.Digits(train=train)
        levels = np.asarray(ds.data).astype(np.int64) * 255 // 16  # the images' 0..255 values
        pixels = (levels.astype(np.float32) / 255 - mean) / std
        return TensorDataset(torch.from_numpy(pixels[:, None]),
                             torch.from_numpy(np.asarray(ds.targets).astype(np.int64)))
    return loaders(tensors(True), tensors(False), batch_size, test_batch_size)


def fit_digits(model, optimizer, epochs):
    """``fit`` on the Digits loaders (batches of 32); prints the final test accuracy."""
    history = fit(model, *digits_loaders(batch_size=32), optimizer, epochs)
    print(f"Final test accuracy: {100 * history['accuracy'][-1]:.1f}%")
    return history


def loaders(train, test, batch_size, test_batch_size=256):
    """Shuffled training batches (their order drawn from Ember's seeded global RNG, as in
    PyTorch) and sequential test batches."""
    return (DataLoader(train, batch_size=batch_size, shuffle=True),
            DataLoader(test, batch_size=test_batch_size))


def train_epoch(model, loader, loss_fn, optimizer, desc="train"):
    """One pass over ``loader`` with a progress bar; returns the mean training loss."""
    model.train()
    total, count = 0.0, 0
    bar = progress(loader, total=len(loader), desc=desc)
    for x, y in bar:
        loss = loss_fn(model(x), y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        total += loss.item() * len(y)
        count += len(y)
        bar.set_postfix(loss=f"{total / count:.4f}", refresh=False)
    return total / count


def evaluate(model, loader, loss_fn):
    """Mean loss and accuracy (a fraction) of a classifier over ``loader``."""
    model.eval()
    total, correct, count = 0.0, 0, 0
    with torch.no_grad():
        for x, y in loader:
            pred = model(x)
            total += loss_fn(pred, y).item() * len(y)
            correct += (pred.argmax(1) == y).sum().item()
            count += len(y)
    return total / count, correct / count


def fit(model, train_loader, test_loader, optimizer, epochs, loss_fn=None):
    """Train for ``epochs`` epochs, printing test metrics after each; returns the history
    as a dict of lists (``train_loss``, ``test_loss``, ``accuracy``)."""
    loss_fn = loss_fn or torch.nn.CrossEntropyLoss()
    history = {"train_loss": [], "test_loss": [], "accuracy": []}
    for epoch in range(1, epochs + 1):
        print(f"Epoch {epoch}\n-------------------------------")
        history["train_loss"].append(
            train_epoch(model, train_loader, loss_fn, optimizer, desc=f"epoch {epoch}"))
        test_loss, accuracy = evaluate(model, test_loader, loss_fn)
        history["test_loss"].append(test_loss)
        history["accuracy"].append(accuracy)
        print(f"Test Error: \n Accuracy: {100 * accuracy:>0.1f}%, Avg loss: {test_loss:>8f} \n")
    return history
