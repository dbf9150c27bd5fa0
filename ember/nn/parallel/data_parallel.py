"""``DataParallel``: single-process data parallelism.

Ember runs one device's work at a time in one Python process, so splitting a batch over several
devices would add copies without adding speed.  ``DataParallel`` therefore runs the module on
``device_ids[0]`` for the whole batch (what PyTorch itself does with CPU or a single device); the
results are the same as PyTorch's multi-device replicas would compute.  The wrapper keeps
PyTorch's surface: ``.module``, ``device_ids``, ``output_device`` and ``module.``-prefixed
``state_dict`` keys.  For real multi-process parallelism use ``DistributedDataParallel``.
"""
from ..modules.module import Module


class DataParallel(Module):
    def __init__(self, module, device_ids=None, output_device=None, dim=0):
        super().__init__()
        self.module = module
        self.device_ids = list(device_ids) if device_ids is not None else []
        self.output_device = output_device if output_device is not None else (
            self.device_ids[0] if self.device_ids else None)
        self.dim = dim

    def forward(self, *inputs, **kwargs):
        return self.module(*inputs, **kwargs)
