"""nn.Parameter, nn.Buffer and the uninitialized (lazy) variants.

A Parameter is a Tensor subclass that shares its storage with the tensor it was made from and
requires grad by default; a Module that receives one as an attribute registers it.  ``Buffer``
(like PyTorch's) returns a plain Tensor tagged ``_is_buffer`` so that ``isinstance(t, Buffer)``
is true for it and a Module registers it as a buffer.
"""
import sys

from .. import _errors
from .._C import _disabled_torch_function_impl
from .._ops.sparse import _NoStorage, _running_op
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


_ParameterMeta = _MarkedMeta     # torch's name (libraries build their parameter types on it)


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

    def __init__(self, *args, **kwargs):
        """Nothing: ``__new__`` made the parameter (subclasses' extra ``__new__`` arguments,
        e.g. a ``manifold=``, pass through as in torch, whose Parameter has no ``__init__``)."""

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


class _Unmaterialized(_NoStorage):
    """The ``_data`` of an uninitialized parameter or buffer: the shape ``(0,)`` that
    ``size()`` reports, and torch's ValueError for any op that reads it (``dim()`` and
    ``numel()`` included), so nothing computes on a parameter that has no values yet."""
    __slots__ = ("owner",)

    def __init__(self, owner):
        super().__init__((0,))
        self.owner = owner

    def _refuse(self, *args, **kwargs):
        raise _errors.uninitialized_use(_running_method(), self.owner)

    ndim = size = property(_refuse)
    __getattr__ = __array__ = __array_ufunc__ = __array_function__ = _refuse


def _running_method():
    """The op reading the placeholder: the registered op on the stack, else the nearest
    ``Tensor`` method (``dim``, ``numel``, operators by their op name)."""
    op = _running_op()
    frame = sys._getframe(2)
    while op == "unknown" and frame is not None:
        name = frame.f_code.co_name
        if name in vars(Tensor) and frame.f_code.co_filename != __file__:
            op = name.strip("_") if name.startswith("__") else name
        frame = frame.f_back
    return op


# The conversions torch lets an uninitialized tensor run (they see an empty tensor of its
# dtype and device); every other op raises.
_ALLOWED = ("to", "float", "double", "half", "char", "short", "int", "long", "cpu", "cuda",
            "copy_")


def _allowed(name):
    method = getattr(Tensor, name)

    def call(self, *args, **kwargs):
        empty = self._as_empty()
        result = method(empty, *args, **kwargs)
        if result is empty:                 # a no-op conversion gives the tensor itself
            return self
        if isinstance(result, Tensor) and not isinstance(self, Parameter):
            return type(self)(result._requires_grad, result._device, result._dtype,
                              self.persistent)     # buffers stay uninitialized, as in torch
        return result
    call.__name__ = call.__qualname__ = name
    return call


class UninitializedTensorMixin:
    """A placeholder whose shape is unknown until ``materialize`` (used by lazy modules): ops
    on it raise until then."""
    cls_to_become = None

    def materialize(self, shape, device=None, dtype=None):
        """Give the tensor its real storage (``empty(shape)``) and become ``cls_to_become``."""
        from .. import _device as Dev, _dtype as D
        device = self._device if device is None else Dev.resolve(device)
        dtype = self._dtype if dtype is None else D.to_dtype(dtype)
        shape = (shape,) if isinstance(shape, int) else tuple(shape)
        real = _creation().empty(shape, device=device, dtype=dtype)
        self._data, self._dtype, self._device = real._data, real._dtype, real._device
        self.__class__ = self.cls_to_become

    def _lock(self):
        self._data = _Unmaterialized(type(self).__name__)
        return self

    def _as_empty(self):
        """An empty plain tensor with this one's dtype, device and requires_grad."""
        t = _creation().empty(0, device=self._device, dtype=self._dtype)
        t._requires_grad = self._requires_grad
        return t

    @property
    def data(self):
        t = self._as_empty()
        t._requires_grad = False
        return t

    @data.setter
    def data(self, other):
        """A module's ``.to()`` / ``.float()`` give it an empty tensor: the new dtype and
        device are kept, and the tensor stays uninitialized."""
        self._dtype, self._device = other._dtype, other._device

    @property
    def shape(self):
        raise _errors.uninitialized_shape()

    def share_memory_(self):
        raise _errors.uninitialized_share_memory()

    def requires_grad_(self, requires_grad=True):
        raise _errors.uninitialized_use("requires_grad_", type(self).__name__)

    locals().update({name: _allowed(name) for name in _ALLOWED})

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
        return Parameter.__new__(cls, data, requires_grad)._lock()

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
        return t._lock()

    def __init__(self, requires_grad=False, device=None, dtype=None, persistent=True):
        pass

    def __deepcopy__(self, memo):
        key = id(self)
        if key not in memo:
            memo[key] = type(self)(self._requires_grad, self._device, self._dtype,
                                   self.persistent)
        return memo[key]
