"""``F.fractional_max_pool2d`` / ``3d`` (and their ``_with_indices`` forms)."""
from ... import _errors
from ..._ops import nn_fractional_pool as _P
from ..._ops.random import rand

__all__ = ["fractional_max_pool2d", "fractional_max_pool3d",
           "fractional_max_pool2d_with_indices", "fractional_max_pool3d_with_indices"]


def _tuple(v, k):
    return tuple(v) if isinstance(v, (tuple, list)) else (v,) * k


def _with_indices(k, op):
    def pool(input, kernel_size, output_size=None, output_ratio=None, return_indices=False,
             _random_samples=None):
        """(output, indices).  Without ``_random_samples`` the window offsets come from
        ``rand(N, C, k)`` in the input's dtype, as torch draws them."""
        if output_size is None and output_ratio is None:
            raise _errors.fractional_pool_size(k)
        kernel = _tuple(kernel_size, k)
        if output_size is None:
            ratio = _tuple(output_ratio, k)
            output_size = [int(input.shape[-k + i] * ratio[i]) for i in range(k)]
        if _random_samples is None:
            n = 1 if input.dim() == k + 1 else input.shape[0]
            _random_samples = rand(n, input.shape[-k - 1], k, dtype=input.dtype,
                                   device=input.device)
        return op(input, kernel, _tuple(output_size, k), _random_samples)
    return pool


def _values(with_indices):
    def pool(input, kernel_size, output_size=None, output_ratio=None, return_indices=False,
             _random_samples=None):
        out = with_indices(input, kernel_size, output_size, output_ratio,
                           _random_samples=_random_samples)
        return out if return_indices else out[0]
    return pool


fractional_max_pool2d_with_indices = _with_indices(2, _P.fractional_max_pool2d)
fractional_max_pool3d_with_indices = _with_indices(3, _P.fractional_max_pool3d)
fractional_max_pool2d = _values(fractional_max_pool2d_with_indices)
fractional_max_pool3d = _values(fractional_max_pool3d_with_indices)
