"""Markers of where a model's quantized region starts and ends (identities in floating
point; ``prepare`` observes what passes through ``QuantStub``)."""
from ...nn import Module

__all__ = ["QuantStub", "DeQuantStub", "QuantWrapper"]


class _Stub(Module):
    """An identity that may carry a ``qconfig``."""

    def __init__(self, qconfig=None):
        super().__init__()
        if qconfig:
            self.qconfig = qconfig

    def forward(self, x):
        return x


class QuantStub(_Stub):
    """Where floating-point values enter the quantized region."""


class DeQuantStub(_Stub):
    """Where values leave the quantized region."""


class QuantWrapper(Module):
    """``module`` between a ``QuantStub`` and a ``DeQuantStub``."""

    def __init__(self, module):
        super().__init__()
        qconfig = getattr(module, "qconfig", None)
        self.add_module("quant", QuantStub(qconfig))
        self.add_module("dequant", DeQuantStub(qconfig))
        self.add_module("module", module)
        self.train(module.training)

    def forward(self, X):
        return self.dequant(self.module(self.quant(X)))
