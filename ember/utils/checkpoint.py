"""``torch.utils.checkpoint``: trade compute for memory by recomputing a region in backward.

* ``use_reentrant=True`` is PyTorch's ``CheckpointFunction``: the region runs without a graph;
  its backward reruns it with grad enabled (same RNG and autocast state) and backpropagates
  through the rerun inside the outer backward.
* ``use_reentrant=False`` keeps the region's graph (so ``grad_fn`` names, ``autograd.grad``,
  ``backward(inputs=...)`` and keyword arguments work) but drops every saved tensor of the
  region's nodes; the first node that needs its saved tensors reruns the region once and takes
  the rerun's saved tensors, node by node, as PyTorch's saved-tensor hooks do.  The region's
  nodes are those created while it runs (the node constructors are swapped for recording ones
  for the duration), so tensors captured from outside the function are handled too; the
  rerun's nodes pair with the forward's in creation order.
* Selective checkpointing (``context_fn`` from ``create_selective_checkpoint_contexts``,
  ``_selective_checkpoint.py``) keeps the nodes of the op calls its policy saves.
"""
import contextlib
import warnings

from .. import _errors
from .._tensor import Tensor
from .._ops import random as _random
from ..autograd import grad_mode
from ..autograd.function import Function
from ..autograd.saved_hooks import _recording_nodes
from ..autograd.graph import AccumulateGrad
from ._selective_checkpoint import (CheckpointPolicy, SelectiveCheckpointContext,  # noqa: F401
                                    SAC_IGNORED_OPS, create_selective_checkpoint_contexts)

__all__ = ["checkpoint", "checkpoint_sequential", "CheckpointError", "CheckpointFunction",
           "detach_variable", "check_backward_validity", "noop_context_fn",
           "get_device_states", "set_device_states", "DefaultDeviceType", "CheckpointPolicy",
           "SelectiveCheckpointContext", "create_selective_checkpoint_contexts",
           "SAC_IGNORED_OPS"]


class CheckpointError(RuntimeError):
    pass


class DefaultDeviceType:
    """The accelerator type whose RNG states a checkpoint saves when its inputs are all on the
    CPU: the current accelerator's, else "cpu" (until ``set_device_type``)."""
    _default_device_type = None

    @staticmethod
    def set_device_type(device="cuda"):
        DefaultDeviceType._default_device_type = device

    @staticmethod
    def get_device_type():
        if not DefaultDeviceType._default_device_type:
            from .. import accelerator
            acc = accelerator.current_accelerator(True)
            DefaultDeviceType._default_device_type = acc.type if acc else "cpu"
        return DefaultDeviceType._default_device_type


def _accelerator_tensors(args):
    return [t for t in _tensors(list(args)) if t.device.type not in ("cpu", "meta")]


def get_device_states(*args):
    """The accelerator devices the tensors in ``args`` are on (indices, in first-seen order)
    and each one's RNG state."""
    devices = list(dict.fromkeys(t.get_device() for t in _accelerator_tensors(args)))
    if not devices:
        return [], []
    from .. import cuda
    return devices, [cuda.get_rng_state(d) for d in devices]


def set_device_states(devices, states, *, device_type=None):
    """Give each of ``devices`` (of ``device_type``, by default ``DefaultDeviceType``'s) its
    RNG state from ``states``."""
    device_type = device_type or DefaultDeviceType.get_device_type()
    if device_type == "meta" or not devices:
        return
    from .. import cuda
    for device, state in zip(devices, states):
        cuda.set_rng_state(state, device)


def detach_variable(inputs):
    """Detached copies of the tensors of the tuple ``inputs``, keeping ``requires_grad``."""
    if not isinstance(inputs, tuple):
        raise _errors.checkpoint_detach_variable(inputs)
    out = []
    for inp in inputs:
        if isinstance(inp, Tensor):
            x = inp.detach()
            x.requires_grad = inp.requires_grad
            inp = x
        out.append(inp)
    return tuple(out)


def check_backward_validity(inputs):
    if not any(inp.requires_grad for inp in inputs if isinstance(inp, Tensor)):
        warnings.warn(_errors.CHECKPOINT_NO_GRAD_INPUTS, stacklevel=2)


def noop_context_fn():
    return contextlib.nullcontext(), contextlib.nullcontext()


class _RegionState:
    """The RNG states (CPU, and the accelerators its inputs are on) and the autocast state a
    region ran under, to rerun it identically."""

    def __init__(self, preserve_rng_state, args=()):
        self.rng = _random.get_rng_state() if preserve_rng_state else None
        self.devices = get_device_states(*args) if preserve_rng_state else ([], [])
        from ..amp import autocast_mode as A
        self.autocast = [(d, A.is_autocast_enabled(d), A.get_autocast_dtype(d),
                          A.is_autocast_cache_enabled()) for d in ("cuda", "cpu")]

    @contextlib.contextmanager
    def restored(self):
        from ..amp import autocast_mode as A
        with contextlib.ExitStack() as stack:
            stack.enter_context(_random.fork_rng(devices=self.devices[0],
                                                 enabled=self.rng is not None))
            if self.rng is not None:
                _random.set_rng_state(self.rng)
                set_device_states(*self.devices, device_type="cuda")
            stack.enter_context(grad_mode.enable_grad())
            for device_type, enabled, dtype, cache in self.autocast:
                stack.enter_context(A.autocast(device_type, dtype=dtype, enabled=enabled,
                                               cache_enabled=cache))
            yield


class CheckpointFunction(Function):
    """The reentrant checkpoint (its node is ``CheckpointFunctionBackward``, as in PyTorch)."""

    @staticmethod
    def forward(ctx, run_function, preserve_rng_state, *args):
        check_backward_validity(args)
        ctx.run_function = run_function
        ctx.state = _RegionState(preserve_rng_state, args)
        ctx.inputs = [None if isinstance(a, Tensor) else a for a in args]
        ctx.tensor_indices = [i for i, a in enumerate(args) if isinstance(a, Tensor)]
        ctx.save_for_backward(*[a for a in args if isinstance(a, Tensor)])
        with grad_mode.no_grad():
            return run_function(*args)

    @staticmethod
    def backward(ctx, *grads):
        from ..autograd import engine
        if not engine._is_checkpoint_valid():
            raise _errors.checkpoint_reentrant_grad()
        inputs = list(ctx.inputs)
        for i, t in zip(ctx.tensor_indices, ctx.saved_tensors):
            inputs[i] = t
        with ctx.state.restored():
            detached = detach_variable(tuple(inputs))
            outputs = ctx.run_function(*detached)
        if isinstance(outputs, Tensor):
            outputs = (outputs,)
        pairs = [(o, g) for o, g in zip(outputs, grads) if isinstance(o, Tensor) and
                 o.requires_grad]
        if not pairs:
            raise _errors.checkpoint_no_output_grad()
        engine.backward([o for o, _ in pairs], [g for _, g in pairs])
        return (None, None) + tuple(x.grad if isinstance(x, Tensor) else None
                                    for x in detached)


# ---- non-reentrant --------------------------------------------------------------------------
def _tensors(value):
    if isinstance(value, Tensor):
        yield value
    elif isinstance(value, (list, tuple)):
        for v in value:
            yield from _tensors(v)
    elif isinstance(value, dict):
        for v in value.values():
            yield from _tensors(v)


def _region_nodes(outputs, created):
    """The ids of the region's nodes (those in ``created``, but not leaves' accumulators)
    that lead to its outputs."""
    found = set()
    frontier = [t.grad_fn for t in _tensors(outputs) if t.grad_fn is not None]
    while frontier:
        nxt = []
        for node in frontier:
            if id(node) in found or id(node) not in created or \
                    isinstance(node, AccumulateGrad):
                continue
            found.add(id(node))
            nxt.extend(f for f, _ in node.next_functions if f is not None)
        frontier = nxt
    return found


def _computing(nodes):
    """``nodes`` less leaves' accumulators (made on a leaf's first use, so not once per run)."""
    return [n for n in nodes if n.__class__ is not AccumulateGrad]


class _Deferred(tuple):
    """A node's saved tensors, dropped until the region is rerun.  Its items are only
    placeholders (so that a released node still reads as freed)."""

    def unpack(self, node):
        self.frame.recompute()
        return node._saved


class _Frame:
    """A region whose nodes' saved tensors were dropped.  ``targets`` pairs each such node
    with its place among the nodes a rerun makes again (the region's nodes in creation order,
    less those of op calls a selective-checkpoint policy saved: the rerun skips those)."""

    def __init__(self, function, args, kwargs, state, recompute_ctx, targets):
        self.function, self.args, self.kwargs = function, args, kwargs
        self.state, self.recompute_ctx = state, recompute_ctx
        self.targets = targets
        self.meta = [[(t.shape, t.dtype) if t is not None else None for t in n._saved]
                     for _, n in targets]
        self.done = False

    def drop(self):
        for _, node in self.targets:
            d = _Deferred((True,) * len(node._saved))
            d.frame = self
            node._saved = d

    def recompute(self):
        if self.done:
            return
        redone = []
        with self.state.restored(), self.recompute_ctx, _recording_nodes(redone.append):
            self.function(*detach_variable(tuple(self.args)), **self.kwargs)
        redone = _computing(redone)
        pairs = [(node, redone[i] if i < len(redone) else None) for i, node in self.targets]
        if any(new is None or type(new) is not type(node) for node, new in pairs):
            raise _errors.checkpoint_recompute_mismatch(
                CheckpointError, "the recomputed graph has different operations")
        for (node, new), meta in zip(pairs, self.meta):
            if node._saved.__class__ is not _Deferred:
                continue
            got = [(t.shape, t.dtype) if t is not None else None for t in new._saved]
            if got != meta:
                raise _errors.checkpoint_recompute_mismatch(
                    CheckpointError, f"{type(node).__name__}: saved {meta}, recomputed {got}")
            node._saved, node._versions = new._saved, new._versions
        self.done = True


def _checkpoint_without_reentrant(function, preserve, context_fn, args, kwargs):
    state = _RegionState(preserve, (args, kwargs))
    forward_ctx, recompute_ctx = context_fn()
    made = []       # every node the region makes, in order (held: their ids stay unique)
    with forward_ctx, _recording_nodes(made.append):
        outputs = function(*args, **kwargs)
    if grad_mode.is_grad_enabled():
        kept = getattr(forward_ctx, "kept_nodes", ())
        region = _region_nodes(outputs, {id(n) for n in made})
        rerun = [n for n in _computing(made) if id(n) not in kept]
        # (saved tensors that are not a plain tuple are managed already: packed by
        # saved_tensors_hooks, or dropped by a checkpoint nested in this one)
        targets = [(i, n) for i, n in enumerate(rerun) if id(n) in region and n._saved and
                   n._saved.__class__ is tuple]
        if targets:
            _Frame(function, args, kwargs, state, recompute_ctx, targets).drop()
    return outputs


def checkpoint(function, *args, use_reentrant=None, context_fn=noop_context_fn,
               determinism_check="default", debug=False, early_stop=True, **kwargs):
    """Run ``function(*args, **kwargs)`` without keeping its activations; they are recomputed
    (with the same RNG state unless ``preserve_rng_state=False``) when backward needs them."""
    if use_reentrant is None:
        warnings.warn(_errors.checkpoint_use_reentrant_warning(), stacklevel=2)
        use_reentrant = True
    preserve = kwargs.pop("preserve_rng_state", True)
    if kwargs and use_reentrant:
        raise _errors.checkpoint_unexpected_kwargs(kwargs)
    if use_reentrant:
        if context_fn is not noop_context_fn or debug is not False:
            raise _errors.checkpoint_context_fn_reentrant()
        return CheckpointFunction.apply(function, preserve, *args)
    return _checkpoint_without_reentrant(function, preserve, context_fn, args, kwargs)


def checkpoint_sequential(functions, segments, input, use_reentrant=None, **kwargs):
    """Run ``functions`` (an ``nn.Sequential`` or a list) in ``segments`` chunks, all but the
    last checkpointed."""
    if use_reentrant is None:
        warnings.warn(_errors.checkpoint_use_reentrant_warning(sequential=True), stacklevel=2)
        use_reentrant = True
    preserve = kwargs.pop("preserve_rng_state", True)
    if kwargs:
        raise _errors.checkpoint_unexpected_kwargs(kwargs)

    def run_function(start, end):
        def forward(x):
            for j in range(start, end + 1):
                x = functions[j](x)
            return x
        return forward

    from ..nn import Sequential
    if isinstance(functions, Sequential):
        functions = list(functions.children())
    segment_size = len(functions) // segments
    end = -1
    for start in range(0, segment_size * (segments - 1), segment_size):
        end = start + segment_size - 1
        input = checkpoint(run_function(start, end), input, use_reentrant=use_reentrant,
                           preserve_rng_state=preserve)
    return run_function(end + 1, len(functions) - 1)(input)
