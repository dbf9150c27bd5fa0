"""What the legacy ``weight_norm`` and ``spectral_norm`` share: the parameter ``module.<name>``
is split into other tensors (``<name>_g`` / ``<name>_v``, ``<name>_orig`` / ``_u`` / ``_v``) and a
forward pre-hook recomputes ``module.<name>`` from them before every forward."""
from ... import _errors
from ..parameter import Parameter


class WeightHook:
    """Base of ``WeightNorm`` and ``SpectralNorm``: installs and removes the hook.

    Subclasses set ``api`` (the public function, named in errors) and ``suffixes`` (what the
    parameter is split into) and define ``__call__`` and ``remove``."""

    api = ""
    suffixes = ()

    @classmethod
    def check_unhooked(cls, module, name):
        for hook in module._forward_pre_hooks.values():
            if isinstance(hook, cls) and hook.name == name:
                raise _errors.weight_hook_twice(cls.api, name)

    def install(self, module, weight, parameters=(), buffers=()):
        """Replace the parameter by ``parameters`` and ``buffers`` (``(suffix, tensor)`` pairs),
        make ``module.<name>`` the plain tensor ``weight`` and register the hook."""
        delattr(module, self.name)
        for suffix, param in parameters:
            module.register_parameter(self.name + suffix, param)
        for suffix, buf in buffers:
            module.register_buffer(self.name + suffix, buf)
        setattr(module, self.name, weight)
        module.register_forward_pre_hook(self)

    def restore(self, module, weight):
        """Undo :meth:`install`: ``module.<name>`` is again a parameter, holding ``weight``."""
        delattr(module, self.name)
        for suffix in self.suffixes:
            delattr(module, self.name + suffix)
        module.register_parameter(self.name, Parameter(weight.detach()))

    @classmethod
    def remove_from(cls, module, name):
        for key, hook in module._forward_pre_hooks.items():
            if isinstance(hook, cls) and hook.name == name:
                hook.remove(module)
                del module._forward_pre_hooks[key]
                return module
        raise _errors.weight_hook_missing(cls.api, name, module)
