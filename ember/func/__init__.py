"""torch.func: composable function transforms.

The reverse-mode transforms (grad, grad_and_value, vjp, jacrev), the forward-mode ones
(jvp, jacfwd, linearize, hessian), vmap (per-op batching rules) and functional_call /
stack_module_state, functionalize and rearrange.
See docs/func.md.
"""
from ._reverse import grad, grad_and_value, vjp, jacrev
from ._forward import jvp, jacfwd, linearize, hessian
from ._functional_call import functional_call, stack_module_state
from ._batch_norm import replace_all_batch_norm_modules_, debug_unwrap
from ._vmap import vmap
from ._functionalize import functionalize
from ._rearrange import rearrange

__all__ = ["grad", "grad_and_value", "vmap", "replace_all_batch_norm_modules_",
           "functionalize", "hessian", "jacfwd", "jacrev", "jvp", "linearize", "rearrange",
           "vjp", "functional_call", "stack_module_state", "debug_unwrap"]
