"""Autograd through a compiled forward (``model = ember.compile(model)`` trained outside).

When a captured call returns outputs that need gradients and does not run backward itself,
the capture also runs ``autograd.grad`` of those outputs with respect to every tensor that
requires grad (parameters, argument tensors), seeded with placeholder gradient arrays: the
backward's array calls land on the same tape after the forward's.  The tape is cut there into
a forward program (returning the outputs and every array the backward reads) and a backward
program (from those arrays and the incoming gradients to the input gradients).  A replay runs
the forward program and gives the outputs one ``CompiledFunctionBackward`` node (torch's name
for it) whose backward runs the backward program; the engine accumulates the gradients into
``.grad`` as for any node.  Double backward through it is not supported.
"""
import numpy as np

from .._tensor import _make
from ..autograd.function import Function
from ..autograd import grad_mode


def record_backward(rec, outs, diff_inputs):
    """Record the backward of ``outs`` (tensors requiring grad) w.r.t. ``diff_inputs`` on
    ``rec``; (index of the first backward line, seed slot names, gradient slot names or None)."""
    from ..autograd import engine
    start = len(rec.lines)
    seeds = [rec.adopt(np.ones_like(o._data._a)) for o in outs]
    with grad_mode.enable_grad():
        grads = engine.grad(outs, diff_inputs, [_make(s, o._dtype, o._device)
                                                for s, o in zip(seeds, outs)],
                            retain_graph=True, allow_unused=True)
    names = [None if g is None or g._data.__class__ is not seeds[0].__class__ or
             g._data._rec is not rec else g._data._expr for g in grads]
    return start, [s._expr for s in seeds], names


def saved_slots(rec, start, seeds):
    """The slots the backward lines (from ``start``) read but do not make: what the forward
    program must return for them."""
    defined = set(seeds)
    saved = []
    for _, reads, writes, _ in rec.lines[start:]:
        for r in reads:
            if r not in defined and r.startswith("s") and r not in saved:
                saved.append(r)
        defined.update(writes)
    return saved


class CompiledFunction(Function):
    """The node of a replayed compiled forward: its backward runs the backward program."""

    @staticmethod
    def forward(ctx, entry, saved, outputs, *diff_inputs):
        ctx.entry, ctx.saved_arrays = entry, saved
        ctx.meta = [(t._dtype, t._device) for t in diff_inputs]
        return tuple(outputs) if len(outputs) > 1 else outputs[0]

    @staticmethod
    def backward(ctx, *grads):
        arrays = ctx.entry.backward(*ctx.saved_arrays, *(g._data for g in grads))
        return (None, None, None) + tuple(
            None if a is None else _make(a, dt, dev)
            for a, (dt, dev) in zip(arrays, ctx.meta))
