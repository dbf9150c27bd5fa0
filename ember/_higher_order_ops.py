"""``torch.cond`` and ``torch.while_loop``, run eagerly.

PyTorch traces both branches of a ``cond`` with a tensor predicate (and every ``while_loop``)
through ``torch.compile`` before running them; Ember runs the Python directly: the branch the
predicate picks, the body while the condition holds.  The checks torch makes of the arguments,
and of each body output against the carried values (shape, dtype, stride), are made as the
loop runs; a ``cond``'s other branch is not run, so a mismatch between the two branches'
outputs goes unnoticed."""
from . import _errors
from ._tensor import Tensor

__all__ = ["cond", "while_loop"]


def cond(pred, true_fn, false_fn, operands=()):
    """``true_fn(*operands)`` if ``pred`` else ``false_fn(*operands)``; ``pred`` is a Python
    bool or number, or a one-element tensor."""
    if isinstance(pred, Tensor):
        if pred.numel() != 1:
            raise _errors.cond_pred(pred, tensor=True)
        if not isinstance(operands, (tuple, list)):
            raise _errors.cond_operands(operands)
        pred = bool(pred.item())
    elif not isinstance(pred, (bool, int, float)):
        raise _errors.cond_pred(pred)
    return (true_fn if pred else false_fn)(*operands)


def while_loop(cond_fn, body_fn, carried_inputs):
    """Apply ``body_fn`` to the carried values while ``cond_fn`` of them holds; the final
    values, as a tuple (as the body's single value where it returns one, not a tuple)."""
    carried, single = tuple(carried_inputs), False
    while _holds(cond_fn(*carried), carried):
        out = body_fn(*carried)
        single = not isinstance(out, (tuple, list))
        out = (out,) if single else tuple(out)
        _check_same_metadata(out, carried)
        carried = out
    return carried[0] if single else carried


def _holds(value, carried):
    if isinstance(value, Tensor):
        if value.numel() != 1 or value.dtype.name != "bool":
            raise _errors.while_loop_cond_type()
        return bool(value.item())
    if not isinstance(value, bool):
        raise _errors.while_loop_cond_type()
    if value and all(isinstance(c, Tensor) for c in carried):
        raise _errors.while_loop_infinite()     # a constant that no iteration can change
    return value


def _check_same_metadata(out, carried):
    for i, (a, b) in enumerate(zip(out, carried)):
        if not (isinstance(a, Tensor) and isinstance(b, Tensor)):
            continue
        differences = [f"'{what}: {x} vs {y}'" for what, x, y in (
            ("shape", a.shape, b.shape), ("dtype", a.dtype, b.dtype),
            ("stride", a.stride(), b.stride())) if x != y]
        if differences:
            raise _errors.while_loop_metadata(i, differences)
