"""``KeyPoints``: points ``(..., 2)`` as ``(x, y)``, with the image's ``canvas_size``."""
from ..._tensor import Tensor
from ._tv_tensor import TVTensor, _first
from ... import _errors


class KeyPoints(TVTensor):
    """Points ``(..., 2)`` (``x, y``) on a canvas of ``canvas_size = (H, W)``."""

    @classmethod
    def _wrap(cls, tensor, *, canvas_size, check_dims=True):
        if check_dims:
            if tensor.ndim == 1:
                tensor = tensor.unsqueeze(0)
            elif tensor.shape[-1] != 2:
                raise _errors.tv_expected_tensor_shape_2_not(tensor)
        points = tensor.as_subclass(cls)
        points.canvas_size = canvas_size
        return points

    @classmethod
    def wrap(cls, tensor, like, **kwargs):
        return cls._wrap(tensor, canvas_size=kwargs.get("canvas_size", like.canvas_size))

    def __new__(cls, data, *, canvas_size, dtype=None, device=None, requires_grad=None):
        tensor = cls._to_tensor(data, dtype=dtype, device=device, requires_grad=requires_grad)
        return cls._wrap(tensor, canvas_size=canvas_size)

    @classmethod
    def _wrap_output(cls, output, args=(), kwargs=None):
        canvas_size = _first(KeyPoints, args, kwargs).canvas_size
        if isinstance(output, Tensor) and not isinstance(output, KeyPoints):
            output = KeyPoints._wrap(output, canvas_size=canvas_size, check_dims=False)
        elif isinstance(output, (tuple, list)):
            output = type(output)(KeyPoints._wrap(part, canvas_size=canvas_size,
                                                  check_dims=False) for part in output)
        return output

    def __repr__(self):
        return self._make_repr(canvas_size=self.canvas_size)
