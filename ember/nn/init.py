"""nn.init: in-place initialisers, all run under no_grad (PyTorch 2.x semantics and errors).

Random initialisers draw from ember's generators with PyTorch's recipes (``uniform_`` /
``normal_``), so the same seed gives PyTorch's values (see docs/random.md).
"""
import math
import warnings

from .. import _errors
from ..autograd.grad_mode import no_grad

__all__ = ["calculate_gain", "uniform_", "normal_", "trunc_normal_", "constant_", "ones_",
           "zeros_", "eye_", "dirac_", "xavier_uniform_", "xavier_normal_", "kaiming_uniform_",
           "kaiming_normal_", "orthogonal_", "sparse_", "uniform", "normal", "constant", "eye",
           "dirac", "xavier_uniform", "xavier_normal", "kaiming_uniform", "kaiming_normal",
           "orthogonal", "sparse"]


def _ops():
    from .. import _ops
    return _ops


def calculate_gain(nonlinearity, param=None):
    """The recommended gain for a nonlinearity (``'relu'`` -> sqrt(2), ...)."""
    linear_fns = ["linear", "conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d",
                  "conv_transpose3d"]
    if nonlinearity in linear_fns or nonlinearity == "sigmoid":
        return 1
    if nonlinearity == "tanh":
        return 5.0 / 3
    if nonlinearity == "relu":
        return math.sqrt(2.0)
    if nonlinearity == "leaky_relu":
        if param is None:
            negative_slope = 0.01
        elif not isinstance(param, bool) and isinstance(param, int) or isinstance(param, float):
            negative_slope = param
        else:
            raise _errors.init_negative_slope(param)
        return math.sqrt(2.0 / (1 + negative_slope ** 2))
    if nonlinearity == "selu":
        return 3.0 / 4
    raise _errors.init_nonlinearity(nonlinearity)


# (the ``_no_grad_*`` forms keep torch's private names and signatures: libraries import them)
def _no_grad_uniform_(tensor, a, b, generator=None):
    with no_grad():
        return tensor.uniform_(a, b, generator=generator)


def _no_grad_normal_(tensor, mean, std, generator=None):
    with no_grad():
        return tensor.normal_(mean, std, generator=generator)


def _no_grad_fill_(tensor, val):
    with no_grad():
        return tensor.fill_(val)


def _no_grad_zero_(tensor):
    with no_grad():
        return tensor.zero_()


def uniform_(tensor, a=0.0, b=1.0, generator=None):
    return _no_grad_uniform_(tensor, a, b, generator)


def normal_(tensor, mean=0.0, std=1.0, generator=None):
    return _no_grad_normal_(tensor, mean, std, generator)


def trunc_normal_(tensor, mean=0.0, std=1.0, a=-2.0, b=2.0, generator=None):
    return _no_grad_trunc_normal_(tensor, mean, std, a, b, generator)


def _no_grad_trunc_normal_(tensor, mean, std, a, b, generator=None):
    """Normal(mean, std) restricted to [a, b], by vectorised rejection: redraw the rejected
    entries until none is left (PyTorch 2.x's method)."""
    if tensor.is_meta:
        return tensor
    if mean < a - 2 * std or mean > b + 2 * std:
        warnings.warn(_errors.trunc_normal_mean_warning(), stacklevel=2)
    ops = _ops()
    with no_grad():
        p = _norm_cdf((b - mean) / std) - _norm_cdf((a - mean) / std)
        if p > 0.3:
            result = tensor.normal_(mean, std, generator=generator)
            while True:
                mask = (result < a) | (result > b)
                if not mask.any():
                    return tensor
                redraw = ops.creation.empty_like(result).normal_(mean, std, generator=generator)
                result.copy_(ops.pointwise.where(mask, redraw, result))
        # Narrow window: propose uniformly on [a, b], accept with the normal's density ratio.
        mode = max(a, min(mean, b))
        log_peak = -0.5 * ((mode - mean) / std) ** 2

        def log_ratio(x):
            return ((x - mean) / std) ** 2 * -0.5 - log_peak

        tensor.uniform_(a, b, generator=generator)
        accept = ops.creation.empty_like(tensor)
        pending = accept.uniform_(generator=generator).log_() > log_ratio(tensor)
        while pending.any():
            candidates = ops.creation.empty_like(tensor).uniform_(a, b, generator=generator)
            tensor.copy_(ops.pointwise.where(pending, candidates, tensor))
            rejected = accept.uniform_(generator=generator).log_() > log_ratio(candidates)
            pending = pending & rejected
        return tensor


def _norm_cdf(x):
    return (1.0 + math.erf(x / math.sqrt(2.0))) / 2.0


def constant_(tensor, val):
    return _no_grad_fill_(tensor, val)


def ones_(tensor):
    return constant_(tensor, 1.0)


def zeros_(tensor):
    return _no_grad_zero_(tensor)


def eye_(tensor):
    """The identity matrix (a 2-D tensor only)."""
    if tensor.ndimension() != 2:
        raise _errors.init_dims(2)
    with no_grad():
        tensor.copy_(_ops().creation.eye(*tensor.shape, dtype=tensor.dtype,
                                         device=tensor.device))
    return tensor


def dirac_(tensor, groups=1):
    """Identity convolution kernel: 1 at the centre of channel d -> d in each group."""
    dimensions = tensor.ndimension()
    if dimensions not in (3, 4, 5):
        raise _errors.init_dims("3, 4, or 5")
    sizes = tensor.size()
    if sizes[0] % groups != 0:
        raise _errors.init_dirac_groups()
    if tensor.is_meta:      # (no values to set, as in torch; likewise below)
        return tensor
    out_per_group = sizes[0] // groups
    min_dim = min(out_per_group, sizes[1])
    d = list(range(min_dim))
    out_idx = [g * out_per_group + i for g in range(groups) for i in d]
    index = (out_idx, d * groups) + tuple([s // 2] * len(out_idx) for s in sizes[2:])
    with no_grad():
        tensor.zero_()
        if out_idx:
            index = tuple(_ops().creation.tensor(i) for i in index)
            tensor[index] = 1
    return tensor


def _calculate_fan_in_and_fan_out(tensor):
    if tensor.dim() < 2:
        raise _errors.init_fan_dims()
    receptive_field_size = 1
    for s in tensor.shape[2:]:
        receptive_field_size *= s
    return tensor.size(1) * receptive_field_size, tensor.size(0) * receptive_field_size


def xavier_uniform_(tensor, gain=1.0, generator=None):
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    a = math.sqrt(3.0) * gain * math.sqrt(2.0 / float(fan_in + fan_out))
    return uniform_(tensor, -a, a, generator)


def xavier_normal_(tensor, gain=1.0, generator=None):
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    return normal_(tensor, 0.0, gain * math.sqrt(2.0 / float(fan_in + fan_out)), generator)


def _calculate_correct_fan(tensor, mode):
    mode = mode.lower()
    valid_modes = ["fan_in", "fan_out"]
    if mode not in valid_modes:
        raise _errors.init_fan_mode(mode, valid_modes)
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    return fan_in if mode == "fan_in" else fan_out


def _kaiming_std(tensor, a, mode, nonlinearity):
    """std = gain / sqrt(fan), or None (with PyTorch's warning) for a zero-element tensor."""
    if 0 in tensor.shape:
        warnings.warn(_errors.init_zero_element_warning(), stacklevel=3)
        return None
    return calculate_gain(nonlinearity, a) / math.sqrt(_calculate_correct_fan(tensor, mode))


def kaiming_uniform_(tensor, a=0, mode="fan_in", nonlinearity="leaky_relu", generator=None):
    std = _kaiming_std(tensor, a, mode, nonlinearity)
    if std is None:
        return tensor
    bound = math.sqrt(3.0) * std
    return uniform_(tensor, -bound, bound, generator)


def kaiming_normal_(tensor, a=0, mode="fan_in", nonlinearity="leaky_relu", generator=None):
    std = _kaiming_std(tensor, a, mode, nonlinearity)
    if std is None:
        return tensor
    return normal_(tensor, 0, std, generator)


def orthogonal_(tensor, gain=1, generator=None):
    """A (semi-)orthogonal matrix from the QR decomposition of a normal sample, with the signs
    of R's diagonal folded into Q so that the result is uniformly distributed."""
    if tensor.ndimension() < 2:
        raise _errors.init_dims("2 or more")
    if tensor.numel() == 0 or tensor.is_meta:
        return tensor
    ops = _ops()
    rows = tensor.size(0)
    cols = tensor.numel() // rows
    with no_grad():
        flattened = tensor.new_empty((rows, cols)).normal_(0, 1, generator=generator)
        if rows < cols:
            flattened = flattened.t()
        q, r = ops.decompositions.linalg_qr(flattened)
        q = q * r.diagonal().sign()
        if rows < cols:
            q = q.t()
        tensor.view_as(q).copy_(q)
        tensor.mul_(gain)
    return tensor


def sparse_(tensor, sparsity, std=0.01, generator=None):
    """Normal(0, std) entries with ``ceil(sparsity * rows)`` random zeros in every column."""
    if tensor.ndimension() != 2:
        raise _errors.init_dims(2)
    if tensor.is_meta:
        return tensor
    rows, cols = tensor.shape
    num_zeros = math.ceil(sparsity * rows)
    ops = _ops()
    with no_grad():
        tensor.normal_(0, std, generator=generator)
        for col in range(cols):    # PyTorch's loop: a permutation of the rows per column, drawn
            zero_rows = ops.random.randperm(rows)[:num_zeros]   # from the default generator
            tensor[zero_rows, col] = 0
    return tensor


def _make_deprecate(meth):
    new_name = meth.__name__
    old_name = new_name[:-1]

    def deprecated_init(*args, **kwargs):
        warnings.warn(_errors.renamed_deprecated(f"nn.init.{old_name}", f"nn.init.{new_name}"),
                      stacklevel=2)
        return meth(*args, **kwargs)

    deprecated_init.__doc__ = f"Deprecated alias of :func:`{new_name}`."
    deprecated_init.__name__ = old_name
    return deprecated_init


uniform = _make_deprecate(uniform_)
normal = _make_deprecate(normal_)
constant = _make_deprecate(constant_)
eye = _make_deprecate(eye_)
dirac = _make_deprecate(dirac_)
xavier_uniform = _make_deprecate(xavier_uniform_)
xavier_normal = _make_deprecate(xavier_normal_)
kaiming_uniform = _make_deprecate(kaiming_uniform_)
kaiming_normal = _make_deprecate(kaiming_normal_)
orthogonal = _make_deprecate(orthogonal_)
sparse = _make_deprecate(sparse_)
