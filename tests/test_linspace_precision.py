"""linspace bit-for-bit with torch's: the endpoints, their difference and the step are rounded
to the result's precision before the two halves are filled (torchvision's AutoAugment reads
its magnitudes off float32 linspaces)."""
import numpy as np
import pytest

import ember

torch = pytest.importorskip("torch")


@pytest.mark.parametrize("dtype", ["float32"])
def test_linspace_random_endpoints(dtype):
    rng = np.random.default_rng(0)
    for _ in range(100):
        start, end = (float(v) for v in rng.uniform(-10, 10, 2))
        steps = int(rng.integers(0, 40))
        ours = ember.linspace(start, end, steps, dtype=getattr(ember, dtype)).numpy()
        theirs = torch.linspace(start, end, steps, dtype=getattr(torch, dtype)).numpy()
        np.testing.assert_array_equal(ours, theirs)
    np.testing.assert_array_equal(ember.linspace(0.0, 0.9, 10).numpy(),
                                  torch.linspace(0.0, 0.9, 10).numpy())
