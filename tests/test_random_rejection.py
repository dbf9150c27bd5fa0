"""The rejection samplers draw PyTorch's numbers: ``_standard_gamma`` (float32 and float64
kernels), ``_sample_dirichlet``, ``poisson`` and the distributions built on them, value for
value from the same seed, leaving the generator in the same state."""
import numpy as np
import pytest

import ember

torch = pytest.importorskip("torch")


def _alphas(shape, seed):
    a = np.random.default_rng(seed).uniform(0.01, 20.0, shape)
    a.reshape(-1)[:4] = [0.0, 1e-4, 1.0, 0.3][:a.size]
    return a


def _same_stream():
    assert ember.rand(3).tolist() == torch.rand(3).tolist()


def _same_draws(name, values, dtype, transpose, seed):
    """``ember.<name>`` and ``torch.<name>`` of ``values`` (transposed: a strided input) draw
    the same numbers from the same seed and leave the generators alike."""
    e = ember.tensor(values, dtype=getattr(ember, dtype))
    t = torch.tensor(values, dtype=getattr(torch, dtype))
    if transpose:
        e, t = e.t(), t.t()
    ember.manual_seed(seed)
    torch.manual_seed(seed)
    np.testing.assert_array_equal(getattr(ember, name)(e).numpy(), getattr(torch, name)(t).numpy())
    _same_stream()


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("shape,transpose", [((50,), False), ((12, 7), False), ((12, 7), True),
                                             ((), False)])
def test_standard_gamma(dtype, shape, transpose):
    _same_draws("_standard_gamma", _alphas(shape, 1), dtype, transpose, 7)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_sample_dirichlet(dtype):
    a = _alphas((9, 5), 2) + 0.05
    ember.manual_seed(8)
    torch.manual_seed(8)
    got = ember._sample_dirichlet(ember.tensor(a, dtype=getattr(ember, dtype))).numpy()
    want = torch._sample_dirichlet(torch.tensor(a, dtype=getattr(torch, dtype))).numpy()
    if dtype == "float32":
        np.testing.assert_array_equal(got, want)
    else:   # the row sums may associate differently (1 ulp)
        np.testing.assert_allclose(got, want, rtol=4e-16, atol=0)
    _same_stream()


@pytest.mark.parametrize("make", [
    lambda lib: lib.distributions.Gamma(lib.tensor([0.5, 3.0, 11.0]), lib.tensor(2.0)),
    lambda lib: lib.distributions.Beta(lib.tensor([0.5, 3.0]), lib.tensor([2.0, 0.2])),
    lambda lib: lib.distributions.Dirichlet(lib.tensor([[0.5, 1.0, 2.0], [3.0, 0.1, 1.0]])),
    lambda lib: lib.distributions.Chi2(lib.tensor([2.0, 7.5])),
    lambda lib: lib.distributions.StudentT(lib.tensor([3.0, 30.0])),
    lambda lib: lib.distributions.FisherSnedecor(lib.tensor([3.0]), lib.tensor([5.0]))])
def test_distributions_sample_like_torch(make):
    ember.manual_seed(9)
    torch.manual_seed(9)
    got = make(ember).sample((4,)).numpy()
    want = make(torch).sample((4,)).numpy()
    np.testing.assert_allclose(got, want, rtol=1e-6, atol=0)
    _same_stream()


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("transpose", [False, True])
def test_poisson(dtype, transpose):
    rng = np.random.default_rng(5)
    rates = np.concatenate([rng.uniform(0, 10, 40), rng.uniform(10, 1000, 30), [0.0, 10.0, 1e5],
                            rng.uniform(0, 0.1, 3)]).reshape(4, 19)
    _same_draws("poisson", rates, dtype, transpose, 11)


def test_poisson_distribution_sample_like_torch():
    ember.manual_seed(12)
    torch.manual_seed(12)
    got = ember.distributions.Poisson(ember.tensor([0.5, 30.0, 4.0])).sample((5,)).numpy()
    want = torch.distributions.Poisson(torch.tensor([0.5, 30.0, 4.0])).sample((5,)).numpy()
    np.testing.assert_array_equal(got, want)
    _same_stream()


# ---- binomial -----------------------------------------------------------------------------------
def _binomial_table(dtype):
    """(count, prob) pairs reaching every branch of torch's sampler: count 0 and 1, inversion
    (count * prob < 10) and BTRS on each side of 0.5 (float32 neighbours of 0.5 included),
    prob 0 and 1, non-integer and large counts (1e6, past float32's integers), random pairs."""
    half = np.dtype(dtype).type(0.5)
    below, above = (float(np.nextafter(half, half.dtype.type(t))) for t in (0, 1))
    fixed = [(0, 0.3), (1, 0.3), (1, 0.8), (5, 0.0), (5, 1.0), (7, 0.5), (20, 0.5),
             (20, below), (20, above), (3.5, 0.6), (25.5, 0.7), (40.3, 0.75), (19, 0.52),
             (30, 0.9), (1000, 0.02), (1000, 0.98), (1e6, 0.5), (1e6, 0.4999), (1e6, 0.5001),
             (1e6, 3e-6), (1e6, 1 - 3e-6), (1e7, 1e-6), (3e7, 0.7), (1e9, 1e-8), (100, 0.1)]
    rng = np.random.default_rng(4)
    counts = np.concatenate([[c for c, _ in fixed], rng.integers(0, 300, 60)]).astype(float)
    probs = np.concatenate([[p for _, p in fixed], rng.uniform(0, 1, 60)])
    return counts, probs


def _binomial_both(counts, probs, dtype, seed, layout=lambda lib, t: t, **kw):
    """ember's and torch's binomial of the same (count, prob) arrays from the same seed."""
    ember.manual_seed(seed)
    torch.manual_seed(seed)
    return [lib.binomial(layout(lib, lib.tensor(counts, dtype=getattr(lib, dtype))),
                         layout(lib, lib.tensor(probs, dtype=getattr(lib, dtype))),
                         **kw).numpy()
            for lib in (ember, torch)]


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_binomial_values(dtype):
    got, want = _binomial_both(*_binomial_table(dtype), dtype, 13)
    np.testing.assert_array_equal(got, want)
    assert got.dtype == want.dtype
    _same_stream()


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_binomial_non_contiguous_and_0d(dtype):
    counts, probs = _binomial_table(dtype)
    got, want = _binomial_both(counts[:84].reshape(7, 12), probs[:84].reshape(7, 12), dtype, 14,
                               layout=lambda lib, t: t.t())
    np.testing.assert_array_equal(got, want)
    for c, p in ((12.0, 0.7), (500.0, 0.3)):
        np.testing.assert_array_equal(*_binomial_both(c, p, dtype, 15))
    _same_stream()


def test_binomial_broadcast_warns_as_torch():
    """A count of another shape than the broadcast one: torch resizes its output (warning)."""
    counts, probs = np.array([[3.0], [40.0], [900.0]]), np.array([0.2, 0.5, 0.9, 0.99])
    with pytest.warns(UserWarning) as we:
        got = _binomial_both(counts, probs, "float32", 16)[0]
    with pytest.warns(UserWarning) as wt:
        want = _binomial_both(counts, probs, "float32", 16)[1]
    np.testing.assert_array_equal(got, want)
    assert got.shape == (3, 4)
    assert str(we[0].message) == str(wt[0].message).split(" (Triggered internally")[0]
    # a count of the broadcast shape takes prob broadcast silently
    np.testing.assert_array_equal(*_binomial_both(np.full((2, 3), 30.0), 0.4, "float64", 17))
    _same_stream()


def test_binomial_generator_and_distribution():
    ge, gt = ember.Generator().manual_seed(21), torch.Generator().manual_seed(21)
    counts, probs = ember.tensor([4.0, 60.0, 80.0]), ember.tensor([0.3, 0.45, 0.85])
    got = ember.binomial(counts, probs, generator=ge).numpy()
    want = torch.binomial(torch.tensor(counts.numpy()), torch.tensor(probs.numpy()),
                          generator=gt).numpy()
    np.testing.assert_array_equal(got, want)
    assert ember.rand(2, generator=ge).tolist() == torch.rand(2, generator=gt).tolist()
    ember.manual_seed(22)
    torch.manual_seed(22)
    got = ember.distributions.Binomial(ember.tensor([10.0, 200.0]),
                                       ember.tensor([0.25, 0.7])).sample((3,)).numpy()
    want = torch.distributions.Binomial(torch.tensor([10.0, 200.0]),
                                        torch.tensor([0.25, 0.7])).sample((3,)).numpy()
    np.testing.assert_array_equal(got, want)
    _same_stream()


@pytest.mark.parametrize("make", [
    lambda lib: (lib.ones(3, dtype=lib.int64), lib.ones(3)),
    lambda lib: (lib.ones(3), lib.ones(3, dtype=lib.bool)),
    lambda lib: (lib.ones(3), lib.ones(3, dtype=lib.complex64)),
    lambda lib: (lib.ones(3), lib.ones(3, dtype=lib.float64)),
    lambda lib: (lib.ones(3, dtype=lib.float64), lib.ones(3)),
    lambda lib: (lib.ones(3, dtype=lib.float16), lib.ones(3, dtype=lib.float16)),
    lambda lib: (lib.ones(3, dtype=lib.bfloat16), lib.ones(3, dtype=lib.bfloat16)),
    lambda lib: (lib.ones(3), lib.ones(2)),
    lambda lib: (lib.ones(3), 0.5),
    lambda lib: (3.0, lib.ones(3))])
def test_binomial_errors(make):
    with pytest.raises(Exception) as want:
        torch.binomial(*make(torch))
    with pytest.raises(want.type) as got:
        ember.binomial(*make(ember))
    assert str(got.value) == str(want.value)


def test_binomial_not_differentiable():
    p = ember.tensor([0.3, 0.6], requires_grad=True)
    y = ember.binomial(ember.tensor([5.0, 9.0]), p)
    assert type(y.grad_fn).__name__ == type(torch.binomial(
        torch.tensor([5.0, 9.0]), torch.tensor([0.3, 0.6], requires_grad=True)).grad_fn).__name__
    with pytest.raises(RuntimeError, match="derivative for aten::binomial is not implemented"):
        y.sum().backward()
