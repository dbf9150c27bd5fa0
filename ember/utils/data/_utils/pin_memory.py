"""``torch.utils.data._utils.pin_memory``: pinning a batch (defined in ``.._collate``)."""
from .._collate import pin_memory

__all__ = ["pin_memory"]
