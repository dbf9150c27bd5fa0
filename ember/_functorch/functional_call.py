"""torch._functorch.functional_call (see ``ember.func``)."""
from ..func import functional_call, stack_module_state  # noqa: F401
