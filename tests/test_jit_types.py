"""``torch.TensorType`` (TorchScript's tensor type descriptor) against torch."""
import pytest

import ember

torch = pytest.importorskip("torch")


def _describe(T, t):
    return (repr(t), str(t.dtype()), t.sizes(), t.strides(), str(t.device()), t.requires_grad(),
            t.dim(), t.scalarType(), t.kind(), t.annotation_str, t.str())


@pytest.mark.parametrize("make", [lambda T: T.ones(2, 3), lambda T: T.zeros(4, 5, dtype=T.int64).t(),
                                  lambda T: T.ones((), dtype=T.float64, requires_grad=True),
                                  lambda T: T.ones(3, dtype=T.bool)])
def test_tensor_type_describes_a_tensor_as_torch(make):
    got = []
    for T in (torch, ember):
        t = T.TensorType.create_from_tensor(make(T))
        g = T.TensorType.get()
        got.append((_describe(T, t), _describe(T, g), t.isSubtypeOf(g), g.isSubtypeOf(t),
                    t.with_dtype(T.float64).str(), t.with_sizes([4, None]).str(),
                    t.contiguous().str(), t == T.TensorType.create_from_tensor(make(T)),
                    g is T.TensorType.get()))
    assert got[1] == got[0]


SIMPLE = ("AnyType", "NoneType", "BoolType", "IntType", "FloatType", "ComplexType", "NumberType",
          "StringType", "DeviceObjType", "StreamObjType", "SymIntType", "SymBoolType",
          "PyObjectType")


def _simple_types(T):
    """Each parameterless type's description, its subtypes among the others (and Tensor), and
    what calling its class raises."""
    got = {}
    for name in SIMPLE:
        cls = getattr(T, name)
        t = cls.get()
        with pytest.raises(TypeError) as error:
            cls()
        got[name] = (repr(t), str(t), t.kind(), t.annotation_str, t.str(), t.containedTypes(),
                     t.is_interface_type(), t is cls.get(), type(t) is cls, t == cls.get(),
                     issubclass(cls, T.Type), [other for other in SIMPLE
                                               if t.isSubtypeOf(getattr(T, other).get())],
                     str(error.value))
    tensor = T.TensorType.get()
    got["tensor"] = (tensor.isSubtypeOf(T.AnyType.get()), tensor.isSubtypeOf(T.IntType.get()),
                     isinstance(tensor, T.Type), T.IntType.get() == T.FloatType.get())
    return got


def test_parameterless_types_as_torch():
    assert _simple_types(ember) == _simple_types(torch)
    # libraries annotate with them: ``device: str | torch.DeviceObjType``
    assert (str | ember.DeviceObjType).__args__ == (str, ember.DeviceObjType)
    with pytest.raises(TypeError, match="unhashable"):
        hash(ember.IntType.get())
