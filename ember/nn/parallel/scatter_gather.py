"""``torch.nn.parallel.scatter_gather``: split nested arguments over CUDA devices and gather
nested outputs back (``DataParallel``'s data movement, also used directly by libraries).
Tensors are chunked along ``dim`` and copied with differentiable ``to``, so gradients flow
back.  As in PyTorch, both ends are CUDA-only: a CPU target or CPU tensors to gather raise."""
from ... import _errors
from ..._device import device as _device
from ..._tensor import Tensor

__all__ = ["scatter", "scatter_kwargs", "gather"]


def _as_device(d):
    """A device as DataParallel names it: a CUDA index, -1 for the CPU, or a device / string."""
    if isinstance(d, int):
        return _device("cpu") if d == -1 else _device("cuda", d)
    return _device(d)


def _cuda_target(d):
    dev = _as_device(d)
    if dev.type == "cpu":
        raise _errors.device_index_cpu(dev)
    return dev


def _is_namedtuple(obj):
    return isinstance(obj, tuple) and hasattr(obj, "_asdict") and hasattr(obj, "_fields")


def scatter(inputs, target_gpus, dim=0):
    """One copy of ``inputs`` per target: tensors split into chunks along ``dim`` (one per
    target, fewer if the dimension is short), containers split element-wise, other objects
    repeated.  A tensor gives a tuple of chunks; anything else a list."""
    devices = [_cuda_target(d) for d in target_gpus]

    def split(obj):
        if isinstance(obj, Tensor):
            return tuple(c.to(dev) for c, dev in zip(obj.chunk(len(devices), dim), devices))
        if _is_namedtuple(obj):
            return [type(obj)(*parts) for parts in zip(*map(split, obj))]
        if isinstance(obj, tuple) and obj:
            return list(zip(*map(split, obj)))
        if isinstance(obj, list) and obj:
            return [list(parts) for parts in zip(*map(split, obj))]
        if isinstance(obj, dict) and obj:
            return [type(obj)(items) for items in zip(*map(split, obj.items()))]
        return [obj for _ in devices]
    return split(inputs)


def scatter_kwargs(inputs, kwargs, target_gpus, dim=0):
    """``scatter`` of the positional and keyword arguments, padded to the same length."""
    args = scatter(inputs, target_gpus, dim) if inputs else []
    kws = scatter(kwargs, target_gpus, dim) if kwargs else []
    args.extend(() for _ in range(len(kws) - len(args)))
    kws.extend({} for _ in range(len(args) - len(kws)))
    return tuple(args), tuple(kws)


def gather(outputs, target_device, dim=0):
    """The per-device ``outputs`` joined on ``target_device``: tensors concatenated along
    ``dim`` (0-d tensors stacked into a vector), containers gathered element-wise."""
    dev = _as_device(target_device)

    def join(parts):
        first = parts[0]
        if isinstance(first, Tensor):
            return _join_tensors(parts, dev, dim)
        if first is None:
            return None
        if isinstance(first, dict):
            if any(len(p) != len(first) for p in parts):
                raise ValueError("All dicts must have the same number of keys")
            return type(first)((k, join([p[k] for p in parts])) for k in first)
        if _is_namedtuple(first):
            return type(first)._make(map(join, zip(*parts)))
        return type(first)(map(join, zip(*parts)))
    return join(outputs)


def _join_tensors(parts, dev, dim):
    import warnings
    from ..._ops.shape import cat
    if any(p.device.type == "cpu" for p in parts):
        raise _errors.parallel_gather_cpu()
    if all(p.dim() == 0 for p in parts):
        warnings.warn("Was asked to gather along dimension 0, but all input tensors were "
                      "scalars; will instead unsqueeze and return a vector.")
        return cat([p.to(dev).reshape(1) for p in parts], 0)
    return cat([p.to(dev) for p in parts], dim)
