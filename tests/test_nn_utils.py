"""nn.utils against torch 2.13: gradient clipping, parameter vectors, parametrize,
weight/spectral norm (legacy and parametrization), conv/linear + batch-norm fusion."""
import copy

import numpy as np
import pytest

import ember
import ember.nn as enn
from ember.nn.utils import parametrize as EP

torch = pytest.importorskip("torch")
tnn = torch.nn
TP = tnn.utils.parametrize


def _np(t):
    return t.detach().cpu().numpy()


def _copy_state(tm, em):
    em.load_state_dict({k: ember.tensor(v.cpu().numpy()) for k, v in tm.state_dict().items()})


def _linear_pair(seed=0):
    torch.manual_seed(seed)
    tm = tnn.Linear(4, 3).double()
    em = enn.Linear(4, 3).double()
    _copy_state(tm, em)
    return tm, em


def _with_grads(shapes, seed=0, scale=1.0):
    rng = np.random.default_rng(seed)
    arrays = [rng.standard_normal(s) * scale for s in shapes]
    tps, eps = [], []
    for a in arrays:
        tp, ep = torch.tensor(a, requires_grad=True), ember.tensor(a, requires_grad=True)
        tp.grad, ep.grad = torch.tensor(a * 0.5), ember.tensor(a * 0.5)
        tps.append(tp)
        eps.append(ep)
    return tps, eps


# ---- clipping ---------------------------------------------------------------------------------
@pytest.mark.parametrize("norm_type", [2.0, 1, 3.5, float("inf"), "inf"])
@pytest.mark.parametrize("max_norm", [0.5, 100.0])
def test_clip_grad_norm(norm_type, max_norm):
    tps, eps = _with_grads([(3, 4), (5,), ()])
    nt = float(norm_type)
    rt = tnn.utils.clip_grad_norm_(tps, max_norm, nt)
    re_ = enn.utils.clip_grad_norm_(eps, max_norm, norm_type, foreach=None)
    assert re_.shape == rt.shape
    np.testing.assert_allclose(_np(re_), _np(rt), rtol=1e-12)
    for tp, ep in zip(tps, eps):
        np.testing.assert_allclose(ep.grad.cpu().numpy(), tp.grad.cpu().numpy(), rtol=1e-12)


def test_clip_grad_norm_single_tensor_and_missing_grads():
    tps, eps = _with_grads([(3, 4)])
    tps.append(torch.zeros(2, requires_grad=True))
    eps.append(ember.zeros(2, requires_grad=True))
    np.testing.assert_allclose(_np(enn.utils.clip_grad_norm_(eps[0], 1.0)),
                               _np(tnn.utils.clip_grad_norm_(tps[0], 1.0)))
    assert float(enn.utils.clip_grad_norm_([eps[1]], 1.0)) == 0.0


def test_clip_grad_norm_nonfinite():
    _, eps = _with_grads([(3,)])
    eps[0].grad[0] = float("nan")
    with pytest.raises(RuntimeError, match="non-finite, so it cannot be clipped"):
        enn.utils.clip_grad_norm_(eps, 1.0, error_if_nonfinite=True)
    with pytest.warns(UserWarning, match="empty generator"):
        enn.utils.clip_grad_norm_((p for p in []), 1.0)


def test_get_total_norm_and_clip_grads_with_norm():
    tps, eps = _with_grads([(3, 4), (2, 2)], scale=3.0)
    tt = tnn.utils.get_total_norm([p.grad for p in tps], 2.0)
    te = enn.utils.get_total_norm([p.grad for p in eps], 2.0)
    np.testing.assert_allclose(_np(te), _np(tt))
    tnn.utils.clip_grads_with_norm_(tps, 1.0, tt)
    enn.utils.clip_grads_with_norm_(eps, 1.0, te)
    for tp, ep in zip(tps, eps):
        np.testing.assert_allclose(ep.grad.cpu().numpy(), tp.grad.cpu().numpy())


def test_clip_grad_value():
    tps, eps = _with_grads([(3, 4), (5,)], scale=2.0)
    tnn.utils.clip_grad_value_(tps, 0.7)
    enn.utils.clip_grad_value_(eps, 0.7)
    for tp, ep in zip(tps, eps):
        np.testing.assert_allclose(ep.grad.cpu().numpy(), tp.grad.cpu().numpy())


# ---- parameters <-> vector --------------------------------------------------------------------
def test_parameters_to_vector_roundtrip():
    tm, em = _linear_pair()
    vt = tnn.utils.parameters_to_vector(tm.parameters())
    ve = enn.utils.parameters_to_vector(em.parameters())
    np.testing.assert_allclose(_np(ve), _np(vt))
    enn.utils.vector_to_parameters(ve * 2, em.parameters())
    np.testing.assert_allclose(_np(em.weight), _np(tm.weight) * 2)
    with pytest.raises(TypeError, match="expected torch.Tensor, but got: list"):
        enn.utils.vector_to_parameters([1.0], em.parameters())


# ---- parametrize ------------------------------------------------------------------------------
class _Sym(object):
    """A symmetric-matrix parametrization, defined for both libraries."""

    @staticmethod
    def make(lib_nn):
        class Symmetric(lib_nn.Module):
            def forward(self, X):
                return X.triu() + X.triu(1).transpose(-1, -2)
        return Symmetric


class _Scale:
    @staticmethod
    def make(lib_nn):
        class Scale(lib_nn.Module):
            def forward(self, X):
                return X * 2

            def right_inverse(self, X):
                return X / 2
        return Scale


def _square_pair():
    torch.manual_seed(0)
    tm = tnn.Linear(3, 3).double()
    em = enn.Linear(3, 3).double()
    _copy_state(tm, em)
    return tm, em


def test_register_parametrization_layout_and_values():
    tm, em = _square_pair()
    TP.register_parametrization(tm, "weight", _Sym.make(tnn)())
    EP.register_parametrization(em, "weight", _Sym.make(enn)())
    TP.register_parametrization(tm, "weight", _Scale.make(tnn)())
    EP.register_parametrization(em, "weight", _Scale.make(enn)())
    assert type(em).__name__ == type(tm).__name__ == "ParametrizedLinear"
    assert EP.is_parametrized(em) and EP.is_parametrized(em, "weight")
    assert not EP.is_parametrized(em, "bias")
    assert EP.type_before_parametrizations(em) is enn.Linear
    assert list(em.state_dict()) == list(tm.state_dict())
    assert [k for k, _ in em.named_parameters()] == [k for k, _ in tm.named_parameters()]
    assert repr(em).replace("enn", "") == repr(tm)
    np.testing.assert_allclose(_np(em.weight), _np(tm.weight))
    x = np.random.default_rng(0).standard_normal((2, 3))
    yt, ye = tm(torch.tensor(x)), em(ember.tensor(x))
    yt.sum().backward()
    ye.sum().backward()
    np.testing.assert_allclose(_np(ye), _np(yt))
    np.testing.assert_allclose(em.parametrizations.weight.original.grad.cpu().numpy(),
                               tm.parametrizations.weight.original.grad.cpu().numpy())


def test_parametrization_assignment_uses_right_inverse():
    tm, em = _square_pair()
    TP.register_parametrization(tm, "weight", _Scale.make(tnn)())
    EP.register_parametrization(em, "weight", _Scale.make(enn)())
    new = np.arange(9.0).reshape(3, 3)
    tm.weight = torch.tensor(new)
    em.weight = ember.tensor(new)
    np.testing.assert_allclose(_np(em.parametrizations.weight.original),
                               _np(tm.parametrizations.weight.original))
    np.testing.assert_allclose(_np(em.weight), new)


@pytest.mark.parametrize("leave", [True, False])
def test_remove_parametrizations(leave):
    tm, em = _square_pair()
    TP.register_parametrization(tm, "weight", _Scale.make(tnn)())
    EP.register_parametrization(em, "weight", _Scale.make(enn)())
    TP.remove_parametrizations(tm, "weight", leave_parametrized=leave)
    EP.remove_parametrizations(em, "weight", leave_parametrized=leave)
    assert type(em) is enn.Linear and not hasattr(em, "parametrizations")
    assert isinstance(em.weight, enn.Parameter)
    assert list(em.state_dict()) == list(tm.state_dict())
    np.testing.assert_allclose(_np(em.weight), _np(tm.weight))
    with pytest.raises(ValueError, match="does not have a parametrization on weight"):
        EP.remove_parametrizations(em, "weight")


def test_cached_computes_once():
    calls = []

    class Count(enn.Module):
        def forward(self, X):
            calls.append(1)
            return X + 1

    _, em = _square_pair()
    EP.register_parametrization(em, "weight", Count())
    calls.clear()
    with EP.cached():
        em.weight
        em.weight
    assert len(calls) == 1
    em.weight
    assert len(calls) == 2


def test_parametrization_errors():
    class Shrink(enn.Module):
        def forward(self, X):
            return X[0]

    _, em = _square_pair()
    with pytest.raises(ValueError, match="may not change the shape"):
        EP.register_parametrization(em, "weight", Shrink())
    with pytest.raises(ValueError, match="does not have a parameter, a buffer, or a "
                                         "parametrized element with name 'nope'"):
        EP.register_parametrization(em, "nope", Shrink())
    EP.register_parametrization(em, "weight", Shrink(), unsafe=True)
    assert tuple(em.weight.shape) == (3,)


# ---- weight norm / spectral norm ----------------------------------------------------------------
def _train_compare(tm, em, in_shape, steps=2):
    rng = np.random.default_rng(1)
    for _ in range(steps):
        x = rng.standard_normal(in_shape)
        yt, ye = tm(torch.tensor(x)), em(ember.tensor(x))
        np.testing.assert_allclose(_np(ye), _np(yt), atol=1e-10)
        yt.pow(2).sum().backward()
        ye.pow(2).sum().backward()
    for (kt, pt), (ke, pe) in zip(tm.named_parameters(), em.named_parameters()):
        assert kt == ke
        np.testing.assert_allclose(pe.grad.cpu().numpy(), pt.grad.cpu().numpy(), atol=1e-9)
    for (kt, bt), (ke, be) in zip(tm.state_dict().items(), em.state_dict().items()):
        assert kt == ke
        np.testing.assert_allclose(be.cpu().numpy(), bt.cpu().numpy(), atol=1e-10)


@pytest.mark.parametrize("dim", [0, 1, None, -1])
def test_parametrized_weight_norm(dim):
    tm, em = _linear_pair()
    tnn.utils.parametrizations.weight_norm(tm, dim=dim)
    enn.utils.parametrizations.weight_norm(em, dim=dim)
    assert list(em.state_dict()) == list(tm.state_dict())
    _train_compare(tm, em, (5, 4))


@pytest.mark.parametrize("dim", [0, 1, None])
def test_legacy_weight_norm(dim):
    tm, em = _linear_pair()
    with pytest.warns(FutureWarning):
        tnn.utils.weight_norm(tm, dim=dim)
    with pytest.warns(FutureWarning, match="is deprecated in favor of"):
        enn.utils.weight_norm(em, dim=dim)
    assert list(em.state_dict()) == list(tm.state_dict()) == ["bias", "weight_g", "weight_v"]
    _train_compare(tm, em, (5, 4))
    tnn.utils.remove_weight_norm(tm)
    enn.utils.remove_weight_norm(em)
    assert list(em.state_dict()) == list(tm.state_dict())
    np.testing.assert_allclose(_np(em.weight), _np(tm.weight), atol=1e-12)
    with pytest.raises(ValueError, match="weight_norm of 'weight' not found in"):
        enn.utils.remove_weight_norm(em)


def test_parametrized_spectral_norm_train_and_eval():
    tm, em = _linear_pair()
    tnn.utils.parametrizations.spectral_norm(tm)
    enn.utils.parametrizations.spectral_norm(em)
    assert list(em.state_dict()) == list(tm.state_dict())
    _copy_state(tm, em)   # the random u/v start vectors
    _train_compare(tm, em, (5, 4))
    tm.eval()
    em.eval()
    x = np.ones((2, 4))
    np.testing.assert_allclose(_np(em(ember.tensor(x))), _np(tm(torch.tensor(x))), atol=1e-10)


def test_legacy_spectral_norm():
    tm, em = _linear_pair()
    tnn.utils.spectral_norm(tm, n_power_iterations=2)
    enn.utils.spectral_norm(em, n_power_iterations=2)
    assert list(em.state_dict()) == list(tm.state_dict()) == \
        ["bias", "weight_orig", "weight_u", "weight_v"]
    _copy_state(tm, em)
    _train_compare(tm, em, (5, 4))
    tnn.utils.remove_spectral_norm(tm)
    enn.utils.remove_spectral_norm(em)
    assert list(em.state_dict()) == list(tm.state_dict())
    np.testing.assert_allclose(_np(em.weight), _np(tm.weight), atol=1e-10)


# ---- fusion -----------------------------------------------------------------------------------
def _trained_bn(tbn, ebn, shape):
    rng = np.random.default_rng(2)
    with torch.no_grad():
        tbn.weight.uniform_(0.5, 1.5)
        tbn.bias.uniform_(-1, 1)
        tbn(torch.tensor(rng.standard_normal(shape) * 3 + 1))
    _copy_state(tbn, ebn)
    tbn.eval()
    ebn.eval()


def test_fuse_conv_bn_eval():
    torch.manual_seed(0)
    tconv, tbn = tnn.Conv2d(2, 3, 3).double().eval(), tnn.BatchNorm2d(3).double()
    econv, ebn = enn.Conv2d(2, 3, 3).double().eval(), enn.BatchNorm2d(3).double()
    _copy_state(tconv, econv)
    _trained_bn(tbn, ebn, (4, 3, 5, 5))
    fused = enn.utils.fuse_conv_bn_eval(econv, ebn)
    x = np.random.default_rng(3).standard_normal((2, 2, 6, 6))
    expected = tbn(tconv(torch.tensor(x)))
    np.testing.assert_allclose(_np(fused(ember.tensor(x))), _np(expected), atol=1e-10)
    assert isinstance(fused.weight, enn.Parameter) and fused is not econv
    with pytest.raises(AssertionError, match="Fusion only for eval!"):
        enn.utils.fuse_conv_bn_eval(econv.train(), ebn)


def test_fuse_linear_bn_eval():
    torch.manual_seed(0)
    tlin, tbn = tnn.Linear(4, 3).double().eval(), tnn.BatchNorm1d(3).double()
    elin, ebn = enn.Linear(4, 3).double().eval(), enn.BatchNorm1d(3).double()
    _copy_state(tlin, elin)
    _trained_bn(tbn, ebn, (6, 3))
    fused = enn.utils.fuse_linear_bn_eval(elin, ebn)
    x = np.random.default_rng(4).standard_normal((5, 4))
    np.testing.assert_allclose(_np(fused(ember.tensor(x))), _np(tbn(tlin(torch.tensor(x)))),
                               atol=1e-10)


def test_deepcopy_of_parametrized_module():
    _, em = _square_pair()
    EP.register_parametrization(em, "weight", _Scale.make(enn)())
    em2 = copy.deepcopy(em)
    np.testing.assert_allclose(_np(em2.weight), _np(em.weight))
    assert em2.parametrizations.weight.original is not em.parametrizations.weight.original


# ---- bad input: torch's exception types and messages ------------------------------------------
def _pair_sum_parametrized(lib, inverse):
    """A Linear whose weight is parametrized by two tensors (``a + b``); after registration its
    ``right_inverse`` returns ``inverse(X)``."""
    armed = []

    class PairSum(lib.nn.Module):
        def forward(self, a, b):
            return a + b

        def right_inverse(self, X):
            return inverse(X) if armed else [X, X]

    m = lib.nn.Linear(2, 2)
    lib.nn.utils.parametrize.register_parametrization(m, "weight", PairSum(), unsafe=True)
    armed.append(True)
    return m


def _no_inverse_parametrized(lib):
    class Double(lib.nn.Module):
        def forward(self, X):
            return X * 2

    m = lib.nn.Linear(2, 2)
    lib.nn.utils.parametrize.register_parametrization(m, "weight", Double())
    return m


_BAD_INPUT = {
    "fuse_conv_no_stats": lambda lib: lib.nn.utils.fuse_conv_bn_eval(
        lib.nn.Conv2d(2, 2, 1).eval(), lib.nn.BatchNorm2d(2, track_running_stats=False).eval()),
    "fuse_linear_features": lambda lib: lib.nn.utils.fuse_linear_bn_eval(
        lib.nn.Linear(2, 3).eval(), lib.nn.BatchNorm1d(2).eval()),
    "fuse_linear_no_stats": lambda lib: lib.nn.utils.fuse_linear_bn_eval(
        lib.nn.Linear(2, 2).eval(), lib.nn.BatchNorm1d(2, track_running_stats=False).eval()),
    "vector_not_tensor": lambda lib: lib.nn.utils.vector_to_parameters(np.zeros(2), []),
    "spectral_norm_twice": lambda lib: lib.nn.utils.spectral_norm(
        lib.nn.utils.spectral_norm(lib.nn.Linear(2, 2))),
    "spectral_norm_iterations": lambda lib: lib.nn.utils.spectral_norm(
        lib.nn.Linear(2, 2), n_power_iterations=0),
    "remove_spectral_norm": lambda lib: lib.nn.utils.remove_spectral_norm(lib.nn.Linear(2, 2)),
    "weight_norm_twice": lambda lib: lib.nn.utils.weight_norm(
        lib.nn.utils.weight_norm(lib.nn.Linear(2, 2))),
    "remove_weight_norm": lambda lib: lib.nn.utils.remove_weight_norm(lib.nn.Linear(2, 2)),
    "parametrized_spectral_dim": lambda lib: lib.nn.utils.parametrizations.spectral_norm(
        lib.nn.Linear(2, 2), dim=5),
    "parametrized_spectral_name": lambda lib: lib.nn.utils.parametrizations.spectral_norm(
        lib.nn.Linear(2, 2), name="nope"),
    "right_inverse_element": lambda lib: setattr(
        _pair_sum_parametrized(lib, lambda X: [X, 3]), "weight", lib.ones(2, 2)),
    "right_inverse_length": lambda lib: setattr(
        _pair_sum_parametrized(lib, lambda X: [X]), "weight", lib.ones(2, 2)),
    "right_inverse_dtype": lambda lib: setattr(
        _pair_sum_parametrized(lib, lambda X: [X, X.double()]), "weight", lib.ones(2, 2)),
    "right_inverse_missing": lambda lib: setattr(
        _no_inverse_parametrized(lib), "weight", lib.ones(2, 2)),
    "leave_sequence": lambda lib: lib.nn.utils.parametrize.remove_parametrizations(
        _pair_sum_parametrized(lib, None), "weight", leave_parametrized=False),
    "parametrization_list_empty": lambda lib: lib.nn.utils.parametrize.ParametrizationList(
        [], lib.nn.Parameter(lib.ones(2))),
}


@pytest.mark.filterwarnings("ignore:`torch.nn.utils.weight_norm` is deprecated")
@pytest.mark.parametrize("case", sorted(_BAD_INPUT))
def test_bad_input_matches_torch(case):
    with pytest.raises(Exception) as expected:
        _BAD_INPUT[case](torch)
    with pytest.raises(type(expected.value)) as got:
        _BAD_INPUT[case](ember)
    assert str(got.value) == str(expected.value)
