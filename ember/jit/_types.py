"""TorchScript's type descriptions, ``torch.Type`` and its subclasses.  ``torch.TensorType``
describes a tensor value (dtype, sizes, strides, device, requires_grad, each possibly unknown):
``TensorType.get()`` is the unspecialised ``Tensor``; ``create_from_tensor(t)`` describes ``t``.
The types without parameters (``IntType``, ``DeviceObjType``...) are singletons from ``get()``.
Libraries use them in annotations and to describe values; ember's tracer does not consume them."""
from .. import _errors

_SCALAR_NAMES = {"float32": "Float", "float64": "Double", "float16": "Half",
                 "bfloat16": "BFloat16", "int64": "Long", "int32": "Int", "int16": "Short",
                 "int8": "Char", "uint8": "Byte", "bool": "Bool", "complex64": "ComplexFloat",
                 "complex128": "ComplexDouble"}


class Type:
    """``torch.Type``: built by its subclasses' ``get()``, never by calling the class."""
    __slots__ = ()

    def __init__(self, *args, **kwargs):
        raise _errors.jit_type_constructor(type(self).__name__)

    def is_interface_type(self):
        return False

    def containedTypes(self):
        return []


class _SimpleType(Type):
    """A type without parameters; its class's ``_names`` are (annotation_str, str())."""
    __slots__ = ()
    __hash__ = None     # torch's are unhashable; equality is identity

    @classmethod
    def get(cls):
        return _SIMPLE[cls]

    def kind(self):
        return type(self).__name__

    @property
    def annotation_str(self):
        return self._names[0]

    def str(self):
        return self._names[1]

    def isSubtypeOf(self, other):
        return other is self or type(other) is AnyType or (
            type(other) is NumberType and type(self) in (IntType, FloatType, ComplexType))

    def __repr__(self):
        return self._names[0]


def _simple(name, annotation, text=None):
    return type(name, (_SimpleType,),
                {"__slots__": (), "_names": (annotation, text or annotation)})


AnyType, NoneType, BoolType = _simple("AnyType", "Any"), _simple("NoneType", "NoneType"), \
    _simple("BoolType", "bool")
IntType, FloatType, ComplexType = _simple("IntType", "int"), _simple("FloatType", "float"), \
    _simple("ComplexType", "complex")
NumberType, StringType = _simple("NumberType", "number", "Scalar"), _simple("StringType", "str")
DeviceObjType, StreamObjType = _simple("DeviceObjType", "Device"), \
    _simple("StreamObjType", "Stream")
SymIntType, SymBoolType = _simple("SymIntType", "int", "SymInt"), \
    _simple("SymBoolType", "bool", "SymBool")
PyObjectType = _simple("PyObjectType", "PyObject")
_SIMPLE = {cls: object.__new__(cls) for cls in _SimpleType.__subclasses__()}


class TensorType(Type):
    __slots__ = ("_dtype", "_sizes", "_strides", "_device", "_requires_grad")

    def __init__(self, dtype=None, sizes=None, strides=None, device=None, requires_grad=None):
        self._dtype, self._sizes, self._strides = dtype, sizes, strides
        self._device, self._requires_grad = device, requires_grad

    @staticmethod
    def get():
        return _UNSPECIALISED

    @staticmethod
    def create_from_tensor(t):
        return TensorType(t.dtype, list(t.shape), list(t.stride()), t.device, t.requires_grad)

    @staticmethod
    def getInferred():
        return _UNSPECIALISED

    def _with(self, **changes):
        fields = {k[1:]: getattr(self, k) for k in self.__slots__}
        fields.update(changes)
        return TensorType(**fields)

    def with_dtype(self, dtype):
        return self._with(dtype=dtype)

    def with_sizes(self, sizes):
        sizes = None if sizes is None else list(sizes)
        keep = self._strides is not None and sizes is not None and \
            len(sizes) == len(self._strides)
        return self._with(sizes=sizes, strides=self._strides if keep else None)

    def with_device(self, device):
        return self._with(device=device)

    def contiguous(self):
        if self._sizes is None or None in self._sizes:
            return self._with(strides=None)
        strides, step = [], 1
        for s in reversed(self._sizes):
            strides.insert(0, step)
            step *= max(s, 1)
        return self._with(strides=strides)

    def dtype(self):
        return self._dtype

    def scalarType(self):
        return None if self._dtype is None else _SCALAR_NAMES.get(str(self._dtype)[6:])

    def sizes(self):
        return self._sizes

    def varyingSizes(self):
        return self._sizes

    def strides(self):
        return self._strides

    def device(self):
        return self._device

    def requires_grad(self):
        return True if self._requires_grad is None else self._requires_grad

    def dim(self):
        return None if self._sizes is None else len(self._sizes)

    def undefined(self):
        return None

    def kind(self):
        return "TensorType"

    @property
    def annotation_str(self):
        return "Tensor"

    def str(self):
        """The detailed description: ``Float(2, 3, strides=[3, 1], requires_grad=0,
        device=cpu)``, or ``Tensor`` when nothing is known."""
        if self._dtype is None and self._sizes is None:
            return "Tensor"
        head = self.scalarType() or "Tensor"
        if self._sizes is None:
            return head
        parts = [", ".join("*" if s is None else str(s) for s in self._sizes)]
        if self._strides:
            parts.append(f"strides={list(self._strides)}")
        if self._requires_grad is not None:
            parts.append(f"requires_grad={int(self._requires_grad)}")
        if self._device is not None:
            parts.append(f"device={self._device}")
        return f"{head}({', '.join(p for p in parts if p)})"

    def isSubtypeOf(self, other):
        """Every field ``other`` specifies is the same here."""
        if not isinstance(other, TensorType):
            return type(other) is AnyType
        return all(getattr(other, k) is None or getattr(other, k) == getattr(self, k)
                   for k in self.__slots__)

    def __eq__(self, other):
        return isinstance(other, TensorType) and all(
            getattr(self, k) == getattr(other, k) for k in self.__slots__)

    def __hash__(self):
        return hash(self.str())

    def __repr__(self):
        return "Tensor"


_UNSPECIALISED = TensorType()
