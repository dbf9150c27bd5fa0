"""Registered ops without an oracle entry, each with the reason.  Keep this list small."""
EXEMPT = {
    # name: reason
    "cuda": "the torch oracle is a CPU-only build; ember's FakeCUDA device is covered by "
            "tests/test_device.py",
}
