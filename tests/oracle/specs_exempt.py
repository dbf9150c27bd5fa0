"""Registered ops without an oracle entry, each with the reason.  Keep this list small."""
EXEMPT = {
    # name: reason
    "cuda": "the torch oracle is a CPU-only build; ember's FakeCUDA device is covered by "
            "tests/test_device.py",
    "ctc_loss": "needs length arrays and log_softmax-normalised inputs (torch's CTC gradient "
                "is exact only for those); compared with torch in tests/test_nn_loss.py",
}
