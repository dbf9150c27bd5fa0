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
