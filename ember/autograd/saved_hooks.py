"""``torch.autograd.graph.saved_tensors_hooks`` and ``save_on_cpu``: transform the tensors a
block's autograd nodes save (e.g. move them to the CPU), and undo it when backward unpacks
them.

Ember packs when the block ends rather than as each tensor is saved: every node the block
created has its saved tensors replaced by ``pack_hook``'s results, and backward calls
``unpack_hook`` on them (unpacked tensors are not version-checked, as in PyTorch, where the
hooks own them).  Nothing is wrapped outside such a block.
"""
import contextlib
import sys

from .. import _errors

_NODE_CONSTRUCTORS = (("ember.autograd.graph", "_new"), ("ember._ops._core", "_new_node"),
                      ("ember.autograd.function", "_new"), ("ember._ops.views", "_new"))


@contextlib.contextmanager
def _recording_nodes(record):
    """Call ``record(node)`` for every autograd node made inside the block (blocks nest: the
    enclosing blocks record it too)."""
    places = [(sys.modules[m], name) for m, name in _NODE_CONSTRUCTORS]
    saved = [getattr(m, name) for m, name in places]
    for (m, name), outer in zip(places, saved):
        setattr(m, name, _recorder(outer, record))
    try:
        yield
    finally:
        for (m, name), value in zip(places, saved):
            setattr(m, name, value)


def _recorder(outer, record):
    def new(cls):
        node = outer(cls)
        record(node)
        return node
    return new


class _Packed(tuple):
    """A node's saved tensors as ``pack_hook`` returned them."""

    def unpack(self, node):
        tensors = tuple(None if p is None else self.unpack_hook(p) for p in self)
        node._versions = tuple(-1 if t is None else t._vc[0] for t in tensors)
        return tensors


_disabled = []


class saved_tensors_hooks:
    """Within the block, tensors saved for backward are stored as ``pack_hook(tensor)`` and
    restored with ``unpack_hook(packed)`` when backward needs them."""

    def __init__(self, pack_hook, unpack_hook):
        self.pack_hook, self.unpack_hook = pack_hook, unpack_hook
        self._created, self._recording = [], None

    def __enter__(self):
        if _disabled:
            raise _errors.saved_tensors_hooks_disabled(_disabled[-1])
        self._recording = _recording_nodes(self._created.append)
        self._recording.__enter__()
        return self

    def __exit__(self, *exc):
        self._recording.__exit__(*exc)
        for node in self._created:
            saved = node._saved
            if saved.__class__ is tuple and saved:
                packed = _Packed(None if t is None else self.pack_hook(t) for t in saved)
                packed.unpack_hook = self.unpack_hook
                node._saved = packed
        self._created.clear()
        return False


class save_on_cpu(saved_tensors_hooks):
    """Keep saved tensors in CPU memory (pinned with ``pin_memory``) and move them back to
    their device for backward."""

    def __init__(self, pin_memory=False, device_type="cuda"):
        def pack(t):
            return t.device, t.detach().to("cpu", copy=True)

        def unpack(packed):
            device, t = packed
            return t.to(device)
        super().__init__(pack, unpack)


@contextlib.contextmanager
def disable_saved_tensors_hooks(error_message):
    """Entering ``saved_tensors_hooks`` inside this block raises ``error_message``."""
    _disabled.append(error_message)
    try:
        yield
    finally:
        _disabled.pop()
