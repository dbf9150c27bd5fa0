"""``torch._functorch.python_key``: ``make_fx``, which ``import functorch`` re-exports."""
from ..fx.experimental.proxy_tensor import make_fx  # noqa: F401
