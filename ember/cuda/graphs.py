"""``torch.cuda.CUDAGraph`` / ``graph``: capture is not available without CUDA graphs support
(a CPU-only PyTorch refuses to create one, and so does Ember everywhere for now)."""
from .. import _errors

__all__ = ["CUDAGraph", "graph", "is_current_stream_capturing"]


class CUDAGraph:
    def __init__(self, *args, **kwargs):
        raise _errors.cuda_dummy_class("CUDAGraph")


class graph:
    """``with torch.cuda.graph(g):`` needs a ``CUDAGraph``, which cannot be created."""

    def __init__(self, cuda_graph, pool=None, stream=None, capture_error_mode="global"):
        self.cuda_graph = cuda_graph

    def __enter__(self):
        raise _errors.cuda_dummy_class("CUDAGraph")

    def __exit__(self, *exc):
        return False


def is_current_stream_capturing():
    from . import is_available
    if not is_available():
        raise _errors.cuda_dummy_class("_cuda_isCurrentStreamCapturing")
    return False
