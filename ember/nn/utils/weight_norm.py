"""Legacy ``nn.utils.weight_norm`` (``weight_g`` / ``weight_v`` parameters and a forward
pre-hook) and the ``norm_except_dim`` / ``_weight_norm`` formulas it shares with the
parametrization version."""
import warnings

from ... import _errors
from ..parameter import Parameter
from ._weight_hook import WeightHook

__all__ = ["WeightNorm", "weight_norm", "remove_weight_norm"]


def norm_except_dim(v, pow=2, dim=0):
    """The ``pow``-norm of ``v`` over every dim except ``dim`` (all dims when ``dim == -1``),
    shaped to broadcast against ``v``."""
    if dim == -1:
        return v.norm(pow)
    if dim == 0:
        return v.contiguous().view(v.size(0), -1).norm(pow, 1).view(
            (v.size(0),) + (1,) * (v.dim() - 1))
    if dim == v.dim() - 1:
        return v.contiguous().view(-1, v.size(-1)).norm(pow, 0).view(
            (1,) * (v.dim() - 1) + (v.size(-1),))
    return norm_except_dim(v.transpose(0, dim), pow, 0).transpose(0, dim)


def _weight_norm(v, g, dim=0):
    return v * (g / norm_except_dim(v, 2, dim))


class WeightNorm(WeightHook):
    api = "weight_norm"
    suffixes = ("_g", "_v")

    def __init__(self, name, dim):
        self.name = name
        self.dim = -1 if dim is None else dim

    def compute_weight(self, module):
        return _weight_norm(getattr(module, self.name + "_v"), getattr(module, self.name + "_g"),
                            self.dim)

    @staticmethod
    def apply(module, name, dim):
        WeightNorm.check_unhooked(module, name)
        fn = WeightNorm(name, dim)
        weight = getattr(module, name)
        g = Parameter(norm_except_dim(weight, 2, fn.dim).data)
        v = Parameter(weight.data)
        fn.install(module, _weight_norm(v, g, fn.dim), parameters=[("_g", g), ("_v", v)])
        return fn

    def remove(self, module):
        self.restore(module, self.compute_weight(module))

    def __call__(self, module, inputs):
        setattr(module, self.name, self.compute_weight(module))


def weight_norm(module, name="weight", dim=0):
    """Reparametrize ``module.<name>`` as ``g * v / ||v||`` (norm over all dims but ``dim``)."""
    warnings.warn(_errors.weight_norm_deprecated(), stacklevel=2)
    WeightNorm.apply(module, name, dim)
    return module


def remove_weight_norm(module, name="weight"):
    return WeightNorm.remove_from(module, name)
