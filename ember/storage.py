"""``torch.storage``: the untyped storage under tensors."""
from ._storage import UntypedStorage

__all__ = ["UntypedStorage"]
