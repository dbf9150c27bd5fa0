"""``torch.nn.utils.init``: ``skip_init``, building a module without initialising it."""
import inspect

from ... import _errors

__all__ = ["skip_init"]


def skip_init(module_cls, *args, **kwargs):
    """Instantiate ``module_cls`` on the meta device (no init, no RNG draws), then give it
    uninitialised storage on ``device`` (default cpu)."""
    from ..modules.module import Module
    if not issubclass(module_cls, Module):
        raise _errors.skip_init_not_module(module_cls)
    if "device" not in inspect.signature(module_cls).parameters:
        raise _errors.skip_init_no_device()
    final_device = kwargs.pop("device", "cpu")
    kwargs["device"] = "meta"
    return module_cls(*args, **kwargs).to_empty(device=final_device)
