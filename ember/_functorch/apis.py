"""torch._functorch.apis: the transforms torch.func re-exports (see ``ember.func``)."""
from ..func import grad, grad_and_value, vmap  # noqa: F401
