"""as_strided_scatter's gradients by finite differences (torch 2.13's input gradient is wrong,
so the oracle harness compares only its values; tests/oracle/specs_copies.py)."""
import numpy as np
import pytest

import ember


@pytest.mark.parametrize("shape, size, stride, offset", [
    ((3, 4), (2, 2), (1, 2), 0), ((3, 4), (3,), (4,), 1), ((16,), (2, 2, 2, 2), (8, 4, 2, 1), 0),
    ((3, 3), (2, 2), (2, 1), 1)])
def test_as_strided_scatter_gradcheck(shape, size, stride, offset):
    rng = np.random.default_rng(0)
    x = ember.tensor(rng.standard_normal(shape), requires_grad=True)
    src = ember.tensor(rng.standard_normal(size), requires_grad=True)

    def f(a, b):
        return ember.as_strided_scatter(a, b, size, stride, offset)
    assert ember.autograd.gradcheck(f, (x, src))
    assert ember.autograd.gradgradcheck(f, (x, src))
