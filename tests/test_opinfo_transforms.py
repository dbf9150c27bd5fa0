"""A few OpInfos through the vmap OpInfo runner (``tests/oracle/opinfo_vmap.py``): one per
kind of batching rule, and the rules written for that runner's findings.  The full run (both
transforms, a few minutes) is ``python -m tests.oracle.opinfo_adapter --transforms``; its
counts are in docs/conformance.md.  (The forward-AD runner has ``test_opinfo_forward_ad.py``.)"""
import pytest

pytest.importorskip("torch")
pytest.importorskip("expecttest")

from tests.oracle import opinfo_adapter as A  # noqa: E402  (after the skips)
from tests.oracle import opinfo_vmap as V  # noqa: E402

NAMES = ("sin", "add", "matmul", "sum", "cat", "nn.functional.conv2d", "linalg.svd",
         "index_select", "index_add", "index_reduce.amax", "slice_scatter", "diagonal_copy",
         "cross", "var.unbiased", "kron", "masked_scatter", "put", "histc",
         "nn.functional.conv_transpose2d", "nn.functional.max_unpool2d",
         "nn.functional.multi_margin_loss", "cumulative_trapezoid", "linspace.tensor_overload",
         "__rpow__", "stft", "block_diag", "bincount", "index_put", "native_layer_norm",
         "linalg.vander", "isin", "bucketize", "unsafe_chunk")


@pytest.mark.parametrize("name", NAMES)
def test_opinfo_vmap(name):
    (op,) = [op for op in A.op_db() if A.opinfo_id(op) == name]
    status, first = V.run_opinfo(op, 1)
    assert status == "pass", first
