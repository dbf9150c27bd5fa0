"""``FloatFunctional``: the arithmetic of a quantized model written as module calls, so that
``prepare`` can observe its results (floating point: it runs in Ember)."""
import ember as torch

from .... import _errors
from ....nn import Identity, Module
from ....nn import functional as F

__all__ = ["FloatFunctional", "FXFloatFunctional"]


class FloatFunctional(Module):
    """``add`` / ``mul`` / ``cat`` / ``add_relu`` / ``matmul`` whose results pass through
    ``activation_post_process`` (an observer after ``prepare``); the ``*_scalar`` forms are not
    observed, as in torch."""

    def __init__(self):
        super().__init__()
        self.activation_post_process = Identity()

    def forward(self, x):
        raise _errors.float_functional_forward()

    def add(self, x, y):
        return self.activation_post_process(torch.add(x, y))

    def add_scalar(self, x, y):
        return torch.add(x, y)

    def mul(self, x, y):
        return self.activation_post_process(torch.mul(x, y))

    def mul_scalar(self, x, y):
        return torch.mul(x, y)

    def cat(self, x, dim=0):
        return self.activation_post_process(torch.cat(x, dim=dim))

    def add_relu(self, x, y):
        return self.activation_post_process(F.relu(torch.add(x, y)))

    def matmul(self, x, y):
        return self.activation_post_process(torch.matmul(x, y))


class FXFloatFunctional(FloatFunctional):
    """``FloatFunctional`` without observation (FX graph mode inserts its own observers)."""

    def add(self, x, y):
        return torch.add(x, y)

    def mul(self, x, y):
        return torch.mul(x, y)

    def cat(self, x, dim=0):
        return torch.cat(x, dim=dim)

    def add_relu(self, x, y):
        return F.relu(torch.add(x, y))

    def matmul(self, x, y):
        return torch.matmul(x, y)
