"""``torch._functorch.deprecated``: the ``functorch`` package's original API, which
``import functorch`` re-exports."""
from ..func import (functionalize, grad, grad_and_value, hessian, jacfwd, jacrev,  # noqa: F401
                    jvp, vjp, vmap)
from .make_functional import (combine_state_for_ensemble, make_functional,  # noqa: F401
                              make_functional_with_buffers)
