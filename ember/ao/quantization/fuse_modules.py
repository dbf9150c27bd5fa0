"""``fuse_modules``: replace named sequences of submodules (Conv + BN + ReLU, Linear + ReLU...)
by their fused form; the other positions become ``nn.Identity``."""
import copy

from ... import nn
from ...nn.utils.parametrize import type_before_parametrizations
from .fuser_method_mappings import get_fuser_method

__all__ = ["fuse_known_modules", "fuse_modules", "fuse_modules_qat"]


def _get_module(model, key):
    for name in key.split("."):
        model = getattr(model, name)
    return model


def _set_module(model, key, module):
    *path, last = key.split(".")
    setattr(_get_module(model, ".".join(path)) if path else model, last, module)


def fuse_known_modules(mod_list, is_qat, additional_fuser_method_mapping=None):
    """The fused module first, then an ``Identity`` per other module.  The first module's
    forward pre-hooks and the last one's forward hooks move to the fused module."""
    types = tuple(type_before_parametrizations(m) for m in mod_list)
    fused = get_fuser_method(types, additional_fuser_method_mapping)(is_qat, *mod_list)
    for hook in mod_list[0]._forward_pre_hooks.values():
        fused.register_forward_pre_hook(hook)
    mod_list[0]._forward_pre_hooks.clear()
    for hook in mod_list[-1]._forward_hooks.values():
        fused.register_forward_hook(hook)
    mod_list[-1]._forward_hooks.clear()
    new_mods = [fused]
    for _ in mod_list[1:]:
        identity = nn.Identity()
        identity.training = mod_list[0].training
        new_mods.append(identity)
    return new_mods


def _fuse_modules_helper(model, keys, is_qat, fuser_func, fuse_custom_config_dict):
    additional = (fuse_custom_config_dict or {}).get("additional_fuser_method_mapping", {})
    new_mods = fuser_func([_get_module(model, k) for k in keys], is_qat, additional)
    for key, module in zip(keys, new_mods):
        _set_module(model, key, module)


def _fuse_modules(model, modules_to_fuse, is_qat, inplace=False,
                  fuser_func=fuse_known_modules, fuse_custom_config_dict=None):
    if not inplace:
        model = copy.deepcopy(model)
    groups = [modules_to_fuse] if all(isinstance(m, str) for m in modules_to_fuse) \
        else modules_to_fuse
    for keys in groups:
        _fuse_modules_helper(model, keys, is_qat, fuser_func, fuse_custom_config_dict)
    return model


def fuse_modules(model, modules_to_fuse, inplace=False, fuser_func=fuse_known_modules,
                 fuse_custom_config_dict=None):
    """Fuse each list of submodule names in ``modules_to_fuse`` (one list, or a list of lists)
    for inference: BatchNorms fold into the preceding Conv / Linear (eval mode)."""
    return _fuse_modules(model, modules_to_fuse, False, inplace, fuser_func,
                         fuse_custom_config_dict)


def fuse_modules_qat(model, modules_to_fuse, inplace=False, fuser_func=fuse_known_modules,
                     fuse_custom_config_dict=None):
    """``fuse_modules`` for quantization-aware training (BatchNorms stay, in fused
    sequences)."""
    return _fuse_modules(model, modules_to_fuse, True, inplace, fuser_func,
                         fuse_custom_config_dict)
