"""``torch.distributed.tensor._utils``: helpers of DTensor, which Ember does not have."""
from ..._errors import unsupported


def compute_local_shape_and_global_offset(*args, **kwargs):
    raise unsupported("torch.distributed.tensor._utils.compute_local_shape_and_global_offset",
                      "Ember has no distributed tensors (DTensor)")
