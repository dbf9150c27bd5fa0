"""``torch.utils.data._utils``: the private module path where libraries import the loader's
collate and pin-memory helpers from (``torch.utils.data._utils.collate.default_collate``)."""
from . import collate, pin_memory, worker

__all__ = ["collate", "pin_memory", "worker"]
