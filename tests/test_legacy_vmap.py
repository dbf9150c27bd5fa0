"""``torch._vmap_internals`` (the private first vmap libraries still call) and the private
``torch.autograd.functional`` helpers they import, against torch's."""
import warnings

import numpy as np
import pytest

import ember
import ember._vmap_internals as evi
import ember.autograd.functional as EF
from tests.oracle.harness import compare

torch = pytest.importorskip("torch")
import torch._vmap_internals as tvi  # noqa: E402
import torch.autograd.functional as TF  # noqa: E402


def _both(*shapes, seed=0):
    rng = np.random.default_rng(seed)
    arrays = [rng.standard_normal(s) for s in shapes]
    return [ember.tensor(a) for a in arrays], [torch.tensor(a) for a in arrays]


@pytest.mark.parametrize("in_dims,out_dims", [(0, 0), (1, 0), ((0, None), 1), ((1, 0), (0, 1))])
def test_vmap_values(in_dims, out_dims):
    (ex, ey), (tx, ty) = _both((3, 4), (4, 3) if in_dims == (1, 0) else (3, 4))

    def fn(lib):
        def f(x, y):
            return (x * y).sin(), x.sum() + y
        return f
    e = evi._vmap(fn(ember), in_dims, out_dims)(ex, ey)
    t = tvi._vmap(fn(torch), in_dims, out_dims)(tx, ty)
    for a, b in zip(e, t):
        compare(a, b, 1e-12, 1e-12)


def test_none_outputs_pass_through_only_when_allowed():
    (ex,), (tx,) = _both((3, 2))
    e = evi._vmap(lambda x: (x * 2, None), allow_none_pass_through=True)(ex)
    t = tvi._vmap(lambda x: (x * 2, None), allow_none_pass_through=True)(tx)
    compare(e[0], t[0], 0, 0)
    assert e[1] is None and t[1] is None
    assert evi._vmap(lambda x: None, allow_none_pass_through=True)(ex) is None
    for fn in (lambda x: (x * 2, None), lambda x: [x], lambda x: 3.0):
        with pytest.raises(ValueError) as te:
            tvi._vmap(fn)(tx)
        with pytest.raises(ValueError) as ee:
            evi._vmap(fn)(ex)
        assert str(ee.value) == str(te.value)


def test_batched_vector_jacobian_products():
    """What libraries use it for: one backward pass per row of the identity, vectorised."""
    (ex,), (tx,) = _both((4,), seed=1)
    res = []
    for lib, vi, fx, x in ((ember, evi, EF, ex), (torch, tvi, TF, tx)):
        x = x.clone().requires_grad_(True)
        y = (x.sin() * x).cumsum(0)
        (basis,) = fx._construct_standard_basis_for((y,), (y.numel(),))

        def vjp(v, x=x, y=y, lib=lib):
            return lib.autograd.grad(y, x, v, retain_graph=True)[0]
        res.append(vi._vmap(vjp)(basis))
    compare(res[0], res[1], 1e-12, 1e-12)


def test_deprecated_public_alias_warns():
    with warnings.catch_warnings(record=True) as got:
        warnings.simplefilter("always")
        evi.vmap(lambda x: x)(ember.ones(2))
    with warnings.catch_warnings(record=True) as want:
        warnings.simplefilter("always")
        tvi.vmap(lambda x: x)(torch.ones(2))
    assert [(w.category, str(w.message)) for w in got] == \
        [(w.category, str(w.message)) for w in want]


def test_functional_private_helpers():
    (a, b), (ta, tb) = _both((2,), (3, 1))
    compare(EF._construct_standard_basis_for((a, b), (2, 3))[1],
            TF._construct_standard_basis_for((ta, tb), (2, 3))[1], 0, 0)
    assert EF._as_tuple([a]) == (a,) and TF._as_tuple([ta]) == (ta,)
    assert EF._as_tuple(a, "inputs", "jacobian") == (False, (a,))
    assert TF._as_tuple(ta, "inputs", "jacobian") == (False, (ta,))
    nested = ((1, 2), (3, 4))
    for flags in (True, False, (True, False), (False, True), (False, False)):
        assert EF._tuple_postprocess(nested, flags) == TF._tuple_postprocess(nested, flags)
    out = EF._grad_postprocess((a.requires_grad_(True) * 2,), False)
    assert not out[0].requires_grad
