"""``__torch_function__`` for Tensor subclasses' methods and operators.

When a subclass of ``Tensor`` is defined, its op methods (``sum``, ``add_``, ``reshape`` ...)
and operators (``+``, ``[]``, ``==`` ...) are replaced, on the subclass only, by wrappers that go
through :func:`ember.overrides.handle_torch_function`; with ``Tensor.__torch_function__``'s
default the results keep the subclass's type, as in torch.  Plain ``Tensor`` keeps its methods
untouched, so the ordinary path costs nothing; classes that opt out with
``__torch_function__ = torch._C._disabled_torch_function_impl`` (``Parameter``) are left alone.
Not covered yet: function-form calls (``torch.add(sub, 1)``) and modes around plain tensors.
"""
import functools
import types

_OPERATORS = ("__add__", "__radd__", "__iadd__", "__sub__", "__rsub__", "__isub__", "__mul__",
              "__rmul__", "__imul__", "__truediv__", "__rtruediv__", "__itruediv__",
              "__floordiv__", "__rfloordiv__", "__ifloordiv__", "__mod__", "__rmod__",
              "__pow__", "__rpow__", "__ipow__", "__matmul__", "__rmatmul__", "__neg__",
              "__pos__", "__abs__", "__and__", "__rand__", "__or__", "__ror__", "__xor__",
              "__rxor__", "__invert__", "__lshift__", "__rshift__", "__lt__", "__le__",
              "__gt__", "__ge__", "__eq__", "__ne__", "__getitem__", "__setitem__")


def _method_names(tensor_cls):
    """Tensor's public methods (ops bound from the registry and its own, like ``detach``) and
    operators: what torch routes through ``__torch_function__``."""
    return sorted(n for n, v in vars(tensor_cls).items()
                  if isinstance(v, types.FunctionType) and (not n.startswith("_")
                                                            or n in _OPERATORS))


def _dispatching(func):
    from .overrides import handle_torch_function, has_torch_function

    @functools.wraps(func)
    def method(self, *args, **kwargs):
        relevant = (self, *args)
        if has_torch_function(relevant):
            return handle_torch_function(func, relevant, self, *args, **kwargs)
        return func(self, *args, **kwargs)
    return method


def install(cls, tensor_cls):
    """Route ``cls``'s inherited op methods through ``__torch_function__``."""
    from ._C import _disabled_torch_function_impl
    tf = cls.__torch_function__
    if getattr(tf, "__func__", tf) is _disabled_torch_function_impl:
        return
    for name in _method_names(tensor_cls):
        if getattr(cls, name) is tensor_cls.__dict__[name]:
            setattr(cls, name, _dispatching(tensor_cls.__dict__[name]))
