"""nn.Parameter, nn.Buffer and the uninitialized (lazy) variants.

A Parameter is a Tensor subclass that shares its storage with the tensor it was made from and
requires grad by default; a Module that receives one as an attribute registers it.  ``Buffer``
(like PyTorch's) returns a plain Tensor tagged ``_is_buffer`` so that ``isinstance(t, Buffer)``
is true for it and a Module registers it as a buffer.
"""
from .. import _errors
from .._C import _disabled_torch_function_impl
from .._tensor import Tensor
from .._tensor_str import tensor_repr

__all__ = ["Parameter", "UninitializedParameter", "Buffer", "UninitializedBuffer"]


def _creation():
    from .._ops import creation
    return creation


class _MarkedMeta(type):
    """``isinstance(t, Parameter)`` (``Buffer``) is also true for a plain tensor marked
    ``_is_param`` (``_is_buffer``), as in PyTorch: the class names its mark in ``_mark``;
    its subclasses accept no marked tensor."""

    def __init__(cls, name, bases, namespace):
        super().__init__(name, bases, namespace)
        cls._marked_by = namespace.get("_mark")

    def __instancecheck__(cls, instance):
        mark = cls._marked_by
        if mark and isinstance(instance, Tensor) and getattr(instance, mark, False):
            return True
        return super().__instancecheck__(instance)


class Parameter(Tensor, metaclass=_MarkedMeta):
    """A Tensor that a Module registers as a parameter (``requires_grad=True`` by default)."""
    _mark = "_is_param"
    __torch_function__ = _disabled_torch_function_impl     # ops on it give plain Tensors

    def __new__(cls, data=None, requires_grad=True):
        if data is None:
            data = _creation().empty(0)
        if requires_grad and not (data._dtype.is_floating_point or data._dtype.is_complex):
            raise _errors.factory_requires_grad_dtype()
        t = data.detach().as_subclass(cls)
        t._requires_grad = bool(requires_grad)
        return t

    def __init__(self, data=None, requires_grad=True):
        pass

    def __deepcopy__(self, memo):
        key = id(self)
        if key in memo:
            return memo[key]
        result = type(self)(self.data.clone(), self._requires_grad)
        memo[key] = result
        return result

    def __repr__(self):
        return "Parameter containing:\n" + tensor_repr(self)

    __str__ = __repr__


class Buffer(Tensor, metaclass=_MarkedMeta):
    """Marks a tensor to be registered as a buffer when assigned to a Module attribute;
    the result is a plain Tensor carrying ``persistent``."""
    _mark = "_is_buffer"
    __torch_function__ = _disabled_torch_function_impl

    def __new__(cls, data=None, *, persistent=True):
        if data is None:
            data = _creation().empty(0)
        t = data.detach()
        t._requires_grad = data._requires_grad
        t.persistent = persistent
        t._is_buffer = True
        return t


class UninitializedTensorMixin:
    """A placeholder whose shape is unknown until ``materialize`` (used by lazy modules)."""
    cls_to_become = None

    def materialize(self, shape, device=None, dtype=None):
        """Give the tensor its real storage (``empty(shape)``) and become ``cls_to_become``."""
        from .. import _device as Dev, _dtype as D
        device = self._device if device is None else Dev.resolve(device)
        dtype = self._dtype if dtype is None else D.to_dtype(dtype)
        shape = (shape,) if isinstance(shape, int) else tuple(shape)
        self.data = _creation().empty(shape, device=device, dtype=dtype)
        self.__class__ = self.cls_to_become

    @property
    def shape(self):
        raise _errors.uninitialized_shape()

    def size(self, dim=None):
        raise _errors.uninitialized_shape()

    def numel(self):
        raise _errors.uninitialized_shape()

    def share_memory_(self):
        raise _errors.uninitialized_share_memory()

    def __repr__(self):
        return f"<{self.__class__.__name__}>"

    __str__ = __repr__

    def __reduce_ex__(self, proto):
        return (self.__class__, (self._requires_grad,))


def is_lazy(param):
    """True for an UninitializedParameter / UninitializedBuffer."""
    return isinstance(param, UninitializedTensorMixin)


class UninitializedParameter(UninitializedTensorMixin, Parameter):
    cls_to_become = Parameter

    def __new__(cls, requires_grad=True, device=None, dtype=None):
        data = _creation().empty(0, device=device, dtype=dtype)
        return Parameter.__new__(cls, data, requires_grad)

    def __init__(self, requires_grad=True, device=None, dtype=None):
        pass

    def __deepcopy__(self, memo):
        key = id(self)
        if key not in memo:
            memo[key] = type(self)(self._requires_grad, self._device, self._dtype)
        return memo[key]


class UninitializedBuffer(UninitializedTensorMixin, Tensor):
    cls_to_become = Tensor

    def __new__(cls, requires_grad=False, device=None, dtype=None, persistent=True):
        data = _creation().empty(0, device=device, dtype=dtype)
        t = data.as_subclass(cls)
        t._requires_grad = requires_grad
        t.persistent = persistent
        t._is_buffer = True
        return t

    def __init__(self, requires_grad=False, device=None, dtype=None, persistent=True):
        pass

    def __deepcopy__(self, memo):
        key = id(self)
        if key not in memo:
            memo[key] = type(self)(self._requires_grad, self._device, self._dtype,
                                   self.persistent)
        return memo[key]
