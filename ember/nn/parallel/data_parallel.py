"""``DataParallel``: single-process data parallelism over the visible CUDA devices.

Each forward splits the batch along ``dim`` over ``device_ids``, runs one replica of the module
per device and gathers the outputs on ``output_device``, as PyTorch does.  Replicas hold
differentiable copies of the parameters (``p.to(device)``), so gradients flow back to the
wrapped module's own parameters.  With one device or on the CPU it simply calls the module.
The wrapper keeps PyTorch's surface: ``.module``, ``device_ids``, ``output_device`` and
``module.``-prefixed ``state_dict`` keys.  For multi-process training use
``DistributedDataParallel``.
"""
import copy

from ... import cuda
from ..._device import device as _device
from ..._tensor import Tensor
from ..modules.module import Module


class DataParallel(Module):
    def __init__(self, module, device_ids=None, output_device=None, dim=0):
        super().__init__()
        self.module = module
        if device_ids is None:
            device_ids = list(range(cuda.device_count())) if cuda.is_available() else []
        self.device_ids = [d if isinstance(d, int) else _device(d).index or 0
                           for d in device_ids]
        self.output_device = output_device if output_device is not None else (
            self.device_ids[0] if self.device_ids else None)
        self.dim = dim

    def forward(self, *inputs, **kwargs):
        if len(self.device_ids) <= 1:
            return self.module(*inputs, **kwargs)
        devices = [_device("cuda", i) for i in self.device_ids]
        chunks = _scatter(inputs, len(devices), self.dim)
        outputs = [_replicate(self.module, dev)(*_to(chunk, dev), **kwargs)
                   for chunk, dev in zip(chunks, devices)]
        out_dev = _device("cuda", self.output_device) if isinstance(self.output_device, int) \
            else _device(self.output_device)
        return _gather(outputs, out_dev, self.dim)


def _replicate(module, dev):
    """A copy of ``module`` whose parameters and buffers are differentiable copies on ``dev``."""
    memo = {id(t): t.to(dev) for t in list(module.parameters()) + list(module.buffers())}
    return copy.deepcopy(module, memo)


def _scatter(inputs, n, dim):
    """Per-device argument tuples: tensors split along ``dim``, other values repeated."""
    parts = [t.chunk(n, dim) if isinstance(t, Tensor) else (t,) * n for t in inputs]
    n = min(len(p) for p in parts) if parts else n
    return [tuple(p[i] for p in parts) for i in range(n)]


def _to(args, dev):
    return tuple(a.to(dev) if isinstance(a, Tensor) else a for a in args)


def _gather(outputs, dev, dim):
    from ..._ops.shape import cat
    first = outputs[0]
    if isinstance(first, Tensor):
        return cat([o.to(dev) for o in outputs], dim) if first.dim() else \
            cat([o.to(dev).reshape(1) for o in outputs], 0)
    if isinstance(first, (tuple, list)):
        return type(first)(_gather(list(group), dev, dim) for group in zip(*outputs))
    if isinstance(first, dict):
        return {k: _gather([o[k] for o in outputs], dev, dim) for k in first}
    return first
