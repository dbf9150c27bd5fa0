"""Gradient bucketing for ``DistributedDataParallel``.

Parameters are packed, in reverse registration order (roughly the order backward produces their
gradients), into buckets of at most ``bucket_cap_mb`` of one dtype and device.  A
post-accumulate-grad hook on every parameter counts its bucket down; when a bucket is complete
its gradients are copied into one flat tensor and a non-blocking all-reduce is launched, so
communication overlaps the rest of backward.  Buckets are launched strictly in index order on
every rank (MPI requires collectives to be issued in the same order everywhere).  The hook of
the last parameter to arrive waits for all buckets and writes the averaged gradients back, so
they are final when ``backward()`` returns.
"""
from ... import _errors
from ... import distributed as dist
from ...autograd.graph import reached_leaves
from ...autograd.grad_mode import no_grad
from ..._ops.creation import zeros


class _Bucket:
    __slots__ = ("params", "offsets", "flat", "ready", "work")

    def __init__(self, params):
        self.params = params
        self.offsets = []
        n = 0
        for p in params:
            self.offsets.append(n)
            n += p.numel()
        self.flat = zeros(n, dtype=params[0].dtype, device=params[0].device)
        self.ready = 0
        self.work = None

    def slices(self):
        for p, off in zip(self.params, self.offsets):
            yield p, self.flat[off:off + p.numel()]


def _plan(params, cap_bytes):
    """Group parameters (already in bucket order) into lists of one dtype/device under the cap."""
    buckets, current, size = [], [], 0
    for p in params:
        nbytes = p.numel() * p.element_size()
        if current and (size + nbytes > cap_bytes or p.dtype != current[0].dtype
                        or p.device != current[0].device):
            buckets.append(current)
            current, size = [], 0
        current.append(p)
        size += nbytes
    if current:
        buckets.append(current)
    return buckets


def _reached_params(outputs):
    """Leaf tensors whose accumulators are reachable from the outputs' autograd graph."""
    return {id(v) for v in reached_leaves(o.grad_fn for o in outputs)}


class Reducer:
    def __init__(self, params, group, bucket_cap_mb, find_unused_parameters):
        self.group = group
        self.find_unused = find_unused_parameters
        self.params = list(params)
        self.buckets = [_Bucket(b) for b in
                        _plan(reversed(self.params), int(bucket_cap_mb * 1024 * 1024))]
        self._where = {}
        for b in self.buckets:
            for p in b.params:
                self._where[id(p)] = b
        self._hooks = [p.register_post_accumulate_grad_hook(self._on_grad) for p in self.params]
        self._armed = False
        self._next = 0
        self._unused = set()

    def prepare(self, outputs):
        """Arm the reducer for the backward of this forward's ``outputs``."""
        if self._armed and any(b.ready for b in self.buckets):
            raise _errors.dist_error("ddp_unfinished")
        for b in self.buckets:
            b.ready, b.work = 0, None
        self._next = 0
        self._armed = True
        self._unused = set()
        if self.find_unused:
            reached = _reached_params(outputs)
            self._unused = {id(p) for p in self.params if id(p) not in reached}
            for p in self.params:
                if id(p) in self._unused:
                    self._mark_ready(self._where[id(p)])

    def _on_grad(self, p):
        if self._armed:
            self._mark_ready(self._where[id(p)])

    def _mark_ready(self, bucket):
        bucket.ready += 1
        buckets = self.buckets
        while self._next < len(buckets) and buckets[self._next].ready == len(
                buckets[self._next].params):
            self._launch(buckets[self._next])
            self._next += 1
        if self._next == len(buckets):
            self._finish()

    def _launch(self, bucket):
        with no_grad():
            for p, view in bucket.slices():
                if p.grad is None:
                    view.zero_()
                else:
                    view.copy_(p.grad.reshape(-1))
        bucket.work = dist.all_reduce(bucket.flat, group=self.group, async_op=True)

    def _finish(self):
        self._armed = False
        world = dist.get_world_size(self.group)
        globally_used = self._globally_used()
        with no_grad():
            for b in self.buckets:
                b.work.wait()
                b.ready, b.work = 0, None
                b.flat.div_(world)
                for p, view in b.slices():
                    if p.grad is not None:
                        p.grad.copy_(view.view(p.shape))
                    elif globally_used is None or globally_used[id(p)]:
                        p.grad = view.view(p.shape).clone()

    def _globally_used(self):
        """With ``find_unused_parameters``: which parameters got a gradient on some rank
        (those unused everywhere keep ``grad=None``, as in PyTorch)."""
        if not self.find_unused:
            return None
        used = zeros(len(self.params), dtype=self.buckets[0].flat.dtype)
        with no_grad():
            for i, p in enumerate(self.params):
                if id(p) not in self._unused:
                    used[i] = 1
        dist.all_reduce(used, op=dist.ReduceOp.MAX, group=self.group)
        flags = used.tolist()
        return {id(p): bool(f) for p, f in zip(self.params, flags)}
