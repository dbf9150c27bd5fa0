"""What the ``meta`` device computes with: NumPy, except that nothing is written into a meta
tensor's placeholder (``copyto`` does nothing) and the samplers draw nothing.

A meta tensor has a shape, a dtype and strides but no values, so filling, copying into or
sampling it only has to check its arguments; torch's meta kernels do no work either.  Building
a large model on ``meta`` (as ``with torch.device("meta")`` or a library's empty-weights
loading does) then costs neither the random draws of its initialisation nor memory for the
weights: the placeholders are ``np.empty`` arrays whose pages are never touched."""
import types

import numpy as np

xp = types.ModuleType("ember_meta_numpy", "NumPy for meta tensors: copyto writes nothing.")
xp.__dict__.update({k: v for k, v in vars(np).items() if not k.startswith("__")})
xp.__getattr__ = lambda name: getattr(np, name)      # numpy's lazily loaded submodules


def _copyto(dst, src, casting="same_kind", where=True):
    """Check that ``src`` broadcasts to ``dst`` (NumPy's error otherwise); write nothing."""
    np.broadcast_shapes(np.shape(src), dst.shape)


xp.copyto = _copyto


def _samples(dtype):
    """A sampler of ``n`` placeholder values of ``dtype`` (``out``, if given, as it is)."""
    def sample(eng, n, *args, out=None, **kwargs):
        return out if out is not None else np.empty(n, dtype)
    return staticmethod(sample)


def _per_element(dtype):
    """A sampler of one placeholder value per element of its array argument."""
    return staticmethod(lambda eng, a, *args: np.empty(a.size, dtype))


class random:
    """The samplers of ``torch_random`` with the same sizes and dtypes, drawing nothing."""
    uniform = normal = _samples(np.float32)     # (the callers cast to the tensor's dtype)
    unit_double = exponential = geometric = cauchy = log_normal = _samples(np.float64)
    integers = full_range_int64 = randperm = _samples(np.int64)
    random_default = _samples(np.uint64)
    bernoulli_scalar = _samples(np.bool_)
    bernoulli_tensor = _per_element(np.bool_)
    poisson = standard_gamma = _per_element(np.float64)

    @staticmethod
    def multinomial_with_replacement(eng, rows, k):
        return np.empty((rows.shape[0], k), np.int64)
