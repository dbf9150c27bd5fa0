"""``torch.compile`` and what it returns (``OptimizedModule`` for a module).

Graph capture is not implemented yet, so a compiled callable runs the original code eagerly
(one warning per process says so).  Everything around it is torch's: the arguments are checked
as torch checks them, a compiled module is an ``OptimizedModule`` holding the original as
``_orig_mod`` (its state_dict keys start with ``_orig_mod.``), and ``disable`` / ``is_compiling``
answer as they do outside a compiled region.
"""
import functools
import warnings

from .. import _errors
from ..nn.modules.module import Module

__all__ = ["OptimizedModule", "compile", "disable", "is_compiling", "list_backends"]

_MODES = ("default", "lite", "reduce-overhead", "max-autotune-no-cudagraphs", "max-autotune")
# torch's registered backends; list_backends() leaves out the debug / experimental ones.
_BACKENDS = ("cudagraphs", "inductor", "openxla", "tvm")
_DEBUG_BACKENDS = ("aot_eager", "aot_eager_decomp_partition", "aot_eager_default_partitioner",
                   "aot_ts", "eager", "eager_debug", "eager_noexcept", "openxla_eval",
                   "pre_dispatch_eager", "ts")
_warned = [False]


def list_backends(exclude_tags=("debug", "experimental")):
    return sorted(_BACKENDS if exclude_tags else _BACKENDS + _DEBUG_BACKENDS)


def is_compiling():
    """True inside a region being captured: never, while compiled code runs eagerly."""
    return False


class OptimizedModule(Module):
    """A compiled module: calls ``_orig_mod`` and reads its attributes through."""

    def __init__(self, mod):
        super().__init__()
        self._orig_mod = mod
        self.training = mod.training
        self._torchdynamo_orig_callable = mod.forward

    def forward(self, *args, **kwargs):
        return self._orig_mod(*args, **kwargs)

    def __getattr__(self, name):
        modules = self.__dict__.get("_modules")
        if modules is None or "_orig_mod" not in modules:
            raise _errors.module_attribute_missing(name, self)
        if name == "_orig_mod":
            return modules["_orig_mod"]
        return getattr(modules["_orig_mod"], name)


def _check(model, backend, mode, options):
    if mode is not None and options is not None:
        raise _errors.compile_mode_and_options()
    if mode is not None and mode not in _MODES:
        raise _errors.compile_mode(mode, _MODES)
    if isinstance(backend, str) and backend not in _BACKENDS + _DEBUG_BACKENDS:
        raise _errors.invalid_backend(backend)
    if not callable(model):
        raise _errors.compile_not_callable(model)


def compile(model=None, *, fullgraph=False, dynamic=None, backend="inductor", mode=None,
            options=None, name=None, disable=False, recompile_limit=None,
            isolate_recompiles=False, shapes_spec=None):
    """``torch.compile``: works as ``compile(fn)``, ``@compile`` and ``@compile(mode=...)``."""
    if model is None:
        return functools.partial(compile, fullgraph=fullgraph, dynamic=dynamic,
                                 backend=backend, mode=mode, options=options, name=name,
                                 disable=disable, recompile_limit=recompile_limit,
                                 isolate_recompiles=isolate_recompiles, shapes_spec=shapes_spec)
    _check(model, "inductor" if backend is None else backend, mode, options)
    if disable:
        return model
    if not _warned[0]:
        _warned[0] = True
        warnings.warn(_errors.compile_runs_eagerly(), UserWarning, stacklevel=2)
    if isinstance(model, Module):
        return OptimizedModule(model)

    @functools.wraps(model)
    def compiled(*args, **kwargs):
        return model(*args, **kwargs)
    compiled._torchdynamo_orig_callable = model
    return compiled


def disable(fn=None, recursive=True, *, reason=None, wrapping=True):
    """Keep ``fn`` out of compilation; code runs eagerly anyway, so ``fn`` comes back as is."""
    if fn is None:
        return functools.partial(disable, recursive=recursive, reason=reason, wrapping=wrapping)
    return fn
