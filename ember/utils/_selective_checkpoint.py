"""Selective activation checkpointing: a policy picks, op call by op call, what a
non-reentrant ``checkpoint`` keeps from the forward instead of recomputing in backward.

``create_selective_checkpoint_contexts`` returns the two contexts that ``checkpoint``'s
``context_fn`` gives: the forward one and the recompute one.  Both switch on a binding layer
(``_ops._bindings``) over Ember's registered ops; the outermost op call of each is one decision
(the ops an op calls inside are its own business), named by the aten overload it reaches, as
``TorchDispatchMode`` handlers see it (``torch.ops.aten.mm.default``: ``_aten_dispatch``).

* Forward: each op runs, then the policy says whether to save it.  A saved call's outputs are
  kept (detached, with their version) and so are the saved tensors of the autograd nodes it
  made: ``checkpoint`` does not drop those (``kept_nodes``).
* Recompute: the calls are met again in the same order (counted per overload); a saved one
  returns its kept outputs without running, the others run.  A saved call therefore makes no
  node in the rerun, and the rerun's nodes pair with the forward's unsaved ones in creation
  order.

Where PyTorch differs: functions that are composite in PyTorch (``matmul``, ``linear``...)
reach the policy under their own overload (``aten.matmul.default``) rather than the ops they
decompose into, and a saved op keeps its node's saved tensors (often its inputs) besides its
outputs.  ``*_CPU_OFFLOAD`` policies save (there is no device to offload from on the CPU).
"""
import collections
import enum
import threading

from .. import _errors
from .._tensor import Tensor
from ..autograd.saved_hooks import _recording_nodes
from ..library import OpOverload, OpOverloadPacket
from ._pytree import tree_map

__all__ = ["CheckpointPolicy", "SelectiveCheckpointContext", "SAC_IGNORED_OPS",
           "create_selective_checkpoint_contexts"]


class SelectiveCheckpointContext:
    """What a policy function is told besides the op: ``op_output``, and ``is_recompute``
    (always False: policies are asked during the forward only)."""

    def __init__(self, *, is_recompute, op_output=None):
        self.is_recompute = is_recompute
        self.op_output = op_output


class CheckpointPolicy(enum.Enum):
    """``*_SAVE``: keep the op's outputs from the forward; ``*_RECOMPUTE``: run it again in
    backward.  ``MUST_*`` is binding for compilers too; in eager mode MUST and PREFER agree."""
    MUST_SAVE = 0
    PREFER_SAVE = 1
    MUST_RECOMPUTE = 2
    PREFER_RECOMPUTE = 3
    MUST_CPU_OFFLOAD = 4
    PREFER_CPU_OFFLOAD = 5


_SAVED = frozenset((CheckpointPolicy.MUST_SAVE, CheckpointPolicy.PREFER_SAVE,
                    CheckpointPolicy.MUST_CPU_OFFLOAD, CheckpointPolicy.PREFER_CPU_OFFLOAD))
SAC_IGNORED_OPS = frozenset(("detach",))      # calls that are never a decision (op names)
_RECOMPUTE = object()
_CONSUMED = object()

# ---- the layer ----------------------------------------------------------------------------------
_stack = []                 # the active contexts, innermost last
_state = threading.local()  # .busy: inside an op call already being decided
_LAYER = "selective_checkpoint"
_names = {}                 # function -> (aten operator name, reflected)


_known = [0]                # how many ops were registered when _names was filled


def _op_functions():
    from .. import _aten_dispatch
    from .._ops._core import OPS
    if _known[0] != len(OPS):
        _names.update(_aten_dispatch.operator_functions())
        _known[0] = len(OPS)
    return _names


def _wrap(inner, original):
    name, reflected = _names[original]
    if name in SAC_IGNORED_OPS:
        return inner
    run = (lambda a, b: inner(b, a)) if reflected else inner

    def deciding(*args, **kwargs):
        if not _stack or getattr(_state, "busy", False):
            return inner(*args, **kwargs)
        from .. import _aten_dispatch
        if reflected:
            args = args[::-1]
        chosen = _aten_dispatch.resolve(name, args, kwargs) \
            if _aten_dispatch.has_schema(name) else None
        if chosen is None:          # no aten operator: the ops it calls decide
            return run(*args, **kwargs)
        over, hargs, hkwargs = chosen
        func = _aten_dispatch.overload(name, over)
        _state.busy = True
        try:
            return _stack[-1].call(func, run, args, kwargs, hargs, hkwargs)
        finally:
            _state.busy = False
    deciding.__name__ = getattr(inner, "__name__", name)
    deciding.__qualname__ = getattr(inner, "__qualname__", name)
    deciding.__wrapped__ = inner
    return deciding


def _register():
    from .._ops import _bindings
    _bindings.register_layer(_LAYER, -3, _op_functions, _wrap)
    return _bindings


class _Layered:
    """Entering pushes the context on the layer's stack (switching the layer on)."""

    def __enter__(self):
        _stack.append(self)
        _register().set_active(_LAYER, True)
        return self

    def __exit__(self, *exc):
        _stack.remove(self)
        if not _stack:
            _register().set_active(_LAYER, False)
        return False


class _Entry:
    """A saved call's output: detached, with whether it needed grad and its version."""
    __slots__ = ("value", "requires_grad", "version")

    def __init__(self, t):
        self.value, self.requires_grad, self.version = t.detach(), t.requires_grad, t._version

    def get(self, allow_mutation):
        if not allow_mutation and self.value._version != self.version:
            raise _errors.sac_cached_mutated()
        out = self.value.detach()
        return out.requires_grad_() if self.requires_grad else out


def _unwrap(allow_mutation):
    return lambda e: e.get(allow_mutation) if isinstance(e, _Entry) else e


class _Caching(_Layered):
    """The forward context: runs each op, asks the policy, stores what it says to save."""

    def __init__(self, policy_fn, storage):
        self.policy_fn, self.storage = policy_fn, storage
        self.counter = collections.Counter()
        self.kept_nodes = set()     # ids of the nodes the saved calls made

    def call(self, func, run, args, kwargs, hargs, hkwargs):
        made = []
        with _recording_nodes(made.append):
            out = run(*args, **kwargs)
        idx = self.counter[func]
        self.counter[func] += 1
        policy = self.policy_fn(SelectiveCheckpointContext(is_recompute=False, op_output=out),
                                func, *hargs, **hkwargs)
        if isinstance(policy, bool):
            policy = CheckpointPolicy.MUST_SAVE if policy else CheckpointPolicy.PREFER_RECOMPUTE
        if policy in _SAVED:
            self.storage[func][idx] = tree_map(
                lambda x: _Entry(x) if isinstance(x, Tensor) else x, out)
            self.kept_nodes.update(id(n) for n in made)
        else:
            self.storage[func][idx] = _RECOMPUTE
        return out


class _Cached(_Layered):
    """The recompute context: a saved call returns its stored outputs instead of running."""

    def __init__(self, storage, allow_cache_entry_mutation):
        self.storage, self.allow_mutation = storage, allow_cache_entry_mutation
        self.counter = collections.Counter()

    def __enter__(self):
        self.counter.clear()
        return super().__enter__()

    def call(self, func, run, args, kwargs, hargs, hkwargs):
        idx = self.counter[func]
        self.counter[func] += 1
        entries = self.storage.get(func)
        if entries is None:
            raise _errors.sac_op_not_stored(func)
        entry = entries.get(idx)
        if entry is None:
            raise _errors.sac_index_not_stored(func, idx)
        if entry is _CONSUMED:
            raise _errors.sac_backward_twice()
        if entry is _RECOMPUTE:
            return run(*args, **kwargs)
        entries[idx] = _CONSUMED
        return tree_map(_unwrap(self.allow_mutation), entry)


def create_selective_checkpoint_contexts(policy_fn_or_list, allow_cache_entry_mutation=False):
    """The (forward, recompute) contexts for ``checkpoint(..., use_reentrant=False,
    context_fn=functools.partial(create_selective_checkpoint_contexts, policy))``.
    ``policy``: a function ``(ctx, op, *args, **kwargs) -> CheckpointPolicy`` (or a bool:
    True is MUST_SAVE), or a list of op overloads to save (the rest are recomputed)."""
    if isinstance(policy_fn_or_list, list):
        for op in policy_fn_or_list:
            if not isinstance(op, OpOverload):
                raise _errors.sac_op_list_entry(op, isinstance(op, OpOverloadPacket))
        saved = policy_fn_or_list

        def policy_fn(ctx, op, *args, **kwargs):
            return CheckpointPolicy.MUST_SAVE if op in saved else \
                CheckpointPolicy.PREFER_RECOMPUTE
    elif callable(policy_fn_or_list):
        policy_fn = policy_fn_or_list
    else:
        raise _errors.sac_policy_type()
    storage = collections.defaultdict(dict)
    return _Caching(policy_fn, storage), _Cached(storage, allow_cache_entry_mutation)
