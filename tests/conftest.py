"""Shared fixtures: a seeded NumPy RNG, the torch oracle (skips when absent) and fake CUDA."""
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
