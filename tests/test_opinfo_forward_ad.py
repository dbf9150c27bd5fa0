"""A few OpInfos through the forward-AD OpInfo runner (``tests/oracle/opinfo_forward_ad.py``),
so that it keeps working; the full run (about 2 minutes) is
``python -m tests.oracle.opinfo_forward_ad``, its counts are in docs/forward_ad.md."""
import pytest

pytest.importorskip("torch")
pytest.importorskip("expecttest")

from tests.oracle import opinfo_adapter as A  # noqa: E402  (after the skips)
from tests.oracle import opinfo_forward_ad as F  # noqa: E402

NAMES = ("sin", "matmul", "nn.functional.avg_pool2d", "nn.functional.interpolate.bilinear",
         "nn.functional.pad.reflect", "nn.functional.layer_norm", "linalg.solve")


@pytest.mark.parametrize("name", NAMES)
def test_opinfo_forward_ad(name):
    op = A.opinfo_by_id(name)
    assert op.supports_forward_ad
    status, first = F.run_opinfo(op, 1)
    assert status == "pass", first
