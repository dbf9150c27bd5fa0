"""The calling conventions ``torch.nn.functional`` shares with ``torch.overrides``: a function
chosen by a boolean argument (``boolean_dispatch``, as ``max_pool2d``'s ``return_indices``)
and the ``__torch_function__`` helpers it re-exports."""
from ...overrides import (has_torch_function, has_torch_function_unary,  # noqa: F401
                          has_torch_function_variadic, handle_torch_function)
from ..._tensor import Tensor  # noqa: F401

__all__ = ["boolean_dispatch", "has_torch_function", "has_torch_function_unary",
           "has_torch_function_variadic", "handle_torch_function", "Tensor"]


def boolean_dispatch(arg_name, arg_index, default, if_true, if_false, module_name, func_name):
    """A function that calls ``if_true`` or ``if_false`` by the boolean argument ``arg_name``
    (keyword, or positional at ``arg_index``; ``default`` when absent)."""
    def fn(*args, **kwargs):
        if arg_name in kwargs:
            flag = kwargs[arg_name]
        elif arg_index < len(args):
            flag = args[arg_index]
        else:
            flag = default
        return (if_true if flag else if_false)(*args, **kwargs)
    fn.__doc__ = if_true.__doc__ or if_false.__doc__
    if module_name is not None:
        fn.__module__ = module_name
    if func_name is not None:
        fn.__name__ = fn.__qualname__ = func_name
    return fn
