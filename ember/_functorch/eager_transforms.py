"""torch._functorch.eager_transforms (see ``ember.func``)."""
from ..func import (grad, grad_and_value, vjp, jacrev, hessian, jvp, jacfwd,  # noqa: F401
                    linearize, functionalize)
