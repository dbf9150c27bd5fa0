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
