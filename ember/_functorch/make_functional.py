"""``torch._functorch.make_functional``: functorch's (deprecated) stateless modules, on
``ember.func.functional_call``: ``make_functional(model)`` gives a module called as
``fmodel(params, *args)`` and the parameters to call it with."""
import copy

from .._errors import private_api as _errors
from ..func import functional_call, stack_module_state
from ..nn.modules.module import Module

__all__ = ["FunctionalModule", "FunctionalModuleWithBuffers", "make_functional",
           "make_functional_with_buffers", "combine_state_for_ensemble"]


def _own_copy(model, with_buffers, disable_autograd_tracking):
    copied = copy.deepcopy(model)
    params = dict(copied.named_parameters())
    if disable_autograd_tracking:
        for p in params.values():
            p.requires_grad_(False)
    buffers = dict(copied.named_buffers()) if with_buffers else {}
    return copied, params, buffers


class FunctionalModule(Module):
    """``model`` called with its parameters given as a sequence (in ``named_parameters``
    order)."""

    def __init__(self, stateless_model, param_names):
        super().__init__()
        self.stateless_model = stateless_model
        self.param_names = tuple(param_names)

    @staticmethod
    def _create_from(model, disable_autograd_tracking=False):
        copied, params, _ = _own_copy(model, False, disable_autograd_tracking)
        return FunctionalModule(copied, params), tuple(params.values())

    def forward(self, params, *args, **kwargs):
        return functional_call(self.stateless_model, dict(zip(self.param_names, params)), args,
                               kwargs)


class FunctionalModuleWithBuffers(Module):
    """``model`` called with its parameters and buffers given as sequences."""

    def __init__(self, stateless_model, param_names, buffer_names):
        super().__init__()
        self.stateless_model = stateless_model
        self.param_names = tuple(param_names)
        self.buffer_names = tuple(buffer_names)

    @staticmethod
    def _create_from(model, disable_autograd_tracking=False):
        copied, params, buffers = _own_copy(model, True, disable_autograd_tracking)
        return (FunctionalModuleWithBuffers(copied, params, buffers), tuple(params.values()),
                tuple(buffers.values()))

    def forward(self, params, buffers, *args, **kwargs):
        state = dict(zip(self.param_names, params))
        state.update(zip(self.buffer_names, buffers))
        return functional_call(self.stateless_model, state, args, kwargs)


def make_functional(model, disable_autograd_tracking=False):
    if any(True for _ in model.buffers()):
        raise _errors.make_functional_has_buffers()
    return FunctionalModule._create_from(model, disable_autograd_tracking)


def make_functional_with_buffers(model, disable_autograd_tracking=False):
    return FunctionalModuleWithBuffers._create_from(model, disable_autograd_tracking)


def combine_state_for_ensemble(models):
    """One functional module for models of one architecture, with their parameters and
    buffers stacked along a new first dim (for ``vmap`` over the ensemble)."""
    if not models:
        raise _errors.ensemble_mismatch("none")
    if len({m.training for m in models}) > 1:
        raise _errors.ensemble_mismatch("mode")
    if any(type(m) is not type(models[0]) for m in models):
        raise _errors.ensemble_mismatch("class")
    params, buffers = stack_module_state(models)
    fmodel, _, _ = make_functional_with_buffers(models[0])
    return (fmodel, tuple(params[n] for n in fmodel.param_names),
            tuple(buffers[n] for n in fmodel.buffer_names))
