"""``torch.__future__``: switches for behaviour that will become the default.

How ``nn.Module`` conversions (``.to()``, ``.float()``, ``.cuda()``...) update parameters:
by default in place (``param.data = new``, the parameter objects kept); with *overwrite*, new
``Parameter`` objects replace them; with *swap* (which takes precedence), the new contents
are swapped into the existing objects with ``torch.utils.swap_tensors``.
"""
_overwrite_module_params_on_conversion = False
_swap_module_params_on_conversion = False


def set_overwrite_module_params_on_conversion(value):
    global _overwrite_module_params_on_conversion
    _overwrite_module_params_on_conversion = value


def get_overwrite_module_params_on_conversion():
    return _overwrite_module_params_on_conversion


def set_swap_module_params_on_conversion(value):
    global _swap_module_params_on_conversion
    _swap_module_params_on_conversion = value


def get_swap_module_params_on_conversion():
    return _swap_module_params_on_conversion
