"""PyTorch's own keyword names on functions whose Ember parameters were named otherwise:
``torch.t(input=x)``, ``torch.squeeze(input=x, dim=0)`` (and NumPy's ``x=`` / ``a=`` there),
``torch.zero_(input=x)``, ``torch.max(input=a, other=b)``: the same values as torch 2.13."""
import numpy as np
import pytest

import ember

torch = pytest.importorskip("torch")

CALLS = [
    ("t", lambda m, a, b: m.t(input=a)),
    ("squeeze", lambda m, a, b: m.squeeze(input=a[:1])),
    ("squeeze_dim", lambda m, a, b: m.squeeze(input=a[:1], dim=0)),
    ("squeeze_a", lambda m, a, b: m.squeeze(a=a[:1], axis=0)),
    ("squeeze_method", lambda m, a, b: a[:1].squeeze(dim=0)),
    ("zero_", lambda m, a, b: m.zero_(input=a.clone())),
    ("max_other", lambda m, a, b: m.max(input=a, other=b)),
    ("min_other", lambda m, a, b: m.min(a, other=b)),
    ("max_method_other", lambda m, a, b: a.max(other=b)),
    ("max_dim", lambda m, a, b: m.max(input=a, dim=1).values),
]


@pytest.mark.parametrize("name", [c[0] for c in CALLS])
def test_keyword_names_as_torch(name):
    fn = dict(CALLS)[name]
    rng = np.random.default_rng(0)
    a, b = rng.standard_normal((2, 3, 4)).astype(np.float32)
    want = fn(torch, torch.tensor(a), torch.tensor(b))
    got = fn(ember, ember.tensor(a), ember.tensor(b))
    assert got.shape == want.shape and str(got.dtype) == str(want.dtype)
    np.testing.assert_array_equal(got.numpy(), want.numpy())


def test_max_other_and_dim_together_fail_as_in_torch():
    for mod in (torch, ember):
        with pytest.raises(TypeError):
            mod.max(mod.ones(2), 0, other=mod.ones(2))
