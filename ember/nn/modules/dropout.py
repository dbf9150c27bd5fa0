"""nn modules: dropout (element-wise, channel-wise, alpha); active only in training mode."""
from ... import _errors
from .module import Module
from .utils import _Functional

__all__ = ["Dropout", "Dropout1d", "Dropout2d", "Dropout3d", "AlphaDropout",
           "FeatureAlphaDropout"]


class _DropoutNd(Module):
    __constants__ = ["p", "inplace"]
    _fn = None

    def __init__(self, p=0.5, inplace=False):
        super().__init__()
        if p < 0 or p > 1:
            raise _errors.dropout_probability(p, ValueError)
        self.p = p
        self.inplace = inplace

    def forward(self, input):
        return type(self)._fn(input, self.p, self.training, self.inplace)

    def extra_repr(self):
        return f"p={self.p}, inplace={self.inplace}"


class Dropout(_DropoutNd):
    _fn = _Functional("dropout")


class Dropout1d(_DropoutNd):
    _fn = _Functional("dropout1d")


class Dropout2d(_DropoutNd):
    _fn = _Functional("dropout2d")


class Dropout3d(_DropoutNd):
    _fn = _Functional("dropout3d")


class AlphaDropout(_DropoutNd):
    _fn = _Functional("alpha_dropout")


class FeatureAlphaDropout(_DropoutNd):
    _fn = _Functional("feature_alpha_dropout")
