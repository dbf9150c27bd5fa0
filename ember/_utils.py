"""``torch._utils``: the private helpers libraries import from it (gradient bucketing's
flatten / unflatten and chunking, device-index parsing, the accelerator's device type and
module)."""
from . import _errors
from ._errors import private_api as _private_api_errors
from ._device import device as _device


def _flatten_dense_tensors(tensors):
    """One contiguous 1-D tensor holding the elements of ``tensors`` in order (a view of the
    only tensor when there is one and it is contiguous)."""
    from ._ops.shape import cat
    tensors = list(tensors)
    if len(tensors) == 1:
        return tensors[0].contiguous().view(-1)
    return cat([t.contiguous().view(-1) for t in tensors])


def _unflatten_dense_tensors(flat, tensors):
    """Views of ``flat`` shaped like each of ``tensors`` (a tuple), as ``_flatten_dense_tensors``
    laid them out; an empty tensor gets a new empty tensor of its shape."""
    out, offset = [], 0
    for t in tensors:
        n = t.numel()
        out.append(flat.new_empty(t.shape) if n == 0 else flat.narrow(0, offset, n).view(t.shape))
        offset += n
    return tuple(out)


def _take_tensors(tensors, size_limit):
    """Chunks of ``tensors`` for bucketed collectives: tensors of one type (``t.type()``) in
    their order, each chunk up to ``size_limit`` bytes (a larger tensor alone), yielded when full
    and the rest at the end, type by type in order of first appearance."""
    chunks = {}     # type -> [tensors, bytes]
    for t in tensors:
        if t.is_sparse:
            size = sum(p.numel() * p.element_size() for p in (t._indices(), t._values()))
        else:
            size = t.numel() * t.element_size()
        chunk = chunks.setdefault(t.type(), [[], 0])
        if chunk[1] and chunk[1] + size > size_limit:
            yield chunk[0]
            chunk = chunks[t.type()] = [[], 0]
        chunk[0].append(t)
        chunk[1] += size
    for chunk, _ in chunks.values():
        if chunk:
            yield chunk


def _get_device_index(device, optional=False, allow_cpu=False):
    """The index of ``device`` (a device, a string or an int); -1 for the CPU when
    ``allow_cpu``; with ``optional``, the current accelerator's for a device without an index
    (None when there is no accelerator)."""
    if isinstance(device, str):
        device = _device(device)
    index = None
    if isinstance(device, _device):
        if not allow_cpu and device.type == "cpu":
            raise _errors.device_index_cpu(device)
        index = -1 if device.type == "cpu" else device.index
    if isinstance(device, int):
        index = device
    if index is None:
        if not optional:
            raise _errors.device_index_missing(device)
        from . import accelerator
        index = accelerator.current_device_index() if accelerator.is_available() else None
    return index


def _get_available_device_type():
    """``"cuda"`` when a GPU is available, else None (Ember has no other accelerator)."""
    from . import cuda
    return "cuda" if cuda.is_available() else None


def _get_device_module(device_type):
    """``torch.<device_type>`` (``torch.cuda``, ``torch.cpu``)."""
    import importlib
    module = getattr(importlib.import_module(__package__), device_type, None)
    if module is None:
        raise _private_api_errors.device_module_missing(device_type)
    return module


def _get_device_attr(get_member):
    """``get_member`` of the available accelerator's module (None without one)."""
    device_type = _get_available_device_type()
    return None if device_type is None else get_member(_get_device_module(device_type))
