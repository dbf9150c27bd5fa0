"""``torch.segment_reduce`` against torch: values and gradients for every reduction, lengths
and offsets, leading and trailing dims, empty segments, ``initial``, ties and zeros; errors."""
import numpy as np
import pytest

import ember

torch = pytest.importorskip("torch")

REDUCTIONS = ["sum", "mean", "max", "min", "prod", "amax"]


def _call(lib, data, reduce, counts, by, axis, initial, dtype):
    x = lib.tensor(data, dtype=getattr(lib, dtype), requires_grad=True)
    counts = np.asarray(counts)
    if by == "offsets":
        zeros = np.zeros(counts.shape[:-1] + (1,), "int64")
        kw = {"offsets": lib.tensor(np.concatenate([zeros, counts.cumsum(-1)], -1))}
    else:
        kw = {"lengths": lib.tensor(counts)}
    y = lib.segment_reduce(x, reduce, axis=axis, initial=initial, **kw)
    w = lib.tensor(np.linspace(-1, 2, y.numel()).reshape(tuple(y.shape)),
                   dtype=getattr(lib, dtype))
    (g,) = lib.autograd.grad((y * w).sum(), x)
    return y.detach().numpy(), g.numpy()


@pytest.mark.parametrize("reduce", REDUCTIONS)
@pytest.mark.parametrize("case", ["1d", "leading", "trailing", "empty ends"])
@pytest.mark.parametrize("by", ["lengths", "offsets"])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_segment_reduce_as_torch(reduce, case, by, dtype):
    rng = np.random.default_rng(len(reduce) * 7 + len(case))
    data = rng.integers(-3, 4, size=(2, 7, 3)).astype(dtype)   # small ints: ties and zeros
    if case == "1d":
        data, counts, axis = data[0, :, 0], [2, 0, 3, 2], 0
    elif case == "leading":
        data, counts, axis = data[..., 0], [[3, 0, 4], [1, 5, 1]], 1
    elif case == "trailing":
        data, counts, axis = data[0], [4, 3], 0
    else:
        data, counts, axis = data[0, :, 0], [0, 0, 7, 0], -1
    for initial in (None, 1.5):
        expected = _call(torch, data, reduce, counts, by, axis, initial, dtype)
        got = _call(ember, data, reduce, counts, by, axis, initial, dtype)
        for e, t in zip(got, expected):
            np.testing.assert_allclose(e, t, rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("case", ["lengths that do not cover the axis", "unknown reduce",
                                  "neither lengths nor offsets", "indices", "negative lengths",
                                  "float lengths", "integer data"])
def test_segment_reduce_errors_as_torch(case):
    errors = []
    for lib in (torch, ember):
        d = lib.arange(1.0, 7.0)
        call = {
            "lengths that do not cover the axis":
                lambda: lib.segment_reduce(d, "sum", lengths=lib.tensor([2, 3])),
            "unknown reduce": lambda: lib.segment_reduce(d, "foo", lengths=lib.tensor([6])),
            "neither lengths nor offsets": lambda: lib.segment_reduce(d, "sum"),
            "indices": lambda: lib.segment_reduce(d, "sum", indices=lib.tensor([0, 1])),
            "negative lengths": lambda: lib.segment_reduce(d, "sum", lengths=lib.tensor([-1, 7])),
            "float lengths": lambda: lib.segment_reduce(d, "sum", lengths=lib.tensor([2., 4.])),
            "integer data": lambda: lib.segment_reduce(d.long(), "sum", lengths=lib.tensor([6])),
        }[case]
        with pytest.raises(Exception) as info:
            call()
        errors.append((type(info.value), str(info.value)))
    assert errors[1] == errors[0]


def test_the_gradient_has_no_derivative_as_torch():
    for lib in (torch, ember):
        x = lib.tensor([1.0, 3.0, 2.0], requires_grad=True)
        y = lib.segment_reduce(x, "sum", lengths=lib.tensor([1, 2]))
        (g,) = lib.autograd.grad(y.pow(2).sum(), x, create_graph=True)
        with pytest.raises(RuntimeError, match="derivative for aten::_segment_reduce_backward"):
            g.sum().backward()


def test_unsafe_skips_the_check_and_float16_as_torch():
    for dtype in ("float16", "bfloat16"):
        got, expected = (lib.segment_reduce(lib.arange(1.0, 7.0, dtype=getattr(lib, dtype)),
                                            "mean", lengths=lib.tensor([2, 4], dtype=lib.int32),
                                            unsafe=True) for lib in (ember, torch))
        assert str(got.dtype) == str(expected.dtype)
        np.testing.assert_allclose(got.float().numpy(), expected.float().numpy())


@pytest.mark.parametrize("reduce", ["max", "min", "sum"])
def test_segment_reduce_with_nan_as_torch(reduce):
    data = np.array([1.0, np.nan, 2.0, 3.0, 3.0], "float64")
    expected, got = (_call(lib, data, reduce, [3, 2], "lengths", 0, None, "float64")
                     for lib in (torch, ember))
    for e, t in zip(got, expected):
        np.testing.assert_allclose(e, t)
