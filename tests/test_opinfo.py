"""ember against PyTorch's OpInfo database: one test per OpInfo, over its first
``EMBER_OPINFO_SAMPLES`` (default 20) float32 samples; it passes if every sample passes.
OpInfos ember does not implement are skipped; known failures are xfail (``opinfo_skips``)."""
import pytest

pytest.importorskip("torch")
pytest.importorskip("expecttest")

from tests import isolated  # noqa: E402
from tests.oracle import opinfo_adapter as A  # noqa: E402  (after the skips)
from tests.oracle.opinfo_skips import XFAIL  # noqa: E402

SKIP_STATUS = {"not implemented": "not implemented in ember",
               "no dtype": "OpInfo has no float32, float64, complex64, int64 or bool samples",
               "no samples": "every sample needs something ember has no counterpart for"}


# OpInfos whose samples take over 5 CPU-seconds (grid_sampler_3d: 7, and +400 MB, which on top
# of the worker that holds the database passed 1 GB: they run in a process of their own)
SLOW = {"grid_sampler_3d"}


def _params():
    for oid in A.opinfo_ids():
        marks = [pytest.mark.xfail(reason=XFAIL[oid], strict=False)] if oid in XFAIL else []
        marks += [pytest.mark.slow] if oid in SLOW else []
        yield pytest.param(oid, id=oid, marks=marks)


# (with ``--dist loadfile`` only the xdist worker that runs this file imports the database)
@pytest.mark.parametrize("oid", list(_params()))
def test_opinfo(oid):
    status, passed, total, first = isolated.run(_run, oid) if oid in SLOW else _run(oid)
    if status in SKIP_STATUS:
        pytest.skip(SKIP_STATUS[status])
    assert status == "pass", f"{passed}/{total} samples pass; {first}"


def _run(oid):
    return A.run_opinfo(A.opinfo_by_id(oid))
