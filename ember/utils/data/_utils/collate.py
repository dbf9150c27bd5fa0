"""``torch.utils.data._utils.collate``: the collate functions (defined in ``.._collate``)."""
from .._collate import collate, default_collate, default_collate_fn_map, default_convert

__all__ = ["collate", "default_collate", "default_collate_fn_map", "default_convert"]
