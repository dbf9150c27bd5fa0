"""``einsum`` of three or more operands in opt_einsum's order (``backends.opt_einsum``), and the
sublist form, against torch."""
import numpy as np
import pytest
import torch

import ember

pytest.importorskip("opt_einsum")

_EQUATIONS = [
    ("ij,jk,kl->il", [(3, 4), (4, 5), (5, 2)]),
    ("bi,ij,j->b", [(6, 4), (4, 7), (7,)]),
    ("ij,jk,kl,lm->im", [(3, 8), (8, 2), (2, 9), (9, 4)]),
    ("...ij,...jk,k->...i", [(2, 3, 4), (1, 4, 5), (5,)]),
    ("ii,ij,jk", [(4, 4), (4, 3), (3, 2)]),
    ("abc,cd,bd,a->", [(2, 3, 4), (4, 5), (3, 5), (2,)]),
    ("ij,jk,kl->li", [(5, 3), (3, 6), (6, 4)]),
]


def _operands(shapes, dtype, seed):
    rng = np.random.default_rng(seed)
    return [rng.standard_normal(s).astype(dtype) for s in shapes]


def _run(lib, equation, arrays, **flags):
    ts = [lib.tensor(a, requires_grad=True) for a in arrays]
    with lib.backends.opt_einsum.flags(**flags):
        out = lib.einsum(equation, *ts)
    (out * out).sum().backward()
    return [out.detach().numpy()] + [t.grad.numpy() for t in ts]


@pytest.mark.parametrize("flags", [dict(enabled=True, strategy="auto"),
                                   dict(enabled=True, strategy="greedy"),
                                   dict(enabled=True, strategy="optimal"),
                                   dict(enabled=False)], ids=lambda f: str(f.get("strategy")))
@pytest.mark.parametrize("dtype,tol", [("float64", 1e-12), ("float32", 2e-5)])
@pytest.mark.parametrize("case", range(len(_EQUATIONS)))
def test_values_and_grads_as_torch(case, dtype, tol, flags):
    equation, shapes = _EQUATIONS[case]
    arrays = _operands(shapes, dtype, case)
    for got, expected in zip(_run(ember, equation, arrays, **flags),
                             _run(torch, equation, arrays, **flags)):
        assert got.dtype == expected.dtype and got.shape == expected.shape
        np.testing.assert_allclose(got, expected, rtol=tol, atol=tol)


def test_non_contiguous_operands():
    arrays = _operands([(5, 3), (4, 5), (6, 4)], "float64", 7)
    results = []
    for lib in (ember, torch):
        a, b, c = (lib.tensor(x) for x in arrays)
        results.append(lib.einsum("ji,kj,lk->il", a.t().t(), b, c.t().contiguous().t()).numpy())
    np.testing.assert_allclose(*results, rtol=1e-12)


def _sublist_calls(lib):
    a = lib.arange(12.0).reshape(3, 4)
    b = lib.arange(20.0).reshape(4, 5)
    c = lib.arange(5.0)
    out = [lib.einsum(a, [0, 1], b, [1, 2], [0, 2]),
           lib.einsum(a, [0, 1], b, [1, 2], c, [2], [0]),
           lib.einsum(a, [0, Ellipsis], a, [0, Ellipsis]),
           lib.einsum(a, [30, 51], [51, 30])]
    errors = []
    for call in (lambda: lib.einsum(a, [0, 52]), lambda: lib.einsum("ij"),
                 lambda: lib.einsum(a)):
        try:
            call()
        except ValueError as e:
            errors.append(str(e))
    return [t.numpy() for t in out], errors


def test_sublist_form_as_torch():
    got, expected = _sublist_calls(ember), _sublist_calls(torch)
    for g, e in zip(got[0], expected[0]):
        np.testing.assert_array_equal(g, e)
    assert got[1] == expected[1]


def _switches(lib):
    oe = lib.backends.opt_einsum
    seen = [(oe.is_available(), oe.enabled, oe.strategy, oe.get_opt_einsum() is not None)]
    with oe.flags(strategy="greedy"):
        seen.append((oe.enabled, oe.strategy))
        with oe.flags(enabled=False):
            seen.append((oe.enabled, oe.strategy))
    seen.append((oe.enabled, oe.strategy))
    for args in ((None, "fastest"), (False, "auto")):
        try:
            oe.set_flags(*args)
        except ValueError as e:
            seen.append(str(e))
        oe.set_flags(True, "auto")
    return seen


def test_switches_as_torch():
    assert _switches(ember) == _switches(torch)


def test_under_vmap_in_sublist_form():
    x = ember.randn(3, 4, 5)
    w = ember.randn(5, 2)
    got = ember.vmap(lambda t: ember.einsum(t, [0, 1], w, [1, 2], [0, 2]))(x)
    np.testing.assert_allclose(got.numpy(), np.einsum("bij,jk->bik", x.numpy(), w.numpy()),
                               rtol=1e-5)


def test_zero_dim_operands():
    for call in (lambda lib: lib.einsum(",->", lib.tensor(2.0), lib.tensor(3.0)),
                 lambda lib: lib.einsum(",,->", lib.tensor(2.0), lib.tensor(3.0), lib.tensor(0.5)),
                 lambda lib: lib.tensordot(lib.tensor(2.0), lib.tensor(3.0), dims=0),
                 lambda lib: lib.tensordot(lib.tensor(2.0), lib.arange(3.0), dims=0)):
        np.testing.assert_array_equal(call(ember).numpy(), call(torch).numpy())
