"""nn.init against torch 2.13: exact values for the deterministic initialisers, distribution
statistics (bounds, mean, std) for the random ones, errors with torch's types and messages."""
import math
import warnings

import numpy as np
import pytest

import ember
from ember.nn import init

SHAPES = [(64, 32), (32, 16, 3, 3), (16, 8, 5)]


def err(fn):
    with pytest.raises(Exception) as info:
        fn()
    return type(info.value), str(info.value)


@pytest.mark.parametrize("nl,param", [("linear", None), ("conv2d", None), ("sigmoid", None),
                                      ("tanh", None), ("relu", None), ("leaky_relu", None),
                                      ("leaky_relu", 0.2), ("leaky_relu", 3), ("selu", None)])
def test_calculate_gain(torch, nl, param):
    assert init.calculate_gain(nl, param) == torch.nn.init.calculate_gain(nl, param)


def test_calculate_gain_errors(torch):
    assert err(lambda: init.calculate_gain("foo")) == \
        err(lambda: torch.nn.init.calculate_gain("foo"))
    assert err(lambda: init.calculate_gain("leaky_relu", True)) == \
        err(lambda: torch.nn.init.calculate_gain("leaky_relu", True))


@pytest.mark.parametrize("shape", SHAPES + [(7, 3)])
def test_fan_in_fan_out(torch, shape):
    assert init._calculate_fan_in_and_fan_out(ember.empty(*shape)) == \
        torch.nn.init._calculate_fan_in_and_fan_out(torch.empty(*shape))


def test_fan_errors(torch):
    assert err(lambda: init._calculate_fan_in_and_fan_out(ember.empty(3))) == \
        err(lambda: torch.nn.init._calculate_fan_in_and_fan_out(torch.empty(3)))
    assert err(lambda: init.kaiming_uniform_(ember.empty(3, 3), mode="fan_x")) == \
        err(lambda: torch.nn.init.kaiming_uniform_(torch.empty(3, 3), mode="fan_x"))


def test_deterministic_values(torch):
    for fn, args in [("constant_", (0.3,)), ("ones_", ()), ("zeros_", ())]:
        e, t = getattr(init, fn)(ember.empty(3, 4), *args), \
            getattr(torch.nn.init, fn)(torch.empty(3, 4), *args)
        assert np.array_equal(e.cpu().numpy(), t.cpu().numpy()), fn
    for shape in [(3, 5), (5, 3), (4, 4)]:
        assert np.array_equal(init.eye_(ember.empty(*shape)).cpu().numpy(),
                              torch.nn.init.eye_(torch.empty(*shape)).cpu().numpy())


@pytest.mark.parametrize("shape,groups", [((4, 4, 3), 1), ((6, 3, 3, 3), 2),
                                          ((4, 2, 3, 3, 3), 1), ((8, 6, 5, 4), 4),
                                          ((3, 5, 2), 3)])
def test_dirac(torch, shape, groups):
    e = init.dirac_(ember.randn(*shape), groups)
    t = torch.nn.init.dirac_(torch.randn(*shape), groups)
    assert np.array_equal(e.cpu().numpy(), t.cpu().numpy())


def test_shape_errors(torch):
    pairs = [(lambda T: T.nn.init.eye_(T.empty(2, 2, 2))),
             (lambda T: T.nn.init.dirac_(T.empty(2, 2))),
             (lambda T: T.nn.init.dirac_(T.empty(3, 2, 2), groups=2)),
             (lambda T: T.nn.init.orthogonal_(T.empty(3))),
             (lambda T: T.nn.init.sparse_(T.empty(3, 3, 3), 0.1))]
    for f in pairs:
        assert err(lambda: f(ember)) == err(lambda: f(torch))


def _uniform_stats(x, lo, hi):
    a = x.cpu().numpy().ravel().astype(np.float64)
    assert a.min() >= lo and a.max() <= hi
    width = hi - lo
    assert abs(a.mean() - (lo + hi) / 2) < 0.05 * width
    assert abs(a.std() - width / math.sqrt(12)) < 0.05 * width


def _normal_stats(x, mean, std):
    a = x.cpu().numpy().ravel().astype(np.float64)
    assert abs(a.mean() - mean) < 5 * std / math.sqrt(a.size) + 1e-12
    assert abs(a.std() / std - 1) < 5 / math.sqrt(2 * a.size)   # 5 standard errors


@pytest.mark.parametrize("shape", SHAPES)
def test_xavier_and_kaiming_uniform_bounds(torch, shape):
    fan_in, fan_out = init._calculate_fan_in_and_fan_out(ember.empty(*shape))
    b = math.sqrt(6.0 / (fan_in + fan_out)) * 2.0
    _uniform_stats(init.xavier_uniform_(ember.empty(*shape), gain=2.0), -b, b)
    for a, mode, nl in [(0, "fan_in", "relu"), (math.sqrt(5), "fan_in", "leaky_relu"),
                        (0.1, "fan_out", "leaky_relu")]:
        fan = fan_in if mode == "fan_in" else fan_out
        bound = math.sqrt(3.0) * init.calculate_gain(nl, a) / math.sqrt(fan)
        t = torch.nn.init.kaiming_uniform_(torch.empty(*shape), a, mode, nl)
        assert t.abs().max().item() <= bound
        _uniform_stats(init.kaiming_uniform_(ember.empty(*shape), a, mode, nl), -bound, bound)


@pytest.mark.parametrize("shape", SHAPES)
def test_normal_family_std(torch, shape):
    fan_in, fan_out = init._calculate_fan_in_and_fan_out(ember.empty(*shape))
    _normal_stats(init.xavier_normal_(ember.empty(*shape), gain=0.5), 0.0,
                  0.5 * math.sqrt(2.0 / (fan_in + fan_out)))
    _normal_stats(init.kaiming_normal_(ember.empty(*shape), mode="fan_out",
                                       nonlinearity="relu"), 0.0, math.sqrt(2.0 / fan_out))
    _normal_stats(init.normal_(ember.empty(*shape), 1.5, 0.2), 1.5, 0.2)
    _uniform_stats(init.uniform_(ember.empty(*shape), -0.5, 2.0), -0.5, 2.0)


@pytest.mark.parametrize("mean,std,a,b", [(0.0, 1.0, -2.0, 2.0), (0.0, 0.02, -0.04, 0.04),
                                          (0.0, 1.0, 1.0, 1.5), (0.5, 2.0, -1.0, 0.0)])
def test_trunc_normal_matches_torch_moments(torch, mean, std, a, b):
    e = init.trunc_normal_(ember.empty(200000, dtype=ember.float64), mean, std, a, b)
    t = torch.nn.init.trunc_normal_(torch.empty(200000, dtype=torch.float64), mean, std, a, b)
    en, tn = e.cpu().numpy(), t.cpu().numpy()
    assert en.min() >= a and en.max() <= b
    assert abs(en.mean() - tn.mean()) < 0.02 * (b - a)
    assert abs(en.std() / tn.std() - 1) < 0.02


def test_trunc_normal_far_mean_warns():
    with pytest.warns(UserWarning, match="mean is more than 2 std from"):
        init.trunc_normal_(ember.empty(10), mean=10.0)


@pytest.mark.parametrize("shape", [(20, 50), (50, 20), (8, 4, 3, 3)])
def test_orthogonal(shape):
    w = init.orthogonal_(ember.empty(*shape, dtype=ember.float64), gain=2.0).cpu().numpy()
    flat = w.reshape(shape[0], -1)
    gram = flat @ flat.T if flat.shape[0] <= flat.shape[1] else flat.T @ flat
    np.testing.assert_allclose(gram, 4.0 * np.eye(gram.shape[0]), atol=1e-10)


def test_sparse(torch):
    w = init.sparse_(ember.empty(40, 300), sparsity=0.25, std=0.5)
    t = torch.nn.init.sparse_(torch.empty(40, 300), sparsity=0.25, std=0.5)
    assert ((w.cpu().numpy() == 0).sum(0) == 10).all()
    assert ((t.cpu().numpy() == 0).sum(0) == 10).all()
    nz = w.cpu().numpy()[w.cpu().numpy() != 0]
    assert abs(nz.std() / 0.5 - 1) < 0.05


def test_runs_under_no_grad_on_parameters():
    p = ember.nn.Parameter(ember.empty(5, 6))
    for fn in (init.kaiming_uniform_, init.xavier_normal_, init.orthogonal_, init.eye_,
               init.zeros_, init.trunc_normal_, lambda t: init.sparse_(t, 0.5)):
        out = fn(p)
        assert out is p and p.grad_fn is None and p.is_leaf and p.requires_grad


@pytest.mark.cpu_only
def test_generator_reproducible():
    g1, g2 = ember.Generator().manual_seed(3), ember.Generator().manual_seed(3)
    for fn in (init.uniform_, init.normal_, init.xavier_uniform_, init.kaiming_normal_,
               init.trunc_normal_, init.orthogonal_):
        a, b = fn(ember.empty(6, 7), generator=g1), fn(ember.empty(6, 7), generator=g2)
        assert np.array_equal(a.cpu().numpy(), b.cpu().numpy())


def test_zero_element_warns(torch):
    for mod in (init, torch.nn.init):
        with pytest.warns(UserWarning, match="Initializing zero-element tensors is a no-op"):
            mod.kaiming_uniform_(torch.empty(0, 3) if mod is not init else ember.empty(0, 3))


def test_deprecated_aliases(torch):
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        init.uniform(ember.empty(2))
        torch.nn.init.uniform(torch.empty(2))
    assert str(w[0].message) == str(w[1].message) and w[0].category is w[1].category
