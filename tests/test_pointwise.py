"""Pointwise ops against torch 2.13: every oracle entry in ``specs_pointwise`` (values, dtypes,
node names, gradients, errors), float64 gradcheck, plus Python operators, promotion with
scalars and 0-d tensors, in-place semantics and node names of the reflected operators."""
import operator

import numpy as np
import pytest

import ember
from tests.oracle import harness
from tests.oracle.specs_pointwise import SPECS

torch = pytest.importorskip("torch")


def _params():
    for k, spec in enumerate(SPECS):
        for i, case in enumerate(spec.cases):
            for dt in harness.case_dtypes(spec, case):
                yield pytest.param(spec, case, dt, id=f"{spec.name}{k}-{case.name or i}-{dt}")


def _grad_params():
    for k, spec in enumerate(SPECS):
        if not (spec.grad and spec.gradcheck):
            continue
        for i, case in enumerate(spec.cases):
            if not case.error and harness.has_float_grad_input((case.args, case.kwargs)):
                yield pytest.param(spec, case, id=f"{spec.name}{k}-{case.name or i}")


@pytest.mark.parametrize("spec, case, dtype", list(_params()))
def test_oracle(spec, case, dtype):
    harness.run_case(spec, case, dtype, seed=harness.seed_for(spec.name, case.name, dtype))


@pytest.mark.parametrize("spec, case", list(_grad_params()))
def test_gradcheck(spec, case):
    harness.run_gradcheck(spec, case, seed=harness.seed_for(spec.name, case.name))


# ---- operators ------------------------------------------------------------------------------
BINARY_OPS = [operator.add, operator.sub, operator.mul, operator.truediv, operator.floordiv,
              operator.mod, operator.pow, operator.eq, operator.ne, operator.lt, operator.le,
              operator.gt, operator.ge]
INT_OPS = [operator.and_, operator.or_, operator.xor, operator.lshift, operator.rshift]


def _pair(vals, dtype):
    return ember.tensor(vals, dtype=getattr(ember, dtype)), torch.tensor(vals, dtype=getattr(
        torch, dtype))


def _same(e, t):
    assert str(e.dtype) == str(t.dtype)
    np.testing.assert_allclose(e.numpy(), t.numpy(), rtol=1e-6, equal_nan=True)


@pytest.mark.parametrize("op", BINARY_OPS, ids=lambda o: o.__name__)
@pytest.mark.parametrize("other", [2, 2.5, True, "t0d", "tint"], ids=str)
@pytest.mark.parametrize("reflected", [False, True])
def test_binary_operators_promotion(op, other, reflected):
    e, t = _pair([[1.5, 2.0, 3.0], [0.5, 4.0, 1.0]], "float32")
    if other == "t0d":
        eo, to = _pair(3.0, "float64")
    elif other == "tint":
        eo, to = _pair([1, 2, 3], "int64")
    else:
        eo = to = other
    args_e, args_t = ((eo, e), (to, t)) if reflected else ((e, eo), (t, to))
    try:
        want = op(*args_t)
    except Exception as exc:  # noqa: BLE001
        with pytest.raises(type(exc)):
            op(*args_e)
        return
    _same(op(*args_e), want)


@pytest.mark.parametrize("op", INT_OPS, ids=lambda o: o.__name__)
@pytest.mark.parametrize("other", [2, True, "tint"], ids=str)
def test_int_operators(op, other):
    e, t = _pair([1, 5, -3, 8], "int32")
    eo, to = _pair([1, 2, 3, 0], "int64") if other == "tint" else (other, other)
    _same(op(e, eo), op(t, to))
    _same(op(eo, e), op(to, t))


def test_invert_and_unary_operators():
    e, t = _pair([1, -2, 3], "int64")
    _same(~e, ~t)
    _same(-e, -t)
    _same(abs(e), abs(t))
    eb, tb = _pair([True, False], "bool")
    _same(~eb, ~tb)
    ef, _ = _pair([1.0], "float32")
    with pytest.raises(TypeError, match="only implemented on integer and Boolean"):
        ~ef


@pytest.mark.parametrize("expr, names", [
    ("2 - x", "RsubBackward1"), ("2 / x", "MulBackward0"), ("2 ** x", "PowBackward2"),
    ("x ** 2", "PowBackward0"), ("x ** x", "PowBackward1"), ("x % 1.5", "RemainderBackward0"),
    ("x % x", "RemainderBackward1"), ("-x", "NegBackward0"), ("abs(x)", "AbsBackward0"),
    ("x - x", "SubBackward0"), ("x / 2", "DivBackward0")])
def test_operator_node_names(expr, names):
    for lib in (ember, torch):
        x = lib.tensor([0.5, 1.5, 2.0], requires_grad=True)
        y = eval(expr)
        assert type(y.grad_fn).__name__ == names
    x = ember.tensor([0.5, 1.5, 2.0], requires_grad=True)
    tx = torch.tensor([0.5, 1.5, 2.0], requires_grad=True)
    eval(expr.replace("x", "x")).sum().backward()
    y = eval(expr.replace("x", "tx"))
    y.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), tx.grad.numpy(), rtol=1e-6)


def test_rtruediv_next_functions():
    x = ember.tensor([0.5, 1.5], requires_grad=True)
    y = 2 / x
    assert type(y.grad_fn.next_functions[0][0]).__name__ == "ReciprocalBackward0"


@pytest.mark.parametrize("op", ["+=", "-=", "*=", "/=", "//=", "%=", "**=", "&=", "|=", "^=",
                                "<<=", ">>="])
def test_inplace_operators_keep_identity(op):
    floaty = op in ("+=", "-=", "*=", "/=", "//=", "%=", "**=")
    vals = [1.5, 2.5, 3.0] if floaty else [1, 6, 3]
    dt = "float32" if floaty else "int64"
    for lib, store in ((ember, []), (torch, [])):
        x = lib.tensor(vals, dtype=getattr(lib, dt))
        ident = x
        exec(f"x {op} 2", {}, {"x": x})
    e, t = _pair(vals, dt)
    e0, t0 = e, t
    ns_e, ns_t = {"x": e}, {"x": t}
    exec(f"x {op} 2", {}, ns_e)
    exec(f"x {op} 2", {}, ns_t)
    assert ns_e["x"] is e0 and ns_t["x"] is t0
    _same(e0, t0)
    del ident


def test_inplace_result_cast_error():
    e, t = _pair([1, 2], "int64")
    with pytest.raises(RuntimeError) as te:
        t += 1.5
    with pytest.raises(RuntimeError) as ee:
        e += 1.5
    assert str(ee.value) == str(te.value)


def test_inplace_version_and_leaf():
    x = ember.ones(3, requires_grad=True)
    with pytest.raises(RuntimeError, match="leaf Variable"):
        x.add_(1)
    y = x * 2
    v = y._version
    y.mul_(3).sin_()
    assert y._version == v + 2 and type(y.grad_fn).__name__ == "SinBackward0"
    y.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), 6 * np.cos(np.full(3, 6.0)), rtol=1e-6)


def test_mixed_devices(fake_cuda):
    a = ember.ones(3)
    b = ember.ones(3, device="cuda")
    with pytest.raises(RuntimeError, match="Expected all tensors to be on the same device"):
        a + b
    assert (b + ember.tensor(2.0)).device.type == "cuda"     # 0-d CPU tensors mix freely


def test_scalar_promotion_table():
    for ev, tv in [(ember.tensor([1, 2], dtype=ember.int32), torch.tensor([1, 2],
                                                                          dtype=torch.int32)),
                   (ember.tensor([1., 2.], dtype=ember.float16),
                    torch.tensor([1., 2.], dtype=torch.float16)),
                   (ember.tensor([True]), torch.tensor([True]))]:
        for s in (1, 1.5, True, ember.tensor(2.0, dtype=ember.float64)):
            ts = torch.tensor(2.0, dtype=torch.float64) if isinstance(s, ember.Tensor) else s
            assert str((ev * s).dtype) == str((tv * ts).dtype)
            assert str((ev / s).dtype) == str((tv / ts).dtype)


@pytest.mark.parametrize("op,other", [("floor_divide", 2), ("floor_divide", [2.0, 3.0]),
                                      ("heaviside", [2.0, 3.0])])
def test_grad_not_implemented(op, other):
    for lib in (ember, torch):
        x = lib.tensor([1.5, 2.5], requires_grad=True)
        y = getattr(lib, op)(x, lib.tensor(other) if isinstance(other, list) else other)
        assert type(y.grad_fn).__name__ == "NotImplemented"
        with pytest.raises(RuntimeError, match=f"^derivative for aten::{op} is not "
                                               "implemented$"):
            y.sum().backward()


@pytest.mark.parametrize("call", ["fmod(2, ones(3))", "clamp(ones(3), ones(3), 1.0)",
                                  "clamp(ones(3), 0.0, ones(3))"])
def test_invalid_argument_combination(call):
    with pytest.raises(TypeError) as te:
        eval(call, vars(torch))
    with pytest.raises(TypeError) as ee:
        eval(call, vars(ember))
    assert str(ee.value) == str(te.value)


def test_where_scalar_only_branches():
    c = ember.tensor([True, False])
    assert ember.where(c, 1, 2).dtype is ember.int64
    assert ember.where(c, 1.0, 2).dtype is ember.float32
    assert ember.where(c).__class__ is tuple


def test_nextafter_gradient_matches_torch():
    """torch differentiates nextafter(a, b) as the identity in a and a constant in b."""
    a, b = np.array([[1.0, -2.0, 0.0]]), np.array([[3.0], [-1.0]])
    ge, gt = [], []
    for lib, out in ((ember, ge), (torch, gt)):
        x, y = lib.tensor(a, requires_grad=True), lib.tensor(b, requires_grad=True)
        r = lib.nextafter(x, y)
        assert type(r.grad_fn).__name__ == "NextafterBackward0"
        out.extend(lib.autograd.grad(r, (x, y), lib.ones(r.shape, dtype=lib.float64)))
    for e, t in zip(ge, gt):
        np.testing.assert_array_equal(e.numpy(), t.numpy())


def test_conj_gradient_and_conjugate_bit_queries():
    """conj() of a complex tensor is differentiable (ConjBackward0); ember materializes it, so
    is_conj / is_neg are False and resolve_conj / resolve_neg return the tensor itself."""
    vals = np.array([1 + 2j, -3 + 0.5j])
    res = []
    for lib in (ember, torch):
        x = lib.from_numpy(vals.copy()).requires_grad_()
        w = lib.from_numpy(np.array([2 - 1j, 0.5 + 3j]))
        y = x.conj()
        (g,) = lib.autograd.grad(y * w, x, lib.from_numpy(np.array([1 - 1j, 2 + 0.5j])))
        res.append((type(y.grad_fn).__name__, g.resolve_conj().detach().numpy()))
        r = lib.ones(2)
        assert not lib.is_conj(r) and not r.is_conj() and not r.is_neg() and not lib.is_neg(r)
        assert r.resolve_conj() is r and lib.resolve_neg(r) is r and lib.resolve_conj(w) is w
    (en, eg), (tn, tg) = res
    assert en == tn == "ConjBackward0"
    np.testing.assert_allclose(eg, tg)
    assert not ember.tensor([1j]).conj().is_conj()     # torch: True (a lazy conjugate view)


@pytest.mark.parametrize("dtype", ["bfloat16", "float16"])
@pytest.mark.parametrize("other", ["int", "float", "int_tensor_0d", "float_tensor_0d"])
@pytest.mark.parametrize("op", [operator.truediv, operator.mul, operator.add, operator.sub,
                                lambda x, s: s * x, lambda x, s: s / x,
                                lambda x, s: x.mul_(s)])
def test_reduced_precision_scalar_operand(op, other, dtype):
    """A scalar ``other`` (Python number or 0-d tensor) of a float16/bfloat16 mul or div enters
    at float32 precision (``bf16 / 3001`` divides by 3001, not by bfloat16(3001) = 3008); add
    and sub round it to the tensor's dtype first, as PyTorch does."""
    a = np.array([2960.0, 3.0, -7.1, 0.3], dtype=np.float32)
    value = {"int": 3001, "float": 3000.7, "int_tensor_0d": 3001, "float_tensor_0d": 3000.7}[other]

    def run(lib):
        x = lib.from_numpy(a).to(getattr(lib, dtype))
        return op(x, lib.tensor(value) if other.endswith("0d") else value)
    e, t = run(ember), run(torch)
    assert str(e.dtype) == str(t.dtype)
    np.testing.assert_array_equal(e.float().numpy(), t.float().numpy())


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("exponent", [2, 3, -2, -1, -0.5, 2.0, 3.0])
def test_pow_scalar_exponent_bits_match_torch(exponent, dtype):
    """PyTorch computes x**2, x**3, x**-2, x**-1 and x**-0.5 by products, a division and a
    square root rather than ``pow`` (the last bit differs): so must Ember, gradient included."""
    rng = np.random.default_rng(7)
    x = (rng.standard_normal((6, 40)) * 3).astype(dtype)
    x[0, :5] = [0.0, -0.0, np.inf, -np.inf, np.nan]
    e = ember.tensor(x, requires_grad=True)
    t = torch.tensor(x, requires_grad=True)
    ev, tv = e.t().pow(exponent), t.t().pow(exponent)        # a non-contiguous input too
    np.testing.assert_array_equal(ev.detach().numpy(), tv.detach().numpy())
    g = rng.standard_normal((40, 6)).astype(dtype)
    ev.backward(ember.tensor(g))
    tv.backward(torch.tensor(g))
    if exponent in (2, 3, -1):     # the gradient's x**(e-1) is one of those forms
        np.testing.assert_array_equal(e.grad.numpy(), t.grad.numpy())
    else:                          # PyTorch's vectorised pow: equal up to rounding
        np.testing.assert_allclose(e.grad.numpy(), t.grad.numpy(), rtol=1e-5, equal_nan=True)
