"""Benchmark models, each built from ``lib.nn`` so the same code yields the Ember and the torch
model.  Random inputs come from NumPy so both libraries see identical data."""
import numpy as np


def mlp(lib):
    nn = lib.nn
    return nn.Sequential(nn.Flatten(), nn.Linear(784, 512), nn.ReLU(), nn.Linear(512, 512),
                         nn.ReLU(), nn.Linear(512, 10))


def lenet(lib):
    nn = lib.nn
    return nn.Sequential(nn.Conv2d(1, 32, 3), nn.ReLU(), nn.MaxPool2d(2),
                         nn.Conv2d(32, 64, 3), nn.ReLU(), nn.MaxPool2d(2),
                         nn.Flatten(), nn.Linear(1600, 128), nn.ReLU(), nn.Linear(128, 10))


def resnet18_cifar(lib, num_classes=10):
    """ResNet-18 for 32x32 inputs: 3x3 stride-1 stem, no max-pool, four stages of two blocks."""
    nn = lib.nn

    class BasicBlock(nn.Module):
        def __init__(self, cin, cout, stride):
            super().__init__()
            self.conv1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
            self.bn1 = nn.BatchNorm2d(cout)
            self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
            self.bn2 = nn.BatchNorm2d(cout)
            self.relu = nn.ReLU(inplace=True)
            self.shortcut = nn.Identity()
            if stride != 1 or cin != cout:
                self.shortcut = nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False),
                                              nn.BatchNorm2d(cout))

        def forward(self, x):
            out = self.relu(self.bn1(self.conv1(x)))
            return self.relu(self.bn2(self.conv2(out)) + self.shortcut(x))

    layers = [nn.Conv2d(3, 64, 3, 1, 1, bias=False), nn.BatchNorm2d(64), nn.ReLU(inplace=True)]
    cin = 64
    for cout, stride in ((64, 1), (128, 2), (256, 2), (512, 2)):
        layers += [BasicBlock(cin, cout, stride), BasicBlock(cout, cout, 1)]
        cin = cout
    layers += [nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(512, num_classes)]
    return nn.Sequential(*layers)


def transformer_classifier(lib, d_model=256, heads=4, layers=2, classes=10):
    """Two encoder layers, mean-pooled over the sequence, then a linear head."""
    nn = lib.nn
    layer = nn.TransformerEncoderLayer(d_model, heads, dim_feedforward=4 * d_model,
                                       batch_first=True)
    return pooled_model(lib, nn.TransformerEncoder(layer, layers), nn.Linear(d_model, classes),
                          lambda out: out.mean(1))


def lstm_classifier(lib, features=64, hidden=256, layers=2, classes=10):
    """A stacked LSTM whose last time step feeds a linear head."""
    nn = lib.nn
    return pooled_model(lib, nn.LSTM(features, hidden, layers, batch_first=True),
                          nn.Linear(hidden, classes), lambda out: out[0][:, -1])


def pooled_model(lib, body, head, pool):
    """``head(pool(body(x)))`` as a module of ``lib`` (so ``.parameters()`` sees both parts)."""
    class Model(lib.nn.Module):
        def __init__(self):
            super().__init__()
            self.body, self.head = body, head

        def forward(self, x):
            return self.head(pool(self.body(x)))

    return Model()


def random_batch(lib, shape, classes=10, seed=0):
    """A float32 input of ``shape`` and integer class targets, identical across libraries."""
    rng = np.random.default_rng(seed)
    x = lib.tensor(rng.standard_normal(shape, dtype=np.float32))
    return x, lib.tensor(rng.integers(0, classes, shape[0]))
