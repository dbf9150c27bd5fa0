"""``torch.compile`` and what it returns (``OptimizedModule`` for a module).

The compiler itself is :mod:`ember._compile` (capture of the array program, replay); this
module is torch's surface around it: the arguments are checked as torch checks them, a compiled
module is an ``OptimizedModule`` holding the original as ``_orig_mod`` (its state_dict keys
start with ``_orig_mod.``), and ``disable`` keeps a function out of capture.
"""
import functools

from .. import _errors
from ..nn.modules.module import Module

__all__ = ["OptimizedModule", "compile", "disable", "is_compiling", "list_backends"]

_MODES = ("default", "lite", "reduce-overhead", "max-autotune-no-cudagraphs", "max-autotune")
# torch's registered backends; list_backends() leaves out the debug / experimental ones.
_BACKENDS = ("cudagraphs", "inductor", "openxla", "tvm")
_DEBUG_BACKENDS = ("aot_eager", "aot_eager_decomp_partition", "aot_eager_default_partitioner",
                   "aot_ts", "eager", "eager_debug", "eager_noexcept", "openxla_eval",
                   "pre_dispatch_eager", "ts")


def list_backends(exclude_tags=("debug", "experimental")):
    return sorted(_BACKENDS if exclude_tags else _BACKENDS + _DEBUG_BACKENDS)


def is_compiling():
    """True while a compiled call is being captured."""
    from .._compile import tape
    return tape.CURRENT[0] is not None


class OptimizedModule(Module):
    """A compiled module: calls ``_orig_mod`` and reads its attributes through."""

    def __init__(self, mod, fullgraph=False):
        from .._compile.compiled import CompiledFunction
        super().__init__()
        self._orig_mod = mod
        self.training = mod.training
        self._torchdynamo_orig_callable = mod.forward
        self.__dict__["_compiled"] = CompiledFunction(mod, fullgraph, module=mod)

    def forward(self, *args, **kwargs):
        return self.__dict__["_compiled"](*args, **kwargs)

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
    if isinstance(model, Module):
        return OptimizedModule(model, fullgraph)
    from .._compile.compiled import CompiledFunction
    compiled = functools.wraps(model)(CompiledFunction(model, fullgraph))
    compiled._torchdynamo_orig_callable = model
    return compiled


def disable(fn=None, recursive=True, *, reason=None, wrapping=True):
    """Keep ``fn`` out of compilation: a compiled function given here runs its original code
    eagerly; other functions come back as they are (their calls are captured with the code
    around them, as torch inlines them)."""
    if fn is None:
        return functools.partial(disable, recursive=recursive, reason=reason, wrapping=wrapping)
    if isinstance(fn, OptimizedModule):
        return fn._orig_mod
    return getattr(fn, "_torchdynamo_orig_callable", fn)


_compiled_classes = {}


def compile_in_place(mod, *args, **kwargs):
    """``Module.compile()``: calls of ``mod`` itself go through a compiled ``_call_impl``.  The
    module's class becomes a subclass (made once per class) whose ``__call__`` does that, so
    modules never compiled keep the plain call path."""
    cls = type(mod)
    if not getattr(cls, "_ember_compiled_class", False):
        sub = _compiled_classes.get(cls)
        if sub is None:
            sub = _compiled_classes[cls] = type(cls.__name__, (cls,), {
                "__call__": lambda self, *a, **k: self.__dict__["_compiled_call_impl"](*a, **k),
                "_ember_compiled_class": True, "__module__": cls.__module__,
                "__qualname__": cls.__qualname__})
        mod.__class__ = sub
    bound = functools.partial(Module._call_impl, mod)
    compiled = compile(bound, *args, **kwargs)
    if compiled is not bound:
        compiled.module = mod
    mod.__dict__["_compiled_call_impl"] = compiled
