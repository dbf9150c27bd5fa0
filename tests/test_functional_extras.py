"""``torch.nn.functional``'s smaller names, compared with torch: ``conv_tbc`` (also
``torch.conv_tbc``) with its gradients, the grid-sample mode tables, ``assert_int_or_pair``,
``boolean_dispatch`` and the ``__torch_function__`` helpers it re-exports."""
import numpy as np
import pytest

import ember
from tests.oracle.harness import compare

torch = pytest.importorskip("torch")
LIBS = (ember, torch)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("T, B, C, K, O, pad", [(5, 2, 3, 3, 4, 1), (7, 1, 2, 2, 3, 0),
                                                 (4, 3, 5, 5, 2, 2)])
def test_conv_tbc_and_its_gradients(T, B, C, K, O, pad, dtype):
    results = []
    for lib in LIBS:
        rng = np.random.default_rng(T * K)
        x, w, b = (lib.tensor(rng.standard_normal(s), dtype=getattr(lib, dtype),
                              requires_grad=True) for s in ((T, B, C), (K, C, O), (O,)))
        y = lib.conv_tbc(x, w, b, pad)
        weights = lib.arange(float(y.numel()), dtype=y.dtype).reshape(y.shape)
        (y * weights).sum().backward()
        results.append((y.detach(), lib.nn.functional.conv_tbc(x, w, b, pad).detach(),
                        x.grad, w.grad, b.grad))
    tol = 1e-4 if dtype == "float32" else 1e-10
    compare(*results, rtol=tol, atol=tol)


@pytest.mark.parametrize("shapes", [((5, 2, 3), (3, 4, 4), (4,)), ((5, 3), (3, 3, 4), (4,)),
                                    ((5, 2, 3), (3, 3), (4,)), ((5, 2, 3), (3, 3, 4), (4, 1)),
                                    ((5, 2, 3), (3, 3, 4), (5,))])
def test_conv_tbc_refusals(shapes):
    def outcome(lib):
        try:
            lib.conv_tbc(*(lib.ones(s) for s in shapes), 1)
        except RuntimeError as e:
            return str(e)
    assert outcome(ember) == outcome(torch) is not None


def test_tables_and_helpers():
    E, T = ember.nn.functional, torch.nn.functional
    assert E.GRID_SAMPLE_INTERPOLATION_MODES == T.GRID_SAMPLE_INTERPOLATION_MODES
    assert E.GRID_SAMPLE_PADDING_MODES == T.GRID_SAMPLE_PADDING_MODES
    assert E.has_torch_function is ember.overrides.has_torch_function
    assert E.handle_torch_function is ember.overrides.handle_torch_function
    assert E.Tensor is ember.Tensor
    for F in (E, T):
        assert F.assert_int_or_pair(2, "k", "m") is None
        assert F.assert_int_or_pair((2, 3), "k", "m") is None
        with pytest.raises(AssertionError, match="^bad kernel$"):
            F.assert_int_or_pair((1, 2, 3), "kernel", "bad {}")


def test_boolean_dispatch():
    def run(F):
        f = F.boolean_dispatch("flag", 1, False, lambda x, flag=False: ("T", x),
                               lambda x, flag=False: ("F", x), "mymod", "myfn")
        return f(1), f(1, True), f(1, flag=True), f.__name__, f.__module__
    assert run(ember.nn.functional) == run(torch.nn.functional)
