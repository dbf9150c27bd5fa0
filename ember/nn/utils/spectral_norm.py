"""Legacy ``nn.utils.spectral_norm``: ``weight_orig`` parameter, ``weight_u`` / ``weight_v``
buffers, and a forward pre-hook that runs power iteration in training mode."""
from ... import _errors
from ...autograd import grad_mode
from .. import functional as F
from ..modules import conv as _conv
from ._weight_hook import WeightHook

__all__ = ["SpectralNorm", "spectral_norm", "remove_spectral_norm"]


def reshape_weight_to_matrix(weight, dim):
    """``weight`` as a matrix whose rows are indexed by ``dim``."""
    if dim != 0:
        weight = weight.permute(dim, *(d for d in range(weight.dim()) if d != dim))
    return weight.reshape(weight.size(0), -1)


class SpectralNorm(WeightHook):
    _version = 1
    api = "spectral_norm"
    suffixes = ("_orig", "_u", "_v")

    def __init__(self, name="weight", n_power_iterations=1, dim=0, eps=1e-12):
        self.name = name
        self.dim = dim
        if n_power_iterations <= 0:
            raise _errors.power_iterations_positive(n_power_iterations)
        self.n_power_iterations = n_power_iterations
        self.eps = eps

    def reshape_weight_to_matrix(self, weight):
        return reshape_weight_to_matrix(weight, self.dim)

    def compute_weight(self, module, do_power_iteration):
        weight = getattr(module, self.name + "_orig")
        u = getattr(module, self.name + "_u")
        v = getattr(module, self.name + "_v")
        weight_mat = self.reshape_weight_to_matrix(weight)
        if do_power_iteration:
            with grad_mode.no_grad():
                for _ in range(self.n_power_iterations):
                    v = F.normalize(weight_mat.t().mv(u), dim=0, eps=self.eps, out=v)
                    u = F.normalize(weight_mat.mv(v), dim=0, eps=self.eps, out=u)
                u = u.clone()
                v = v.clone()
        sigma = u.dot(weight_mat.mv(v))
        return weight / sigma

    def remove(self, module):
        with grad_mode.no_grad():
            weight = self.compute_weight(module, do_power_iteration=False)
        self.restore(module, weight)

    def __call__(self, module, inputs):
        setattr(module, self.name, self.compute_weight(module,
                                                       do_power_iteration=module.training))

    @staticmethod
    def apply(module, name, n_power_iterations, dim, eps):
        SpectralNorm.check_unhooked(module, name)
        fn = SpectralNorm(name, n_power_iterations, dim, eps)
        weight = module._parameters[name]
        with grad_mode.no_grad():
            h, w = fn.reshape_weight_to_matrix(weight).shape
            u = F.normalize(weight.new_empty(h).normal_(0, 1), dim=0, eps=fn.eps)
            v = F.normalize(weight.new_empty(w).normal_(0, 1), dim=0, eps=fn.eps)
        fn.install(module, weight.data, parameters=[("_orig", weight)],
                   buffers=[("_u", u), ("_v", v)])
        return fn


def spectral_norm(module, name="weight", n_power_iterations=1, eps=1e-12, dim=None):
    """Divide ``module.<name>`` by its largest singular value (estimated by power iteration)."""
    if dim is None:
        transposed = tuple(getattr(_conv, f"ConvTranspose{n}d", ()) for n in (1, 2, 3))
        dim = 1 if isinstance(module, tuple(c for c in transposed if c)) else 0
    SpectralNorm.apply(module, name, n_power_iterations, dim, eps)
    return module


def remove_spectral_norm(module, name="weight"):
    return SpectralNorm.remove_from(module, name)
