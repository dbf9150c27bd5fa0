"""ember.special.airy_ai against torch (values over the whole real line, special values,
dtypes, no derivative) and, where mpmath is installed, against its Ai for the accuracy."""
import numpy as np
import pytest

import ember

torch = pytest.importorskip("torch")

# the regions of the backend kernel and their borders (series, Taylor, asymptotic, integral)
_POINTS = [-1e4, -1000.5, -100.25, -30.0, -20.0, -10.5, -9.5, -9.49, -5.0, -2.0, -1.5, -1.49, -0.5,
           0.0, 1.0, 2.0, 2.01, 5.0, 8.0, 20.0, 50.0, 100.0, 103.89, 103.893, 200.0]


def _both(values, dtype):
    return ember.tensor(values, dtype=getattr(ember, dtype)), \
        torch.tensor(values, dtype=getattr(torch, dtype))


# torch's float64 Ai is up to 3e-6 off on [-3.7, -2.09] (ember's is exact to 1e-14 there, see
# the mpmath test below); its float32 kernel works in float32, so its phase (2/3 |x|**1.5) is off
# by ~1e-5 at -30 and its values are noise below about -1000.
@pytest.mark.parametrize("dtype,atol,low", [("float64", 1e-13, -1e4), ("float32", 5e-6, -30.0)])
def test_whole_line_matches_torch(dtype, atol, low):
    rng = np.random.default_rng(0)
    values = np.concatenate([_POINTS, rng.uniform(-30.0, 30.0, 500),
                             -np.exp(rng.uniform(0.0, np.log(-low), 100))])
    values = values[values >= low].tolist()
    e, t = _both(values, dtype)
    got, want = ember.special.airy_ai(e), torch.special.airy_ai(t)
    assert got.dtype == getattr(ember, dtype) and got.shape == tuple(want.shape)
    x, got, want = np.asarray(values), got.cpu().numpy(), want.numpy()
    torch_off = (x >= -3.7) & (x <= -2.09) if dtype == "float64" else np.zeros(x.shape, bool)
    np.testing.assert_allclose(got[~torch_off], want[~torch_off], rtol=1e-5, atol=atol)
    np.testing.assert_allclose(got[torch_off], want[torch_off], atol=5e-6)


def test_special_values():
    e, t = _both([float("nan"), float("-inf"), 103.9, 1e300, -0.0], "float64")
    got, want = ember.special.airy_ai(e).cpu().numpy(), torch.special.airy_ai(t).numpy()
    np.testing.assert_array_equal(got, want)
    # +inf: the limit 0 (torch's Cephes kernel gives nan there)
    assert ember.special.airy_ai(ember.tensor(float("inf"))).item() == 0.0


@pytest.mark.parametrize("shape", [(), (0,), (2, 3)])
def test_shapes_and_views(shape):
    x = np.random.default_rng(1).uniform(-5, 5, shape + (2,))
    e = ember.tensor(x)[..., 1]
    t = torch.tensor(x)[..., 1]
    np.testing.assert_allclose(ember.special.airy_ai(e).cpu().numpy(),
                               torch.special.airy_ai(t).numpy(), rtol=1e-12, atol=1e-15)


def test_int_and_bool_inputs_give_the_default_float():
    for dt in ("int64", "bool"):
        e, t = _both([0, 1], dt)
        got, want = ember.special.airy_ai(e), torch.special.airy_ai(t)
        assert str(got.dtype) == str(want.dtype)
        np.testing.assert_allclose(got.cpu().numpy(), want.numpy(), rtol=1e-6)


@pytest.mark.parametrize("dtype", ["float16", "bfloat16", "complex64"])
def test_unsupported_dtypes(dtype):
    with pytest.raises(NotImplementedError) as want:
        torch.special.airy_ai(torch.ones(2, dtype=getattr(torch, dtype)))
    with pytest.raises(NotImplementedError) as got:
        ember.special.airy_ai(ember.ones(2, dtype=getattr(ember, dtype)))
    assert str(got.value) == str(want.value)


def test_no_derivative_and_out():
    x = ember.randn(4, requires_grad=True)
    y = ember.special.airy_ai(x)
    assert y.requires_grad is torch.special.airy_ai(torch.randn(4, requires_grad=True)
                                                    ).requires_grad is False
    out = ember.empty(4)
    assert ember.special.airy_ai(x.detach(), out=out) is out
    np.testing.assert_array_equal(out.cpu().numpy(), y.cpu().numpy())


def test_accuracy_against_mpmath():
    mpmath = pytest.importorskip("mpmath")
    from ember._backend.special import airy_ai
    x = np.concatenate([np.random.default_rng(2).uniform(-60.0, 103.0, 150),
                        [-9.5, -9.49, -2.0, -1.5, -1.49, 2.0, 2.001, 102.3]])
    with mpmath.workdps(30):
        want = np.array([float(mpmath.airyai(mpmath.mpf(float(v)))) for v in x])
    err = np.abs(airy_ai(x) - want)
    z = 2.0 / 3.0 * np.abs(x) ** 1.5      # its rounding sets the error of the phase or exp(-z)
    neg = x <= 2.0
    assert (err[neg] <= 1e-15 + 2e-16 * z[neg]).all()             # absolute where it oscillates
    assert (err[~neg] / want[~neg] <= 5e-16 * (1.0 + z[~neg])).all()   # relative where it decays
