"""``torch.utils.data._utils.collate``: the collate functions (defined in ``.._collate``) and
the two module constants libraries import."""
from ...._errors.data import COLLATE_ERR_FORMAT as default_collate_err_msg_format
from .._collate import (_STRING_OR_OBJECT as np_str_obj_array_pattern, collate,
                        collate_float_fn, collate_int_fn, collate_numpy_array_fn,
                        collate_numpy_scalar_fn, collate_str_fn, collate_tensor_fn,
                        default_collate, default_collate_fn_map, default_convert)

__all__ = ["collate", "collate_float_fn", "collate_int_fn", "collate_numpy_array_fn",
           "collate_numpy_scalar_fn", "collate_str_fn", "collate_tensor_fn", "default_collate",
           "default_collate_err_msg_format", "default_collate_fn_map", "default_convert",
           "np_str_obj_array_pattern"]
