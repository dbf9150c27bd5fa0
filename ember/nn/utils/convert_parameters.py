"""parameters_to_vector / vector_to_parameters."""
from ... import _ops

__all__ = ["parameters_to_vector", "vector_to_parameters"]


def _check_device(param, old):
    """All parameters must live on one device (as PyTorch requires)."""
    if old is not None and param.device != old:
        raise TypeError("Found two parameters on different devices, this is currently not "
                        "supported.")
    return param.device


def parameters_to_vector(parameters):
    """Flatten and concatenate ``parameters`` into one 1-D tensor."""
    device = None
    vec = []
    for p in parameters:
        device = _check_device(p, device)
        vec.append(p.view(-1))
    return _ops.functions["cat"](vec)


def vector_to_parameters(vec, parameters):
    """Slice ``vec`` into the parameters' shapes and assign them as the parameters' data."""
    if not isinstance(vec, _ops.Tensor):
        raise TypeError(f"expected torch.Tensor, but got: {type(vec).__name__}")
    device = None
    pointer = 0
    for p in parameters:
        device = _check_device(p, device)
        n = p.numel()
        p.data = vec[pointer:pointer + n].view_as(p).data
        pointer += n
