"""ember.distributions against torch.distributions: a generated table of distributions and
parameter shapes (scalar, batched, broadcast) comparing log_prob, cdf/icdf, entropy, mean,
variance, support checks and shapes on the same inputs; KL pairs; validation errors."""
import numpy as np
import pytest

torch = pytest.importorskip("torch")
import ember  # noqa: E402
import ember.distributions as ED  # noqa: E402
import torch.distributions as TD  # noqa: E402

RNG = np.random.default_rng(0)


def _pos(*shape, lo=0.5, hi=2.5):
    return RNG.uniform(lo, hi, shape)


def _real(*shape):
    return RNG.normal(size=shape)


def _prob(*shape):
    return RNG.uniform(0.1, 0.9, shape)


def _simplex(*shape):
    p = RNG.uniform(0.1, 1.0, shape)
    return p / p.sum(-1, keepdims=True)


def _spd(*batch, n=3):
    a = RNG.normal(size=batch + (n, n))
    return a @ np.swapaxes(a, -1, -2) + n * np.eye(n)


def _tril(*batch, n=3):
    return np.linalg.cholesky(_spd(*batch, n=n))


# Parameter makers: batch shape -> array (event dimensions appended by the maker).
def pos(lo=0.5, hi=2.5):
    return lambda b: _pos(*b, lo=lo, hi=hi)


def real(b):
    return _real(*b)


def prob(b):
    return _prob(*b)


def simplex(k):
    return lambda b: _simplex(*b, k)


def vector(maker, k):
    return lambda b: maker(tuple(b) + (k,))


def matrix(maker):
    return lambda b: maker(*b)


def fixed(value):
    """The same value whatever the batch shape (counts, temperatures, ...)."""
    return lambda b: value


def _ctor(name, *args):
    return lambda D, **k: getattr(D, name)(*args, **k)


# (name, ctor(D, **parameters), {parameter: maker}); each runs with every batch layout below
DISTS = [
    ("Normal", _ctor("Normal"), dict(loc=real, scale=pos())),
    ("LogNormal", _ctor("LogNormal"), dict(loc=real, scale=pos())),
    ("HalfNormal", _ctor("HalfNormal"), dict(scale=pos())),
    ("Uniform", _ctor("Uniform"), dict(low=pos(-2.5, -0.5), high=pos())),
    ("Exponential", _ctor("Exponential"), dict(rate=pos())),
    ("Gamma", _ctor("Gamma"), dict(concentration=pos(), rate=pos())),
    ("Chi2", _ctor("Chi2"), dict(df=pos(1, 5))),
    ("Beta", _ctor("Beta"), dict(concentration1=pos(), concentration0=pos())),
    ("Dirichlet", _ctor("Dirichlet"), dict(concentration=vector(pos(), 4))),
    ("StudentT", _ctor("StudentT"), dict(df=pos(2.5, 6), loc=real, scale=pos())),
    ("Cauchy", _ctor("Cauchy"), dict(loc=real, scale=pos())),
    ("HalfCauchy", _ctor("HalfCauchy"), dict(scale=pos())),
    ("Laplace", _ctor("Laplace"), dict(loc=real, scale=pos())),
    ("Gumbel", _ctor("Gumbel"), dict(loc=real, scale=pos())),
    ("Weibull", _ctor("Weibull"), dict(scale=pos(), concentration=pos())),
    ("Pareto", _ctor("Pareto"), dict(scale=pos(), alpha=pos(2.5, 4))),
    ("Kumaraswamy", _ctor("Kumaraswamy"), dict(concentration1=pos(1.2), concentration0=pos(1.2))),
    ("VonMises", _ctor("VonMises"), dict(loc=real, concentration=pos())),
    ("FisherSnedecor", _ctor("FisherSnedecor"), dict(df1=pos(3, 6), df2=pos(5, 9))),
    ("ContinuousBernoulli", _ctor("ContinuousBernoulli"), dict(probs=prob)),
    ("ContinuousBernoulli", _ctor("ContinuousBernoulli"), dict(logits=real)),
    ("RelaxedBernoulli", _ctor("RelaxedBernoulli"), dict(temperature=fixed(_pos()),
                                                         probs=prob)),
    ("RelaxedOneHotCategorical", _ctor("RelaxedOneHotCategorical"),
     dict(temperature=fixed(_pos()), probs=simplex(4))),
    ("Bernoulli", _ctor("Bernoulli"), dict(probs=prob)),
    ("Bernoulli", _ctor("Bernoulli"), dict(logits=real)),
    ("Binomial", _ctor("Binomial"), dict(total_count=fixed(np.array(6.0)), probs=prob)),
    ("Binomial", _ctor("Binomial"), dict(total_count=fixed(np.array(4.0)), logits=real)),
    ("Categorical", _ctor("Categorical"), dict(probs=simplex(4))),
    ("Categorical", _ctor("Categorical"), dict(logits=vector(real, 5))),
    ("OneHotCategorical", _ctor("OneHotCategorical"), dict(logits=vector(real, 4))),
    ("Multinomial", _ctor("Multinomial", 5), dict(probs=simplex(3))),
    ("Poisson", _ctor("Poisson"), dict(rate=pos())),
    ("Geometric", _ctor("Geometric"), dict(probs=prob)),
    ("NegativeBinomial", _ctor("NegativeBinomial"), dict(total_count=pos(1, 5), probs=prob)),
    ("GeneralizedPareto", _ctor("GeneralizedPareto"),
     dict(loc=real, scale=pos(), concentration=pos(-0.3, 0.4))),
    ("InverseGamma", _ctor("InverseGamma"), dict(concentration=pos(2.5, 4), rate=pos())),
    ("LogisticNormal", _ctor("LogisticNormal"), dict(loc=vector(real, 3),
                                                     scale=vector(pos(), 3))),
    ("MultivariateNormal", _ctor("MultivariateNormal"),
     dict(loc=vector(real, 3), covariance_matrix=matrix(_spd))),
    ("MultivariateNormal", _ctor("MultivariateNormal"),
     dict(loc=vector(real, 3), precision_matrix=matrix(_spd))),
    ("MultivariateNormal", _ctor("MultivariateNormal"),
     dict(loc=vector(real, 3), scale_tril=matrix(_tril))),
    ("LowRankMultivariateNormal", _ctor("LowRankMultivariateNormal"),
     dict(loc=vector(real, 3), cov_factor=lambda b: _real(*b, 3, 2),
          cov_diag=vector(pos(), 3))),
    ("LKJCholesky", _ctor("LKJCholesky", 3), dict(concentration=pos())),
    ("Wishart", _ctor("Wishart"), dict(df=pos(4, 6), covariance_matrix=matrix(_spd))),
    ("Independent", lambda D, **k: D.Independent(D.Normal(**k), 1),
     dict(loc=vector(real, 3), scale=vector(pos(), 3))),
    ("MixtureSameFamily", lambda D, **k: D.MixtureSameFamily(
        D.Categorical(logits=k["logits"]), D.Normal(k["loc"], k["scale"])),
     dict(logits=vector(real, 3), loc=vector(real, 3), scale=vector(pos(), 3))),
    ("TransformedDistribution", lambda D, **k: D.TransformedDistribution(
        D.Normal(k["loc"], k["scale"]),
        [D.transforms.AffineTransform(1.0, 2.0), D.transforms.SigmoidTransform()]),
     dict(loc=real, scale=pos())),
]

# batch layouts: every parameter scalar, every parameter batched, and a broadcast of a (2, 1)
# batch against (3,) (the first parameter takes (2, 1))
LAYOUTS = {"scalar": lambda i: (), "batched": lambda i: (3,),
           "broadcast": lambda i: (2, 1) if i == 0 else (3,)}
CASES = [(name, ctor, {p: make(LAYOUTS[layout](i)) for i, (p, make) in enumerate(params.items())},
          layout)
         for name, ctor, params in DISTS for layout in LAYOUTS]


def _build(lib, ctor, params, dtype):
    D = ED if lib is ember else TD
    kw = {k: (lib.tensor(np.asarray(v), dtype=getattr(lib, dtype)) if isinstance(v, np.ndarray)
              else v) for k, v in params.items()}
    return ctor(D, **kw)


def _to_np(x):
    if isinstance(x, (ember.Tensor, torch.Tensor)):
        return np.asarray(x.detach().numpy(), dtype=np.float64)
    return np.asarray(x, dtype=np.float64)


# ContinuousBernoulli's moments cancel two large terms just outside its Taylor region around
# probs = 1/2: float32 results there depend on the last bits of log / log1p
_TOL_OVERRIDE = {("ContinuousBernoulli.variance", "float32"): dict(rtol=1e-2, atol=1e-3),
                 ("ContinuousBernoulli.stddev", "float32"): dict(rtol=1e-2, atol=1e-3),
                 ("ContinuousBernoulli.mean", "float32"): dict(rtol=1e-3, atol=1e-4)}


def _close(e, t, dtype, what):
    e, t = _to_np(e), _to_np(t)
    assert e.shape == t.shape, f"{what}: shape {e.shape} vs {t.shape}"
    tol = dict(rtol=2e-4, atol=1e-5) if dtype == "float32" else dict(rtol=1e-10, atol=1e-12)
    tol = _TOL_OVERRIDE.get((what, dtype), tol)
    np.testing.assert_allclose(e, t, equal_nan=True, err_msg=what, **tol)


def _same(fe, ft, dtype, what):
    """Compare fe() and ft(); both must raise the same exception type or agree."""
    try:
        t = ft()
    except (NotImplementedError, AttributeError) as exc:
        with pytest.raises(type(exc)):
            fe()
        return None
    _close(fe(), t, dtype, what)
    return t


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("case", range(len(CASES)), ids=[f"{c[0]}-{c[3]}-{i}" for i, c in
                                                           enumerate(CASES)])
def test_table(case, dtype):
    name, ctor, params, _ = CASES[case]
    if name == "GeneralizedPareto" and dtype == "float64":
        pytest.skip("torch 2.13's GeneralizedPareto compares float64 parameters with a float32 "
                    "zero (isclose raises 'Double did not match Float'); ember accepts them")
    de = _build(ember, ctor, params, dtype)
    dt = _build(torch, ctor, params, dtype)
    assert tuple(de.batch_shape) == tuple(dt.batch_shape)
    assert tuple(de.event_shape) == tuple(dt.event_shape)
    assert de.has_rsample == dt.has_rsample
    assert repr(de) == repr(dt)
    # a torch sample (same values on both sides) plus a second batch dimension
    torch.manual_seed(case)
    try:
        value_t = dt.sample((2,))
    except RuntimeError:        # torch's MixtureSameFamily cannot sample broadcast batches
        with pytest.raises(RuntimeError):
            de.sample((2,))
        value_t = torch.randn((2,) + tuple(dt.batch_shape + dt.event_shape),
                              dtype=getattr(torch, dtype))
    value_e = ember.tensor(value_t.numpy())
    _close(de.log_prob(value_e), dt.log_prob(value_t), dtype, f"{name}.log_prob")
    for prop in ("mean", "variance", "stddev", "mode"):
        _same(lambda: getattr(de, prop), lambda: getattr(dt, prop), dtype, f"{name}.{prop}")
    _same(de.entropy, dt.entropy, dtype, f"{name}.entropy")
    _same(lambda: de.cdf(value_e), lambda: dt.cdf(value_t), dtype, f"{name}.cdf")
    u = RNG.uniform(0.05, 0.95, tuple(dt.batch_shape))
    _same(lambda: de.icdf(ember.tensor(u, dtype=getattr(ember, dtype))),
          lambda: dt.icdf(torch.tensor(u, dtype=getattr(torch, dtype))), dtype, f"{name}.icdf")
    try:
        chk_t = dt.support.check(value_t)
    except (NotImplementedError, ValueError):
        pass
    else:
        assert np.array_equal(de.support.check(value_e).numpy(), chk_t.numpy())
    # samples: shape and dtype, and within the support
    try:
        shape_t, dtype_t = tuple(dt.sample((3,)).shape), str(dt.sample().dtype)
    except RuntimeError:
        shape_t = None
    if shape_t is not None:
        s = de.sample((3,))
        assert tuple(s.shape) == shape_t and str(s.dtype) == dtype_t
        if not name == "LKJCholesky":       # float rounding: rows of norm 1 +- eps
            assert bool(de.support.check(s).all())
    if de.has_rsample:
        assert tuple(de.rsample().shape) == tuple(dt.rsample().shape)
    # expand keeps values
    try:
        ex_t = dt.expand((4,) + tuple(dt.batch_shape))
    except RuntimeError:        # torch's MixtureSameFamily with a broadcast mixture batch
        with pytest.raises(RuntimeError):
            de.expand((4,) + tuple(de.batch_shape))
        return
    ex_e = de.expand((4,) + tuple(de.batch_shape))
    assert tuple(ex_e.batch_shape) == tuple(ex_t.batch_shape)
    _close(ex_e.log_prob(value_e.unsqueeze(1)), ex_t.log_prob(value_t.unsqueeze(1)), dtype,
           f"{name}.expand.log_prob")


def test_gamma_cdf_igamma():
    a, x = _pos(50, lo=0.1, hi=20), _pos(50, lo=0.01, hi=30)
    for lib_fn in ("igamma", "igammac", "special.gammainc", "special.gammaincc"):
        fe, ft = ember, torch
        for part in lib_fn.split("."):
            fe, ft = getattr(fe, part), getattr(ft, part)
        e, t = fe(ember.tensor(a), ember.tensor(x)), ft(torch.tensor(a), torch.tensor(x))
        np.testing.assert_allclose(e.numpy(), t.numpy(), rtol=1e-9, atol=1e-14)
    xe, xt = ember.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    ember.igamma(ember.tensor(a), xe).sum().backward()
    torch.igamma(torch.tensor(a), xt).sum().backward()
    np.testing.assert_allclose(xe.grad.numpy(), xt.grad.numpy(), rtol=1e-10)
    c = RNG.uniform(0.5, 3, 5)
    r = RNG.uniform(0.5, 3, 5)
    v = RNG.uniform(0.1, 4, 5)
    np.testing.assert_allclose(
        ED.Gamma(ember.tensor(c), ember.tensor(r)).cdf(ember.tensor(v)).numpy(),
        TD.Gamma(torch.tensor(c), torch.tensor(r)).cdf(torch.tensor(v)).numpy(), rtol=1e-9)


# ---- KL ----------------------------------------------------------------------------------------
def _kl_dists():
    p = dict(
        Normal=("Normal", dict(loc=_real(3), scale=_pos(3))),
        Laplace=("Laplace", dict(loc=_real(3), scale=_pos(3))),
        Gumbel=("Gumbel", dict(loc=_real(3), scale=_pos(3))),
        Exponential=("Exponential", dict(rate=_pos(3))),
        Gamma=("Gamma", dict(concentration=_pos(3), rate=_pos(3))),
        Beta=("Beta", dict(concentration1=_pos(3), concentration0=_pos(3))),
        Uniform=("Uniform", dict(low=_pos(3, lo=0.1, hi=0.4), high=_pos(3, lo=0.6, hi=0.9))),
        Pareto=("Pareto", dict(scale=_pos(3), alpha=_pos(3, lo=2.5, hi=4))),
        ContinuousBernoulli=("ContinuousBernoulli", dict(probs=_prob(3))),
        Bernoulli=("Bernoulli", dict(probs=_prob(3))),
        Binomial=("Binomial", dict(total_count=np.array(5.0), probs=_prob(3))),
        Poisson=("Poisson", dict(rate=_pos(3))),
        Geometric=("Geometric", dict(probs=_prob(3))),
        Categorical=("Categorical", dict(probs=_simplex(3, 4))),
        OneHotCategorical=("OneHotCategorical", dict(probs=_simplex(3, 4))),
        Dirichlet=("Dirichlet", dict(concentration=_pos(3, 4))),
        Cauchy=("Cauchy", dict(loc=_real(3), scale=_pos(3))),
        HalfNormal=("HalfNormal", dict(scale=_pos(3))),
        MultivariateNormal=("MultivariateNormal", dict(loc=_real(2, 3),
                                                       scale_tril=_tril(2))),
        LowRankMultivariateNormal=("LowRankMultivariateNormal",
                                   dict(loc=_real(2, 3), cov_factor=_real(3, 2),
                                        cov_diag=_pos(3))),
    )
    return p


KL = _kl_dists()
KL2 = _kl_dists()
KL_PAIRS = sorted((a.__name__, b.__name__) for a, b in TD.kl._KL_REGISTRY
                  if a.__name__ in KL and b.__name__ in KL)


def _kl_build(lib, spec):
    name, params = spec
    D = ED if lib is ember else TD
    kw = {k: lib.tensor(v, dtype=lib.float64) for k, v in params.items()}
    return getattr(D, name)(**kw)


@pytest.mark.parametrize("pair", KL_PAIRS, ids=["-".join(p) for p in KL_PAIRS])
def test_kl(pair):
    a, b = pair
    pe, qe = _kl_build(ember, KL[a]), _kl_build(ember, KL2[b])
    pt, qt = _kl_build(torch, KL[a]), _kl_build(torch, KL2[b])
    try:
        t = TD.kl_divergence(pt, qt)
    except NotImplementedError:
        with pytest.raises(NotImplementedError):
            ED.kl_divergence(pe, qe)
        return
    e = ED.kl_divergence(pe, qe)
    np.testing.assert_allclose(e.detach().numpy(), t.detach().numpy(), rtol=1e-7, atol=1e-9)


def _spd_batch(n=3):
    return np.stack([_spd() for _ in range(n)])


KL_EXTRA = [   # pairs dispatched through a more general registration
    lambda D, L: (D.LogNormal(L(_real(3)), L(_pos(3))),
                  D.LogNormal(L(_real(3)), L(_pos(3)))),
    lambda D, L: (D.Independent(D.Normal(L(_real(2, 3)), L(_pos(2, 3))), 1),
                  D.Independent(D.Normal(L(_real(2, 3)), L(_pos(2, 3))), 1)),
    lambda D, L: (D.Chi2(L(_pos(3))), D.Gamma(L(_pos(3)), L(_pos(3)))),
    lambda D, L: (D.Wishart(L(_pos(3, lo=4, hi=6)), L(_spd_batch())),
                  D.Wishart(L(_pos(3, lo=4, hi=6)), L(_spd_batch()))),
    lambda D, L: (D.Binomial(L(5.0), L(_prob(3))),
                  D.Binomial(L(7.0), L(_prob(3)))),
    lambda D, L: (D.VonMises(L(0.0), L(1.0)), D.Normal(L(0.0), L(1.0))),
]


@pytest.mark.parametrize("i", range(len(KL_EXTRA)))
def test_kl_dispatch(i):
    state = RNG.bit_generator.state
    pt, qt = KL_EXTRA[i](TD, lambda v: torch.tensor(v, dtype=torch.float64))
    RNG.bit_generator.state = state
    pe, qe = KL_EXTRA[i](ED, lambda v: ember.tensor(v, dtype=ember.float64))
    try:
        t = TD.kl_divergence(pt, qt)
    except NotImplementedError as exc:
        with pytest.raises(NotImplementedError) as ee:
            ED.kl_divergence(pe, qe)
        assert str(ee.value) == str(exc)
        return
    np.testing.assert_allclose(ED.kl_divergence(pe, qe).detach().numpy(),
                               t.detach().numpy(), rtol=1e-8, atol=1e-10)


def test_kl_not_implemented_message():
    with pytest.raises(NotImplementedError) as et:
        TD.kl_divergence(TD.VonMises(torch.tensor(0.), torch.tensor(1.)),
                         TD.Normal(torch.tensor(0.), torch.tensor(1.)))
    with pytest.raises(NotImplementedError) as ee:
        ED.kl_divergence(ED.VonMises(ember.tensor(0.), ember.tensor(1.)),
                         ED.Normal(ember.tensor(0.), ember.tensor(1.)))
    assert str(ee.value) == str(et.value)


# ---- validation errors --------------------------------------------------------------------------
BAD = [
    lambda D, T: D.Normal(T([0.0]), T([-1.0])),
    lambda D, T: D.Exponential(T([0.0, 1.0])),
    lambda D, T: D.Bernoulli(T([1.5])),
    lambda D, T: D.Bernoulli(),
    lambda D, T: D.Categorical(probs=T(1.0)),
    lambda D, T: D.Beta(T([1.0]), T([-2.0])),
    lambda D, T: D.Gamma(T([1.0]), T([0.0])),
    lambda D, T: D.Dirichlet(T(1.0)),
    lambda D, T: D.Uniform(T([2.0]), T([1.0])),
    lambda D, T: D.Exponential(T([1.0])).log_prob(T([-1.0])),
    lambda D, T: D.Normal(T([0.0]), T([1.0])).log_prob(1.0),
    lambda D, T: D.Categorical(probs=T([0.5, 0.5])).log_prob(T(3.0)),
    lambda D, T: D.Dirichlet(T([1.0, 1.0])).log_prob(T([0.5, 0.5, 0.1])),
    lambda D, T: D.Poisson(T([1.0, 2.0])).log_prob(T([[0.5, 1.0]])),
    lambda D, T: D.Independent(D.Normal(T([0.0]), T([1.0])), 2),
]


@pytest.mark.parametrize("i", range(len(BAD)))
def test_bad_input_raises_torchs_error(i):
    with pytest.raises(Exception) as et:
        BAD[i](TD, torch.tensor)
    with pytest.raises(type(et.value)) as ee:
        BAD[i](ED, ember.tensor)
    assert str(ee.value) == str(et.value)


def _invalid(constraint, value):
    """``value`` made to violate ``constraint`` (a torch constraint), or None."""
    C = TD.constraints
    v = np.array(value, dtype=np.float64, copy=True)
    base = getattr(constraint, "base_constraint", constraint)
    lower = getattr(base, "lower_bound", None)
    if base is C.real:
        v.reshape(-1)[0] = np.nan
    elif constraint is C.simplex:
        v[..., 0] = -0.5
    elif constraint in (C.positive_definite, C.lower_cholesky):
        v = -v
    elif constraint.is_discrete:
        v.reshape(-1)[0] = 0.5
    elif isinstance(lower, (int, float)) and lower == 0:
        upper = getattr(base, "upper_bound", None)
        v.reshape(-1)[0] = 1.5 if isinstance(upper, (int, float)) else -1.0
    else:
        return None
    return v


def _constraint_of(dist, param):
    """The constraint torch checks ``param`` against, looking through wrapped distributions."""
    todo = [dist]
    while todo:
        d = todo.pop()
        if param in d.arg_constraints:
            return d.arg_constraints[param]
        todo += [getattr(d, a) for a in ("base_dist", "_mixture_distribution",
                                         "_component_distribution") if hasattr(d, a)]
    return None


BAD_PARAMS = [(name, ctor, params, p) for name, ctor, params, layout in CASES
              if layout == "batched" for p in params]


@pytest.mark.parametrize("i", range(len(BAD_PARAMS)),
                         ids=[f"{c[0]}-{c[3]}" for c in BAD_PARAMS])
def test_invalid_parameter(i):
    """A parameter outside its constraint: torch's exception type and text (or, where torch
    accepts it, ember too)."""
    name, ctor, params, param = BAD_PARAMS[i]
    if (name, param) == ("LowRankMultivariateNormal", "cov_factor"):
        pytest.xfail("torch factors the NaN capacitance matrix first and linalg.cholesky raises "
                     "for NaN in torch; ember.linalg.cholesky returns NaN instead")
    constraint = _constraint_of(_build(torch, ctor, params, "float64"), param)
    bad = None if constraint is None else _invalid(constraint, params[param])
    if bad is None:
        pytest.skip(f"no invalid value generated for {param} ({constraint!r})")
    params = dict(params, **{param: bad})
    try:
        _build(torch, ctor, params, "float64")
    except torch.linalg.LinAlgError:   # LowRankMultivariateNormal factors before validating
        with pytest.raises(ember.linalg.LinAlgError):
            _build(ember, ctor, params, "float64")
    except Exception as exc:
        with pytest.raises(type(exc)) as ee:
            _build(ember, ctor, params, "float64")
        assert str(ee.value) == str(exc)
    else:
        _build(ember, ctor, params, "float64")


@pytest.mark.parametrize("i", range(len(CASES)), ids=[f"{c[0]}-{c[3]}-{i}" for i, c in
                                                        enumerate(CASES)])
def test_value_outside_support(i):
    """log_prob of a value outside the support: torch's error type and text."""
    name, ctor, params, _ = CASES[i]
    dt = _build(torch, ctor, params, "float64")
    de = _build(ember, ctor, params, "float64")
    torch.manual_seed(i)
    try:
        value = dt.sample()
    except RuntimeError:
        pytest.skip("torch cannot sample this batch layout")
    de.sample()     # so that both cache the same lazy properties (probs, logits): repr shows them
    try:
        support = dt.support
    except NotImplementedError:
        pytest.skip("no support")
    bad = _invalid(support, value.numpy())
    if bad is None:
        pytest.skip(f"no value outside {support!r} generated")
    try:
        dt.log_prob(torch.tensor(bad))
    except Exception as exc:
        with pytest.raises(type(exc)) as ee:
            de.log_prob(ember.tensor(bad))
        assert str(ee.value) == str(exc)
    else:       # e.g. Multinomial's support only bounds the total
        de.log_prob(ember.tensor(bad))


def test_set_default_validate_args():
    try:
        ED.Distribution.set_default_validate_args(False)
        ED.Normal(ember.tensor(0.0), ember.tensor(-1.0))
    finally:
        ED.Distribution.set_default_validate_args(True)
    with pytest.raises(ValueError):
        ED.Normal(ember.tensor(0.0), ember.tensor(-1.0))


def test_submodule_layout():
    from ember.distributions.normal import Normal
    from ember.distributions.utils import logits_to_probs, probs_to_logits, broadcast_all
    from ember.distributions.constraint_registry import biject_to
    assert Normal is ED.Normal and callable(logits_to_probs) and callable(probs_to_logits)
    assert callable(broadcast_all) and biject_to is ED.biject_to
    assert set(TD.__all__) == set(ED.__all__)
