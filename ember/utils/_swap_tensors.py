"""``torch.utils.swap_tensors``: two Tensor objects exchange everything but their identity.

A Tensor's contents (data, dtype, device, grad, requires_grad, history, hooks, version
counter) live in its slots, so swapping the class, ``__dict__`` and every slot swaps them all.
A leaf's ``AccumulateGrad`` node goes with the contents, as torch's goes with its TensorImpl:
it now fills the other object's ``.grad``, and a graph recorded before the swap that reaches it
raises torch's "poisoned" error in backward.
"""
import copyreg
import weakref

from .. import _errors


def swap_tensors(t1, t2):
    """Swap the contents of ``t1`` and ``t2``: afterwards ``t1`` is what ``t2`` was, and the
    other way round, each keeping its identity (``id``, the references held to it)."""
    for name, t in (("t1", t1), ("t2", t2)):
        if weakref.getweakrefs(t):
            raise _errors.swap_tensors_weakref(name)
    slots = set(copyreg._slotnames(type(t1)))
    if slots != set(copyreg._slotnames(type(t2))):
        raise _errors.swap_tensors_slots()
    nodes = [_live_accumulator(t) for t in (t1, t2)]
    for attr in ("__class__", "__dict__"):
        _swap_attr(t1, t2, attr)
    for slot in slots:
        has1, has2 = hasattr(t1, slot), hasattr(t2, slot)
        if has1 and has2:
            _swap_attr(t1, t2, slot)
        elif has1 or has2:
            src, dst = (t1, t2) if has1 else (t2, t1)
            setattr(dst, slot, getattr(src, slot))
            delattr(src, slot)
    for node, owner in zip(nodes, (t2, t1)):
        if node is not None:
            node.variable = owner
            node.register_prehook(_poisoned)


def _swap_attr(t1, t2, name):
    first = getattr(t1, name)
    setattr(t1, name, getattr(t2, name))
    setattr(t2, name, first)


def _live_accumulator(t):
    """The leaf's ``AccumulateGrad`` node, if a graph still holds one."""
    ref = getattr(t, "_accum", None)
    return ref() if isinstance(ref, weakref.ref) else None


def _poisoned(grad_outputs):
    raise _errors.swap_tensors_poisoned()
