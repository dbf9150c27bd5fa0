"""Complex autograd against PyTorch's OpInfo database: for every OpInfo that supports complex128
and autograd, its first few complex128 samples — values and gradients (torch's conjugate
Wirtinger convention) — equal torch's.  The float32 sweep (test_opinfo.py) never sees them."""
import warnings

import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("expecttest")

from tests.oracle import opinfo_adapter as A  # noqa: E402  (after the skips)

SAMPLES = 4


# (the cached list of ids: collection does not import the database; see opinfo_ids)
@pytest.mark.parametrize("oid", A.opinfo_ids("complex128-autograd"))
def test_complex128_values_and_gradients(oid):
    op = A.opinfo_by_id(oid)
    efn = A.ember_callable(op)
    if efn is None:
        pytest.skip("not implemented in ember")
    ran = 0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for i, sample in enumerate(A.samples(op, SAMPLES, torch.complex128)):
            values = oid not in A.VALUES_UNDEFINED and not A.draws_random(oid, sample)
            grads = not A.torch_gradient_wrong(oid, sample)
            result = A.run_sample(op, efn, sample, seed=i, values=values,
                                  unique=oid not in A.NON_UNIQUE, grads=grads)
            ran += result is None
    if not ran:
        pytest.skip("every sample needs something ember has no counterpart for")
