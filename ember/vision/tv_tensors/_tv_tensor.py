"""``TVTensor``: the base of torchvision's tensor subclasses (images, boxes, masks ...).

Ops on a TVTensor return plain tensors, except the few that keep the type and metadata
(``clone``, ``to``, ``detach``, ``requires_grad_``, ``pin_memory``) or everything inside
``set_return_type("TVTensor")``, as in torchvision.
"""
from ..._C import DisableTorchFunctionSubclass
from ..._tensor import Tensor
from ..._ops._bindings import original
from ... import _errors

_return_subclass = [False]


class _ReturnTypeCM:
    def __init__(self, to_restore):
        self.to_restore = to_restore

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        _return_subclass[0] = self.to_restore


def set_return_type(return_type):
    """Make ops on TVTensors return ``"Tensor"`` (default) or ``"TVTensor"``; usable as a
    plain call or as a context manager (which restores the previous setting)."""
    to_restore = _return_subclass[0]
    try:
        _return_subclass[0] = {"tensor": False, "tvtensor": True}[return_type.lower()]
    except KeyError:
        raise _errors.tv_return_type_tvtensor_tensor(return_type) from None
    return _ReturnTypeCM(to_restore)


# (compared as the functions themselves: while a dispatching subclass is alive, Tensor's
# attributes are a binding layer's wrappers of them, and ``func`` is the wrapper)
_FORCE_SUBCLASS = {original(getattr(Tensor, name)) for name in
                   ("clone", "to", "detach", "requires_grad_", "pin_memory")
                   if hasattr(Tensor, name)}


def _first(cls, args, kwargs):
    """The first ``cls`` instance among the (nested) call arguments: the metadata donor."""
    from ...utils._pytree import tree_leaves
    return next(x for x in tree_leaves((tuple(args), dict(kwargs or {})))
                if isinstance(x, cls))


class TVTensor(Tensor):
    """Base class of the tv_tensors."""

    @staticmethod
    def _to_tensor(data, dtype=None, device=None, requires_grad=None):
        from ... import as_tensor
        if requires_grad is None:
            requires_grad = data.requires_grad if isinstance(data, Tensor) else False
        return as_tensor(data, dtype=dtype, device=device).requires_grad_(requires_grad)

    @classmethod
    def _wrap_output(cls, output, args=(), kwargs=None):
        if isinstance(output, Tensor) and not isinstance(output, cls):
            output = output.as_subclass(cls)
        if isinstance(output, (tuple, list)):
            output = type(output)(cls._wrap_output(part, args, kwargs) for part in output)
        return output

    @classmethod
    def wrap(cls, tensor, like, **kwargs):
        return tensor.as_subclass(cls)

    @classmethod
    def __torch_function__(cls, func, types, args=(), kwargs=None):
        if not all(issubclass(cls, t) for t in types):
            return NotImplemented
        with DisableTorchFunctionSubclass():
            output = func(*args, **(kwargs or {}))
        if func is Tensor.as_subclass:   # torch does not route it through the protocol
            return output
        if _return_subclass[0] or (original(func) in _FORCE_SUBCLASS and isinstance(args[0], cls)):
            return cls._wrap_output(output, args, kwargs)
        if isinstance(output, cls):
            return output.as_subclass(Tensor)
        return output

    def __repr__(self):
        """torch's repr of a subclass: the class name in place of ``tensor``."""
        text = repr(self.as_subclass(Tensor))
        name = type(self).__name__
        lines = text.split("\n")
        pad = " " * (len(name) + 1)
        return "\n".join([name + lines[0][len("tensor"):]]
                         + [line and pad + line[len("tensor("):] for line in lines[1:]])

    def _make_repr(self, **kwargs):
        extra = ", ".join(f"{key}={value}" for key, value in kwargs.items())
        return f"{TVTensor.__repr__(self)[:-1]}, {extra})"

    def __deepcopy__(self, memo):
        return self.detach().clone().requires_grad_(self.requires_grad)

    # Metadata reads skip the protocol, as torchvision's do (cheaper, and a plain value even
    # under ``set_return_type("TVTensor")``).
    def _plain(name):
        getter = getattr(Tensor, name).fget

        def read(self):
            with DisableTorchFunctionSubclass():
                return getter(self)
        return property(read)

    shape = _plain("shape")
    ndim = _plain("ndim")
    device = _plain("device")
    dtype = _plain("dtype")
    del _plain
