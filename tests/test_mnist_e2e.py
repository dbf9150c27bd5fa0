"""End to end on the real MNIST: the seeds' MLP (784-512-512-10) trained for one epoch with
plain ember.nn / ember.optim code reaches at least 95% test accuracy.  Skips when the data in
``../shared/data/MNIST/raw`` is absent."""
import gzip
import os

import numpy as np
import pytest

import ember
from ember import nn
from tests import isolated

RAW = os.path.join(os.path.dirname(__file__), "..", "..", "shared", "data", "MNIST", "raw")


def read_idx(name):
    """Minimal IDX reader (the real loader is ember.vision.datasets.MNIST).  It reads into the
    array a MiB at a time: ``f.read()`` of the 47 MB training images held them twice while
    joining its chunks (gzip's ``readinto`` reads a whole request into a temporary first)."""
    with gzip.open(os.path.join(RAW, name + ".gz"), "rb") as f:
        ndim = f.read(4)[3]
        shape = tuple(int.from_bytes(f.read(4), "big") for _ in range(ndim))
        out = np.empty(shape, np.uint8)
        flat, pos = memoryview(out.reshape(-1)), 0
        while pos < out.size:
            got = f.readinto(flat[pos:pos + (1 << 20)])
            if not got:
                raise EOFError(f"{name}: {out.size - pos} bytes missing")
            pos += got
    return out


def _load(prefix):
    return (_Normalized(read_idx(f"{prefix}-images-idx3-ubyte").reshape(-1, 1, 28, 28)),
            read_idx(f"{prefix}-labels-idx1-ubyte").astype(np.int64))


class _Normalized:
    """The images as uint8 (47 MB), each batch normalised when taken: the same float32
    operations as on the whole array, which took 188 MB (and 750 MB while computed)."""

    def __init__(self, images):
        self.images = images

    def __len__(self):
        return len(self.images)

    def __getitem__(self, index):
        return (self.images[index].astype(np.float32) / 255.0 - 0.1307) / 0.3081


def _one_epoch_accuracy():
    """The MLP's test accuracy after one epoch.  It runs in its own process
    (``tests/isolated.py``): this one-test file is among the last a worker runs, when the worker
    is largest, and the images (47 MB) with the training's heap took it 50 MB further."""
    (xtr, ytr), (xte, yte) = _load("train"), _load("t10k")
    ember.manual_seed(0)
    model = nn.Sequential(nn.Flatten(), nn.Linear(784, 512), nn.ReLU(), nn.Linear(512, 512),
                          nn.ReLU(), nn.Linear(512, 10))
    opt = ember.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
    loss_fn = nn.CrossEntropyLoss()
    order = np.random.default_rng(0).permutation(len(xtr))
    model.train()
    for start in range(0, len(xtr), 64):
        idx = order[start:start + 64]
        x, y = ember.from_numpy(xtr[idx]), ember.from_numpy(ytr[idx])
        opt.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        opt.step()
    model.eval()
    correct = 0
    with ember.no_grad():
        for start in range(0, len(xte), 1000):
            logits = model(ember.from_numpy(xte[start:start + 1000]))
            correct += int((logits.argmax(1) == ember.from_numpy(yte[start:start + 1000])).sum())
    return correct / len(xte)


def test_mlp_one_epoch_reaches_95_percent():
    if not os.path.exists(os.path.join(RAW, "train-images-idx3-ubyte.gz")):
        pytest.skip("real MNIST not present in ../shared/data")
    accuracy = isolated.run(_one_epoch_accuracy)
    assert accuracy >= 0.95, accuracy


@pytest.mark.slow
def test_small_cnn_reaches_97_percent_through_vision_and_dataloader():
    """The whole data path: vision.datasets.MNIST (real files) + transforms + DataLoader."""
    from ember.utils.data import DataLoader
    from ember.vision import datasets, transforms
    root = os.path.join(os.path.dirname(__file__), "..", "..", "shared", "data")
    if not os.path.exists(os.path.join(root, "MNIST", "raw", "train-images-idx3-ubyte.gz")):
        pytest.skip("real MNIST not present in ../shared/data")
    pytest.importorskip("PIL")
    tf = transforms.Compose([transforms.ToTensor(), transforms.Normalize((0.1307,), (0.3081,))])
    train = datasets.MNIST(root, train=True, transform=tf)
    test = datasets.MNIST(root, train=False, transform=tf)
    ember.manual_seed(0)
    model = nn.Sequential(nn.Conv2d(1, 16, 3), nn.ReLU(), nn.MaxPool2d(2),
                          nn.Conv2d(16, 32, 3), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
                          nn.Linear(32 * 5 * 5, 64), nn.ReLU(), nn.Linear(64, 10))
    opt = ember.optim.Adam(model.parameters(), lr=2e-3)
    loss_fn = nn.CrossEntropyLoss()
    model.train()
    for x, y in DataLoader(train, batch_size=64, shuffle=True):
        opt.zero_grad()
        loss_fn(model(x), y).backward()
        opt.step()
    model.eval()
    correct = 0
    with ember.no_grad():
        for x, y in DataLoader(test, batch_size=1000):
            correct += int((model(x).argmax(1) == y).sum())
    assert correct / len(test) >= 0.97, correct / len(test)
