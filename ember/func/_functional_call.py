"""functional_call and stack_module_state.

This layer sits below ``ember.nn``, so modules are handled by what every Module has:
``named_parameters`` / ``named_buffers`` (with ``remove_duplicate``), the ``_parameters`` and
``_buffers`` dicts, ``_get_name`` and ``training``. Swapping writes those dicts directly, the
way torch does, so a plain tensor may stand in for a Parameter.
"""
import contextlib
from collections.abc import Sequence

from .. import _errors
from .._tensor import Tensor

_MISSING = object()


def _submodule(module, path, memo):
    if not path:
        return module
    if path not in memo:
        parent_path, _, attr = path.rpartition(".")
        parent = _submodule(module, parent_path, memo)
        try:
            sub = getattr(parent, attr)
        except AttributeError as e:
            raise _errors.reparametrize_no_attribute(parent._get_name(), attr) from e
        if not hasattr(sub, "_parameters"):
            raise _errors.reparametrize_not_module(path, sub)
        memo[path] = sub
    return memo[path]


def _swap(owner, name, value):
    """Put ``value`` (or nothing, for ``_MISSING``) at ``owner.name``; return what was there."""
    if value is not _MISSING and value is not None and not isinstance(value, Tensor):
        raise _errors.reparametrize_not_tensor(value)
    for store in (owner._parameters, owner._buffers):
        if name in store:
            orig = store[name]
            if value is _MISSING:
                del store[name]
            else:
                store[name] = value
            return orig
    orig = getattr(owner, name, _MISSING)
    if orig is not _MISSING and orig is not None and not isinstance(orig, Tensor):
        raise _errors.reparametrize_attr_not_tensor(name, orig)
    if value is not _MISSING:
        setattr(owner, name, value)
    elif orig is not _MISSING:
        delattr(owner, name)
    return orig


def _named_tensors(module):
    yield from module.named_parameters(remove_duplicate=False)
    yield from module.named_buffers(remove_duplicate=False)


def _untie(module, tensors):
    """``tensors`` with each value also given to every name tied to its key in ``module``."""
    names_of = {}
    for name, t in _named_tensors(module):
        names_of.setdefault(id(t), set()).add(name)
    tied = {n: names for names in names_of.values() if len(names) > 1 for n in names}
    out = dict(tensors)
    for given in (n for n in tensors if n in tied):
        names = tied[given]
        if len({id(tensors[n]) for n in names if n in tensors}) > 1:
            raise _errors.functional_call_tied_values(names)
        out.update((n, tensors[given]) for n in names)
    return out


@contextlib.contextmanager
def _reparametrize(module, given, tie_weights, strict):
    """Swap ``given`` into ``module`` for the duration; afterwards the tensors the module
    held (it may have reassigned some) are written back into ``given``, as torch does."""
    tensors = _untie(module, given) if tie_weights else given
    if strict:
        valid = {name for name, _ in _named_tensors(module)}
        missing, unexpected = sorted(valid - set(tensors)), sorted(set(tensors) - valid)
        if missing or unexpected:
            raise _errors.reparametrize_keys(module._get_name(), missing, unexpected)
    memo, originals = {}, {}
    try:
        for name, value in tensors.items():
            path, _, attr = name.rpartition(".")
            originals[name] = _swap(_submodule(module, path, memo), attr, value)
        yield
    finally:
        after = {}
        for name, orig in originals.items():
            path, _, attr = name.rpartition(".")
            after[name] = _swap(_submodule(module, path, memo), attr, orig)
        given.update((k, after[k]) for k in list(given) if k in after)


def _call(module, parameters_and_buffers, args=None, kwargs=None, *, tie_weights=True,
          strict=False):
    """Run ``module`` with the tensors of one dict in place of its own."""
    args = () if args is None else args if isinstance(args, tuple) else (args,)
    with _reparametrize(module, parameters_and_buffers, tie_weights, strict):
        return module(*args, **(kwargs or {}))


def functional_call(module, parameter_and_buffer_dicts, args=None, kwargs=None, *,
                    tie_weights=True, strict=False):
    """Call ``module`` with ``parameter_and_buffer_dicts`` (a dict, or a sequence of dicts
    with distinct keys) standing in for its parameters and buffers; the module's own tensors
    are back in place afterwards, even if the call raises."""
    if isinstance(parameter_and_buffer_dicts, dict):
        tensors = parameter_and_buffer_dicts
    elif isinstance(parameter_and_buffer_dicts, Sequence):
        if not all(isinstance(d, dict) for d in parameter_and_buffer_dicts):
            raise _errors.functional_call_dict_elements()
        counts = {}
        for d in parameter_and_buffer_dicts:
            for k in d:
                counts[k] = counts.get(k, 0) + 1
        repeated = [k for k, n in counts.items() if n > 1]
        if repeated:
            raise _errors.functional_call_repeated_keys(repeated)
        tensors = {k: v for d in parameter_and_buffer_dicts for k, v in d.items()}
    else:
        raise _errors.functional_call_dicts_type(parameter_and_buffer_dicts)
    return _call(module, tensors, args, kwargs, tie_weights=tie_weights, strict=strict)


def _stacked_leaf(tensors, name):
    from .._ops.shape import stack
    flags = {t.requires_grad for t in tensors}
    if len(flags) > 1:
        raise _errors.stack_module_state_requires_grad(name)
    result = stack(tensors)
    return result.detach().requires_grad_() if flags == {True} else result


def stack_module_state(models):
    """(params, buffers): each model's parameters and buffers stacked along a new leading
    dim, keyed by name; stacked parameters are new leaves that require grad as the originals
    do."""
    if len(models) == 0:
        raise _errors.stack_module_state_empty()
    if len({bool(m.training) for m in models}) > 1:
        raise _errors.stack_module_state_mode()
    if any(type(m) is not type(models[0]) for m in models):
        raise _errors.stack_module_state_class()

    def stacked(named):
        per_model = [dict(named(m)) for m in models]
        return {k: _stacked_leaf(tuple(d[k] for d in per_model), k) for k in per_model[0]}
    return stacked(lambda m: m.named_parameters()), stacked(lambda m: m.named_buffers())
