"""``torch.utils._contextlib``: the base of context managers that also decorate functions
(and generator functions), which libraries subclass for their own switches (tensordict's
options): Ember's grad modes are built on the same class."""
from ..autograd.grad_mode import _DecoratorContext as _DecoratorContextManager

__all__ = ["_DecoratorContextManager", "_NoParamDecoratorContextManager"]


class _NoParamDecoratorContextManager(_DecoratorContextManager):
    """One that also decorates without parentheses (``@ctx`` as well as ``@ctx()``)."""

    def __new__(cls, orig_func=None):
        if orig_func is None:
            return super().__new__(cls)
        return cls()(orig_func)
