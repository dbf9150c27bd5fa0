from .._C._functorch import _maybe_remove_batch_dim  # noqa: F401
from ..func import vmap  # noqa: F401
