"""parameters_to_vector / vector_to_parameters."""
from ... import _errors, _ops
from ..modules.module import _typename

__all__ = ["parameters_to_vector", "vector_to_parameters"]


def _check_device(param, old):
    """All parameters must live on one device (as PyTorch requires)."""
    if old is not None and param.device != old:
        raise _errors.parameters_on_two_devices()
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
        raise _errors.vector_not_tensor(_typename(vec))
    device = None
    pointer = 0
    for p in parameters:
        device = _check_device(p, device)
        n = p.numel()
        p.data = vec[pointer:pointer + n].view_as(p).data
        pointer += n
