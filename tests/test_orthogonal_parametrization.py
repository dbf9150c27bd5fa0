"""nn.utils.parametrizations.orthogonal against torch 2.13: the weight and the gradients of the
original (and base) for the three maps, square / tall / wide / batched, real and complex, with
and without the trivialization; assigning a weight (right_inverse); the errors."""
import numpy as np
import pytest

import ember
import ember.nn as enn

torch = pytest.importorskip("torch")
tnn = torch.nn
EO = enn.utils.parametrizations.orthogonal
TO = tnn.utils.parametrizations.orthogonal

_DTYPES = {"float32": (torch.float32, ember.float32, 1e-5),
           "float64": (torch.float64, ember.float64, 1e-11),
           "complex128": (torch.complex128, ember.complex128, 1e-11)}


class _Holder:
    """A module with a (possibly batched) ``weight`` of any shape."""
    @staticmethod
    def make(lib, shape, dtype):
        m = lib.nn.Module()
        m.weight = lib.nn.Parameter(lib.zeros(shape, dtype=dtype))
        return m


def _np(t):
    return t.detach().numpy()


def _pair(shape, dtype_name, seed, **kw):
    tdt, edt, tol = _DTYPES[dtype_name]
    torch.manual_seed(seed)
    tm = _Holder.make(torch, shape, tdt)
    with torch.no_grad():
        tm.weight.copy_(torch.randn(shape, dtype=tdt))
    TO(tm, **kw)
    em = _Holder.make(ember, shape, edt)
    EO(em, **kw)
    assert list(em.state_dict()) == list(tm.state_dict())
    # the same original (and base, when the trivialization keeps one), perturbed off the
    # identity so every map is exercised
    rng = np.random.default_rng(seed)
    state = {}
    for k, v in tm.state_dict().items():
        if k.endswith("original"):
            noise = rng.standard_normal(v.shape) * 0.3
            with torch.no_grad():
                v.add_(torch.tensor(noise, dtype=v.dtype))
        state[k] = ember.tensor(v.numpy())
    em.load_state_dict(state)
    return tm, em, tol


_CASES = [((4, 4), "matrix_exp"), ((5, 3), "matrix_exp"), ((3, 5), "cayley"),
          ((4, 4), "cayley"), ((2, 4, 3), "matrix_exp"), ((5, 3), "householder"),
          ((3, 6), "householder"), ((2, 3, 3), "householder"), ((4, 4), None), ((5, 2), None)]


@pytest.mark.parametrize("shape,orth_map", _CASES)
@pytest.mark.parametrize("dtype_name", ["float32", "float64", "complex128"])
@pytest.mark.parametrize("triv", [True, False])
def test_weight_and_gradients_match_torch(shape, orth_map, dtype_name, triv):
    if dtype_name == "complex128" and orth_map == "householder":
        pytest.skip("householder refuses complex weights (tested below)")
    tm, em, tol = _pair(shape, dtype_name, 3, orthogonal_map=orth_map,
                        use_trivialization=triv)
    tw, ew = tm.weight, em.weight
    np.testing.assert_allclose(_np(ew), _np(tw), rtol=tol, atol=tol)
    g = np.random.default_rng(1).standard_normal(shape)
    (tw * torch.tensor(g, dtype=tw.dtype)).sum().real.backward()
    (ew * ember.tensor(g, dtype=ew.dtype)).sum().real.backward()
    for (tn, tp), (en, ep) in zip(tm.named_parameters(), em.named_parameters()):
        assert tn == en
        np.testing.assert_allclose(_np(ep.grad), _np(tp.grad), rtol=tol * 10, atol=tol * 10)


@pytest.mark.parametrize("shape", [(4, 4), (5, 3), (3, 5)])
@pytest.mark.parametrize("orth_map", ["matrix_exp", "cayley", "householder"])
def test_assigning_a_weight_matches_torch(shape, orth_map):
    tm, em, tol = _pair(shape, "float64", 5, orthogonal_map=orth_map)
    # an orthonormal value (then the weight is that value) and a square non-orthogonal one
    # (then it is its QR's Q)
    values = [torch.linalg.qr(torch.randn(max(shape), min(shape), dtype=torch.float64))[0]]
    if shape[0] == shape[1]:
        values.append(torch.randn(shape, dtype=torch.float64))
    for value in values:
        value = value if value.shape == shape else value.mT
        tm.weight = value
        em.weight = ember.tensor(value.numpy())
        np.testing.assert_allclose(_np(em.weight), _np(tm.weight), atol=1e-12)
        np.testing.assert_allclose(_np(em.parametrizations.weight.original),
                                   _np(tm.parametrizations.weight.original), atol=1e-12)


def test_householder_without_trivialization_assignment_matches_torch():
    for shape in [(5, 3), (3, 5), (4, 4)]:
        tm, em, _ = _pair(shape, "float64", 7, orthogonal_map="householder",
                          use_trivialization=False)
        value = torch.randn(shape, dtype=torch.float64)
        tm.weight = value
        em.weight = ember.tensor(value.numpy())
        np.testing.assert_allclose(_np(em.parametrizations.weight.original),
                                   _np(tm.parametrizations.weight.original), atol=1e-12)
        np.testing.assert_allclose(_np(em.weight), _np(tm.weight), atol=1e-12)


def test_default_linear_initial_weight_is_orthogonal_as_in_torch():
    ember.manual_seed(0)
    m = EO(enn.Linear(3, 6))
    assert type(m).__name__ == "ParametrizedLinear"
    w = m.weight.detach().numpy()
    np.testing.assert_allclose(w.T @ w, np.eye(3), atol=1e-5)


def _error(lib, case):
    nn = lib.nn
    P = nn.utils.parametrizations
    if case == "ndim":
        m = nn.Module()
        m.weight = nn.Parameter(lib.zeros(3))
        return P.orthogonal(m)
    if case == "no_tensor":
        return P.orthogonal(nn.ReLU())
    if case == "map":
        return P.orthogonal(nn.Linear(3, 3), orthogonal_map="qr")
    if case == "complex_householder":
        m = nn.Module()
        m.weight = nn.Parameter(lib.zeros(3, 2, dtype=lib.complex64))
        return P.orthogonal(m, orthogonal_map="householder")
    if case == "shape":
        m = P.orthogonal(nn.Linear(3, 3))
        m.weight = lib.zeros(2, 2)
    if case == "no_triv_assign":
        m = P.orthogonal(nn.Linear(3, 3), use_trivialization=False)
        m.weight = lib.eye(3)


@pytest.mark.parametrize("case", ["ndim", "no_tensor", "map", "complex_householder", "shape",
                                  "no_triv_assign"])
def test_errors_match_torch(case):
    with pytest.raises(Exception) as expected:
        _error(torch, case)
    with pytest.raises(type(expected.value)) as got:
        _error(ember, case)
    assert str(got.value) == str(expected.value)
