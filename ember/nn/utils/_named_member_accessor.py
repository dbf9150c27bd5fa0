"""``torch.nn.utils._named_member_accessor``: put a tensor in a module's slot by name and get
back what was there (a parameter, a buffer or a plain attribute), as ``torch.func``'s
reparametrisation does; tensordict swaps module states with it."""
from ..._errors import func as _func_errors
from ..._errors import private_api as _errors
from ...func._functional_call import _MISSING, _swap
from ..modules.module import Module

__all__ = ["swap_tensor", "set_tensor"]


def swap_tensor(module, name, tensor, allow_missing=False):
    """Put ``tensor`` at ``module.<name>`` (``_MISSING``: remove it); return the old value
    (``_MISSING`` when there was none and ``allow_missing``)."""
    if not isinstance(module, Module):
        raise _errors.member_not_module(module)
    if "." in name or not name:
        raise _errors.member_bad_name(name)
    if not allow_missing and name not in module._parameters and name not in module._buffers \
            and not hasattr(module, name):
        raise _func_errors.reparametrize_no_attribute(module._get_name(), name)
    return _swap(module, name, tensor)


def set_tensor(module, name, tensor):
    """``module.<name> = tensor`` (into its parameter or buffer slot when it has one)."""
    swap_tensor(module, name, tensor, allow_missing=True)
