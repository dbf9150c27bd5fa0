"""``ShapeProp``: run a ``GraphModule`` on example inputs and record, in each node's
``meta["tensor_meta"]``, the shape, dtype, strides and memory format of what it produced (a
``TensorMetadata``, or the same structure of them for tuples and lists), and its type in
``meta["type"]``."""
from typing import Any, NamedTuple

from ..._tensor import Tensor
from ... import _layout as _formats
from ..interpreter import Interpreter
from ..node import map_aggregate

__all__ = ["TensorMetadata", "ShapeProp"]


class TensorMetadata(NamedTuple):
    shape: Any
    dtype: Any
    requires_grad: bool
    stride: tuple
    memory_format: Any
    is_quantized: bool
    qparams: dict


def _extract_tensor_metadata(result, include_contiguity=True):
    """``result``'s metadata; ``memory_format`` is the first layout it is contiguous in
    (contiguous, channels-last, channels-last 3-d), or None."""
    memory_format = None
    if include_contiguity:
        memory_format = next((f for f in (_formats.contiguous_format, _formats.channels_last,
                                          _formats.channels_last_3d)
                              if result.is_contiguous(memory_format=f)), None)
    return TensorMetadata(result.shape, result.dtype, result.requires_grad, result.stride(),
                          memory_format, result.is_quantized, {})


class ShapeProp(Interpreter):
    """``ShapeProp(gm).propagate(*example_inputs)`` runs ``gm`` and annotates its nodes."""

    def __init__(self, gm, fake_mode=None):
        super().__init__(gm)
        self.fake_mode = fake_mode

    def run_node(self, n):
        result = super().run_node(n)
        found = []

        def extract(obj):
            if isinstance(obj, Tensor):
                found.append(True)
                return _extract_tensor_metadata(obj)
            return obj
        meta = map_aggregate(result, extract)
        if found:
            n.meta["tensor_meta"] = meta
        n.meta["type"] = type(result)
        return result

    def propagate(self, *args):
        """Run the module on ``args`` (annotating every node); returns its result."""
        return super().run(*args)
