"""``DistributedDataParallel``: one model replica per process, gradients averaged across ranks.

At construction the parameters and buffers of rank 0 are broadcast to every rank; each forward
(with ``broadcast_buffers``) re-broadcasts rank 0's buffers.  Gradients are averaged during
backward by :mod:`._reducer` (bucketed, overlapped all-reduces), so after ``backward()`` every
rank holds identical gradients and an identical optimizer step keeps the replicas equal.

``gradient_as_bucket_view`` is accepted; gradients are always written back into ``.grad``
(a copy out of the bucket), which gives the same values.  ``device_ids`` / ``output_device``
are accepted for compatibility: a replica lives on the device its module is already on.
"""
import contextlib

from ... import _errors
from ... import distributed as dist
from ...autograd.grad_mode import is_grad_enabled, no_grad
from ..._tensor import Tensor
from ..modules.module import Module
from ._reducer import Reducer


def _tensors(obj):
    """Every tensor inside nested lists / tuples / dicts of a forward's output."""
    if isinstance(obj, Tensor):
        return [obj]
    if isinstance(obj, dict):
        obj = list(obj.values())
    if isinstance(obj, (list, tuple)):
        return [t for o in obj for t in _tensors(o)]
    return []


class DistributedDataParallel(Module):
    def __init__(self, module, device_ids=None, output_device=None, dim=0, broadcast_buffers=True,
                 process_group=None, bucket_cap_mb=None, find_unused_parameters=False,
                 check_reduction=False, gradient_as_bucket_view=False, static_graph=False,
                 **kwargs):
        super().__init__()
        self.module = module
        self.device_ids = device_ids
        self.output_device = output_device
        self.dim = dim
        self.broadcast_buffers = broadcast_buffers
        self.process_group = process_group
        self.find_unused_parameters = find_unused_parameters
        self.gradient_as_bucket_view = gradient_as_bucket_view
        self.require_backward_grad_sync = True
        params = [p for p in module.parameters() if p.requires_grad]
        if not params:
            raise _errors.dist_error("ddp_no_grad")
        self._sync_state(list(module.parameters()) + list(module.buffers()))
        cap = 25 if bucket_cap_mb is None else bucket_cap_mb
        self.reducer = Reducer(params, process_group, cap, find_unused_parameters)

    def _sync_state(self, tensors):
        """Copy rank 0's values of ``tensors`` to every rank."""
        if dist.get_world_size(self.process_group) == 1:
            return
        src = dist.get_global_rank(self.process_group, 0)
        with no_grad():
            for t in tensors:
                dist.broadcast(t.detach(), src, group=self.process_group)

    def forward(self, *inputs, **kwargs):
        if self.broadcast_buffers:
            self._sync_state(list(self.module.buffers()))
        out = self.module(*inputs, **kwargs)
        if self.require_backward_grad_sync and is_grad_enabled():
            self.reducer.prepare(_tensors(out))
        return out

    @contextlib.contextmanager
    def no_sync(self):
        """Skip gradient averaging for backwards of forwards run inside this context; gradients
        accumulate locally and are averaged by the first synchronised backward after it."""
        previous = self.require_backward_grad_sync
        self.require_backward_grad_sync = False
        try:
            yield
        finally:
            self.require_backward_grad_sync = previous
