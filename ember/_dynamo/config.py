"""``torch._dynamo.config``: the compiler's settings, with torch's defaults.

Ember's ``compile`` runs eagerly for now, so these are only stored; ``patch`` sets some of
them for a ``with`` block or a decorated function, as torch's does.
"""
import contextlib

from .. import _errors

cache_size_limit = 8
recompile_limit = 8
accumulated_cache_size_limit = 256
accumulated_recompile_limit = 256
suppress_errors = False
verbose = False
capture_scalar_outputs = False
capture_dynamic_output_shape_ops = False
automatic_dynamic_shapes = True
assume_static_by_default = True
optimize_ddp = True
inline_inbuilt_nn_modules = True
specialize_int = False
guard_nn_modules = False
force_parameter_static_shapes = True
error_on_recompile = False
skip_nnmodule_hook_guards = True
allow_unspec_int_on_nn_module = False


@contextlib.contextmanager
def _patched(changes):
    settings = globals()
    unknown = [k for k in changes if k not in settings or k.startswith("_")]
    if unknown:
        raise _errors.dynamo_config_attribute(unknown[0])
    saved = {k: settings[k] for k in changes}
    settings.update(changes)
    try:
        yield
    finally:
        settings.update(saved)


class patch(contextlib.ContextDecorator):
    """``config.patch(name=value, ...)`` or ``config.patch({"name": value})``."""

    def __init__(self, arg1=None, arg2=None, **changes):
        if isinstance(arg1, str):
            changes[arg1] = arg2
        elif arg1 is not None:
            changes.update(arg1)
        self._changes = changes
        self._active = []

    def __enter__(self):
        cm = _patched(self._changes)
        cm.__enter__()
        self._active.append(cm)
        return self

    def __exit__(self, *exc):
        return self._active.pop().__exit__(*exc)
