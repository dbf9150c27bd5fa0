"""``trace`` / ``script`` / ``save`` / ``load`` (scripting itself lives in ``_script``)."""
import warnings

from .. import _errors
from .._tensor import Tensor
from ..autograd import grad_mode
from ..nn.modules.module import Module
from ._archive import save, load
from ._module import from_module
from ._script import script
from ._tracer import TracerWarning, flatten_inputs, record_graph

__all__ = ["trace", "script", "save", "load"]


def _target(func):
    """(callable to run, module owning the parameters or None)."""
    if isinstance(func, Module):
        return func, func
    owner = getattr(func, "__self__", None)
    if isinstance(owner, Module):
        return func, owner
    if not callable(func):
        raise TypeError(f"ember.jit.trace expects a Module or a function, got "
                        f"{type(func).__name__}")
    return func, None


def trace(func, example_inputs=None, optimize=None, check_trace=True, check_inputs=None,
          check_tolerance=1e-5, strict=True, _force_outplace=False,
          _module_class=None, _compilation_unit=None, example_kwarg_inputs=None,
          _store_inputs=True):
    """Run ``func`` on ``example_inputs`` and return a :class:`ScriptModule` replaying the ops.

    Values the code turns into Python numbers (``bool(t)``, ``t.item()``) become constants,
    with a :class:`TracerWarning`.  ``check_trace`` replays the graph on the example inputs
    (and ``check_inputs``) and warns if it disagrees with eager execution."""
    if example_kwarg_inputs is not None:
        raise _errors.trace_input_type("keyword example inputs")
    fn, module = _target(func)
    inputs = flatten_inputs(example_inputs)
    graph, out = record_graph(fn, inputs, module, strict)
    traced = from_module(graph, module)
    if check_trace:
        for check in [inputs] + [flatten_inputs(c) for c in (check_inputs or ())]:
            expected = out if check is inputs else _quiet(fn, check, module)
            _check(_quiet(traced, check, module), expected, check_tolerance)
    return traced


def _quiet(fn, inputs, module):
    """Run ``fn`` without side effects on ``module``'s buffers (batch-norm statistics)."""
    buffers = [] if module is None else list(module.buffers())
    saved = [b.clone() for b in buffers]
    from .. import random
    rng = random.get_rng_state()
    try:
        with grad_mode.no_grad():
            return fn(*inputs)
    finally:
        random.set_rng_state(rng)
        with grad_mode.no_grad():
            for b, s in zip(buffers, saved):
                b.copy_(s)


def _check(got, expected, tol):
    gs, es = _tensors(got), _tensors(expected)
    if len(gs) != len(es) or not all(_agree(g, e, tol) for g, e in zip(gs, es)):
        warnings.warn("Output of the traced function does not match the eager output: the "
                      "trace may depend on Python values or random state.", TracerWarning,
                      stacklevel=3)


def _agree(got, expected, tol):
    if got.shape != expected.shape:
        return False
    if got.numel() == 0:
        return True
    g, e = got.detach().double(), expected.detach().double()
    return bool((g - e).abs().max() <= tol * (1 + e.abs().max()))


def _tensors(v):
    if isinstance(v, Tensor):
        return [v]
    if isinstance(v, (tuple, list)):
        return [t for x in v for t in _tensors(x)]
    if isinstance(v, dict):
        return [t for x in v.values() for t in _tensors(x)]
    return []
