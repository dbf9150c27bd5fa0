"""Uninitialized (lazy) parameters and buffers refuse ops until materialised, as torch's do."""
import copy

import pytest

import ember

torch = pytest.importorskip("torch")

PREFIX = "Attempted to use an uninitialized parameter in "

USES = {
    "add": lambda T, p: p + 1, "sum": lambda T, p: p.sum(), "torch.sum": lambda T, p: T.sum(p),
    "mean": lambda T, p: T.mean(p), "numel": lambda T, p: p.numel(), "dim": lambda T, p: p.dim(),
    "clone": lambda T, p: p.clone(), "mul_": lambda T, p: T.no_grad()(p.mul_)(2),
    "matmul": lambda T, p: T.ones(0) @ p, "requires_grad_": lambda T, p: p.requires_grad_(False),
    "bfloat16": lambda T, p: p.bfloat16(), "shape": lambda T, p: p.shape,
    "share_memory_": lambda T, p: p.share_memory_(),
    # allowed: conversions, metadata, size() (empty)
    "size": lambda T, p: tuple(p.size()), "to": lambda T, p: str(p.to(T.float64).dtype),
    "double": lambda T, p: type(p.double()).__name__, "same dtype": lambda T, p: p.float() is p,
    "meta": lambda T, p: (p.requires_grad, str(p.device), str(p.dtype), p.is_leaf, p.grad),
    "data": lambda T, p: (type(p.data).__name__, tuple(p.data.size())),
    "deepcopy": lambda T, p: type(copy.deepcopy(p)).__name__, "repr": lambda T, p: repr(p),
}


def _outcome(T, kind, use):
    p = getattr(T.nn.parameter, kind)()
    try:
        return "ok", USES[use](T, p)
    except Exception as e:     # noqa: BLE001 - the exception is the result compared
        text = str(e)
        return type(e).__name__, text.split(" in ")[0] if text.startswith(PREFIX) else text


# Buffers' conversions have their own test; torch cannot deepcopy an uninitialized buffer
# (nor, so, a LazyBatchNorm), which ember can (test_deepcopy_of_lazy_buffers).
CASES = [("UninitializedParameter", use) for use in sorted(USES)] + \
    [("UninitializedBuffer", use) for use in sorted(USES)
     if use not in ("double", "data", "to", "deepcopy")]


@pytest.mark.parametrize("kind, use", CASES)
def test_uses_of_an_uninitialized_tensor_as_torch(kind, use):
    assert _outcome(ember, kind, use) == _outcome(torch, kind, use)


def test_deepcopy_of_lazy_buffers():
    m = copy.deepcopy(ember.nn.LazyBatchNorm1d())
    assert type(m.running_mean).__name__ == "UninitializedBuffer"
    m(ember.ones(4, 3))
    assert tuple(m.running_mean.shape) == (3,)


def test_error_names_the_op_and_the_class():
    p = ember.nn.parameter.UninitializedParameter()
    with pytest.raises(ValueError, match=r"in <method 'sum' of 'torch\._C\.TensorBase' objects>.*"
                                         r"torch\.nn\.parameter\.UninitializedParameter"):
        p.sum()


def test_buffer_conversions_stay_uninitialized():
    for T in (torch, ember):
        b = T.nn.parameter.UninitializedBuffer()
        d = b.double()
        assert type(d).__name__ == "UninitializedBuffer" and str(d.dtype) == "torch.float64"


def test_lazy_module_through_to_state_dict_optimizer_and_forward():
    got = []
    for T in (torch, ember):
        T.manual_seed(0)
        m = T.nn.LazyLinear(3).double()
        row = [type(m.weight).__name__, str(m.weight.dtype),
               repr(m.state_dict()["weight"]), type(copy.deepcopy(m).bias).__name__]
        T.optim.SGD(m.parameters(), lr=0.1)            # allowed before materialisation
        with pytest.raises(ValueError):
            sum(p.numel() for p in m.parameters())
        y = m(T.ones(2, 5, dtype=T.float64))
        row += [type(m.weight).__name__, tuple(m.weight.shape), str(m.weight.dtype),
                tuple(y.shape)]
        got.append(row)
    assert got[1] == got[0]
