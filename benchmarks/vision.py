"""torchvision models on Ember vs torchvision on PyTorch: ``resnet50`` (weights=None,
deterministic parameters) in eval mode, forward of a batch of 8 at 224x224, float32.

The torch side needs real torchvision: installed, or the copy the test suite uses
(``~/.cache/ember-tests/torchvision-0.28``, installed by .ci/run)."""
import numpy as np

from .harness import Workload


def _models(lib):
    if lib.__name__ == "ember":
        return lib.vision.models
    try:
        import torchvision
    except ImportError:
        import sys
        from tests.oracle import torchvision_ref
        sys.path.append(str(torchvision_ref.TORCHVISION_DIR))
        torchvision_ref.define_compiled_op_schemas(lib)
        import torchvision
    return torchvision.models


def _resnet50(lib):
    model = _models(lib).resnet50().eval()
    rng = np.random.default_rng(0)
    with lib.no_grad():
        for p in model.parameters():    # the same (small) parameters in both libraries
            p.copy_(lib.tensor(rng.standard_normal(tuple(p.shape), dtype=np.float32) * 0.02))
    x = lib.tensor(rng.standard_normal((8, 3, 224, 224), dtype=np.float32))
    return model, x, lib


def eval_forward(state):
    model, x, lib = state
    with lib.no_grad():
        model(x)


WORKLOADS = [
    Workload("vision_resnet50", "resnet50 eval forward, batch 8, 224x224", _resnet50,
             eval_forward, calls=2, unit="batches/s"),
]
