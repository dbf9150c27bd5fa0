"""Training-step workloads: forward, cross-entropy loss, backward and an SGD step."""
import functools

from . import models
from .harness import Workload


def setup(lib, build, input_shape, momentum=0.0, adam=False):
    model = build(lib)
    opt = (lib.optim.Adam(model.parameters(), lr=1e-3) if adam else
           lib.optim.SGD(model.parameters(), lr=1e-3, momentum=momentum))
    x, y = models.random_batch(lib, input_shape)
    return model, opt, x, y, lib.nn.CrossEntropyLoss()


def train_step(state):
    model, opt, x, y, loss_fn = state
    opt.zero_grad()
    loss_fn(model(x), y).backward()
    opt.step()


def _workload(key, title, build, input_shape, calls, **kw):
    """``--quick`` keeps the model but uses batch 2."""
    def make(shape):
        return functools.partial(setup, build=build, input_shape=shape, **kw)
    return Workload(key, title, make(input_shape), train_step, calls=calls,
                    quick_setup=make((2,) + input_shape[1:]))


WORKLOADS = [
    _workload("mlp_64", "MLP 784-512-512-10, batch 64, SGD", models.mlp, (64, 1, 28, 28), 30),
    _workload("mlp_512", "MLP 784-512-512-10, batch 512, SGD", models.mlp, (512, 1, 28, 28),
              10),
    _workload("cnn", "LeNet-like CNN, batch 64, SGD momentum", models.lenet, (64, 1, 28, 28), 6,
              momentum=0.9),
    _workload("resnet18", "ResNet-18 (CIFAR stem), 32x32, batch 32, SGD momentum",
              models.resnet18_cifar, (32, 3, 32, 32), 1, momentum=0.9),
    _workload("transformer", "TransformerEncoder 2 layers, d256 h4, seq 128, batch 16, SGD",
              models.transformer_classifier, (16, 128, 256), 2),
    _workload("lstm", "LSTM 2 layers, hidden 256, seq 64, batch 32, SGD",
              models.lstm_classifier, (32, 64, 64), 2),
    _workload("lstm_small", "LSTM 1 layer, hidden 128, seq 32, batch 16, Adam",
              functools.partial(models.lstm_classifier, hidden=128, layers=1), (16, 32, 64), 10,
              adam=True),
]
