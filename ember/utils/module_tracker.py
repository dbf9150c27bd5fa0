"""``torch.utils.module_tracker.ModuleTracker``: which modules are running, forward or backward.

Inside the context, global module hooks keep ``parents``, the set of the fully qualified names
(``"Linear"``, ``"Sequential.0"``...) of the modules whose forward, or whose backward, is under
way, always with ``"Global"``.  A module enters at its forward pre-hook and leaves at its
forward hook; in backward it enters once all the gradients of its outputs have been computed
and leaves once those of its inputs have (hooks on those tensors), and ``parents`` is reset
when the backward ends.  ``is_bw`` tells whether a backward is running.
"""
import logging
import weakref

from .._tensor import Tensor
from .._C import _current_graph_task_id
from ..autograd.graph import register_multi_grad_hook
from ..nn.modules.module import register_module_forward_hook, register_module_forward_pre_hook
from ._pytree import tree_flatten

__all__ = ["ModuleTracker"]

logger = logging.getLogger(__name__)


def _grad_tensors(values):
    return [v for v in tree_flatten(values)[0] if isinstance(v, Tensor) and v.requires_grad]


class ModuleTracker:
    """Context manager; ``parents`` holds the names of the modules running now."""

    def __init__(self):
        self.parents = {"Global"}
        self._known_modules = weakref.WeakKeyDictionary()    # module -> its name
        self._seen_modules = weakref.WeakSet()               # modules whose children are named
        self._has_callback = False
        self._hooks = []

    @property
    def is_bw(self):
        """Whether a backward is running (it stays True after a module's backward until the
        whole backward ends)."""
        return _current_graph_task_id() != -1

    def _reset_after_backward(self):
        if self._has_callback:
            return

        def reset():
            self.parents = {"Global"}
            self._has_callback = False
        from ..autograd.variable import Variable
        Variable._execution_engine.queue_callback(reset)
        self._has_callback = True

    def _name(self, mod):
        """A module's name: its class's, or its first parent's name dotted with its own."""
        name = self._known_modules.setdefault(mod, type(mod).__name__)
        if mod not in self._seen_modules:
            for child_name, child in mod.named_children():
                self._known_modules[child] = f"{name}.{child_name}"
                self._name(child)
            self._seen_modules.add(mod)
        return name

    def _enter(self, name, is_bw):
        def enter(*_):
            if is_bw:
                self._reset_after_backward()
            if name in self.parents:
                logger.info("The module hierarchy tracking seems to be broken as this Module "
                            "was already entered. %s during %s", name,
                            "backward" if is_bw else "forward")
            self.parents.add(name)
        return enter

    def _leave(self, name, is_bw):
        def leave(*_):
            if name in self.parents:
                self.parents.remove(name)
            else:
                logger.info("The Module hierarchy tracking is confused as we're exiting a "
                            "Module that was never entered. %s during %s", name,
                            "backward" if is_bw else "forward")
        return leave

    def _fw_pre_hook(self, mod, args):
        name = self._name(mod)
        self._enter(name, False)()
        tensors = _grad_tensors(args)
        if tensors:
            self._hooks.append(register_multi_grad_hook(tensors, self._leave(name, True)))

    def _fw_post_hook(self, mod, args, output):
        name = self._name(mod)
        self._leave(name, False)()
        tensors = _grad_tensors(output)
        if tensors:
            self._hooks.append(register_multi_grad_hook(tensors, self._enter(name, True)))

    def __enter__(self):
        self._fw_pre_handle = register_module_forward_pre_hook(self._fw_pre_hook)
        self._fw_post_handle = register_module_forward_hook(self._fw_post_hook)
        return self

    def __exit__(self, *exc):
        self._fw_pre_handle.remove()
        self._fw_post_handle.remove()
        for hook in self._hooks:
            hook.remove()
        self._hooks.clear()
