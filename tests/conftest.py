"""Shared fixtures: a seeded ember RNG for every test, a seeded NumPy RNG, the torch oracle (skips when absent) and fake CUDA."""
import pathlib
import sys

import numpy as np
import pytest

ROOT = str(pathlib.Path(__file__).resolve().parent.parent)
if ROOT not in sys.path:    # so that ``tests.oracle`` imports the same way everywhere
    sys.path.insert(0, ROOT)


def require_torch():
    """The torch module, or skip the test (the oracle is a test-only dependency)."""
    return pytest.importorskip("torch")


@pytest.fixture(autouse=True)
def _seeded_ember():
    """Every test starts from the same ember RNG state, whatever ran before it on its worker
    (statistical checks of samplers would otherwise depend on test order)."""
    import ember
    ember.manual_seed(20261123)


@pytest.fixture(autouse=True)
def _torch_distribution_validation():
    """The oracle validates distribution arguments by default, whatever ran before: the first
    real ``torch.compile`` in a process (tests compare ember's compile with it) switches torch's
    default off for good (torch._dynamo's TorchPatcher)."""
    dist = sys.modules.get("torch.distributions")
    if dist is not None:
        dist.Distribution.set_default_validate_args(True)


@pytest.fixture
def rng():
    return np.random.default_rng(0)


@pytest.fixture
def torch():
    return require_torch()


@pytest.fixture
def fake_cuda():
    """Make ``cuda`` devices resolve to the NumPy-backed fake for one test."""
    from ember import _backend
    was = _backend.fake_cuda_enabled()
    _backend.enable_fake_cuda(True)
    try:
        yield
    finally:
        _backend.enable_fake_cuda(was)


@pytest.fixture(autouse=True)
def _test_device(request):
    """``EMBER_TEST_DEVICE=cuda``: ember's factory functions (``ember.tensor``, ``randn``, ...)
    make their tensors there, so a test module written for the CPU runs its ember side on the
    GPU, or on the strict CuPy-shaped backend with ``EMBER_FAKE_CUDA=strict`` (CI's
    strict-backend job)."""
    import os
    dev = os.environ.get("EMBER_TEST_DEVICE")
    if not dev or request.node.get_closest_marker("cpu_only"):
        yield
        return
    import ember
    ember.set_default_device(dev)
    try:
        yield
    finally:
        ember.set_default_device(None)
