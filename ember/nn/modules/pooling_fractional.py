"""``FractionalMaxPool2d/3d`` (re-exported by ``pooling``, torch's module path): module forms
of ``F.fractional_max_pool2d/3d``; ``_random_samples`` (fixed pooling regions) is a buffer."""
from ... import _errors
from .module import Module
from .utils import _Functional, _to_tuple

__all__ = ["FractionalMaxPool2d", "FractionalMaxPool3d"]


class _FractionalMaxPoolNd(Module):
    __constants__ = ["kernel_size", "return_indices", "output_size", "output_ratio"]
    _n = 2
    _pool = _Functional("fractional_max_pool2d")

    def __init__(self, kernel_size, output_size=None, output_ratio=None, return_indices=False,
                 _random_samples=None):
        super().__init__()
        self.kernel_size = _to_tuple(kernel_size, self._n)
        self.return_indices = return_indices
        self.register_buffer("_random_samples", _random_samples)
        self.output_size = _to_tuple(output_size, self._n) if output_size is not None else None
        self.output_ratio = _to_tuple(output_ratio, self._n) if output_ratio is not None else None
        if output_size is None and output_ratio is None:
            raise _errors.fractional_pool_no_output(type(self).__name__)
        if output_size is not None and output_ratio is not None:
            raise _errors.fractional_pool_both_outputs()
        if self.output_ratio is not None and not all(0 < r < 1 for r in self.output_ratio):
            raise _errors.fractional_pool_ratio_range(output_ratio)

    def forward(self, input):
        return self._pool(input, self.kernel_size, self.output_size, self.output_ratio,
                          self.return_indices, _random_samples=self._random_samples)


class FractionalMaxPool2d(_FractionalMaxPoolNd):
    pass


class FractionalMaxPool3d(_FractionalMaxPoolNd):
    _n = 3
    _pool = _Functional("fractional_max_pool3d")

    def __init__(self, kernel_size, output_size=None, output_ratio=None, return_indices=False,
                 _random_samples=None):
        if (isinstance(kernel_size, int) and kernel_size <= 0) or (
                isinstance(kernel_size, (tuple, list)) and not all(k > 0 for k in kernel_size)):
            raise _errors.fractional_pool_kernel_positive(kernel_size)
        super().__init__(kernel_size, output_size, output_ratio, return_indices,
                         _random_samples)
