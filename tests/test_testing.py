"""torch.testing against torch: assert_close's verdicts, exception types and full message
text (tolerances per dtype, attribute checks, containers, scalars, msg), assert_allclose, and
make_tensor's dtypes, ranges, layout options and errors."""
import warnings

import numpy as np
import pytest

import ember

torch = pytest.importorskip("torch")


def _outcome(fn):
    try:
        fn()
    except Exception as e:      # noqa: BLE001 - compared with torch's
        return type(e).__name__, (str(e).replace("ember._tensor.Tensor", "torch.Tensor")
                                  .replace("ember.nn.", "torch.nn."))
    return "ok"


CASES = {
    "close_f32": lambda L: L.testing.assert_close(L.tensor([1., 2.]), L.tensor([1., 2.00001])),
    "far_f32": lambda L: L.testing.assert_close(L.tensor([1., 2., 3.]), L.tensor([1., 2.5, 3.])),
    "far_2d": lambda L: L.testing.assert_close(L.arange(6.).reshape(2, 3),
                                               L.arange(6.).reshape(2, 3) * 1.1),
    "f64_default": lambda L: L.testing.assert_close(L.tensor([1.], dtype=L.float64),
                                                    L.tensor([1. + 1e-6], dtype=L.float64)),
    "f16": lambda L: L.testing.assert_close(L.tensor([1.], dtype=L.float16),
                                            L.tensor([1.01], dtype=L.float16)),
    "bf16": lambda L: L.testing.assert_close(L.tensor([1.], dtype=L.bfloat16),
                                             L.tensor([1.01], dtype=L.bfloat16)),
    "int_equal": lambda L: L.testing.assert_close(L.tensor([1, 2]), L.tensor([1, 3])),
    "bool": lambda L: L.testing.assert_close(L.tensor([True, False]), L.tensor([True, True])),
    "scalar_tensor": lambda L: L.testing.assert_close(L.tensor(1.), L.tensor(1.5)),
    "python_float": lambda L: L.testing.assert_close(1.0, 1.1),
    "python_int": lambda L: L.testing.assert_close(1, 2),
    "int_vs_float": lambda L: L.testing.assert_close(1, 1.0),
    "int_vs_float_nodtype": lambda L: L.testing.assert_close(1, 1.0, check_dtype=False),
    "numpy": lambda L: L.testing.assert_close(np.array([1., 2.]), np.array([1., 3.])),
    "numpy_scalar": lambda L: L.testing.assert_close(np.float32(1.0), np.float32(2.0)),
    "bools": lambda L: L.testing.assert_close(True, False),
    "none": lambda L: L.testing.assert_close(None, 1),
    "tensor_vs_float": lambda L: L.testing.assert_close(L.ones(2), 1.0),
    "shape": lambda L: L.testing.assert_close(L.ones(2), L.ones(3)),
    "dtype": lambda L: L.testing.assert_close(L.ones(2), L.ones(2, dtype=L.float64)),
    "dtype_off": lambda L: L.testing.assert_close(L.ones(2), L.ones(2, dtype=L.float64) * 1.5,
                                                  check_dtype=False),
    "stride": lambda L: L.testing.assert_close(L.ones(2, 3).t(), L.ones(3, 2), check_stride=True),
    "stride_off": lambda L: L.testing.assert_close(L.ones(2, 3).t(), L.ones(3, 2)),
    "nan": lambda L: L.testing.assert_close(L.tensor([float("nan")]), L.tensor([float("nan")])),
    "nan_equal": lambda L: L.testing.assert_close(L.tensor([float("nan"), 1.]),
                                                  L.tensor([float("nan"), 1.]), equal_nan=True),
    "inf": lambda L: L.testing.assert_close(L.tensor([float("inf")]), L.tensor([float("inf")])),
    "inf_sign": lambda L: L.testing.assert_close(L.tensor([float("inf")]),
                                                 L.tensor([-float("inf")])),
    "zero_expected": lambda L: L.testing.assert_close(L.tensor([1.]), L.tensor([0.])),
    "tol_given": lambda L: L.testing.assert_close(L.tensor([1.]), L.tensor([1.1]), rtol=0.2,
                                                  atol=0),
    "tol_exact": lambda L: L.testing.assert_close(L.tensor([1.]), L.tensor([1.1]), rtol=0, atol=0),
    "only_rtol": lambda L: L.testing.assert_close(L.ones(2), L.ones(2), rtol=1),
    "only_atol": lambda L: L.testing.assert_close(L.ones(2), L.ones(2), atol=1),
    "list": lambda L: L.testing.assert_close([L.ones(1), (L.ones(2), L.zeros(1))],
                                             [L.ones(1), (L.ones(2), L.ones(1))]),
    "list_len": lambda L: L.testing.assert_close([L.ones(1)], [L.ones(1), L.ones(1)]),
    "dict": lambda L: L.testing.assert_close({"a": L.ones(2), "b": {"c": L.ones(1)}},
                                             {"a": L.ones(2), "b": {"c": L.zeros(1)}}),
    "dict_keys": lambda L: L.testing.assert_close({"a": 1, "b": 2}, {"a": 1, "c": 2}),
    "msg_str": lambda L: L.testing.assert_close(L.ones(2), L.zeros(2), msg="custom"),
    "msg_callable": lambda L: L.testing.assert_close([L.ones(2)], [L.zeros(2)],
                                                     msg=lambda m: "X" + m[:20]),
    "subclass": lambda L: L.testing.assert_close(L.nn.Parameter(L.ones(2)), L.ones(2)),
    "subclass_strict": lambda L: L.testing.assert_close(L.nn.Parameter(L.ones(2)), L.ones(2),
                                                        allow_subclasses=False),
    "requires_grad": lambda L: L.testing.assert_close(L.ones(2, requires_grad=True) * 2,
                                                      L.full((2,), 2.5)),
    "big": lambda L: L.testing.assert_close(L.arange(20.).reshape(4, 5),
                                            L.arange(20.).reshape(4, 5).flip(0)),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_assert_close_matches_torch(name):
    case = CASES[name]
    assert _outcome(lambda: case(ember)) == _outcome(lambda: case(torch))


def test_assert_allclose_deprecated():
    res = []
    for L in (ember, torch):
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            out = _outcome(lambda: L.testing.assert_allclose(L.tensor([1.]), [1.00001]))
            out2 = _outcome(lambda: L.testing.assert_allclose(L.tensor([1.]), [1.1]))
        res.append((out, out2, [(x.category, str(x.message)) for x in w]))
    assert res[0] == res[1]


@pytest.mark.parametrize("dtype", ["float32", "float64", "float16", "bfloat16", "int64",
                                   "int8", "uint8", "bool", "complex64"])
def test_make_tensor_ranges(dtype):
    e = ember.testing.make_tensor(40, 5, dtype=getattr(ember, dtype), device="cpu")
    t = torch.testing.make_tensor(40, 5, dtype=getattr(torch, dtype), device="cpu")
    assert str(e.dtype) == str(t.dtype) and tuple(e.shape) == tuple(t.shape)
    values = e.numpy()
    if dtype == "complex64":
        values = np.concatenate([values.real, values.imag])
    low, high = {"bool": (0, 1), "uint8": (0, 9)}.get(dtype, (-9, 9))
    assert values.min() >= low and values.max() <= high and np.unique(values).size > 1


def test_make_tensor_options():
    for L in (ember, torch):
        t = L.testing.make_tensor((3, 4), dtype=L.float32, device="cpu", low=2, high=3,
                                  noncontiguous=True, requires_grad=True, exclude_zero=True)
        assert t.shape == (3, 4) and not t.is_contiguous() and t.requires_grad
        assert 2 <= float(t.detach().min()) and float(t.detach().max()) <= 3
        i = L.testing.make_tensor(50, dtype=L.int64, device="cpu", low=-1, high=1,
                                  exclude_zero=True)
        assert set(i.tolist()) <= {-1, 1}


@pytest.mark.parametrize("kw", [
    dict(dtype="int64", requires_grad=True),
    dict(dtype="float32", low=3, high=1),
    dict(dtype="float32", low=float("nan")),
    dict(dtype="uint8", low=300, high=400),
    dict(dtype="float32", noncontiguous=True, memory_format="channels_last"),
])
def test_make_tensor_errors(kw):
    def call(L):
        args = dict(kw, dtype=getattr(L, kw["dtype"]))
        if "memory_format" in args:
            args["memory_format"] = getattr(L, args["memory_format"], args["memory_format"])
        return L.testing.make_tensor(2, 2, device="cpu", **args)
    e, t = _outcome(lambda: call(ember)), _outcome(lambda: call(torch))
    if "memory_format" in kw:       # the repr of the memory format differs
        assert e[0] == t[0] == "ValueError"
    else:
        assert e == t
