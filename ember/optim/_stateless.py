"""``swap_in_optimizer_params_and_state``: run an optimizer, for the length of a ``with`` block,
on other parameter tensors and on a ``state_dict()``-shaped state, then restore it."""
import contextlib
from collections import defaultdict

from .. import _errors
from .._tensor import Tensor

__all__ = ["swap_in_optimizer_params_and_state"]


def _checked_state(state):
    if not isinstance(state, dict):
        raise _errors.swap_in_state_type(type(state).__name__)
    if any(isinstance(k, Tensor) for k in state):
        raise _errors.swap_in_state_tensor_keys()
    if any(isinstance(k, int) and not isinstance(v, dict) for k, v in state.items()):
        raise _errors.swap_in_state_entries()
    return state


def _checked_group_ids(idx, live, group):
    """The packed parameter ids of saved group ``group``, checked against live group ``live``."""
    if not isinstance(group, dict):
        raise _errors.swap_in_group_type()
    ids = group.get("params")
    if not isinstance(ids, list) or not all(isinstance(i, int) for i in ids):
        raise _errors.swap_in_group_param_ids()
    if len(live["params"]) != len(ids):
        raise _errors.swap_in_group_size(idx)
    swapin_only = [k for k in group if k not in live]
    live_only = [k for k in live if k not in group]
    if swapin_only or live_only:
        raise _errors.swap_in_group_keys(idx, swapin_only, live_only)
    return ids


def _swap_plan(optimizer, parameters, optim_state):
    """Validate the inputs; return the saved state and ``(live group, saved group, tensors)``
    per group, the tensors taken in order from ``parameters``."""
    if not optimizer.state:
        raise _errors.swap_in_no_state()
    if not isinstance(optim_state, dict):
        raise _errors.swap_in_not_dict()
    state = _checked_state(optim_state.get("state"))
    groups = optim_state.get("param_groups")
    if not isinstance(groups, list):
        raise _errors.swap_in_groups_type(type(groups).__name__)
    if len(optimizer.param_groups) != len(groups):
        raise _errors.swap_in_groups_count()
    tensors, start, seen, plan = list(parameters.values()), 0, set(), []
    for idx, (live, group) in enumerate(zip(optimizer.param_groups, groups)):
        ids = _checked_group_ids(idx, live, group)
        seen.update(ids)
        if start + len(ids) > len(tensors):
            raise _errors.swap_in_param_order()
        plan.append((live, group, tensors[start:start + len(ids)]))
        start += len(ids)
    extra = [k for k in state if k not in seen]
    if extra:
        raise _errors.swap_in_extra_keys(extra)
    return state, plan


@contextlib.contextmanager
def swap_in_optimizer_params_and_state(optimizer, swapin_parameters, swapin_optim_state):
    """Inside the block ``optimizer`` sees ``swapin_parameters`` (a dict of tensors, in the
    order of its parameters) as its parameters and ``swapin_optim_state`` as its state and
    group options.  In-place updates of the given state tensors are kept; the live parameters,
    state and groups are restored on exit."""
    state, plan = _swap_plan(optimizer, swapin_parameters, swapin_optim_state)
    original_state = optimizer.state
    snapshots = [dict(g) for g in optimizer.param_groups]
    try:
        swapped = defaultdict(dict)
        for live, group, tensors in plan:
            live.update((k, v) for k, v in group.items() if k != "params")
            live["params"] = tensors
            for p, i in zip(tensors, group["params"]):
                swapped[p] = dict(state.get(i, {}))  # a copy: only in-place edits leak out
        optimizer.state = swapped
        yield
    finally:
        for group, snapshot in zip(optimizer.param_groups, snapshots):
            group.clear()
            group.update(snapshot)
        optimizer.state = original_state
