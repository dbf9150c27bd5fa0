"""``torch.autograd.graph.register_multi_grad_hook``: one hook over several tensors' gradients.

It is made of ordinary tensor hooks that know which backward pass calls them (the engine's
graph task id): mode ``"all"`` collects the gradients of one pass and calls the user's
function once, when every tensor that pass computes a gradient for has had its gradient;
mode ``"any"`` calls it with the first gradient of each pass.
"""
import threading
from collections import defaultdict

from .. import _errors
from ..utils.hooks import RemovableHandle
from . import engine
from .graph import accumulator_of

_MODES = ("all", "any")


class _MultiHandle(RemovableHandle):
    """Removes every tensor hook a multi-grad hook registered."""

    def __init__(self, handles):
        self.handles = handles

    def remove(self):
        for handle in self.handles:
            handle.remove()

    def __getstate__(self):
        return self.handles

    def __setstate__(self, state):
        self.handles = state


def _pass_id():
    task = engine.current_graph_task_id()
    if task == -1:
        raise _errors.multi_grad_hook_outside_backward()
    return task


def _node_of(t):
    """Where ``t``'s gradient arrives: its ``grad_fn``, or a leaf's accumulator."""
    if not t.requires_grad:
        raise _errors.multi_grad_hook_no_grad_fn()
    return t.grad_fn if t.grad_fn is not None else accumulator_of(t)


def register_multi_grad_hook(tensors, fn, *, mode="all"):
    """Call ``fn`` once per backward pass over ``tensors``' gradients: with the list of them
    (None for a tensor that pass gives no gradient) in mode ``"all"``, or with the first one
    computed in mode ``"any"``.  Returns a handle whose ``remove()`` removes the hook."""
    if mode not in _MODES:
        raise _errors.multi_grad_hook_mode(_MODES, mode)
    tensors = tuple(tensors)
    lock = threading.Lock()
    if mode == "any":
        seen = set()

        def first(grad):
            task = _pass_id()
            with lock:
                if task in seen:
                    return
                seen.add(task)
            fn(grad)
        return _MultiHandle(tuple(t.register_hook(first) for t in tensors if t.requires_grad))

    nodes = [_node_of(t) for t in tensors]
    pending = {}    # graph task id -> [gradients so far, how many are still to come]

    def collect(i):
        def hook(grad):
            task = _pass_id()
            with lock:
                entry = pending.get(task)
                if entry is None:
                    entry = pending[task] = [[None] * len(tensors),
                                             sum(map(engine.will_engine_execute_node, nodes))]
                entry[0][i] = grad
                entry[1] -= 1
                done = entry[1] == 0
                if done:
                    del pending[task]
            if done:
                fn(entry[0])
        return hook
    return _MultiHandle(tuple(t.register_hook(collect(i)) for i, t in enumerate(tensors)))
