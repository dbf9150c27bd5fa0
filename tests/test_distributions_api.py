"""ember.distributions' constraints, transforms, utils and Distribution API against torch's:
constraint checks and properties, transform values / inverses / log-det-Jacobians / shapes /
caching, parameter gradients of log_prob, enumerate_support, and error texts."""
import numpy as np
import pytest

torch = pytest.importorskip("torch")
import ember  # noqa: E402
import ember.distributions as ED  # noqa: E402
import torch.distributions as TD  # noqa: E402

RNG = np.random.default_rng(7)


def _both(fn):
    """fn(D, lib) for ember and torch."""
    return fn(ED, ember), fn(TD, torch)


def _np(x):
    return np.asarray(x.detach().numpy())


# ---- constraints ---------------------------------------------------------------------------
CONSTRAINTS = [
    lambda C, L: C.real, lambda C, L: C.boolean, lambda C, L: C.positive,
    lambda C, L: C.nonnegative, lambda C, L: C.unit_interval, lambda C, L: C.simplex,
    lambda C, L: C.nonnegative_integer, lambda C, L: C.positive_integer,
    lambda C, L: C.greater_than(0.5), lambda C, L: C.greater_than_eq(0.5),
    lambda C, L: C.less_than(0.5), lambda C, L: C.interval(-0.5, 0.5),
    lambda C, L: C.half_open_interval(-0.5, 0.5), lambda C, L: C.integer_interval(0, 2),
    lambda C, L: C.real_vector, lambda C, L: C.one_hot, lambda C, L: C.multinomial(3),
    lambda C, L: C.lower_triangular, lambda C, L: C.lower_cholesky,
    lambda C, L: C.corr_cholesky, lambda C, L: C.square, lambda C, L: C.symmetric,
    lambda C, L: C.positive_semidefinite, lambda C, L: C.positive_definite,
    lambda C, L: C.independent(C.positive, 1),
    lambda C, L: C.cat([C.positive, C.real], dim=-1, lengths=[2, 1]),
    lambda C, L: C.stack([C.positive, C.real, C.unit_interval], dim=-1),
]

VALUES = [
    np.array([0.0, 1.0, -1.0, 0.5, 2.0, np.nan]),
    np.array([[0.2, 0.3, 0.5], [1.0, 0.0, 0.0], [0.5, 0.6, -0.1], [1.0, 1.0, 1.0]]),
    np.array([[[1.0, 0.0, 0.0], [0.5, 2.0, 0.0], [0.1, 0.2, 3.0]],
              [[1.0, 0.0, 0.0], [0.6, 0.8, 0.0], [0.0, 0.6, 0.8]],
              [[2.0, 1.0, 0.0], [1.0, 2.0, 0.0], [0.0, 0.0, 1.0]],
              [[1.0, 2.0, 0.0], [0.0, -1.0, 0.0], [0.0, 0.0, 1.0]]]),
]


@pytest.mark.parametrize("i", range(len(CONSTRAINTS)))
def test_constraint(i):
    ce, ct = CONSTRAINTS[i](ED.constraints, ember), CONSTRAINTS[i](TD.constraints, torch)
    assert repr(ce) == repr(ct)
    assert ce.is_discrete == ct.is_discrete and ce.event_dim == ct.event_dim
    for v in VALUES:
        if v.ndim < ct.event_dim or (ct.event_dim == 2 and v.shape[-1] != v.shape[-2]):
            continue
        try:
            rt = ct.check(torch.tensor(v))
        except (RuntimeError, ValueError, IndexError):
            with pytest.raises(Exception):
                ce.check(ember.tensor(v))
            continue
        re_ = ce.check(ember.tensor(v))
        assert np.array_equal(_np(re_), rt.numpy()), (repr(ct), v)


def test_dependent():
    C = ED.constraints
    assert C.is_dependent(C.dependent) and not C.is_dependent(C.real)
    with pytest.raises(ValueError, match="Cannot determine validity of dependent constraint"):
        C.dependent.check(ember.zeros(1))
    with pytest.raises(NotImplementedError, match=r"\.event_dim cannot be determined"):
        C.dependent.event_dim
    assert C.dependent(is_discrete=True, event_dim=1).event_dim == 1


# ---- transforms -----------------------------------------------------------------------------
def _transform(T, L):
    return [T.ExpTransform(), T.SigmoidTransform(), T.TanhTransform(), T.SoftplusTransform(),
            T.AffineTransform(L.tensor([1.0, -2.0, 0.5]), L.tensor([2.0, -0.5, 3.0])),
            T.AffineTransform(0.5, -2.0, event_dim=1),
            T.PowerTransform(L.tensor(3.0)), T.AbsTransform(),
            T.StickBreakingTransform(), T.SoftmaxTransform(), T.LowerCholeskyTransform(),
            T.CorrCholeskyTransform(), T.PositiveDefiniteTransform(),
            T.ComposeTransform([T.ExpTransform(), T.AffineTransform(1.0, 2.0)]),
            T.IndependentTransform(T.ExpTransform(), 1),
            T.ReshapeTransform((3,), (3, 1)),
            T.CatTransform([T.ExpTransform(), T.identity_transform], dim=-1, lengths=[1, 2]),
            T.StackTransform([T.ExpTransform(), T.SigmoidTransform(), T.TanhTransform()],
                             dim=-1),
            T.ExpTransform().inv, T.identity_transform]


N_TRANSFORMS = len(_transform(TD.transforms, torch))


def _input_for(t, L):
    name = type(t).__name__
    if name in ("LowerCholeskyTransform", "PositiveDefiniteTransform"):
        return L.tensor(RNG.normal(size=(2, 3, 3)))
    if name == "CorrCholeskyTransform":
        return L.tensor(RNG.normal(size=(2, 3)))
    if name == "PowerTransform" or (name == "_InverseTransform"):
        return L.tensor(RNG.uniform(0.5, 2.0, (2, 3)))
    return L.tensor(RNG.normal(size=(2, 3)))


@pytest.mark.parametrize("i", range(N_TRANSFORMS))
def test_transform(i):
    te, tt = _transform(ED.transforms, ember)[i], _transform(TD.transforms, torch)[i]
    state = RNG.bit_generator.state
    xt = _input_for(tt, torch)
    RNG.bit_generator.state = state
    xe = _input_for(te, ember)
    assert repr(te) == repr(tt)
    assert te.bijective == tt.bijective
    assert te.domain.event_dim == tt.domain.event_dim
    assert te.codomain.event_dim == tt.codomain.event_dim
    ye, yt = te(xe), tt(xt)
    np.testing.assert_allclose(_np(ye), yt.numpy(), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(_np(te.inv(ye)), tt.inv(yt).numpy(), rtol=1e-8, atol=1e-10)
    try:
        ldj_t = tt.log_abs_det_jacobian(xt, yt)
    except NotImplementedError:
        with pytest.raises(NotImplementedError):
            te.log_abs_det_jacobian(xe, ye)
    else:
        np.testing.assert_allclose(_np(te.log_abs_det_jacobian(xe, ye)), ldj_t.numpy(),
                                   rtol=1e-8, atol=1e-10)
    shape = tuple(xt.shape)
    assert tuple(te.forward_shape(shape)) == tuple(tt.forward_shape(shape))
    assert tuple(te.inverse_shape(tuple(yt.shape))) == tuple(tt.inverse_shape(tuple(yt.shape)))
    same_t = tt == _transform(TD.transforms, torch)[i]
    assert (te == _transform(ED.transforms, ember)[i]) == same_t


def test_transform_cache_and_sign():
    T = ED.transforms
    t = T.ExpTransform(cache_size=1)
    x = ember.randn(3)
    y = t(x)
    assert t(x) is y and t.inv(y) is x
    assert T.ExpTransform().with_cache().inv(T.ExpTransform().with_cache()(x)) is not None
    assert T.AffineTransform(0.0, -2.0).sign == -1 and T.ExpTransform().sign == 1
    assert T.ComposeTransform([T.AffineTransform(0.0, -1.0), T.ExpTransform()]).sign == -1
    with pytest.raises(ValueError):
        T.ExpTransform(cache_size=2)


def test_cumulative_distribution_transform():
    de, dt = _both(lambda D, L: D.Normal(L.tensor(0.5, dtype=L.float64),
                                         L.tensor(2.0, dtype=L.float64)))
    te = ED.transforms.CumulativeDistributionTransform(de)
    tt = TD.transforms.CumulativeDistributionTransform(dt)
    x = RNG.normal(size=4)
    np.testing.assert_allclose(_np(te(ember.tensor(x))), tt(torch.tensor(x)).numpy())
    np.testing.assert_allclose(_np(te.log_abs_det_jacobian(ember.tensor(x), None)),
                               tt.log_abs_det_jacobian(torch.tensor(x), None).numpy())


@pytest.mark.parametrize("name", ["positive", "unit_interval", "simplex", "real_vector",
                                  "lower_cholesky", "corr_cholesky", "positive_definite",
                                  "nonnegative"])
def test_biject_to_transform_to_roundtrip(name):
    ce, ct = getattr(ED.constraints, name), getattr(TD.constraints, name)
    for reg_e, reg_t in ((ED.biject_to, TD.biject_to), (ED.transform_to, TD.transform_to)):
        try:
            tt = reg_t(ct)
        except NotImplementedError:
            with pytest.raises(NotImplementedError):
                reg_e(ce)
            continue
        te = reg_e(ce)
        assert repr(te) == repr(tt)
        shape = (2, 3) if name != "corr_cholesky" else (2, 3)
        if name in ("lower_cholesky", "positive_definite"):
            shape = (2, 3, 3)
        x = RNG.normal(size=shape)
        np.testing.assert_allclose(_np(te(ember.tensor(x))), tt(torch.tensor(x)).numpy(),
                                   rtol=1e-10, atol=1e-12)
        assert bool(ce.check(te(ember.tensor(x))).all())


def test_registry_errors():
    with pytest.raises(NotImplementedError) as et:
        TD.biject_to(TD.constraints.one_hot)
    with pytest.raises(NotImplementedError) as ee:
        ED.biject_to(ED.constraints.one_hot)
    assert str(ee.value) == str(et.value)
    with pytest.raises(TypeError) as et:
        TD.biject_to.register(3, lambda c: None)
    with pytest.raises(TypeError) as ee:
        ED.biject_to.register(3, lambda c: None)
    assert str(ee.value) == str(et.value)


# ---- utils ----------------------------------------------------------------------------------
def test_utils():
    from ember.distributions import utils as ue
    from torch.distributions import utils as ut
    p = RNG.uniform(0.01, 0.99, (2, 3))
    for binary in (False, True):
        np.testing.assert_allclose(_np(ue.probs_to_logits(ember.tensor(p), binary)),
                                   ut.probs_to_logits(torch.tensor(p), binary).numpy())
        np.testing.assert_allclose(_np(ue.logits_to_probs(ember.tensor(p), binary)),
                                   ut.logits_to_probs(torch.tensor(p), binary).numpy())
    a, b = ue.broadcast_all(ember.tensor([1.0, 2.0], dtype=ember.float64), 3)
    assert a.shape == b.shape == (2,) and b.dtype == ember.float64
    x, y = ue.broadcast_all(1, 2.5)
    assert x.dtype == ember.float32 and x.dim() == 0
    v = RNG.normal(size=(2, 6))
    for diag in (0, -1):
        n = 6 if diag == 0 else 10
        vv = RNG.normal(size=(2, n))
        m_e = ue.vec_to_tril_matrix(ember.tensor(vv), diag)
        m_t = ut.vec_to_tril_matrix(torch.tensor(vv), diag)
        np.testing.assert_array_equal(_np(m_e), m_t.numpy())
        np.testing.assert_array_equal(_np(ue.tril_matrix_to_vec(m_e, diag)), vv)
    del v
    assert ue.euler_constant == ut.euler_constant

    class Holder:
        calls = 0

        @ue.lazy_property
        def value(self):
            Holder.calls += 1
            return 5
    h = Holder()
    assert h.value == 5 and h.value == 5 and Holder.calls == 1


# ---- gradients of log_prob, entropy and rsample against torch -------------------------------
GRAD_CASES = [
    ("Normal", dict(loc=(3,), scale=(3,))), ("Gamma", dict(concentration=(3,), rate=(3,))),
    ("Beta", dict(concentration1=(3,), concentration0=(3,))),
    ("Dirichlet", dict(concentration=(2, 3))), ("StudentT", dict(df=(3,), loc=(3,),
                                                                 scale=(3,))),
    ("Laplace", dict(loc=(3,), scale=(3,))), ("Gumbel", dict(loc=(3,), scale=(3,))),
    ("Weibull", dict(scale=(3,), concentration=(3,))),
    ("VonMises", dict(loc=(3,), concentration=(3,))),
    ("MultivariateNormal", dict(loc=(2, 3), scale_tril=(3, 3))),
    ("LowRankMultivariateNormal", dict(loc=(3,), cov_factor=(3, 2), cov_diag=(3,))),
    ("Kumaraswamy", dict(concentration1=(3,), concentration0=(3,))),
]


@pytest.mark.parametrize("name, shapes", GRAD_CASES, ids=[c[0] for c in GRAD_CASES])
def test_parameter_gradients(name, shapes):
    arrays = {}
    for k, s in shapes.items():
        a = RNG.uniform(0.6, 2.0, s)
        if k == "scale_tril":
            a = np.tril(a) + np.eye(3)
        arrays[k] = a
    grads = []
    for D, L in ((ED, ember), (TD, torch)):
        params = {k: L.tensor(v, requires_grad=True) for k, v in arrays.items()}
        d = getattr(D, name)(**params)
        with torch.no_grad():
            value = _np(getattr(TD, name)(**{k: torch.tensor(v) for k, v in
                                              arrays.items()}).mean)
        value = np.nan_to_num(value, nan=0.3)
        value = np.clip(value, 0.05, 0.95) if name in ("Beta", "Kumaraswamy") else value
        if name == "Dirichlet":
            value = value / value.sum(-1, keepdims=True)
        out = d.log_prob(L.tensor(value)).sum()
        try:
            out = out + d.entropy().sum()
        except NotImplementedError:
            pass
        out.backward()
        grads.append({k: _np(p.grad) for k, p in params.items()})
    for k in arrays:
        np.testing.assert_allclose(grads[0][k], grads[1][k], rtol=1e-7, atol=1e-9,
                                   err_msg=k)


def test_straight_through_and_relaxed_gradients():
    logits = ember.tensor([0.1, 0.5, -0.3], requires_grad=True)
    sample = ED.OneHotCategoricalStraightThrough(logits=logits).rsample((4,))
    (sample * ember.tensor([1.0, 2.0, 3.0])).sum().backward()
    assert logits.grad is not None and sample.sum().item() == 4.0
    t = ember.tensor(0.5)
    x = ED.RelaxedOneHotCategorical(t, logits=logits).rsample((5,))
    np.testing.assert_allclose(_np(x.sum(-1)), np.ones(5), rtol=1e-6)
    b = ED.RelaxedBernoulli(t, probs=ember.tensor([0.2, 0.7])).rsample((5,))
    assert bool(((b > 0) & (b < 1)).all())


# ---- API details ----------------------------------------------------------------------------
def test_enumerate_support_and_perplexity():
    for make in (lambda D, L: D.Bernoulli(L.tensor([0.3, 0.6])),
                 lambda D, L: D.Categorical(L.tensor([[0.2, 0.8], [0.5, 0.5]])),
                 lambda D, L: D.Binomial(3, L.tensor([0.3, 0.6])),
                 lambda D, L: D.OneHotCategorical(L.tensor([0.2, 0.3, 0.5]))):
        de, dt = _both(make)
        assert de.has_enumerate_support == dt.has_enumerate_support
        for expand in (True, False):
            np.testing.assert_array_equal(_np(de.enumerate_support(expand)),
                                          dt.enumerate_support(expand).numpy())
        np.testing.assert_allclose(_np(de.perplexity()), dt.perplexity().numpy(), rtol=1e-6)


def test_validate_args_flag_and_default():
    assert ED.Distribution._validate_args is TD.Distribution._validate_args
    d = ED.Normal(ember.tensor(0.0), ember.tensor(-1.0), validate_args=False)
    assert not d._validate_args
    with pytest.raises(ValueError):
        ED.Distribution.set_default_validate_args(3)


def test_sample_shapes_and_no_grad():
    loc = ember.zeros(2, requires_grad=True)
    d = ED.Normal(loc, ember.ones(2))
    assert d.sample((4, 5)).shape == (4, 5, 2) and not d.sample().requires_grad
    assert d.rsample((3,)).requires_grad
    assert d.sample_n(3).shape == (3, 2) if hasattr(d, "sample_n") else True


def test_mixture_and_independent():
    de, dt = _both(lambda D, L: D.MixtureSameFamily(
        D.Categorical(L.tensor([0.3, 0.7], dtype=L.float64)),
        D.Independent(D.Normal(L.tensor([[0.0, 1.0], [2.0, -1.0]], dtype=L.float64),
                               L.tensor([[1.0, 0.5], [0.7, 2.0]], dtype=L.float64)), 1)))
    x = RNG.normal(size=(4, 2))
    np.testing.assert_allclose(_np(de.log_prob(ember.tensor(x))),
                               dt.log_prob(torch.tensor(x)).numpy())
    np.testing.assert_allclose(_np(de.mean), dt.mean.numpy())
    np.testing.assert_allclose(_np(de.variance), dt.variance.numpy())
    assert de.sample((3,)).shape == (3, 2)
    assert repr(de) == repr(dt)


def test_lkj_and_wishart_samples():
    ember.manual_seed(0)
    s = ED.LKJCholesky(3, ember.tensor(2.0)).sample((500,))
    assert bool(ED.constraints.corr_cholesky.check(s).all())
    corr = s @ s.mT
    np.testing.assert_allclose(_np(corr.mean(0)), np.eye(3), atol=0.06)
    cov = ember.tensor([[2.0, 0.3], [0.3, 1.0]], dtype=ember.float64)
    w = ED.Wishart(ember.tensor(5.0, dtype=ember.float64), covariance_matrix=cov)
    samples = w.sample((3000,))
    np.testing.assert_allclose(_np(samples.mean(0)), _np(w.mean), rtol=0.06, atol=0.05)


NODE_CASES = [
    ("Normal", dict(loc=[0.5, 1.0], scale=[1.0, 2.0])),
    ("Gamma", dict(concentration=[0.5, 1.0], rate=[1.0, 2.0])),
    ("Beta", dict(concentration1=[0.5, 1.0], concentration0=[1.0, 2.0])),
    ("Categorical", dict(logits=[0.5, 1.0])), ("Bernoulli", dict(logits=[0.5, 1.0])),
    ("MultivariateNormal", dict(loc=[0.5, 1.0], scale_tril=[[1.0, 0.0], [0.3, 2.0]])),
    ("Exponential", dict(rate=[0.5, 1.0])), ("Laplace", dict(loc=[0.5, 1.0], scale=[1.0, 2.0])),
    ("Dirichlet", dict(concentration=[0.5, 1.0])),
    ("LogNormal", dict(loc=[0.5, 1.0], scale=[1.0, 2.0])),
    ("StudentT", dict(df=[3.0, 4.0], loc=[0.5, 1.0], scale=[1.0, 2.0])),
]


@pytest.mark.parametrize("name, params", NODE_CASES, ids=[c[0] for c in NODE_CASES])
def test_autograd_node_names(name, params):
    """log_prob, entropy, rsample and mean end in the same autograd node as torch's."""
    names = []
    for D, L in ((ED, ember), (TD, torch)):
        d = getattr(D, name)(**{k: L.tensor(v, requires_grad=True) for k, v in params.items()})
        v = d.sample()
        outs = [d.log_prob(v), d.entropy(), d.mean]
        if d.has_rsample:
            outs.append(d.rsample())
        names.append([type(o.grad_fn).__name__ for o in outs])
    assert names[0] == names[1]


def test_noncontiguous_parameters():
    base = RNG.uniform(0.5, 2.0, (3, 4))
    value = RNG.normal(size=(4, 3))
    res = []
    for D, L in ((ED, ember), (TD, torch)):
        p = L.tensor(base)
        d = D.Normal(p.T, p.T[:, ::2].repeat(1, 2)[:, :3] + p.T)
        res.append(_np(d.log_prob(L.tensor(value))))
    np.testing.assert_allclose(res[0], res[1], rtol=1e-12)


@pytest.mark.parametrize("name, params", [
    ("Normal", dict(loc=[0.5, -1.0], scale=[1.5, 0.7])),
    ("Gamma", dict(concentration=[0.8, 2.0], rate=[1.5, 0.7])),
    ("StudentT", dict(df=[3.0, 5.0], loc=[0.5, -1.0], scale=[1.5, 0.7])),
    ("Beta", dict(concentration1=[0.8, 2.0], concentration0=[1.5, 0.7])),
])
def test_second_derivatives_of_log_prob(name, params):
    """Gradients of gradients (e.g. for natural-gradient or penalty terms) match torch's."""
    value = {"Beta": [0.3, 0.6]}.get(name, [0.4, 1.2])
    out = []
    for D, L in ((ED, ember), (TD, torch)):
        ps = {k: L.tensor(v, dtype=L.float64, requires_grad=True) for k, v in params.items()}
        lp = getattr(D, name)(**ps).log_prob(L.tensor(value, dtype=L.float64)).sum()
        first = L.autograd.grad(lp, list(ps.values()), create_graph=True)
        second = L.autograd.grad(sum(g.sum() for g in first), list(ps.values()))
        out.append([_np(g) for g in second])
    for e, t in zip(*out):
        np.testing.assert_allclose(e, t, rtol=1e-7, atol=1e-10)   # polygamma: ~1e-9
