"""Sample statistics of ember.distributions at fixed seeds (KS for continuous, chi-square for
discrete), and reparameterised gradients against analytic derivatives of the expectation and
torch's estimates."""
import math

import numpy as np
import pytest

torch = pytest.importorskip("torch")
import ember  # noqa: E402
import ember.distributions as ED  # noqa: E402
import torch.distributions as TD  # noqa: E402

N = 4000


def _ks(samples, cdf):
    x = np.sort(samples)
    f = cdf(x)
    n = len(x)
    return max(np.max(np.arange(1, n + 1) / n - f), np.max(f - np.arange(n) / n))


@pytest.mark.parametrize("make", [
    lambda D, T: D.Normal(T(0.5), T(2.0)),
    lambda D, T: D.Gamma(T(0.7), T(1.5)),
    lambda D, T: D.Gamma(T(5.0), T(0.5)),
    lambda D, T: D.Beta(T(2.0), T(0.6)),
    lambda D, T: D.Laplace(T(0.0), T(1.0)),
    lambda D, T: D.Gumbel(T(1.0), T(2.0)),
    lambda D, T: D.StudentT(T(4.0)),
    lambda D, T: D.Kumaraswamy(T(2.0), T(3.0)),
    lambda D, T: D.Weibull(T(1.0), T(1.5)),
])
def test_ks_against_torch_cdf(make):
    ember.manual_seed(0)
    s = make(ED, ember.tensor).sample((N,)).numpy().astype(np.float64)
    dt = make(TD, lambda v: torch.tensor(v, dtype=torch.float64))
    if isinstance(dt, (TD.StudentT, TD.Beta)):   # no torch cdf: use scipy's
        stats = pytest.importorskip("scipy.stats")
        cdf = {TD.StudentT: lambda x: stats.t.cdf(x, float(dt.df)),
               TD.Beta: lambda x: stats.beta.cdf(x, float(dt.concentration1),
                                                 float(dt.concentration0))}[type(dt)]
    else:
        cdf = lambda x: dt.cdf(torch.tensor(x)).numpy()  # noqa: E731
    assert _ks(s, cdf) < 1.63 / math.sqrt(N)      # 1% level


def test_von_mises_moments():
    ember.manual_seed(1)
    s = ED.VonMises(ember.tensor(0.3), ember.tensor(2.0)).sample((N,)).numpy()
    d = TD.VonMises(torch.tensor(0.3), torch.tensor(2.0))
    assert abs(np.mean(np.cos(s - 0.3)) - (1 - float(d.variance))) < 0.03


@pytest.mark.parametrize("make, k", [
    (lambda D, T: D.Categorical(probs=T([0.1, 0.2, 0.3, 0.4])), 4),
    (lambda D, T: D.Poisson(T(3.0)), 12),
    (lambda D, T: D.Binomial(8, T(0.3)), 9),
    (lambda D, T: D.Geometric(T(0.4)), 10),
    (lambda D, T: D.NegativeBinomial(T(3.0), T(0.4)), 15),
])
def test_chi_square(make, k):
    ember.manual_seed(2)
    s = make(ED, ember.tensor).sample((N,)).numpy().astype(np.int64)
    dt = make(TD, lambda v: torch.tensor(v, dtype=torch.float64))
    values = np.arange(k)
    p = dt.log_prob(torch.tensor(values, dtype=torch.float64)).exp().numpy()
    observed = np.array([(s == v).sum() for v in values] + [(s >= k).sum()])
    expected = np.append(p, max(1 - p.sum(), 0)) * N
    keep = expected > 5
    chi2 = (((observed - expected) ** 2)[keep] / expected[keep]).sum()
    assert chi2 < 3 * keep.sum() + 10


def test_mean_variance_of_samples():
    ember.manual_seed(3)
    for d in (ED.Dirichlet(ember.tensor([1.0, 2.0, 3.0])),
              ED.MultivariateNormal(ember.tensor([1.0, -1.0]),
                                    ember.tensor([[2.0, 0.5], [0.5, 1.0]])),
              ED.Multinomial(6, probs=ember.tensor([0.2, 0.3, 0.5]))):
        s = d.sample((N,)).numpy()
        np.testing.assert_allclose(s.mean(0), d.mean.numpy(), atol=0.1)
        np.testing.assert_allclose(s.var(0), d.variance.numpy(), rtol=0.15, atol=0.02)


@pytest.mark.parametrize("alpha", [0.3, 1.0, 4.0, 20.0])
def test_gamma_rsample_gradient_matches_expectation(alpha):
    """d/d alpha E[x] = 1 / rate; d/d rate E[x] = -alpha / rate^2 (a pathwise estimate)."""
    ember.manual_seed(4)
    a = ember.tensor(alpha, dtype=ember.float64, requires_grad=True)
    r = ember.tensor(2.0, dtype=ember.float64, requires_grad=True)
    ED.Gamma(a, r).rsample((20000,)).mean().backward()
    assert abs(a.grad.item() - 0.5) < 0.05 * 0.5 + 0.01
    assert abs(r.grad.item() + alpha / 4) < 0.05 * alpha / 4 + 0.01


def test_standard_gamma_grad_matches_torch():
    a = np.random.default_rng(0).uniform(0.1, 30, 200)
    x = np.random.default_rng(1).gamma(a)
    e = ember._standard_gamma_grad(ember.tensor(a), ember.tensor(x)).numpy()
    t = torch._standard_gamma_grad(torch.tensor(a), torch.tensor(x)).numpy()
    np.testing.assert_allclose(e, t, rtol=5e-3, atol=1e-4)


def test_beta_dirichlet_gradients_agree_with_torch_in_mean():
    """E[x] of Beta(a, b) is a / (a + b): both libraries' pathwise gradients estimate it."""
    ember.manual_seed(5)
    torch.manual_seed(5)
    ae = ember.tensor([1.5, 0.5], dtype=ember.float64, requires_grad=True)
    at = torch.tensor([1.5, 0.5], dtype=torch.float64, requires_grad=True)
    ED.Dirichlet(ae).rsample((20000,))[:, 0].mean().backward()
    TD.Dirichlet(at).rsample((20000,))[:, 0].mean().backward()
    exact = np.array([0.5 / 4, -1.5 / 4])       # d/da_i of a_0 / (a_0 + a_1)
    np.testing.assert_allclose(ae.grad.numpy(), exact, atol=0.02)
    np.testing.assert_allclose(ae.grad.numpy(), at.grad.numpy(), atol=0.03)


def test_normal_rsample_gradient():
    loc = ember.tensor([0.5], requires_grad=True)
    scale = ember.tensor([2.0], requires_grad=True)
    x = ED.Normal(loc, scale).rsample((100,))
    (x ** 2).mean().backward()    # E[x^2] = loc^2 + scale^2
    assert loc.grad.shape == (1,) and x.grad_fn is not None


def test_standard_gamma_grad_is_the_implicit_derivative():
    """-dP(a, x)/da / p(x; a), by a float64 central difference of SciPy's gammainc."""
    special = pytest.importorskip("scipy.special")
    stats = pytest.importorskip("scipy.stats")
    rng = np.random.default_rng(3)
    a = rng.uniform(0.05, 50, 300)
    x = rng.gamma(a)
    h = 1e-6 * a
    ref = -(special.gammainc(a + h, x) - special.gammainc(a - h, x)) / (2 * h) \
        / stats.gamma.pdf(x, a)
    got = ember._standard_gamma_grad(ember.tensor(a), ember.tensor(x)).numpy()
    np.testing.assert_allclose(got, ref, rtol=1e-6)


# d/dtheta E[f(X)]: ember's pathwise estimate (mean over samples of the gradient of f(rsample))
# against a central finite difference of the expectation, computed by quadrature of torch's
# float64 density on a grid
FD_CASES = [
    ("Gamma", dict(concentration=0.8, rate=1.5), "concentration", np.sqrt, (1e-9, 40.0)),
    ("Gamma", dict(concentration=3.0, rate=2.0), "rate", np.sqrt, (1e-9, 40.0)),
    ("Beta", dict(concentration1=0.7, concentration0=2.0), "concentration1", np.square,
     (1e-12, 1 - 1e-12)),
    ("Beta", dict(concentration1=2.5, concentration0=1.5), "concentration0", np.sqrt,
     (1e-12, 1 - 1e-12)),
    ("Chi2", dict(df=3.0), "df", np.sqrt, (1e-9, 80.0)),
    ("StudentT", dict(df=5.0, loc=0.5, scale=2.0), "df", np.abs, (-400.0, 400.0)),
    ("Kumaraswamy", dict(concentration1=2.0, concentration0=3.0), "concentration0", np.square,
     (1e-12, 1 - 1e-12)),
    ("Weibull", dict(scale=1.5, concentration=2.0), "concentration", np.square, (1e-9, 30.0)),
    ("LogNormal", dict(loc=0.1, scale=0.5), "scale", np.sqrt, (1e-9, 40.0)),
    ("FisherSnedecor", dict(df1=6.0, df2=9.0), "df1", np.sqrt, (1e-9, 200.0)),
]


def _expectation(name, params, f, bounds):
    x = np.linspace(*bounds, 200001)
    d = getattr(TD, name)(**{k: torch.tensor(v, dtype=torch.float64) for k, v in params.items()})
    density = d.log_prob(torch.tensor(x)).exp().numpy()
    return np.trapezoid(f(x) * density, x)


@pytest.mark.parametrize("name, params, wrt, f, bounds", FD_CASES,
                         ids=[f"{c[0]}-{c[2]}" for c in FD_CASES])
def test_pathwise_gradient_matches_finite_difference_of_expectation(name, params, wrt, f,
                                                                    bounds):
    h = 1e-4 * params[wrt]
    fd = (_expectation(name, dict(params, **{wrt: params[wrt] + h}), f, bounds)
          - _expectation(name, dict(params, **{wrt: params[wrt] - h}), f, bounds)) / (2 * h)
    ember.manual_seed(6)
    tensors = {k: ember.tensor(v, dtype=ember.float64, requires_grad=(k == wrt))
               for k, v in params.items()}
    x = getattr(ED, name)(**tensors).rsample((40000,))
    fx = {np.sqrt: x.sqrt(), np.square: x.square(), np.abs: x.abs()}[f]
    fx.mean().backward()
    grad = tensors[wrt].grad.item()
    assert abs(grad - fd) < 0.04 * abs(fd) + 0.01, (grad, fd)


def test_dirichlet_grad_is_the_implicit_beta_derivative():
    """torch's _dirichlet_grad is (dx/da) / (1 - x) for x ~ Beta(a, b), b held: a float64
    central difference of SciPy's betainc, and torch's approximation to about 1e-3."""
    special = pytest.importorskip("scipy.special")
    stats = pytest.importorskip("scipy.stats")
    rng = np.random.default_rng(4)
    a, b = rng.uniform(0.05, 20, 300), rng.uniform(0.05, 20, 300)
    x = np.clip(rng.beta(a, b), 1e-12, 1 - 1e-12)
    h = 1e-6 * a
    ref = -(special.betainc(a + h, b, x) - special.betainc(a - h, b, x)) / (2 * h) \
        / stats.beta.pdf(x, a, b) / (1 - x)
    got = ember._dirichlet_grad(ember.tensor(x), ember.tensor(a), ember.tensor(a + b)).numpy()
    np.testing.assert_allclose(got, ref, rtol=1e-6)
    theirs = torch._dirichlet_grad(torch.tensor(x), torch.tensor(a), torch.tensor(a + b))
    np.testing.assert_allclose(got, theirs.numpy(), rtol=5e-3, atol=1e-8)
