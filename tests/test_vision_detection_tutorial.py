"""PyTorch's "TorchVision Object Detection Finetuning Tutorial" (Mask R-CNN on a small synthetic
PennFudan-like dataset the script generates) runs unmodified under ``python -m ember.run``.
(Real torchvision cannot run it beside the CPU torch of the tests: its image decoders are
compiled ops, so the check is the structure torchvision's training and prediction dicts have.)"""
import pytest

from tests.test_runner import SCRIPTS, ok, run_ember

pytest.importorskip("PIL")
LOSSES = "['loss_box_reg', 'loss_classifier', 'loss_mask', 'loss_objectness', 'loss_rpn_box_reg']"


@pytest.mark.slow   # a Mask R-CNN trained for two steps (about 20 CPU-seconds)
def test_maskrcnn_finetuning_tutorial_runs():
    lines = ok(run_ember(SCRIPTS / "maskrcnn_finetuning.py")).splitlines()
    assert lines == [f"step 0 {LOSSES} finite: True", f"step 1 {LOSSES} finite: True",
                     "prediction keys: ['boxes', 'labels', 'masks', 'scores'] masks: (1, 96, 112)"]
