"""torch.func: composable function transforms.

The reverse-mode transforms (grad, grad_and_value, vjp, jacrev, hessian), vmap (per-op
batching rules) and functional_call / stack_module_state work; the forward-mode transforms
(jvp, jacfwd, linearize) raise ``ember.UnsupportedError`` until Ember has forward-mode AD.
See docs/func.md.
"""
from ._reverse import grad, grad_and_value, vjp, jacrev, hessian
from ._functional_call import functional_call, stack_module_state
from ._batch_norm import replace_all_batch_norm_modules_, debug_unwrap
from ._vmap import vmap
from ._unsupported import jvp, jacfwd, linearize, functionalize, rearrange

__all__ = ["grad", "grad_and_value", "vmap", "replace_all_batch_norm_modules_",
           "functionalize", "hessian", "jacfwd", "jacrev", "jvp", "linearize", "rearrange",
           "vjp", "functional_call", "stack_module_state", "debug_unwrap"]
