"""Real torchvision 0.28 as a test oracle, beside the CPU torch 2.13.

PyPI's torchvision 0.28 wheel is a CUDA build: its compiled ops (nms, roi_align, image codecs)
cannot load next to the CPU torch, and its import then fails registering fake kernels for
``torchvision::nms`` / ``qnms``.  Defining those two op schemas first lets the pure-Python
parts import — box ops, losses, layers, models, transforms, the pure-torch ``_roi_align`` —
which are what the tests compare with.  ``.ci/run`` installs the wheel (``--no-deps``) into
``TORCHVISION_DIR``; tests that need it skip when it is absent.
"""
import os
import pathlib
import sys

import pytest

TORCHVISION_DIR = pathlib.Path(os.environ.get(
    "EMBER_TEST_TORCHVISION", pathlib.Path.home() / ".cache" / "ember-tests" / "torchvision-0.28"))
_SCHEMAS = ("nms(Tensor dets, Tensor scores, float iou_threshold) -> Tensor",
            "qnms(Tensor dets, Tensor scores, float iou_threshold) -> Tensor")
_cache = []


def define_compiled_op_schemas(torch):
    """Declare the compiled ops torchvision registers fake kernels for (once a process)."""
    try:
        torch.ops.torchvision.nms
    except (AttributeError, RuntimeError):
        lib = torch.library.Library("torchvision", "DEF")
        for schema in _SCHEMAS:
            lib.define(schema)
        _cache.append(lib)   # the Library must stay alive for the schemas to stay defined


def load():
    """The real torchvision module, or skip the test."""
    torch = pytest.importorskip("torch")
    if "torchvision" in sys.modules:
        return sys.modules["torchvision"]
    if not (TORCHVISION_DIR / "torchvision" / "__init__.py").is_file():
        pytest.skip(f"real torchvision 0.28 not installed in {TORCHVISION_DIR} (see .ci/run)")
    if str(TORCHVISION_DIR) not in sys.path:
        sys.path.append(str(TORCHVISION_DIR))
    define_compiled_op_schemas(torch)
    import torchvision
    return torchvision
