"""What a compiled call reads besides its arguments: modules and optimizers, their tensors.

``roots(fn, args)`` finds the modules and optimizers a call can reach without tracing Python:
a compiled module itself, and modules / optimizers among the arguments, the function's closure
and the globals its code names.  Their parameters, buffers, gradients and optimizer state are
the program's state: read as inputs on every replay, and written back where the captured call
replaced them (a new ``.grad``, a ``.grad`` set to None).
"""
from .._tensor import Tensor
from ..nn.modules.module import Module
from ..optim.optimizer import Optimizer


def _candidates(fn, args, kwargs):
    yield from args
    yield from kwargs.values()
    self = getattr(fn, "__self__", None)
    if self is not None:
        yield self
    fn = getattr(fn, "__func__", fn)
    code = getattr(fn, "__code__", None)
    if code is None:
        return
    for cell in fn.__closure__ or ():
        try:
            yield cell.cell_contents
        except ValueError:   # an empty cell
            pass
    g = fn.__globals__
    for name in code.co_names:
        if name in g:
            yield g[name]


def roots(fn, args, kwargs):
    """(modules, optimizers) the call can reach, each in first-seen order."""
    modules, optimizers = {}, {}
    for obj in _candidates(fn, args, kwargs):
        if isinstance(obj, Module):
            modules.setdefault(id(obj), obj)
        elif isinstance(obj, Optimizer):
            optimizers.setdefault(id(obj), obj)
    return list(modules.values()), list(optimizers.values())


def submodules(modules):
    """Every module under the roots ``modules``, each once (one walk per call)."""
    out = {}
    stack = list(reversed(modules))
    while stack:
        m = stack.pop()
        if id(m) not in out:
            out[id(m)] = m
            stack.extend(c for c in reversed(m._modules.values()) if c is not None)
    return list(out.values())


def tensors(submods, optimizers):
    """The state tensors, without repeats: parameters and buffers, then optimizer state."""
    seen = {}
    for m in submods:
        for t in m._parameters.values():
            if t is not None:
                seen.setdefault(id(t), t)
        for t in m._buffers.values():
            if t is not None:
                seen.setdefault(id(t), t)
    for opt in optimizers:
        for group in opt.param_groups:
            for p in group["params"]:
                seen.setdefault(id(p), p)
        for st in opt.state.values():
            for v in st.values():
                if isinstance(v, Tensor):
                    seen.setdefault(id(v), v)
    return list(seen.values())


def differentiable(tracked, arg_tensors):
    """The tensors a compiled forward's backward gives gradients to, in a fixed order."""
    seen, out = set(), []
    for t in tracked + arg_tensors:
        if t._requires_grad and id(t) not in seen:
            seen.add(id(t))
            out.append(t)
    return out


def leaves_needing_grad(arg_tensors, tracked):
    """Argument tensors whose ``.grad`` a backward in the call can set (leaves requiring
    grad), not already in ``tracked``."""
    have = {id(t) for t in tracked}
    out = []
    for t in arg_tensors:
        if t._requires_grad and t._grad_fn is None and id(t) not in have:
            have.add(id(t))
            out.append(t)
    return out


# hyper-parameters a program reads live (arguments of the program) when they are Python floats:
# a learning-rate schedule then needs no new capture
LIVE = ("lr",)


def live_numbers(optimizers):
    """(param group, key) of each hyper-parameter read live."""
    return [(g, k) for opt in optimizers for g in opt.param_groups for k in LIVE
            if g.get(k).__class__ is float]


def restore_numbers(live, numbers):
    """Put the live hyper-parameters back after a capture; True if the call changed one."""
    changed = False
    for (g, k), n in zip(live, numbers):
        if g[k] is n:
            g[k] = float.__float__(n)
        else:
            changed = True
            if isinstance(g[k], float):
                g[k] = float.__float__(g[k])
    return changed


def _hyper(k, value):
    if k in LIVE and value.__class__ is float:
        return float
    return float(value) if isinstance(value, Tensor) else value


def signature(submods, optimizers, state):
    """What the program assumes about the state: module modes, which tensors are tracked,
    which have gradients, the optimizers' hyper-parameters (but a float learning rate, which
    is read live) and state keys."""
    return (tuple(m.training for m in submods),
            tuple(id(t) for t in state),
            tuple(t._grad is None for t in state),
            tuple(t._requires_grad for t in state),
            tuple(tuple((k, _hyper(k, v)) for k, v in g.items() if k != "params")
                  for opt in optimizers for g in opt.param_groups),
            tuple(len(st) for opt in optimizers for st in opt.state.values()))


def forget_scratch(optimizers):
    """Drop the optimizers' reused scratch arrays: those made during a capture are the
    program's, eager steps make their own."""
    for opt in optimizers:
        for name in ("_scratch_pools", "_scratch_views"):
            if getattr(opt, name, None):
                setattr(opt, name, {})
