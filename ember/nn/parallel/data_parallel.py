"""``DataParallel``: single-process data parallelism over the visible CUDA devices.

Each forward splits the batch along ``dim`` over ``device_ids``, runs one replica of the module
per device and gathers the outputs on ``output_device``, as PyTorch does (keyword tensors
are split too; ``scatter_gather`` moves the data).  Replicas hold
differentiable copies of the parameters (``p.to(device)``), so gradients flow back to the
wrapped module's own parameters.  With one device or on the CPU it simply calls the module.
The wrapper keeps PyTorch's surface: ``.module``, ``device_ids``, ``output_device`` and
``module.``-prefixed ``state_dict`` keys.  For multi-process training use
``DistributedDataParallel``.
"""
import copy

from ... import cuda
from ..._device import device as _device
from ..modules.module import Module
from .scatter_gather import gather, scatter_kwargs


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
        inputs, kwargs = scatter_kwargs(inputs, kwargs, self.device_ids, self.dim)
        replicas = [_replicate(self.module, _device("cuda", i))
                    for i in self.device_ids[:len(inputs)]]
        outputs = [r(*a, **k) for r, a, k in zip(replicas, inputs, kwargs)]
        return gather(outputs, self.output_device, self.dim)


def _replicate(module, dev):
    """A copy of ``module`` whose parameters and buffers are differentiable copies on ``dev``."""
    memo = {id(t): t.to(dev) for t in list(module.parameters()) + list(module.buffers())}
    return copy.deepcopy(module, memo)
