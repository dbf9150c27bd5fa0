"""``torch._dynamo._trace_wrapped_higher_order_op``: the function mode attention masks run
under (index a tensor with scalar tensors without turning them into Python numbers)."""
import ember

from ..overrides import TorchFunctionMode


class TransformGetItemToIndex(TorchFunctionMode):
    """While active, ``t[i, j]`` with integer or tensor indices indexes with 0-d int64 tensors
    (the same values as plain indexing; under tracing it keeps the indices as tensors)."""

    def __torch_function__(self, func, types, args=(), kwargs=None):
        if func is ember.Tensor.__getitem__:
            tensor, index = args[0], args[1]
            parts = index if isinstance(index, tuple) else (index,)
            if all(isinstance(x, (ember.Tensor, int)) for x in parts):
                return tensor[tuple(ember.tensor(x, dtype=ember.int64, device=tensor.device)
                                    if isinstance(x, int) else x for x in parts)]
        return func(*args, **(kwargs or {}))
